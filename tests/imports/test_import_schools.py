"""Importing the school registry: all or nothing, every error by row and column, in Chinese."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.imports.models import ImportJob
from dudao.schools.models import School
from tests.imports.helpers import SCHOOL_HEADER, csv_bytes, school_row, upload, xls_bytes, xlsx_bytes


def post(client, name, content, kind="schools"):
    return client.post(reverse("imports:new"), {"kind": kind, "file": upload(name, content)})


def last_job() -> ImportJob:
    return ImportJob.objects.order_by("-pk").first()


def test_good_xlsx_creates_and_updates_schools(cast, client):
    client.force_login(cast.county_staff)
    rows = [school_row(), school_row(code="3143077002", name="宁乡市导入测试中学", kind="初级中学", region="430182001")]
    response = post(client, "学校.xlsx", xlsx_bytes(SCHOOL_HEADER, rows))
    job = last_job()
    assert response.status_code == 302 and response["Location"] == reverse("imports:detail", kwargs={"pk": job.pk})
    assert job.status == "succeeded" and job.created_count == 2
    school = School.objects.get(code="3143077002")
    assert (school.kind, school.region_code, school.name_initials) == ("junior", "430182001", "nxsdrcszx")
    # the same file again updates instead of duplicating
    post(client, "学校.xlsx", xlsx_bytes(SCHOOL_HEADER, [school_row(name="宁乡市导入测试小学（改名）")]))
    assert last_job().updated_count == 1
    assert School.objects.get(code="3143077001").name == "宁乡市导入测试小学（改名）"
    page = client.get(reverse("imports:detail", kwargs={"pk": last_job().pk})).content.decode()
    assert "导入成功：新增 0 条，更新 1 条。" in page


def test_blank_optional_choices_take_their_defaults(cast, client):
    client.force_login(cast.county_staff)
    post(client, "学校.xlsx", xlsx_bytes(SCHOOL_HEADER, [school_row(举办者="", 城乡类型="")]))
    assert last_job().status == "succeeded", last_job().errors
    school = School.objects.get(code="3143077001")
    assert (school.ownership, school.locality) == ("public", "urban")


def test_gbk_csv_is_detected(cast, client):
    client.force_login(cast.county_staff)
    post(client, "学校.csv", csv_bytes(SCHOOL_HEADER, [school_row(name="宁乡市GBK编码小学")], encoding="gbk"))
    assert last_job().status == "succeeded"
    assert School.objects.filter(name="宁乡市GBK编码小学").exists()


def test_old_xls_is_read(cast, client):
    client.force_login(cast.county_staff)
    post(client, "学校.xls", xls_bytes(SCHOOL_HEADER, [school_row(name="宁乡市XLS小学")]))
    job = last_job()
    assert job.status == "succeeded", job.errors
    assert School.objects.get(name="宁乡市XLS小学").code == "3143077001"


def test_utf8_bom_csv_is_read(cast, client):
    client.force_login(cast.county_staff)
    post(client, "学校.csv", csv_bytes(SCHOOL_HEADER, [school_row(name="宁乡市UTF8小学")], encoding="utf-8-sig"))
    assert last_job().status == "succeeded"


def errors_of(job: ImportJob) -> set[tuple[int, str]]:
    return {(e["row"], e["column"]) for e in job.errors}


def test_every_bad_cell_is_reported_and_nothing_is_written(cast, client):
    client.force_login(cast.county_staff)
    before = School.objects.count()
    rows = [
        school_row(),                                              # row 2: fine
        school_row(code="31430770", name="短码小学"),               # row 3: code too short
        school_row(code="3143077003", kind="大学"),                 # row 4: unknown kind
        school_row(code="3143077004", region="999999"),            # row 5: no such region
        school_row(code="3143077001", name="重复小学"),             # row 6: duplicate of row 2
        school_row(code="3143077005", region="430112"),            # row 7: 望城, outside 宁乡's scope
        school_row(code="3143077006", 经度="东经112"),              # row 8: not a number
        school_row(code="3143077007", 学校名称=""),                 # row 9: required and empty
        school_row(code="3143077008", 寄宿制="也许"),               # row 10: not yes/no
    ]
    post(client, "学校.xlsx", xlsx_bytes(SCHOOL_HEADER, rows))
    job = last_job()
    assert job.status == "failed"
    assert School.objects.count() == before
    assert errors_of(job) == {(3, "学校标识码"), (4, "办学类型"), (5, "区划代码"), (6, "学校标识码"),
                              (7, "区划代码"), (8, "经度"), (9, "学校名称"), (10, "寄宿制")}
    messages = {(e["row"]): e["message"] for e in job.errors}
    assert messages[6] == "与第 2 行重复"
    assert "不在您的管辖范围内" in messages[7]
    assert "发现 8 处错误" in job.message and "未写入任何数据" in job.message
    page = client.get(reverse("imports:detail", kwargs={"pk": job.pk})).content.decode()
    assert "应为 10 位数字" in page and "导入失败" in page


def test_wrong_columns_are_refused(cast, client):
    client.force_login(cast.county_staff)
    post(client, "学校.xlsx", xlsx_bytes(["编号", "名字", "类型"], [["1", "2", "3"]]))
    job = last_job()
    assert job.status == "failed" and "表头与模板不一致" in job.message
    assert {e["column"] for e in job.errors} == {"学校标识码", "学校名称", "办学类型", "区划代码"}


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("学校.xlsx", b"", "文件为空"),
        ("学校.xlsx", b"\x89PNG\r\n\x1a\n" + b"0" * 100, "不是有效的 Excel"),
        ("学校.xls", b"hello, this is text", "不是有效的 Excel"),
        ("学校.pdf", b"%PDF-1.4", "不支持的文件类型"),
        ("学校.exe", b"MZ", "不支持的文件类型"),
    ],
)
def test_unusable_files_get_a_chinese_error_and_keep_the_form(cast, client, name, content, message):
    client.force_login(cast.county_staff)
    before = (School.objects.count(), ImportJob.objects.count())
    response = post(client, name, content)
    text = response.content.decode()
    if response.status_code == 302:  # stored, then refused while reading
        job = last_job()
        assert job.status == "failed" and message in job.message
    else:
        assert response.status_code == 400 and message in text
        assert 'value="schools" selected' in text  # the chosen kind is kept
        assert ImportJob.objects.count() == before[1]
    assert School.objects.count() == before[0]


def test_fifty_megabytes_is_refused_before_reading(cast, client, settings):
    client.force_login(cast.county_staff)
    big = b"PK\x03\x04" + b"\0" * (50 * 1024 * 1024)
    response = post(client, "学校.xlsx", big)
    assert response.status_code == 400
    assert "文件过大（50.0 MB），上限为 20 MB" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_formulas_are_refused_with_their_cells(cast, client):
    client.force_login(cast.county_staff)
    before = School.objects.count()
    content = xlsx_bytes(SCHOOL_HEADER, [school_row()], formulas={(1, 7): "=100+12.5", (1, 8): "=20+8"})
    post(client, "学校.xlsx", content)
    job = last_job()
    assert job.status == "failed"
    assert "2 个单元格含公式（H2、I2）" in job.message
    assert School.objects.count() == before


def test_formula_like_text_in_csv_is_refused(cast, client):
    client.force_login(cast.county_staff)
    post(client, "学校.csv", csv_bytes(SCHOOL_HEADER, [school_row(地址='=HYPERLINK("http://x","点我")')]))
    job = last_job()
    assert job.status == "failed" and errors_of(job) == {(2, "地址")}


def test_leader_and_supervisor_cannot_import(cast, client):
    for user in (cast.county_leader, cast.supervisor, cast.school_user):
        client.force_login(user)
        response = post(client, "学校.xlsx", xlsx_bytes(SCHOOL_HEADER, [school_row()]))
        assert response.status_code == 403
    assert not School.objects.filter(code="3143077001").exists()


def test_cannot_take_over_a_school_of_another_county(cast, client):
    client.force_login(cast.county_staff)
    post(client, "学校.xlsx", xlsx_bytes(SCHOOL_HEADER, [school_row(code=cast.B1.code, name="抢来的学校")]))
    job = last_job()
    assert job.status == "failed"
    assert "您无权修改" in job.errors[0]["message"]
    cast.B1.refresh_from_db()
    assert cast.B1.name == "测试望城一小"


def test_template_downloads_with_headers_and_region_codes(cast, client):
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(cast.county_staff)
    response = client.get(reverse("imports:template", kwargs={"kind": "schools"}))
    wb = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    header = wb.get_sheet_by_index(0).to_python()[0]
    assert header[:3] == ["*学校标识码", "*学校名称", "*办学类型"]
    codes = {row[0] for row in wb.get_sheet_by_name("区划代码").to_python()[1:]}
    assert "430182" in codes and "430182001" in codes and "430112" not in codes


def test_the_downloaded_template_imports_back(cast, client):
    """A user fills the template they downloaded: its starred headers must be accepted."""
    import io

    from python_calamine import CalamineWorkbook

    client.force_login(cast.county_staff)
    response = client.get(reverse("imports:template", kwargs={"kind": "schools"}))
    header = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()[0]
    post(client, "模板.xlsx", xlsx_bytes(header, [school_row(code="3143077099")]))
    assert last_job().status == "succeeded"
