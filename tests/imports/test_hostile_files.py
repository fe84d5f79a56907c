"""Hostile files never hurt the server (issue [6] item 5): each class gets a Chinese message that
names the row/column where there is one, nothing is written, and the process survives — the
spreadsheet reader runs in a child with a memory cap whose peak is measured here."""

from __future__ import annotations

import csv
import io
import tracemalloc
import zipfile

import pytest
from django.urls import reverse

from dudao.imports import reader
from dudao.imports.models import ImportJob
from dudao.schools.models import School
from tests.imports.helpers import SCHOOL_HEADER, school_row, upload
from tests.imports.hostile import grid, sheet_xml, workbook

CODE = "3143077001"
PEAK_KB = 200 * 1024  # the child that read a hostile file stayed below 200 MB


def post(client, name, content, kind="schools") -> ImportJob:
    client.post(reverse("imports:new"), {"kind": kind, "file": upload(name, content)})
    return ImportJob.objects.order_by("-pk").first()


def nothing_written() -> bool:
    return not School.objects.filter(code__in=[CODE, "3143077002"]).exists()


def csv_text(rows, *, newline="\r\n") -> str:
    buf = io.StringIO()
    csv.writer(buf, lineterminator=newline).writerows(rows)
    return buf.getvalue()


@pytest.fixture
def staff(cast, client):
    client.force_login(cast.county_staff)
    return client


# --- spreadsheets that would make the reader allocate the whole grid ----------------------------------
def test_a_far_away_stray_cell_is_refused_naming_it(staff, tmp_path):
    cells = grid(SCHOOL_HEADER, [school_row()])
    cells["XFD1048576"] = "x"
    content = workbook([("学校", sheet_xml(cells, dimension="A1:XFD1048576"))])
    job = post(staff, "学校.xlsx", content)
    assert job.status == "failed" and "XFD1048576" in job.message and "工作表“学校”" in job.message
    assert nothing_written()
    path = tmp_path / "stray.xlsx"
    path.write_bytes(content)
    with pytest.raises(reader.FileProblem, match="离数据区很远") as refused:
        reader.read_table(path, "stray.xlsx", expected=set(SCHOOL_HEADER), need=2)
    assert 0 < refused.value.peak_memory_kb < PEAK_KB


def test_a_huge_declared_dimension_is_not_trusted(staff, tmp_path):
    """The <dimension> element is only a claim: the real cells are read, in bounded memory."""
    content = workbook([("学校", sheet_xml(grid(SCHOOL_HEADER, [school_row()]), dimension="A1:XFD1048576"))])
    path = tmp_path / "dim.xlsx"
    path.write_bytes(content)
    table = reader.read_table(path, "dim.xlsx", expected=set(SCHOOL_HEADER), need=2)
    assert len(list(table.rows)) == 1 and 0 < table.peak_memory_kb < PEAK_KB
    job = post(staff, "学校.xlsx", content)
    assert job.status == "succeeded", job.errors


def test_a_part_that_inflates_far_beyond_its_size_is_refused_before_inflating(staff, tmp_path):
    padding = "<!--" + " " * (30 * 1048576) + "-->"  # 30 MB of nothing, ~30 KB compressed
    content = workbook([("学校", sheet_xml(grid(SCHOOL_HEADER, [school_row()]), padding=padding))])
    assert len(content) < 200_000
    job = post(staff, "学校.xlsx", content)
    assert job.status == "failed" and "xl/worksheets/sheet1.xml" in job.message and "压缩比" in job.message
    assert nothing_written()
    path = tmp_path / "bomb.xlsx"
    path.write_bytes(content)
    with pytest.raises(reader.FileProblem) as refused:
        reader.read_table(path, "bomb.xlsx")
    assert 0 < refused.value.peak_memory_kb < PEAK_KB


def test_a_part_that_lies_about_its_size_is_refused_as_damaged(staff):
    content = bytearray(workbook([("学校", sheet_xml(grid(SCHOOL_HEADER, [school_row()]), padding=" " * 100_000))]))
    # Declare the sheet smaller than it inflates to (central directory and local header).
    with zipfile.ZipFile(io.BytesIO(bytes(content))) as zf:
        info = zf.getinfo("xl/worksheets/sheet1.xml")
    real = info.file_size.to_bytes(4, "little")
    content = bytes(content).replace(real, (1000).to_bytes(4, "little"))
    job = post(staff, "学校.xlsx", content)
    assert job.status == "failed" and "已损坏" in job.message and nothing_written()


def test_a_reader_that_runs_out_of_memory_fails_the_job_and_the_process_survives(staff, settings):
    settings.DUDAO_IMPORT_PARSE_MEMORY_MB = 1  # no room for anything: the child dies (or gives up) at once
    job = post(staff, "学校.xlsx", workbook([("学校", sheet_xml(grid(SCHOOL_HEADER, [school_row()])))]))
    assert job.status == "failed" and "超出了资源上限" in job.message and nothing_written()
    assert job.attempts == 0  # failed, never queued again


# --- the header and the sheet -------------------------------------------------------------------------
def test_a_title_above_the_header_is_skipped_and_rows_keep_their_numbers(staff):
    cells = grid(SCHOOL_HEADER, [school_row(), school_row(code="3143077002", 城乡类型="火星")], first_row=3)
    cells["A1"] = "宁乡市学校名录（2024年）"
    job = post(staff, "学校.xlsx", workbook([("学校", sheet_xml(cells))]))
    assert job.status == "failed" and job.errors == [{"row": 5, "column": "城乡类型", "message": job.errors[0]["message"]}]
    job = post(staff, "学校.xlsx", workbook([("学校", sheet_xml(grid(SCHOOL_HEADER, [school_row()], first_row=3)))]))
    assert job.status == "succeeded" and "表头位于第 3 行" in job.message
    assert School.objects.filter(code=CODE).exists()


def test_data_on_another_sheet_is_found(staff):
    notes = sheet_xml({"A1": "填写说明：带 * 的列为必填。"})
    job = post(staff, "学校.xlsx", workbook([("填写说明", notes), ("学校名录", sheet_xml(grid(SCHOOL_HEADER, [school_row()])))]))
    assert job.status == "succeeded", job.message
    assert "工作表“学校名录”" in job.message and School.objects.filter(code=CODE).exists()


def test_no_header_anywhere_says_where_it_was_expected(staff):
    job = post(staff, "学校.xlsx", workbook([("说明", sheet_xml({"A1": "随便写的", "B2": "内容"}))]))
    assert job.status == "failed" and "没有找到模板的表头" in job.message and "第一个工作表的第 1 行" in job.message
    assert {e["column"] for e in job.errors} >= {"学校标识码", "学校名称"} and nothing_written()


# --- CSV ----------------------------------------------------------------------------------------------
def test_csv_with_a_nul_is_refused_naming_row_column_and_character(staff):
    rows = [SCHOOL_HEADER, school_row(), school_row(code="3143077002", name="宁乡\x00小学")]
    job = post(staff, "学校.csv", csv_text(rows).encode())
    assert job.status == "failed" and nothing_written()
    assert job.errors == [{"row": 3, "column": "学校名称", "message": job.errors[0]["message"]}]
    assert "U+0000" in job.errors[0]["message"]


def test_control_characters_are_refused(staff):
    job = post(staff, "学校.csv", csv_text([SCHOOL_HEADER, school_row(地址="宁乡\x1b[31m路")]).encode())
    assert job.status == "failed" and "U+001B" in job.errors[0]["message"] and job.errors[0]["row"] == 2
    assert nothing_written()


@pytest.mark.parametrize("char", ["\u200b", "\ufeff"])
def test_invisible_characters_in_codes_are_shown_visibly(staff, char):
    job = post(staff, "学校.csv", csv_text([SCHOOL_HEADER, school_row(code=f"31430{char}77001")]).encode())
    assert job.status == "failed" and nothing_written()
    error = job.errors[0]
    assert (error["row"], error["column"]) == (2, "学校标识码")
    assert f"U+{ord(char):04X}" in error["message"] and char not in error["message"]


def test_full_width_digits_in_codes_are_folded(staff):
    job = post(staff, "学校.csv", csv_text([SCHOOL_HEADER, school_row(code="３１４３０７７００１", region="４３０１８２")]).encode())
    assert job.status == "succeeded", job.errors
    assert School.objects.get(code=CODE).region_code == "430182"


def test_utf16_csv_is_read(staff):
    text = csv_text([SCHOOL_HEADER, school_row(name="宁乡市UTF16小学")], newline="\r\n")
    for encoded in (text.encode("utf-16"), text.encode("utf-16-le")):  # with a BOM (Excel's "Unicode 文本") and without
        School.objects.filter(code=CODE).delete()
        job = post(staff, "学校.csv", encoded)
        assert job.status == "succeeded", job.message
        assert School.objects.get(code=CODE).name == "宁乡市UTF16小学"


def test_old_mac_line_endings_are_read(staff):
    job = post(staff, "学校.csv", csv_text([SCHOOL_HEADER, school_row(), school_row(code="3143077002")], newline="\r").encode())
    assert job.status == "succeeded", (job.message, job.errors)
    assert job.created_count == 2


def test_a_100000_character_field_is_refused_naming_its_cell(staff, tmp_path):
    content = csv_text([SCHOOL_HEADER, school_row(), school_row(code="3143077002", 地址="路" * 100_000)]).encode()
    path = tmp_path / "long.csv"
    path.write_bytes(content)
    tracemalloc.start()
    try:
        rows = list(reader.read_table(path, "long.csv").rows)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert len(rows) == 2 and peak < 20 * len(content)  # a few copies of a 300 KB file, not more
    job = post(staff, "学校.csv", content)
    assert job.status == "failed" and nothing_written()
    error = job.errors[0]
    assert (error["row"], error["column"]) == (3, "地址") and "100,000 个字符" in error["message"]
    assert len(error["message"]) < 200  # never echoed whole


def test_a_csv_field_beyond_the_csv_limit_is_a_file_problem(staff):
    job = post(staff, "学校.csv", csv_text([SCHOOL_HEADER, school_row(地址="路" * 140_000)]).encode())
    assert job.status == "failed" and "第 2 行" in job.message and nothing_written()


def test_a_csv_header_below_a_title_line(staff):
    job = post(staff, "学校.csv", csv_text([["宁乡市学校名录"], [], SCHOOL_HEADER, school_row()]).encode())
    assert job.status == "succeeded", job.errors
    assert "表头位于第 3 行" in job.message


def test_an_invisible_character_in_a_header_does_not_hide_the_column(staff):
    header = [f"\ufeff{SCHOOL_HEADER[0]}\u200b", *SCHOOL_HEADER[1:]]
    job = post(staff, "学校.csv", csv_text([header, school_row()]).encode("utf-8"))
    assert job.status == "succeeded", job.errors
