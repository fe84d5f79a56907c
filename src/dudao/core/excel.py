"""Excel export: any list the user can see, streamed from a temporary file (constant memory)."""

from __future__ import annotations

import tempfile
from collections.abc import Iterable, Sequence
from urllib.parse import quote

import xlsxwriter
from django.http import FileResponse
from django.utils import timezone


def write_xlsx(path: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence], *, notes: Sequence[str] = ()) -> None:
    write_xlsx_sheets(path, [(sheet, headers, rows)], notes=notes)


def write_xlsx_sheets(path: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]], *,
                      notes: Sequence[str] = ()) -> None:
    """Several lists in one workbook (e.g. supervisors and schools of one report), then the notes."""
    workbook = xlsxwriter.Workbook(path, {"constant_memory": True, "strings_to_numbers": False, "strings_to_formulas": False})
    for sheet, headers, rows in sheets:
        _write_sheet(workbook, sheet, headers, rows)
    if notes:
        info = workbook.add_worksheet("说明")
        for i, note in enumerate(notes):
            info.write_string(i, 0, str(note))
        info.set_column(0, 0, 100)
    workbook.close()


def _write_sheet(workbook, sheet: str, headers: Sequence[str], rows: Iterable[Sequence]) -> None:
    worksheet = workbook.add_worksheet(sheet[:31])
    header_format = workbook.add_format({"bold": True, "bg_color": "#DDEBF7", "border": 1, "text_wrap": True})
    worksheet.set_row(0, 30)
    for col, title in enumerate(headers):
        worksheet.write_string(0, col, str(title), header_format)
        worksheet.set_column(col, col, max(10, min(36, len(str(title)) * 2 + 2)))
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


def xlsx_response(filename: str, sheet: str, headers: Sequence[str], rows: Iterable[Sequence], *, notes: Sequence[str] = ()) -> FileResponse:
    return xlsx_sheets_response(filename, [(sheet, headers, rows)], notes=notes)


def xlsx_sheets_response(filename: str, sheets: Sequence[tuple[str, Sequence[str], Iterable[Sequence]]], *,
                         notes: Sequence[str] = ()) -> FileResponse:
    tmp = tempfile.NamedTemporaryFile(suffix=".xlsx")  # noqa: SIM115 - closed by FileResponse
    write_xlsx_sheets(tmp.name, sheets, notes=notes)
    tmp.seek(0)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    name = f"{filename}-{stamp}.xlsx"
    response = FileResponse(
        tmp, as_attachment=True, filename=name,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(name)}"
    return response
