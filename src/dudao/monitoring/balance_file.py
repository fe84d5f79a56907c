"""A county's own spreadsheet, checked without loading it into Dudao: `dudao balance FILE`.

One row per school stage section: name, stage (小学/初中), pupils and the indicator values (per
pupil or per 100 pupils, as published). The file is read by the import engine's reader
(`dudao.imports.reader`: .xlsx/.xls/.ods, CSV in UTF-8 or GBK), the numbers go through the same
pure functions as the stored results (`indicators.evaluate_stage`), and every problem is reported
by row and column in Chinese. The template (`template_write`) is the same file the web page offers.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from dudao.monitoring import indicators as ind
from dudao.monitoring.standards import JUNIOR, PRIMARY, QUALITY_2017, STAGE_LABELS, Scheme, get_scheme

NAME, STAGE, STUDENTS, CODE, COUNTY, POINT = "学校名称", "学段", "在校生数", "学校标识码", "区县", "教学点"
STAGE_VALUES = {"小学": PRIMARY, "初中": JUNIOR, "primary": PRIMARY, "junior": JUNIOR}
YES = {"是", "Y", "y", "yes", "true", "1", "√"}
NO = {"否", "N", "n", "no", "false", "0", ""}
MAX_ERRORS = 200


class BalanceFileError(Exception):
    """The file cannot be evaluated; `errors` are (row, column, message) for people, in Chinese."""

    def __init__(self, message: str, errors: list[tuple[int, str, str]] | None = None):
        super().__init__(message)
        self.message = message
        self.errors = errors or []

    def lines(self) -> list[str]:
        out = [self.message]
        for row, column, message in self.errors[:MAX_ERRORS]:
            where = f"第 {row} 行" if row else "表头"
            out.append(f"  {where}“{column}”：{message}" if column else f"  {where}：{message}")
        if len(self.errors) > MAX_ERRORS:
            out.append(f"  ……另有 {len(self.errors) - MAX_ERRORS} 处错误未列出")
        return out


def indicator_header(item) -> str:
    return f"{item.label}（{item.unit}）"


def headers(scheme: Scheme) -> list[str]:
    return [f"*{NAME}", f"*{STAGE}", f"*{STUDENTS}", CODE, COUNTY, POINT] + [indicator_header(i) for i in scheme.indicators]


def _norm(title: str) -> str:
    """Header text without '*', spaces, line breaks, and full-width/half-width bracket differences."""
    text = str(title or "").replace("\u3000", "").replace(" ", "").replace("\n", "").strip().strip("*")
    return text.replace("（", "(").replace("）", ")").replace("、", "").replace(",", "").replace("，", "")


def _without_unit(text: str) -> str:
    """'生均教学及辅助用房面积(㎡)' → '生均教学及辅助用房面积' (one trailing bracket group)."""
    return re.sub(r"\([^()]*\)$", "", text)


def _column_names(scheme: Scheme) -> dict[str, str]:
    """normalised header → key (NAME, STAGE, … or an indicator code)."""
    names = {_norm(k): k for k in (NAME, STAGE, STUDENTS, CODE, COUNTY, POINT)}
    names.update({"学校": NAME, "在校学生数": STUDENTS, "学生数": STUDENTS, "县市区": COUNTY, "是否教学点": POINT})
    for item in scheme.indicators:
        for alias in (indicator_header(item), item.label, item.short, item.code, item.code.lower()):
            if alias:
                names.setdefault(_norm(alias), item.code)
                names.setdefault(_without_unit(_norm(alias)), item.code)
    return names


def _lookup(names: dict[str, str], title: str) -> str | None:
    text = _norm(title)
    return names.get(text) or names.get(_without_unit(text))


@dataclass
class BalanceRow:
    row: int
    name: str
    stage: str
    students: int
    values: dict[str, float | None]
    code: str = ""
    county: str = ""
    teaching_point: bool = False


@dataclass
class BalanceInput:
    scheme: Scheme
    rows: list[BalanceRow]
    encoding: str = ""
    missing_columns: list[str] = field(default_factory=list)  # indicator columns absent from the file


def _number(cell: Any) -> Decimal | None:
    if cell is None:
        return None
    if isinstance(cell, bool):
        raise ValueError("不是数值")
    if isinstance(cell, (int, float)):
        if cell != cell or cell in (float("inf"), float("-inf")):
            raise ValueError("不是有限数值")
        return Decimal(str(cell))
    text = str(cell).strip().replace(",", "").replace("，", "").replace(" ", "")
    if text in {"", "-", "—", "/"}:
        return None
    try:
        value = Decimal(text.rstrip("%"))
    except InvalidOperation:
        raise ValueError(f"“{cell}”不是数值") from None
    if not value.is_finite():
        raise ValueError(f"“{cell}”不是有限数值")
    return value


def _open_table(path: Path, original_name: str | None):
    """The file's table (`imports.reader.read_table`); an unknown file type or an unreadable file
    raises BalanceFileError."""
    from dudao.imports.reader import FileProblem, read_table

    if not path.exists():
        raise BalanceFileError(f"找不到文件：{path}")
    suffix = Path(original_name or path.name).suffix.lower()
    if suffix not in {".csv", ".xlsx", ".xlsm", ".xls", ".ods"}:
        raise BalanceFileError(f"不支持的文件类型“{suffix or '无扩展名'}”：请使用 .xlsx、.xls 或 .csv 文件。")
    try:
        return read_table(path, original_name or path.name)
    except FileProblem as exc:
        raise BalanceFileError(str(exc)) from None


def _header_positions(header: Sequence[Any], sch: Scheme) -> dict[str, int]:
    """{column key: position} read from the header; a repeated column, a missing required column
    or no indicator column at all raises BalanceFileError listing each."""
    names = _column_names(sch)
    positions: dict[str, int] = {}
    errors: list[tuple[int, str, str]] = []
    for index, title in enumerate(header):
        key = _lookup(names, title)
        if key is None:
            continue
        if key in positions:
            errors.append((0, title, "列名重复"))
            continue
        positions[key] = index
    for required in (NAME, STAGE, STUDENTS):
        if required not in positions:
            errors.append((0, required, "缺少必填列：请使用 `dudao balance --template` 生成的模板，不要修改表头"))
    found = [c for c in sch.codes if c in positions]
    if not found:
        errors.append((0, "", f"没有任何{sch.label}指标列：请检查评估办法（--scheme）与表头是否一致"))
    if errors:
        raise BalanceFileError("表头与模板不一致，无法计算。", errors)
    return positions


def _refuse_other_scheme(header: Sequence[Any], sch: Scheme, positions: Mapping[str, int]) -> None:
    """When indicator columns are missing and the header is another scheme's whole header, say
    which --scheme the file was made for."""
    if all(c in positions for c in sch.codes):
        return
    from dudao.monitoring.standards import SCHEMES

    for other in SCHEMES.values():
        other_names = _column_names(other)
        if other.code != sch.code and all(any(_lookup(other_names, t) == c for t in header) for c in other.codes):
            raise BalanceFileError(
                f"该文件是“{other.label}”的表头，缺少“{sch.label}”的指标列："
                f"请加参数 --scheme {other.code}，或改用对应的模板。")


def _students(value: Any, rownum: int, errors: list[tuple[int, str, str]]) -> int:
    """The pupils' count of a row: a whole number ≥ 0, required (0 and a problem added to
    `errors` otherwise)."""
    try:
        count = _number(value)
    except ValueError as exc:
        errors.append((rownum, STUDENTS, str(exc)))
        return 0
    if count is None:
        errors.append((rownum, STUDENTS, "必填项为空"))
    elif count < 0:
        errors.append((rownum, STUDENTS, "不能为负数"))
    elif count != count.to_integral_value():
        errors.append((rownum, STUDENTS, f"应为整数（{count}）"))
    else:
        return int(count)
    return 0


def _read_row(rownum: int, cells: list[Any], positions: Mapping[str, int], sch: Scheme,
              seen: dict[tuple[str, str, str], int]) -> tuple[BalanceRow | None, list[tuple[int, str, str]]]:
    """One data row: the BalanceRow, or None and every problem of the row. `seen` holds the rows
    read so far by (county, stage, name), to refuse the same school twice."""

    def cell(key: str):
        index = positions.get(key)
        if index is None or index >= len(cells):
            return None
        value = cells[index]
        return None if isinstance(value, str) and not value.strip() else value

    row_errors: list[tuple[int, str, str]] = []
    name = str(cell(NAME) or "").strip()
    if not name:
        row_errors.append((rownum, NAME, "必填项为空"))
    stage_text = str(cell(STAGE) or "").strip()
    stage = STAGE_VALUES.get(stage_text)
    if not stage_text:
        row_errors.append((rownum, STAGE, "必填项为空"))
    elif stage is None:
        row_errors.append((rownum, STAGE, f"“{stage_text}”不是可计算的学段：只能填“小学”或“初中”（九年一贯制学校每个学段填一行）"))
    students = _students(cell(STUDENTS), rownum, row_errors)
    values: dict[str, float | None] = {}
    for code in sch.codes:
        item = sch.indicator(code)
        try:
            value = _number(cell(code))
        except ValueError as exc:
            row_errors.append((rownum, indicator_header(item), str(exc)))
            continue
        if value is not None and value < 0:
            row_errors.append((rownum, indicator_header(item), "不能为负数"))
            continue
        values[code] = None if value is None else float(value)
    point_text = str(cell(POINT) or "").strip()
    if point_text not in YES | NO:
        row_errors.append((rownum, POINT, f"“{point_text}”无法识别：请填“是”或“否”"))
    county = str(cell(COUNTY) or "").strip()
    key = (county, stage or "", name)
    if name and stage and key in seen:
        row_errors.append((rownum, NAME, f"同一学段的学校与第 {seen[key]} 行重复"))
    elif name and stage:
        seen[key] = rownum
    if row_errors or stage is None:
        return None, row_errors
    code_cell = cell(CODE)
    code_text = "" if code_cell is None else (str(int(code_cell)) if isinstance(code_cell, float) and code_cell.is_integer()
                                              else str(code_cell).strip())
    return BalanceRow(rownum, name, stage, students, values, code_text, county, point_text in YES), []


def read_balance_file(path: str | Path, *, scheme: str | Scheme = QUALITY_2017, original_name: str | None = None) -> BalanceInput:
    """Parse the file; raises BalanceFileError listing every header, row and cell problem."""
    sch = scheme if isinstance(scheme, Scheme) else get_scheme(scheme)
    table = _open_table(Path(path), original_name)
    positions = _header_positions(table.header, sch)
    _refuse_other_scheme(table.header, sch, positions)

    rows: list[BalanceRow] = []
    errors: list[tuple[int, str, str]] = []
    seen: dict[tuple[str, str, str], int] = {}
    for rownum, raw in enumerate(table.rows, start=table.header_row + 1):
        cells = list(raw or [])
        if not cells or all(c is None or str(c).strip() == "" for c in cells):
            continue
        row, row_errors = _read_row(rownum, cells, positions, sch, seen)
        errors.extend(row_errors)
        if row is not None:
            rows.append(row)
    if errors:
        raise BalanceFileError(f"发现 {len(errors)} 处错误，未计算：请修改后重试。", errors)
    if not rows:
        raise BalanceFileError("文件中没有数据行：请在表头下方每行填写一所学校（一个学段）。")
    return BalanceInput(sch, rows, table.encoding, [indicator_header(sch.indicator(c)) for c in sch.codes if c not in positions])


# --------------------------------------------------------------------------------------------
# Evaluation and output
# --------------------------------------------------------------------------------------------


@dataclass
class BalanceGroup:
    county: str
    stage: str
    evaluation: ind.StageEvaluation
    rows: dict[int, BalanceRow]


def evaluate_file(data: BalanceInput) -> list[BalanceGroup]:
    """Per county column value (one group when the column is absent) and stage, in file order."""
    from dudao.monitoring.standards import BASIC_2012, TEACHING_POINT_MIN_STUDENTS

    grouped: dict[tuple[str, str], list[BalanceRow]] = {}
    for row in data.rows:
        grouped.setdefault((row.county, row.stage), []).append(row)
    first: dict[str, int] = {}
    for row in data.rows:
        first.setdefault(row.county, len(first))
    order = sorted(grouped, key=lambda k: (first[k[0]], k[1] != PRIMARY))  # counties in file order, 小学 first
    groups = []
    for county, stage in order:
        members = grouped[(county, stage)]
        inputs = []
        for r in members:
            reason = None
            if r.teaching_point and data.scheme.code == BASIC_2012:
                reason = "teaching_point"
            elif r.teaching_point and r.students < TEACHING_POINT_MIN_STUDENTS:
                reason = "teaching_point_small"
            inputs.append(ind.SchoolInput(r.row, r.name, r.students, r.values, reason))
        evaluation = ind.evaluate_stage(inputs, scheme=data.scheme, stage=stage)
        groups.append(BalanceGroup(county, stage, evaluation, {r.row: r for r in members}))
    return groups


VERDICT_LABELS = {ind.PASS: "达标", ind.FAIL: "未达标", ind.INSUFFICIENT: "数据不足，无法判定"}
STATUS_LABELS = {"single_school": "仅 1 所学校", "no_schools": "没有学校", "zero_students": "在校生为 0",
                 "zero_mean": "均值为 0"}


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _width(text: str) -> int:
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _pad(text: str, width: int, right: bool = False) -> str:
    gap = max(0, width - _width(text))
    return " " * gap + text if right else text + " " * gap


def render_text(data: BalanceInput, groups: list[BalanceGroup], *, source: str = "") -> str:
    sch = data.scheme
    lines = [f"均衡发展指标计算 · {sch.label} · {sch.source}"]
    if source:
        lines.append(f"文件：{source}" + (f"（{data.encoding}）" if data.encoding else "") + f"，{len(data.rows)} 行学校数据")
    if data.missing_columns:
        lines.append("注意：文件中没有以下指标列，按缺失处理：" + "、".join(data.missing_columns))
    lines.append("差异系数 = 按在校生加权的标准差 ÷ 全县生均值（比较时不四舍五入，显示保留 3 位小数）")
    for group in groups:
        ev = group.evaluation
        stage_label = STAGE_LABELS[group.stage]
        title = f"{group.county} · {stage_label}" if group.county else stage_label
        lines += ["", f"=== {title}：参评 {len(ev.schools)} 所，在校生 {int(ev.students)} 人 ==="]
        limit = sch.cv_limit_for(group.stage)
        lines.append(_pad("指标", 52) + _pad("全县生均", 12, True) + _pad("差异系数", 12, True) + _pad("限值", 8, True) + "  结论")
        for item in sch.indicators:
            r = ev.cv[item.code]
            verdict = ev.cv_pass[item.code]
            word = "—" if limit is None else ("达标" if verdict else "超标" if verdict is False else "无法计算")
            note = f"（{STATUS_LABELS[r.status]}）" if r.status in STATUS_LABELS else ""
            if r.excluded:
                note += f"（{len(r.excluded)} 所缺失）"
            lines.append(_pad(f"{item.code} {item.label}", 52) + _pad(_fmt(r.mean, 2), 12, True) + _pad(_fmt(r.cv), 12, True)
                         + _pad("—" if limit is None else f"≤{limit:.2f}", 8, True) + f"  {word}{note}")
        if sch.composite_cv_limit is not None:
            climit = sch.composite_limit_for(group.stage)
            lines.append(f"综合差异系数（{len(sch.codes)} 项平均）：{_fmt(ev.composite_cv)}，限值 ≤{climit:.2f}")
        standards = sch.standards_for(group.stage)
        if standards is not None:
            rule = f"至少 {sch.school_min_met} 项达到标准，余项不低于标准的 {sch.school_rest_ratio:.0%}"
            lines += ["", f"学校达标情况（{rule}；✓ 达标，✗ 未达标并注明占标准的百分比，— 缺失）"]
            lines.append("标准：" + "，".join(f"{c} ≥ {standards[c]:g}" for c in sch.codes))
            for outcome in ev.schools:
                v = outcome.verdict
                marks = []
                for code in sch.codes:
                    met = v.met[code]
                    if met is None:
                        marks.append(f"{code}—")
                    elif met:
                        marks.append(f"{code}✓")
                    else:
                        marks.append(f"{code}✗{(v.ratios[code] or 0) * 100:.1f}%")
                word = {True: "达标", False: "未达标", None: "无法判定"}[v.passes]
                lines.append(f"  第{outcome.key}行 {outcome.name}（{int(outcome.students)} 人）：达标 {v.met_count} 项 "
                             + " ".join(marks) + f" → {word}")
        else:
            lines.append("（基本均衡办法不设全国统一的单校标准：只计算差异系数）")
        if ev.excluded:
            lines.append("未纳入计算：" + "；".join(f"第{key}行 {name}（{ind.REASON_LABELS.get(reason, reason)}）"
                                                  for key, name, reason in ev.excluded))
        if ev.partial:
            lines.append("部分指标缺失（该指标不计入，其余照常计算）：" + "；".join(
                f"第{key}行 {name}（{'、'.join(codes)}）" for key, name, codes in ev.partial))
        lines.append(f"结论：{VERDICT_LABELS[ev.verdict]}" + (f"（{'；'.join(ev.reasons)}）" if ev.reasons else ""))
    return "\n".join(lines) + "\n"


def as_json(data: BalanceInput, groups: list[BalanceGroup], *, source: str = "") -> str:
    sch = data.scheme
    out: dict[str, Any] = {
        "scheme": sch.code, "scheme_label": sch.label, "source": sch.source, "file": source, "encoding": data.encoding,
        "missing_columns": data.missing_columns, "groups": [],
    }
    for group in groups:
        ev = group.evaluation
        out["groups"].append({
            "county": group.county, "stage": group.stage, "stage_label": STAGE_LABELS[group.stage],
            "schools_counted": len(ev.schools), "students": int(ev.students), "schools_passing": ev.schools_passing,
            "cv_limit": sch.cv_limit_for(group.stage), "composite_cv_limit": sch.composite_limit_for(group.stage),
            "indicators": [
                {"code": item.code, "label": item.label, "unit": item.unit, "standard": item.standard_for(group.stage),
                 "mean": ev.cv[item.code].mean, "cv": ev.cv[item.code].cv, "cv_display": ind.cv_display(ev.cv[item.code].cv),
                 "cv_pass": ev.cv_pass[item.code], "status": ev.cv[item.code].status, "schools": ev.cv[item.code].schools}
                for item in sch.indicators
            ],
            "composite_cv": ev.composite_cv, "verdict": ev.verdict, "reasons": list(ev.reasons),
            "schools": [
                {"row": o.key, "name": o.name, "code": group.rows[o.key].code, "students": int(o.students), "values": o.values,
                 "met": o.verdict.met if o.verdict else None, "met_count": o.verdict.met_count if o.verdict else None,
                 "passes": o.verdict.passes if o.verdict else None}
                for o in ev.schools
            ],
            "excluded": [{"row": k, "name": n, "reason": r, "reason_label": ind.REASON_LABELS.get(r, r)} for k, n, r in ev.excluded],
            "partial": [{"row": k, "name": n, "missing": list(c)} for k, n, c in ev.partial],
        })
    return json.dumps(out, ensure_ascii=False, indent=2)


# --------------------------------------------------------------------------------------------
# Template
# --------------------------------------------------------------------------------------------


def template_rows(scheme: Scheme) -> list[list]:
    """Two example rows (a primary and a junior section) that meet every standard of 优质均衡."""
    if scheme.code == QUALITY_2017:
        return [
            ["宁乡市示例小学", "小学", 1200, "4301820001", "宁乡市", "否", 4.5, 1.2, 1.0, 4.8, 8.0, 2300, 2.5],
            ["宁乡市示例中学", "初中", 900, "4301820002", "宁乡市", "否", 5.6, 1.1, 1.0, 6.1, 11.0, 2800, 2.6],
        ]
    return [
        ["宁乡市示例小学", "小学", 1200, "4301820001", "宁乡市", "否", 4.8, 8.0, 2300, 12.5, 30, 5.6, 4.5, 2.8],
        ["宁乡市示例中学", "初中", 900, "4301820002", "宁乡市", "否", 6.1, 11.0, 2800, 14.0, 40, 8.2, 6.9, 3.9],
    ]


def template_notes(scheme: Scheme) -> list[str]:
    notes = [
        f"{scheme.label}指标计算模板（{scheme.source}）",
        "",
        "填写说明：",
        "1. 每行一所学校的一个学段；九年一贯制、完全中学等学校的小学、初中各填一行。",
        "2. 带 * 的列为必填：学校名称、学段（小学/初中）、在校生数（整数）。",
        "3. 指标列填写该校的指标值（生均或每百名学生），不是总量；空白表示缺失：该指标不计入，并在结果中列出，不按 0 计算。",
        "4. “区县”可留空；填写后按区县分别计算。“教学点”填“是”的：优质均衡中在校生不足 50 人的不参加计算；基本均衡中不参加计算。",
        "5. 基本均衡另不计民办学校和非县属学校：请勿填入。",
        "6. 支持 .xlsx、.xls、.csv（UTF-8 或 GBK）；请勿使用公式（请“选择性粘贴 → 数值”）。",
        "7. 计算：dudao balance 文件名.xlsx" + (" --scheme basic_2012" if scheme.code != QUALITY_2017 else "") + "（加 --json 输出 JSON）。",
        "",
        "差异系数（按在校生加权）：X̄ = Σ(指标值 × 在校生) ÷ Σ在校生；S = √Σ(在校生ᵢ/总在校生)(指标值ᵢ − X̄)²；CV = S ÷ X̄。",
        "比较限值时不四舍五入，显示保留 3 位小数；差异系数不设上限。",
        "",
        "各指标：",
    ]
    for item in scheme.indicators:
        std = "" if item.standard is None else f"；标准 小学 ≥ {item.standard['primary']:g}，初中 ≥ {item.standard['junior']:g}"
        notes.append(f"{item.code} {item.label}（{item.unit}）：{item.how}{std}")
    notes.append("")
    if scheme.cv_limit:
        notes.append(f"每项差异系数限值：小学 ≤ {scheme.cv_limit['primary']:.2f}，初中 ≤ {scheme.cv_limit['junior']:.2f}。")
    if scheme.composite_cv_limit:
        notes.append(f"综合差异系数限值：小学 ≤ {scheme.composite_cv_limit['primary']:.2f}，初中 ≤ {scheme.composite_cv_limit['junior']:.2f}。")
    notes += list(scheme.notes)
    return notes


def template_write(path: str | Path, scheme: str | Scheme = QUALITY_2017) -> None:
    import xlsxwriter

    from dudao.core.excel import write_header, write_notes

    sch = scheme if isinstance(scheme, Scheme) else get_scheme(scheme)
    wb = xlsxwriter.Workbook(str(path))
    ws = wb.add_worksheet("学校指标")
    text = wb.add_format({"num_format": "@"})
    write_header(wb, ws, headers(sch), height=48, style={"valign": "vcenter"},
                 width=lambda col, title: 16 if col > 5 else (24 if col == 0 else 12),
                 text_columns=lambda col, title: col in (0, 1, 3, 4, 5))
    for r, row in enumerate(template_rows(sch), start=1):
        for col, value in enumerate(row):
            if isinstance(value, (int, float)):
                ws.write_number(r, col, value)
            else:
                ws.write_string(r, col, value, text)
    ws.freeze_panes(1, 1)
    write_notes(wb, template_notes(sch), sheet="填写说明", width=120)
    wb.close()
