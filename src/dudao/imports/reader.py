"""Read an uploaded .xlsx/.xls/.ods file or a CSV (UTF-8, GBK or UTF-16) as rows of cells.

Every problem answers with a `FileProblem` carrying a Chinese message; nothing is guessed
silently. Uploads are untrusted, so nothing here may exhaust the process:

- spreadsheets are read by python-calamine (fast, low memory: stack.md) in a child process with a
  memory and CPU cap (`sandbox.py`), after the zip directory (sizes, compression ratio) and every
  sheet's real extent have been checked; a child that dies is reported, never retried;
- a CSV is at most `DUDAO_MAX_UPLOAD_BYTES` and read in this process by the standard library, with
  any line ending (old Mac CR included), UTF-16 recognised, and fields capped;
- the header is the first row (of the first 30) holding the template's column names, on the first
  sheet that has one, so a title line above the header or a data sheet moved behind the
  instructions sheet still imports; the rows keep their real numbers in every message.

calamine returns the cached value of formula cells, so formulas are refused with their cells.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import os
import pickle
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from django.conf import settings

logger = logging.getLogger(__name__)

XLSX_MAGIC = b"PK\x03\x04"
XLS_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
SPREADSHEET_SUFFIXES = {".xlsx", ".xlsm", ".xls", ".ods"}
ALLOWED_SUFFIXES = SPREADSHEET_SUFFIXES | {".csv"}


class FileProblem(Exception):
    """The file as a whole cannot be imported; the message is for the user, in Chinese."""

    peak_memory_kb = 0  # of the child that read a spreadsheet, when it was the one to refuse it


@dataclass
class Table:
    header: list[str]
    rows: Iterator[list]  # data rows, each padded/truncated by the consumer
    row_count: int
    encoding: str = ""
    header_row: int = 1  # the file's row number of the header; data rows follow it
    sheet: str = ""  # the sheet read (spreadsheets), when it is not the first one
    peak_memory_kb: int = 0  # of the child that parsed a spreadsheet
    header_missing: bool = False  # no row held the expected names: `header` is the first non-empty row
    parse_seconds: float = 0.0  # wall time of the child that parsed a spreadsheet (0 for CSV: read as iterated)

    @property
    def where(self) -> str:
        """Where the header was found, when it is not where the template puts it ("" otherwise)."""
        parts = []
        if self.sheet:
            parts.append(f"工作表“{self.sheet}”")
        if self.header_row != 1:
            parts.append(f"第 {self.header_row} 行")
        return "表头位于" + "".join(parts) if parts else ""


def check_upload(name: str, size: int, max_bytes: int) -> str:
    suffix = Path(name).suffix.lower()
    if suffix not in ALLOWED_SUFFIXES:
        raise FileProblem(f"不支持的文件类型“{suffix or '无扩展名'}”：请上传 .xlsx、.xls 或 .csv 文件。")
    if size == 0:
        raise FileProblem("文件为空：请使用下载的模板填写后再上传。")
    if size > max_bytes:
        raise FileProblem(f"文件过大（{size / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB：请拆分后分批导入。")
    return suffix


def read_table(path: str | Path, original_name: str, expected: Iterable[str] = (), need: int = 1) -> Table:
    """The table of the file. `expected`: the column names (titles, keys, aliases) that identify the
    header row; at least `need` of them must be in it. Without them the first non-empty row is it."""
    path = Path(path)
    suffix = Path(original_name).suffix.lower()
    with open(path, "rb") as fh:
        head = fh.read(8)
    if not head:
        raise FileProblem("文件为空：请使用下载的模板填写后再上传。")
    expected = {e for e in expected if e}
    if suffix == ".csv":
        return _read_csv(path, expected, need)
    if suffix in {".xlsx", ".xlsm", ".ods"} and not head.startswith(XLSX_MAGIC):
        raise FileProblem("文件内容不是有效的 Excel（.xlsx）文件：可能是改了扩展名的其他文件，请用 Excel/WPS 另存为 .xlsx 后再上传。")
    if suffix == ".xls" and not head.startswith(XLS_MAGIC):
        if head.startswith(XLSX_MAGIC):
            raise FileProblem("文件扩展名为 .xls，但内容是 .xlsx：请改正扩展名后再上传。")
        raise FileProblem("文件内容不是有效的 Excel（.xls）文件：请用 Excel/WPS 另存为 .xlsx 后再上传。")
    return _read_spreadsheet(path, suffix, expected, need)


def sandbox_limits() -> dict:
    """What a spreadsheet may cost the child that reads it (settings DUDAO_IMPORT_PARSE_*)."""
    return {
        "memory_mb": int(getattr(settings, "DUDAO_IMPORT_PARSE_MEMORY_MB", 1024)),
        "cpu_seconds": int(getattr(settings, "DUDAO_IMPORT_PARSE_CPU_SECONDS", 120)),
        "max_members": 2000,
        "max_member_bytes": 400 * 1048576,
        "max_total_bytes": 600 * 1048576,
        "max_ratio": 200,
        "max_rows": 1_048_576,
        "max_cols": 1000,
        "max_cells": int(getattr(settings, "DUDAO_IMPORT_MAX_CELLS", 6_000_000)),
    }


_CRASHED = ("读取文件时超出了资源上限（内存或时间），已停止读取，未写入任何数据：文件可能过大、已损坏或被恶意构造。"
            "请用 Excel/WPS 打开后另存为新文件，或拆分后再上传。")


def _read_spreadsheet(path: Path, suffix: str, expected: set[str], need: int) -> Table:
    limits = sandbox_limits()
    fd, out = tempfile.mkstemp(prefix="dudao-import-", suffix=".rows")
    os.close(fd)
    args = {"path": str(path), "suffix": suffix, "out": out, "expected": sorted(expected), "need": need, "limits": limits}
    started = time.perf_counter()
    try:
        try:
            done = subprocess.run([sys.executable, "-I", str(Path(__file__).with_name("sandbox.py")), json.dumps(args)],
                                  capture_output=True, timeout=limits["cpu_seconds"] * 2 + 30, check=False,
                                  env={"PATH": os.environ.get("PATH", ""), "LANG": "C.UTF-8"})
        except subprocess.TimeoutExpired as exc:
            raise FileProblem(_CRASHED) from exc
        lines = done.stdout.decode("utf-8", "replace").strip().splitlines()
        result = json.loads(lines[-1]) if done.returncode == 0 and lines else {"killed": done.returncode}
        if "problem" in result:
            problem = FileProblem(result["problem"])
            problem.peak_memory_kb = result.get("maxrss_kb", 0)
            raise problem
        if "killed" in result:
            logger.warning("spreadsheet reader for %s died (%s): %s", path.name, result["killed"], done.stderr[-500:])
            raise FileProblem(_CRASHED)
        rows = _rows_from(out)
        out = None  # the generator owns (and removes) the file now
    finally:
        if out is not None:
            Path(out).unlink(missing_ok=True)
    header = [_header_text(v) for v in result["header"]]
    return Table(header=header, rows=rows, row_count=result["row_count"], header_row=result["header_row"],
                 sheet=result["sheet"] if result["sheet_index"] else "", peak_memory_kb=result["maxrss_kb"],
                 header_missing=bool(result.get("header_missing")), parse_seconds=time.perf_counter() - started)


class _CellUnpickler(pickle.Unpickler):
    """Cells are str, numbers, bools and dates: nothing else is rebuilt from the child's output."""

    ALLOWED = {("datetime", "date"), ("datetime", "datetime"), ("datetime", "time"), ("datetime", "timedelta")}

    def find_class(self, module, name):
        if (module, name) in self.ALLOWED:
            return getattr(dt, name)
        raise pickle.UnpicklingError(f"{module}.{name} is not a cell value")


def _rows_from(out: str) -> Iterator[list]:
    fh = open(out, "rb")  # noqa: SIM115 - closed when the generator ends or is closed
    Path(out).unlink(missing_ok=True)  # the open handle keeps the data until it is closed

    def rows() -> Iterator[list]:
        with fh:
            while True:
                try:
                    chunk = _CellUnpickler(fh).load()  # a list of rows (sandbox.ROWS_PER_PICKLE)
                except EOFError:
                    return
                if not isinstance(chunk, list):
                    raise pickle.UnpicklingError("not a list of rows")
                yield from chunk

    return rows()


def _header_text(value) -> str:
    from dudao.imports.sandbox import normalise

    return normalise(value)


def decode_csv(raw: bytes) -> tuple[str, str]:
    """UTF-16 (by its BOM, or by the zero bytes of ASCII text without one), UTF-8 (with or without
    BOM), then GBK/GB18030, then charset-normalizer (stack.md)."""
    if raw[:2] in (b"\xff\xfe", b"\xfe\xff"):
        try:
            return raw.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError as exc:
            raise FileProblem("CSV 文件的 UTF-16 编码有误：请另存为“CSV UTF-8（逗号分隔）”后再上传。") from exc
    sample = raw[:4096]
    if len(sample) >= 4 and sample[1::2].count(0) > len(sample) // 4 and sample[0::2].count(0) == 0:
        try:
            return raw.decode("utf-16-le"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if len(sample) >= 4 and sample[0::2].count(0) > len(sample) // 4 and sample[1::2].count(0) == 0:
        try:
            return raw.decode("utf-16-be"), "UTF-16"
        except UnicodeDecodeError:
            pass
    if raw.count(b"\x00") > len(raw) // 100 + 1:
        raise FileProblem("文件内容不是文本 CSV：请确认上传的是 CSV 或 Excel 文件。")
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


def _read_csv(path: Path, expected: set[str] = frozenset(), need: int = 1) -> Table:
    from dudao.imports.sandbox import HEADER_SEARCH_ROWS, is_header

    raw = path.read_bytes()
    text, encoding = decode_csv(raw)
    del raw
    text = text.removeprefix("\ufeff")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",\t;")
    except csv.Error:
        dialect = csv.excel
    # newline="": every line ending (\r\n, \n, and the old Mac \r) ends a record, as the csv module
    # expects; quoted fields keep their own line breaks.
    header_row, header, header_missing = 0, None, False
    for wanted, at_least in ((expected, need), (set(), 1)) if expected else ((set(), 1),):
        reader = csv.reader(io.StringIO(text, newline=""), dialect)
        for number, row in enumerate(_csv_rows(reader), start=1):
            if number > HEADER_SEARCH_ROWS:
                break
            if is_header(row, wanted, at_least):
                header_row, header = reader.line_num, row
                break
        if header is not None:
            header_missing = wanted is not expected
            break
    if header is None:
        raise FileProblem("CSV 文件没有表头：第一行应为模板中的列名。")
    lines = (text.count("\n") or text.count("\r")) + (0 if text.endswith(("\n", "\r")) else 1)
    return Table(header=[_header_text(v) for v in header], rows=_csv_rows(reader), row_count=max(0, lines - header_row),
                 encoding=encoding, header_row=header_row, header_missing=header_missing)


def _csv_rows(reader) -> Iterator[list]:
    """The reader's rows; a malformed or over-long field is a FileProblem naming its line."""
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            if "field larger" in str(exc):
                raise FileProblem(f"第 {reader.line_num} 行有一个单元格超过 {csv.field_size_limit():,} 个字符：请检查该行"
                                  "（可能缺少配对的引号）。") from exc
            raise FileProblem(f"第 {reader.line_num} 行无法按 CSV 格式读取（{exc}）：请用 Excel/WPS 另存为 CSV 或 .xlsx 后再上传。") from exc
        yield row
