"""Read the first sheet of an .xlsx/.xls/.ods file or a CSV (UTF-8 or GBK) as rows of cells.

Every problem answers with a `FileProblem` carrying a Chinese message; nothing is guessed
silently. python-calamine reads spreadsheets (fast, low memory: stack.md); it returns the cached
value of formula cells, so .xlsx files are scanned for formulas first and refused with their cells.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import python_calamine

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
ALLOWED_SUFFIXES = SPREADSHEET_SUFFIXES | {".csv"}


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message is for the user, in Chinese."""


@dataclass
class Table:
    header: list[str]
    rows: Iterator[list]  # data rows, each padded/truncated by the consumer
    row_count: int
    encoding: str = ""


def check_upload(name: str, size: int, max_bytes: int) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise FileProblem(f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .xlsx、.xls 或 .csv 文件。")
    if size == 0:
        raise FileProblem("文件为空：请使用下载的模板填写后再上传。")
    if size > max_bytes:
        raise FileProblem(f"文件过大（{size / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB：请拆分后分批导入。")
    return suffix


def read_table(path: str | Path, original_name: str) -> Table:
    path = Path(path)
    suffix = Path(original_name).suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise FileProblem("文件为空：请使用下载的模板填写后再上传。")
    if suffix == ".csv":
        return _read_csv(path)
    if suffix in {".xlsx", ".xlsm", ".ods"} and not head.startswith(XLSX_MAGIC):
        raise FileProblem("文件内容不是有效的 Excel（.xlsx）文件：可能是改了扩展名的其他文件，请用 Excel/WPS 另存为 .xlsx 后再上传。")
    if suffix == ".xls" and not head.startswith(XLS_MAGIC):
        if head.startswith(XLSX_MAGIC):
            raise FileProblem("文件扩展名为 .xls，但内容是 .xlsx：请改正扩展名后再上传。")
        raise FileProblem("文件内容不是有效的 Excel（.xls）文件：请用 Excel/WPS 另存为 .xlsx 后再上传。")
    if suffix in {".xlsx", ".xlsm"}:
        _refuse_formulas(path)
    return _read_spreadsheet(path)


def _read_spreadsheet(path: Path) -> Table:
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(str(path))
        sheet = workbook.get_sheet_by_index(0)
        rows = sheet.iter_rows()
        header_row = next(rows, None)
    except python_calamine.PasswordError as exc:
        raise FileProblem("文件设置了密码保护：请取消密码后再上传。") from exc
    except (python_calamine.CalamineError, zipfile.BadZipFile, ValueError, OSError) as exc:
        raise FileProblem("无法读取该 Excel 文件：文件可能已损坏，请用 Excel/WPS 重新保存后再上传。") from exc
    if header_row is None:
        raise FileProblem("工作表为空：第一个工作表中没有表头和数据。")
    header = [_header_text(v) for v in header_row]
    total = max(0, sheet.total_height - 1) if hasattr(sheet, "total_height") else max(0, sheet.height - 1)
    return Table(header=header, rows=rows, row_count=total)


_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*(?:<v>[^<]*</v>\s*)?<f[ >/]')


def _refuse_formulas(path: Path) -> None:
    """Formula cells import whatever value was cached last: refuse them, naming the cells."""
    try:
        with zipfile.ZipFile(path) as zf:
            names = sorted(n for n in zf.namelist() if n.startswith("xl/worksheets/sheet") and n.endswith(".xml"))
            if not names:
                return
            first = "xl/worksheets/sheet1.xml" if "xl/worksheets/sheet1.xml" in names else names[0]
            data = zf.read(first)
    except zipfile.BadZipFile as exc:
        raise FileProblem("无法读取该 Excel 文件：文件可能已损坏，请用 Excel/WPS 重新保存后再上传。") from exc
    if b"<f" not in data:
        return
    cells = [f"{m.group(1).decode()}{m.group(2).decode()}" for m in _FORMULA_CELL.finditer(data)]
    if cells:
        shown = "、".join(cells[:10]) + ("等" if len(cells) > 10 else "")
        raise FileProblem(
            f"文件中有 {len(cells)} 个单元格含公式（{shown}）：公式的结果可能未计算或已过期，"
            "请选中数据“复制 → 选择性粘贴 → 数值”后再上传。"
        )


def _header_text(value) -> str:
    text = "" if value is None else str(value)
    return text.replace("\n", "").replace(" ", "").replace("\u3000", "").strip().lstrip("*")


def decode_csv(raw: bytes) -> tuple[str, str]:
    """UTF-8 (with or without BOM), then GBK/GB18030, then charset-normalizer (stack.md)."""
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return raw.decode(encoding), ("UTF-8" if encoding == "utf-8-sig" else "GBK")
        except UnicodeDecodeError:
            continue
    from charset_normalizer import from_bytes

    best = from_bytes(raw).best()
    if best is None:
        raise FileProblem("无法识别 CSV 文件的字符编码：请另存为“CSV UTF-8（逗号分隔）”后再上传。")
    return str(best), best.encoding


def _read_csv(path: Path) -> Table:
    raw = path.read_bytes()
    if raw.count(b"\x00") > len(raw) // 100 + 1:
        raise FileProblem("文件内容不是文本 CSV：请确认上传的是 CSV 或 Excel 文件。")
    text, encoding = decode_csv(raw)
    del raw
    if codecs.BOM_UTF8.decode("utf-8") in text[:1]:
        text = text[1:]
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    lines = text.splitlines()
    reader = csv.reader(io.StringIO(text), dialect)
    header_row = next(reader, None)
    if not header_row or not any(c.strip() for c in header_row):
        raise FileProblem("CSV 文件没有表头：第一行应为模板中的列名。")
    header = [_header_text(v) for v in header_row]
    return Table(header=header, rows=(list(r) for r in reader), row_count=max(0, len(lines) - 1), encoding=encoding)
