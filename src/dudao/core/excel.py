"""Excel export: any list the user can see, streamed from a temporary file (constant memory)."""

from __future__ import annotations

import tempfile
from collections.abc import Callable, Iterable, Sequence

import xlsxwriter
from django.http import HttpResponse
from django.utils import timezone

from dudao.core.downloads import XLSX, download_response

# The header row of every workbook we write (exports, import and calculation templates); columns
# the importer requires start with "*" and are shaded orange.
HEADER_STYLE = {"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True}
REQUIRED_STYLE = {**HEADER_STYLE, "bg_color": "#FCE4D6"}


def write_xlsx(path: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence], *, notes: Sequence[str] = ()) -> None:
    write_xlsx_sheets(path, [(sheet, headers, rows)], notes=notes)


def write_xlsx_sheets(path: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]], *,
                      notes: Sequence[str] = ()) -> None:
    """Several lists in one workbook (e.g. supervisors and schools of one report), then the notes."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    for sheet, headers, rows in sheets:
        _write_sheet(workbook, sheet, headers, rows)
    if notes:
        write_notes(workbook, notes)
    workbook.close()


def write_notes(workbook, notes: Sequence[str], *, sheet: str = "说明", width: int = 100):
    """A sheet of explanations, one line per row, in one wide column."""
    info = workbook.add_worksheet(sheet)
    info.set_column(0, 0, width)
    for i, note in enumerate(notes):
        info.write_string(i, 0, str(note))
    return info


def write_header(workbook, worksheet, headers: Sequence[str], *, height: int = 30, width: Callable[[int, str], float],
                 text_columns: Callable[[int, str], bool] = lambda col, title: False, style: dict | None = None) -> None:
    """The header row: bold on blue, "*" columns (required) on orange; each column's width, and the
    text format ("@") on columns that hold codes, so Excel keeps their leading zeros."""
    extra = style or {}
    head = workbook.add_format({**HEADER_STYLE, **extra})
    required = workbook.add_format({**REQUIRED_STYLE, **extra})
    text = workbook.add_format({"num_format": "@"})
    worksheet.set_row(0, height)
    for col, title in enumerate(headers):
        worksheet.write_string(0, col, str(title), required if str(title).startswith("*") else head)
        worksheet.set_column(col, col, width(col, str(title)), text if text_columns(col, str(title)) else None)


def export_width(title: str) -> int:
    """A column as wide as its Chinese header (two units a character), between 10 and 36."""
    return max(10, min(36, len(title) * 2 + 2))


def _write_sheet(workbook, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    worksheet = workbook.add_worksheet(sheet[:31])
    header_format = workbook.add_format(HEADER_STYLE)
    worksheet.set_row(0, 30)
    for col, title in enumerate(headers):
        worksheet.write_string(0, col, str(title), header_format)
        worksheet.set_column(col, col, export_width(str(title)))
    r = 0
    for r, row in enumerate(rows, start=1):
        for col, value in enumerate(row):
            if value is None or value == "":
                continue
            if isinstance(value, bool):
                worksheet.write_string(r, col, "是" if value else "否")
            elif isinstance(value, (int, float)):
                worksheet.write_number(r, col, value)
            else:
                # Text stays text: 学校标识码 and phone numbers must not become numbers or formulas.
                worksheet.write_string(r, col, str(value))
    worksheet.freeze_panes(1, 0)


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence], *, notes: Sequence[str] = ()) -> HttpResponse:
    return xlsx_sheets_response(filename, [(sheet, headers, rows)], notes=notes)


def xlsx_sheets_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]], *,
                         notes: Sequence[str] = ()) -> HttpResponse:
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return xlsx_download(f"{filename}-{stamp}.xlsx", lambda path: write_xlsx_sheets(path, sheets, notes=notes))


def xlsx_download(filename: str, write: Callable[[str], None]) -> HttpResponse:
    """`write(path)` fills a temporary file, which is streamed and deleted once sent (constant memory)."""
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by the response
    write(tmp.name)
    tmp.seek(0)
    return download_response(tmp, filename, XLSX)
