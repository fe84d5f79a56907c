"""A framework version as one Excel sheet, and back (issue [9] item 1).

One row per indicator, parents before their children, in the columns of `COLUMNS`; after the tree,
a block of marked rows (编号 in 【】) holds the version's settings: 【计分方式】 (内容), 【总分】 (分值) and
one 【等级线】 row per grade band (内容 = the label, 分值 = the lowest total). An exported file imports
back into an identical tree.

The upload is untrusted: it is read by `imports.reader` (type by content, size, zip-bomb and
stray-cell checks, a child process with memory and CPU caps), with at most `MAX_ROWS` rows. The
import is all or nothing: every error is reported as 第N行「列名」：说明 and nothing is saved.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import override

from dudao.core.excel import write_xlsx_sheets, xlsx_download
from dudao.frameworks import services
from dudao.frameworks.models import Framework, FrameworkVersion, Method, ScoringType, Weighting
from dudao.frameworks.selectors import version_rows

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from dudao.people.models import User

COLUMNS = ["编号", "上级编号", "内容", "评分类型", "分值", "权重", "等级", "佐证材料", "检查方式", "评分办法",
           "一票否决", "重点项", "备注", "启用", "计算依据"]
REQUIRED = ("编号", "内容")
MAX_ROWS = 3000  # the largest real framework has a few hundred nodes
MAX_BYTES = 5 * 1048576
MAX_ERRORS = 100
WEIGHTING_MARK, TOTAL_MARK, BAND_MARK = "【计分方式】", "【总分】", "【等级线】"
YES = {"是", "y", "yes", "1", "√", "true", "✓"}
NO = {"否", "n", "no", "0", "×", "false", ""}
SPLIT_LIST = re.compile(r"[；;\n]+")
SPLIT_METHODS = re.compile(r"[、，,；;\s]+")


class FrameworkImportError(Exception):
    """The file was not imported; `errors` are the Chinese lines to show (第N行「列名」：…)."""

    def __init__(self, errors: Sequence[str]):
        super().__init__("\n".join(errors))
        self.errors = list(errors)


def _labels(choices) -> dict[str, str]:
    with override("zh-hans"):
        return {str(c.label): c.value for c in choices}


def _fmt_number(value: Decimal | None) -> str | float | int:
    if value is None:
        return ""
    value = value.normalize()
    return int(value) if value == value.to_integral_value() else float(value)


def _fmt_levels(levels: list[dict]) -> str:
    parts = []
    for level in levels:
        part = level["label"]
        if level.get("score") is not None or level.get("descriptor"):
            score = level.get("score")
            part += ":" + ("" if score is None else str(_fmt_number(Decimal(str(score)))))
        if level.get("descriptor"):
            part += ":" + level["descriptor"]
        parts.append(part)
    return ";".join(parts)


def export_rows(version: FrameworkVersion) -> list[list[Any]]:
    with override("zh-hans"):
        scoring = {c.value: str(c.label) for c in ScoringType}
        methods = {c.value: str(c.label) for c in Method}
        weighting = str(Weighting(version.weighting).label)
    rows: list[list[Any]] = []
    parent_codes = {i.pk: i.code for i in version.indicators.all()}
    for node in version_rows(version):
        rows.append([
            node.code, parent_codes.get(node.parent_id, "") if node.parent_id else "", node.text,
            scoring.get(node.scoring, ""), _fmt_number(node.max_score), _fmt_number(node.weight), _fmt_levels(node.levels),
            "；".join(node.evidence), "、".join(methods.get(m, m) for m in node.methods), node.scoring_rule,
            "是" if node.is_veto else "否", "是" if node.is_key else "否", node.note, "是" if node.active else "否",
            node.computed_key,
        ])
    rows.append([])
    rows.append([WEIGHTING_MARK, "", weighting])
    if version.total_score is not None:
        rows.append([TOTAL_MARK, "", "", "", _fmt_number(version.total_score)])
    for band in version.grade_bands.all():
        rows.append([BAND_MARK, "", band.label, "", _fmt_number(band.min_score)])
    return rows


NOTES = [
    "每行一个指标：编号在本版本内唯一；上级编号为空表示一级指标，上级指标必须写在下级之前。",
    "评分类型：分值、等级、是/否、计数、基础数据计算；分组指标（有下级的）可留空。",
    "分值、权重填数字；权重为 0 到 1 之间的小数（如 0.15）。",
    "等级：用分号分隔，每个等级写“名称:分值”或“名称:分值:描述”，例如 好:10;中:6;差:2。",
    "佐证材料用分号分隔；检查方式用顿号分隔（听取汇报、查阅资料、实地查看、座谈访谈、问卷调查、推门听课、明查暗访、实地测查、数据核对、交流反馈）。",
    "一票否决、重点项、启用填“是”或“否”。",
    f"指标之后空一行，{WEIGHTING_MARK} 行的内容列填计分方式（分值累加、百分制乘权重、不计分（达标判断））；"
    f"{TOTAL_MARK} 行的分值列填总分；每个 {BAND_MARK} 行的内容列填等级名称、分值列填最低分。",
    f"导入时全部校验通过才会保存；最多 {MAX_ROWS} 行。",
]


def export_response(version: FrameworkVersion) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d")
    name = f"{version.framework.name}-第{version.number}版-{stamp}.xlsx"
    return xlsx_download(name, lambda path: write_version(path, version))


def write_version(path: str, version: FrameworkVersion) -> None:
    write_xlsx_sheets(path, [("指标", COLUMNS, export_rows(version))], notes=NOTES)


# --- import ---------------------------------------------------------------------------------------------
@dataclass
class Parsed:
    rows: list[dict[str, Any]]
    bands: list[services.Band]
    weighting: str | None
    total_score: Decimal | None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _number(value: Any) -> Decimal | None:
    text = _text(value)
    if not text:
        return None
    try:
        number = Decimal(str(value) if isinstance(value, (int, float)) else text)
    except InvalidOperation as exc:
        raise ValueError("应为数字") from exc
    if not number.is_finite() or number < 0:
        raise ValueError("应为不小于 0 的数字")
    return number


def _flag(value: Any, default: bool) -> bool:
    text = _text(value).lower()
    if not text:
        return default
    if text in YES:
        return True
    if text in NO:
        return False
    raise ValueError("应填“是”或“否”")


def _levels(value: Any) -> list[dict]:
    out = []
    for part in SPLIT_LIST.split(_text(value)):
        if not part.strip():
            continue
        pieces = [p.strip() for p in re.split(r"[:：]", part, maxsplit=2)]
        label = pieces[0]
        if not label:
            raise ValueError(f"等级“{part}”缺少名称，格式为 好:10;中:6;差:2")
        level: dict[str, Any] = {"label": label, "descriptor": pieces[2] if len(pieces) > 2 else ""}
        if len(pieces) > 1 and pieces[1]:
            try:
                score = Decimal(pieces[1])
            except InvalidOperation as exc:
                raise ValueError(f"等级“{label}”的分值“{pieces[1]}”不是数字，格式为 好:10;中:6;差:2") from exc
            level["score"] = int(score) if score == score.to_integral_value() else float(score)
        out.append(level)
    return out


def parse_rows(header: Sequence[str], rows, *, first_row: int) -> Parsed:
    """The tree and settings of a sheet, or FrameworkImportError with every error found."""
    positions = {name: header.index(name) for name in COLUMNS if name in header}
    missing = [name for name in REQUIRED if name not in positions]
    if missing:
        raise FrameworkImportError([f"表头缺少列：{'、'.join(missing)}。请使用导出的文件或模板。"])
    scoring_labels = {**_labels(ScoringType), **{v: v for v in ScoringType.values}}
    method_labels = {**_labels(Method), **{v: v for v in Method.values}, "查阅资料": Method.DOC_REVIEW}
    weighting_labels = {**_labels(Weighting), **{v: v for v in Weighting.values}}
    errors: list[str] = []
    parsed = Parsed(rows=[], bands=[], weighting=None, total_score=None)
    seen: set[str] = set()

    for offset, raw in enumerate(rows):
        number = first_row + offset

        def cell(name: str, raw=raw) -> Any:
            i = positions.get(name)
            return raw[i] if i is not None and i < len(raw) else None

        def error(column: str, message: str, number=number) -> None:
            errors.append(f"第{number}行「{column}」：{message}。")

        code = _text(cell("编号"))
        if not code and not any(_text(v) for v in raw):
            continue
        if code == WEIGHTING_MARK:
            label = _text(cell("内容"))
            if label not in weighting_labels:
                error("内容", f"计分方式“{label}”无效，应为 分值累加、百分制乘权重 或 不计分（达标判断）")
            else:
                parsed.weighting = weighting_labels[label]
            continue
        if code in (TOTAL_MARK, BAND_MARK):
            try:
                value = _number(cell("分值"))
            except ValueError as exc:
                error("分值", str(exc))
                continue
            if code == TOTAL_MARK:
                parsed.total_score = value
            elif not _text(cell("内容")) or value is None:
                error("内容" if not _text(cell("内容")) else "分值", "等级线需填写等级名称（内容列）和最低分（分值列）")
            else:
                parsed.bands.append(services.Band(_text(cell("内容")), value))
            continue
        row: dict[str, Any] = {"code": code, "parent_code": _text(cell("上级编号")), "text": _text(cell("内容"))}
        if not code:
            error("编号", "不能为空")
        elif len(code) > 32:
            error("编号", "不能超过 32 个字符")
        elif code in seen:
            error("编号", f"「{code}」重复")
        if not row["text"]:
            error("内容", "不能为空")
        if row["parent_code"] and row["parent_code"] not in seen:
            error("上级编号", f"「{row['parent_code']}」不存在，或写在了本行之后（上级指标须在前）")
        scoring = _text(cell("评分类型"))
        if scoring and scoring not in scoring_labels:
            error("评分类型", f"“{scoring}”无效，应为 分值、等级、是/否、计数 或 基础数据计算")
        row["scoring"] = scoring_labels.get(scoring, "")
        for column, key in (("分值", "max_score"), ("权重", "weight")):
            try:
                row[key] = _number(cell(column))
            except ValueError as exc:
                error(column, f"“{_text(cell(column))}”{exc}")
        if row.get("weight") is not None and row["weight"] > 1:
            error("权重", "应在 0 到 1 之间（如 0.15）")
        try:
            row["levels"] = _levels(cell("等级"))
        except ValueError as exc:
            error("等级", str(exc))
        row["evidence"] = [e.strip() for e in SPLIT_LIST.split(_text(cell("佐证材料"))) if e.strip()]
        methods = [m for m in SPLIT_METHODS.split(_text(cell("检查方式"))) if m]
        unknown = [m for m in methods if m not in method_labels]
        if unknown:
            error("检查方式", f"“{'、'.join(unknown)}”无效，应为 听取汇报、查阅资料、实地查看、座谈访谈 等")
        row["methods"] = [method_labels[m] for m in methods if m in method_labels]
        for column, key, default in (("一票否决", "is_veto", False), ("重点项", "is_key", False), ("启用", "active", True)):
            try:
                row[key] = _flag(cell(column), default)
            except ValueError as exc:
                error(column, str(exc))
        row["scoring_rule"], row["note"] = _text(cell("评分办法")), _text(cell("备注"))
        row["computed_key"] = _text(cell("计算依据"))[:64]
        if code:
            seen.add(code)
        parsed.rows.append(row)
        if len(errors) > MAX_ERRORS:
            break
    if not parsed.rows and not errors:
        errors.append("文件中没有指标行。")
    if errors:
        shown = errors[:MAX_ERRORS]
        if len(errors) > MAX_ERRORS:
            shown.append("错误过多，其余未列出。")
        raise FrameworkImportError(shown)
    return parsed


def read_upload(upload: UploadedFile) -> Parsed:
    """Check and read an uploaded file (the file as a whole, then every row)."""
    from dudao.imports.reader import FileProblem, check_upload, read_table

    name = upload.name or "framework.xlsx"
    try:
        check_upload(name, upload.size or 0, min(MAX_BYTES, settings.DUDAO_MAX_UPLOAD_BYTES))
        if Path(name).suffix.lower() == ".csv":
            raise FileProblem("请上传 Excel 文件（.xlsx）：指标体系不支持 CSV。")
        with tempfile.NamedTemporaryFile(suffix=Path(name).suffix.lower()) as tmp:
            for chunk in upload.chunks():
                tmp.write(chunk)
            tmp.flush()
            table = read_table(tmp.name, name, expected=COLUMNS, need=3)
            if table.header_missing:
                raise FileProblem("没有找到表头（编号、上级编号、内容 等列）：请使用导出的文件或模板。")
            if table.row_count > MAX_ROWS:
                if hasattr(table.rows, "close"):
                    table.rows.close()  # removes the child's row file
                raise FileProblem(f"文件有 {table.row_count} 行，超过上限 {MAX_ROWS} 行：指标体系不应有这么多指标，请检查文件。")
            return parse_rows(table.header, table.rows, first_row=table.header_row + 1)
    except FileProblem as exc:
        raise FrameworkImportError([str(exc)]) from exc


@transaction.atomic
def version_import(*, by: User | None, version: FrameworkVersion, parsed: Parsed) -> FrameworkVersion:
    """Replace a draft's tree and settings with the file's (all or nothing)."""
    if parsed.weighting is not None or parsed.total_score is not None:
        services.version_update(by=by, version=version, weighting=parsed.weighting or version.weighting,
                                total_score=parsed.total_score, note=version.note)
    return services.version_replace_tree(by=by, version=version, rows=parsed.rows, bands=parsed.bands)


def framework_import(*, by: User | None, framework: Framework, upload: UploadedFile) -> tuple[FrameworkVersion, Parsed]:
    """The page's and the API's one import: check and read the file, then in one transaction make the
    next draft (when the latest version is published) and replace its tree. Raises FrameworkImportError
    (第N行「列名」 lines) or the services' ValidationError; nothing is saved on either."""
    parsed = read_upload(upload)
    with transaction.atomic():
        version = services.version_new_draft(by=by, framework=framework)
        version_import(by=by, version=version, parsed=parsed)
    return version, parsed


# --- the same text formats on the pages ----------------------------------------------------------------
def levels_from_text(text: str) -> list[dict]:
    """"好:10;中:6;差:2" (as in the Excel column) → stored levels; ValueError with a Chinese message."""
    return _levels(text)


def levels_to_text(levels: list[dict]) -> str:
    return _fmt_levels(levels)


def bands_from_text(text: str) -> list[services.Band]:
    """"优秀:90;良好:80;合格:60" → grade bands; ValueError with a Chinese message."""
    bands = []
    for part in SPLIT_LIST.split(text or ""):
        if not part.strip():
            continue
        pieces = [p.strip() for p in re.split(r"[:：]", part, maxsplit=1)]
        if len(pieces) != 2 or not pieces[0]:
            raise ValueError(f"等级线“{part}”应写成 名称:最低分")
        try:
            score = Decimal(pieces[1])
        except InvalidOperation as exc:
            raise ValueError(f"等级线“{pieces[0]}”的最低分“{pieces[1]}”不是数字") from exc
        bands.append(services.Band(pieces[0], score))
    return bands


def bands_to_text(version: FrameworkVersion) -> str:
    return ";".join(f"{b.label}:{_fmt_number(b.min_score)}" for b in version.grade_bands.all())
