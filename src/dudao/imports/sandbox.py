"""Read an untrusted spreadsheet in a child process with a memory and CPU cap (run as a script).

python-calamine (Rust) cannot be told how much it may allocate: a sheet with one stray cell at
XFD1048576 makes it build a grid of 17 billion cells and abort the whole process, a zip member
that inflates to gigabytes keeps it busy for minutes. So the parent (reader.py) starts this file
with the same interpreter; it caps its own address space and CPU time *before* importing calamine,
then checks what can be checked cheaply before calamine sees the file:

1. the zip directory: number of members, the declared size of each and of all, the compression
   ratio (a few kilobytes that inflate to gigabytes are refused before inflating anything);
2. every worksheet, streamed (Python's zipfile never inflates more than the declared size): the
   cells actually used — a far-away stray cell is named — and the formula cells;
3. only then calamine, sheet by sheet, until the first sheet whose first rows hold the header.

The data rows go to a stream of pickled lists of rows (`out`); one JSON line on stdout says what was found or, in
Chinese, why the file was refused. Whatever slips past the checks meets the caps: the child dies
and the parent reports it; the web or worker process never does. Standard library and
python-calamine only: this file must not import Django or Dudao.
"""

from __future__ import annotations

import json
import pickle
import re
import resource
import sys
import unicodedata
import zipfile

HEADER_SEARCH_ROWS = 30
CHUNK = 1 << 20
ROWS_PER_PICKLE = 1000


class Problem(Exception):
    pass


def _limit(memory_mb: int, cpu_seconds: int) -> None:
    resource.setrlimit(resource.RLIMIT_AS, (memory_mb << 20, memory_mb << 20))
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))


def _mb(n: int) -> str:
    return f"{n / 1073741824:.1f} GB" if n >= 1073741824 else f"{n / 1048576:.1f} MB"


def check_zip(zf: zipfile.ZipFile, limits: dict) -> None:
    """Refuse a zip whose directory promises more than we will inflate (zip bombs)."""
    members = zf.infolist()
    if len(members) > limits["max_members"]:
        raise Problem(f"文件内部包含 {len(members)} 个部件，超出上限 {limits['max_members']}：文件可能已损坏或被恶意构造，"
                      "请用 Excel/WPS 打开后另存为新的 .xlsx 文件再上传。")
    total = 0
    for info in members:
        total += info.file_size
        ratio = info.file_size / max(info.compress_size, 1)
        if info.file_size > limits["max_member_bytes"] or (info.file_size > 10 * 1048576 and ratio > limits["max_ratio"]):
            raise Problem(f"文件中的部件“{info.filename[:80]}”解压后达 {_mb(info.file_size)}（压缩比约 {ratio:.0f}:1），"
                          "超出读取上限：文件可能已损坏或被恶意构造，未读取其内容。请用 Excel/WPS 打开后另存为新文件，"
                          "或删除多余内容后再上传。")
    if total > limits["max_total_bytes"]:
        raise Problem(f"文件解压后共 {_mb(total)}，超出读取上限 {_mb(limits['max_total_bytes'])}：请删除多余的工作表或拆分后再上传。")


# --- xlsx: which member is which sheet, and what each sheet really uses -----------------------------
_SHEET = re.compile(rb'<(?:\w+:)?sheet\b[^>]*?\bname="([^"]*)"[^>]*?\br:id="([^"]+)"|<(?:\w+:)?sheet\b[^>]*?\br:id="([^"]+)"[^>]*?\bname="([^"]*)"')
_REL = re.compile(rb'<Relationship\b[^>]*?\bId="([^"]+)"[^>]*?\bTarget="([^"]+)"|<Relationship\b[^>]*?\bTarget="([^"]+)"[^>]*?\bId="([^"]+)"')
# The last row's number per chunk, and the last cell of every row: cells come in column order
# within a row, so the last one is the widest, and its reference carries its row. Looking at every
# cell instead (a regex over 4 million cells of a 40-column, 100,000-row sheet) took longer than
# calamine's own read; one rfind per row costs a fraction of that. A file that lies about the order
# of its rows or cells gets past this scan and meets the memory cap.
_ROW = re.compile(rb'<row r="([0-9]{1,7})"')
_CELL_REF = re.compile(rb'<c r="([A-Z]{1,3})([0-9]{1,7})"')
_FORMULA_CELL = re.compile(rb'<c r="([A-Z]+)(\d+)"[^>]*?(?<!/)>\s*(?:<v>[^<]*</v>\s*)?<f[ >/]')


def _unescape(raw: bytes) -> str:
    text = raw.decode("utf-8", "replace")
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", '"').replace("&apos;", "'").replace("&amp;", "&")


def xlsx_sheets(zf: zipfile.ZipFile) -> list[tuple[str, str]]:
    """(sheet name, member path) in workbook order; the small parts are read whole (sizes checked)."""
    try:
        workbook = zf.read("xl/workbook.xml")
        rels = zf.read("xl/_rels/workbook.xml.rels")
    except KeyError:
        return []
    targets = {}
    for m in _REL.finditer(rels):
        rid, target = (m.group(1), m.group(2)) if m.group(1) else (m.group(4), m.group(3))
        target = target.decode("utf-8", "replace")
        targets[rid] = target.lstrip("/") if target.startswith("/") else "xl/" + target
    sheets = []
    for m in _SHEET.finditer(workbook):
        name, rid = (m.group(1), m.group(2)) if m.group(1) is not None else (m.group(4), m.group(3))
        if rid in targets:
            sheets.append((_unescape(name), targets[rid]))
    return sheets


def column_number(letters: bytes) -> int:
    n = 0
    for ch in letters:
        n = n * 26 + ch - 64
    return n


def column_letters(n: int) -> str:
    out = ""
    while n:
        n, rem = divmod(n - 1, 26)
        out = chr(65 + rem) + out
    return out


def scan_sheet(zf: zipfile.ZipFile, member: str) -> dict:
    """Stream one worksheet: the largest row and column used (and where), and the formula cells."""
    max_row = max_col = 0
    far_row = far_col = None
    formulas: list[str] = []
    formula_count = 0
    carry = b""
    with zf.open(member) as fh:
        while True:
            chunk = fh.read(CHUNK)
            data = carry + chunk
            # Keep an unfinished tag for the next round (a cell reference or a formula split in two).
            cut = data.rfind(b"<", max(0, len(data) - 4096)) if chunk else len(data)
            cut = len(data) if cut <= 0 else cut
            part, carry = data[:cut], data[cut:]
            last = _ROW.search(part, max(0, part.rfind(b"<row r=")))  # rows come in order: the last one is enough
            if last and int(last.group(1)) > max_row:
                max_row, far_row = int(last.group(1)), f"A{int(last.group(1))}"
            for piece in part.split(b"</row>"):
                ref = _CELL_REF.match(piece, piece.rfind(b'<c r="'))
                if ref is None:
                    continue
                letters, digits = ref.groups()
                col, row = column_number(letters), int(digits)
                if row > max_row:
                    max_row, far_row = row, letters.decode() + digits.decode()
                if col > max_col:
                    max_col, far_col = col, letters.decode() + digits.decode()
            if b"<f" in part:
                for m in _FORMULA_CELL.finditer(part):
                    formula_count += 1
                    if len(formulas) < 10:
                        formulas.append(m.group(1).decode() + m.group(2).decode())
            if not chunk:
                break
    return {"max_row": max_row, "max_col": max_col or 1, "far_row": far_row,
            "far_col": far_col, "formulas": formulas, "formula_count": formula_count}


def check_extent(name: str, scan: dict, limits: dict) -> None:
    rows, cols = scan["max_row"], scan["max_col"]
    if rows * cols <= limits["max_cells"] and rows <= limits["max_rows"]:
        return
    cell = scan["far_col"] if cols > limits["max_cols"] else scan["far_row"]
    raise Problem(f"工作表“{name}”的单元格 {cell} 离数据区很远（用到第 {rows} 行、第 {cols} 列即 {column_letters(cols)} 列），"
                  f"读取需要展开约 {rows * cols:,} 个单元格，超出上限：请删除该单元格及多余的空行空列"
                  "（选中后“删除”，而不是按 Delete 清除内容），保存后再上传。")


def normalise(value) -> str:
    """A header cell as the template names it: no spaces, line breaks, asterisks or invisible
    characters (a zero-width space pasted into a header must not hide the column)."""
    text = "" if value is None else str(value)[:200]
    if not text.isascii():
        text = "".join(ch for ch in text if unicodedata.category(ch) not in ("Cf", "Cc"))
    return text.replace("\n", "").replace(" ", "").replace("\u3000", "").strip().strip("*")


def is_header(row: list, expected: set[str], need: int) -> bool:
    if not expected:
        return any(normalise(v) for v in row)
    hits = 0
    for value in row:
        text = normalise(value)
        if text and (text in expected or text.split("(")[0].split("（")[0] in expected):
            hits += 1
    return hits >= need


def read(path: str, suffix: str, out: str, expected: set[str], need: int, limits: dict) -> dict:
    import python_calamine

    sheets_scan: dict[str, dict] = {}
    if suffix in {".xlsx", ".xlsm", ".ods"}:
        try:
            with zipfile.ZipFile(path) as zf:
                check_zip(zf, limits)
                if suffix != ".ods":
                    for name, member in xlsx_sheets(zf):
                        try:
                            sheets_scan[name] = scan_sheet(zf, member)
                        except KeyError:
                            continue
        except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, OSError, NotImplementedError, RuntimeError) as exc:
            raise Problem("无法读取该 Excel 文件：文件可能已损坏，请用 Excel/WPS 重新保存后再上传。") from exc
    try:
        workbook = python_calamine.CalamineWorkbook.from_path(path)
        names = list(workbook.sheet_names)
    except python_calamine.PasswordError as exc:
        raise Problem("文件设置了密码保护：请取消密码后再上传。") from exc
    except (python_calamine.CalamineError, ValueError, OSError) as exc:
        raise Problem("无法读取该 Excel 文件：文件可能已损坏，请用 Excel/WPS 重新保存后再上传。") from exc
    for index, name in enumerate(names):
        found = _read_sheet(workbook, index, name, sheets_scan.get(name), out, expected, need, limits)
        if found is not None:
            return found
    if not names:
        raise Problem("文件中没有工作表。")
    if expected:  # no sheet holds the header: the first non-empty row of the first sheet is compared
        found = _read_sheet(workbook, 0, names[0], sheets_scan.get(names[0]), out, set(), 1, limits)
        if found is not None:
            return {**found, "header_missing": True}
    raise Problem("工作表为空：第一个工作表中没有表头和数据。")


def _read_sheet(workbook, index: int, name: str, scan: dict | None, out: str, expected: set[str], need: int,
                limits: dict) -> dict | None:
    """The sheet's rows below its header into `out`; None when its first rows hold no header."""
    import python_calamine

    if scan is not None:
        check_extent(name, scan, limits)
    try:
        sheet = workbook.get_sheet_by_index(index)
        rows = sheet.iter_rows()
        header, header_row = None, 0
        for number, row in enumerate(rows, start=1):
            if number > HEADER_SEARCH_ROWS:
                break
            if is_header(row, expected, need):
                header, header_row = row, number
                break
        if header is None:
            return None
        if scan is not None and scan["formula_count"]:
            shown = "、".join(scan["formulas"]) + ("等" if scan["formula_count"] > len(scan["formulas"]) else "")
            raise Problem(f"文件中有 {scan['formula_count']} 个单元格含公式（{shown}）：公式的结果可能未计算或已过期，"
                          "请选中数据“复制 → 选择性粘贴 → 数值”后再上传。")
        count = 0
        with open(out, "wb") as fh:
            # Self-contained pickles of ROWS_PER_PICKLE rows each: one unpickler per thousand rows,
            # not per row, in the parent (a tenth of its reading time for 100,000 rows).
            chunk = []
            for row in rows:
                chunk.append(row)
                if len(chunk) == ROWS_PER_PICKLE:
                    pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
                    count += len(chunk)
                    chunk = []
            if chunk:
                pickle.dump(chunk, fh, protocol=pickle.HIGHEST_PROTOCOL)
                count += len(chunk)
    except python_calamine.CalamineError as exc:
        raise Problem("无法读取该 Excel 文件：文件可能已损坏，请用 Excel/WPS 重新保存后再上传。") from exc
    return {"header": [str(v) for v in header], "header_row": header_row, "sheet": name, "sheet_index": index,
            "row_count": count}


def peak_kb() -> int:
    """This program's peak resident memory. VmHWM belongs to the new image (ru_maxrss may still
    carry the forked parent's peak across exec)."""
    try:
        with open("/proc/self/status", encoding="ascii") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def main() -> None:
    args = json.loads(sys.argv[1])
    _limit(args["limits"]["memory_mb"], args["limits"]["cpu_seconds"])
    try:
        result = read(args["path"], args["suffix"], args["out"], set(args["expected"]), args["need"], args["limits"])
    except Problem as exc:
        result = {"problem": str(exc)}
    except MemoryError:
        result = {"killed": "memory"}
    result["maxrss_kb"] = peak_kb()
    sys.stdout.write(json.dumps(result, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
