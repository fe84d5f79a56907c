"""Build import files in memory: xlsx (xlsxwriter), CSV in any encoding."""

from __future__ import annotations

import csv
import io
import tempfile

import xlsxwriter
from django.core.files.uploadedfile import SimpleUploadedFile

SCHOOL_HEADER = ["学校标识码", "学校名称", "办学类型", "举办者", "城乡类型", "区划代码", "地址", "经度", "纬度",
                 "校长（园长）", "联系电话", "寄宿制", "市直学校"]


def school_row(code="3143077001", name="宁乡市导入测试小学", kind="小学", region="430182", **extra):
    row = {"学校标识码": code, "学校名称": name, "办学类型": kind, "举办者": "公办", "城乡类型": "乡村", "区划代码": region,
           "地址": "宁乡市某路1号", "经度": "112.55", "纬度": "28.27", "校长（园长）": "王校长", "联系电话": "0731-1234567",
           "寄宿制": "否", "市直学校": "否"}
    row.update(extra)
    return [row[h] for h in SCHOOL_HEADER]


def xlsx_bytes(header, rows, formulas: dict | None = None) -> bytes:
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp.name)
        ws = wb.add_worksheet()
        ws.write_row(0, 0, header)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row):
                if isinstance(value, (int, float)):
                    ws.write_number(r, c, value)
                else:
                    ws.write_string(r, c, str(value))
        for (r, c), formula in (formulas or {}).items():
            ws.write_formula(r, c, formula)
        wb.close()
        return open(tmp.name, "rb").read()


def csv_bytes(header, rows, encoding="utf-8") -> bytes:
    buf = io.StringIO()
    writer = csv.writer(buf)
    writer.writerow(header)
    writer.writerows(rows)
    return buf.getvalue().encode(encoding)


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def xls_bytes(header, rows) -> bytes:
    """A real BIFF8 .xls, as older Excel and WPS versions still save."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("学校")
    for c, title in enumerate(header):
        sheet.write(0, c, title)
    for r, row in enumerate(rows, start=1):
        for c, value in enumerate(row):
            sheet.write(r, c, value)
    buf = io.BytesIO()
    book.save(buf)
    return buf.getvalue()
