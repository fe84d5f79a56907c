"""Importing the supervisor roster: all or nothing, every error by row and column, in Chinese."""

from __future__ import annotations

import datetime as dt
import io
import tempfile

import pytest
import xlsxwriter
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.core import columns as c
from dudao.imports.models import ImportJob
from dudao.supervisors.models import Supervisor
from tests.imports.helpers import csv_bytes, upload

HEADER = ["*姓名", "性别", "出生日期", "*手机号", "*类别", "级别", "所属督导室", "聘任日期", "聘任机关", "聘书编号",
          "督学证编号", "来源背景", "原工作单位及职务", "学历", "职称"]


def row(name="李命均", born="1975-03-02", phone="13807310001", kind="专职", office="430182", appointed="2023-08-15",
        certificate="湘督证4301820001", background="原校长（园长）", **extra) -> list:
    values = {"*姓名": name, "性别": "男", "出生日期": born, "*手机号": phone, "*类别": kind, "级别": "县级",
              "所属督导室": office, "聘任日期": appointed, "聘任机关": "宁乡市人民政府", "聘书编号": "",
              "督学证编号": certificate, "来源背景": background, "原工作单位及职务": "宁乡市某中学校长", "学历": "本科",
              "职称": "高级"}
    values.update(extra)
    return [values[h] for h in HEADER]


def xlsx(header, rows) -> bytes:
    """Dates written as real Excel dates, numbers as numbers, the rest as text."""
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        wb = xlsxwriter.Workbook(tmp.name)
        ws = wb.add_worksheet()
        date_format = wb.add_format({"num_format": "yyyy-mm-dd"})
        ws.write_row(0, 0, header)
        for r, values in enumerate(rows, start=1):
            for col, value in enumerate(values):
                if isinstance(value, dt.date):
                    ws.write_datetime(r, col, dt.datetime(value.year, value.month, value.day), date_format)
                elif isinstance(value, (int, float)):
                    ws.write_number(r, col, value)
                elif value != "":
                    ws.write_string(r, col, value)
        wb.close()
        return open(tmp.name, "rb").read()


def run(client, content: bytes, name: str = "督学.xlsx") -> ImportJob:
    client.post(reverse("imports:new"), {"kind": "supervisors", "file": upload(name, content)})
    return ImportJob.objects.order_by("-pk").first()


def errors_of(job: ImportJob) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def test_good_file_creates_supervisors_through_the_service(cast, client, ningxiang):
    client.force_login(cast.county_staff)
    rows = [
        row(born=dt.date(1975, 3, 2), appointed=dt.date(2023, 8, 15)),  # Excel dates
        row(name="袁礼", born="1970/3/2", phone=13807310002, kind="兼职", certificate="", appointed="2020年9月1日",
            background="教师"),
        row(name="周汉学", born="1980年11月20日", phone="13807310003", certificate="湘督证4301820003", office="", **{"级别": ""}),
    ]
    job = run(client, xlsx(HEADER, rows))
    assert job.status == "succeeded", job.errors
    assert (job.created_count, job.updated_count) == (3, 0)
    li = Supervisor.objects.get(certificate_no="湘督证4301820001")
    assert (li.birth_date, li.office, li.kind, li.background, li.degree) == (dt.date(1975, 3, 2), ningxiang, "full_time", "principal", "bachelor")
    assert li.status_events.get().effective_on == dt.date(2023, 8, 15)  # the entry, from supervisor_create
    yuan = Supervisor.objects.get(name="袁礼")
    assert (yuan.birth_date, yuan.phone, yuan.kind, yuan.appointed_on) == (dt.date(1970, 3, 2), "13807310002", "part_time", dt.date(2020, 9, 1))
    zhou = Supervisor.objects.get(name="周汉学")
    assert (zhou.office, zhou.level, zhou.birth_date) == (ningxiang, "county", dt.date(1980, 11, 20))


def test_reimport_updates_by_certificate_or_by_name_and_phone(cast, client):
    client.force_login(cast.county_staff)
    run(client, xlsx(HEADER, [row(), row(name="袁礼", phone="13807310002", certificate="")]))
    job = run(client, xlsx(HEADER, [row(**{"原工作单位及职务": "宁乡市玉潭中学校长"}),
                                    row(name="袁礼", phone="13807310002", certificate="", **{"职称": "正高级"})]))
    assert (job.status, job.created_count, job.updated_count) == ("succeeded", 0, 2)
    assert Supervisor.objects.count() == 2
    assert Supervisor.objects.get(name="李命均").former_post == "宁乡市玉潭中学校长"
    assert Supervisor.objects.get(name="袁礼").title == "full_senior"


def test_the_template_lists_the_offices_the_user_manages(cast, client):
    client.force_login(cast.county_staff)
    response = client.get(reverse("imports:template", kwargs={"kind": "supervisors"}))
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    assert book.sheet_names == ["督学名册", "填写说明", "督导室代码"]
    assert book.get_sheet_by_index(0).to_python()[0] == HEADER
    assert [r[0] for r in book.get_sheet_by_name("督导室代码").to_python()[1:]] == ["430182"]


def test_wrong_columns_write_nothing(cast, client):
    client.force_login(cast.county_staff)
    header = [h for h in HEADER if h != "*手机号"]
    job = run(client, xlsx(header, [[v for h, v in zip(HEADER, row(), strict=True) if h != "*手机号"]]))
    assert job.status == "failed" and job.message == "表头与模板不一致，未写入任何数据。"
    assert errors_of(job) == {(1, "手机号"): "缺少必填列：请使用下载的模板，不要修改表头"}
    assert not Supervisor.objects.exists()


def test_bad_rows_are_all_reported_by_row_and_column_and_nothing_is_written(cast, client):
    client.force_login(cast.county_staff)
    rows = [
        row(),                                                                   # row 2: fine on its own
        row(name="甲", born="1975-02-30", phone="13807310011", certificate="湘督证A"),   # row 3: no such date
        row(name="乙", born="去年", phone="13807310012", certificate="湘督证B"),          # row 4: not a date
        row(name="丙", office="430181", phone="13807310013", certificate="湘督证C"),     # row 5: 浏阳, out of scope
        row(name="丁", office="430199", phone="13807310014", certificate="湘督证D"),     # row 6: no such office
        row(name="戊", phone="13807310015"),                                     # row 7: certificate of row 2
        row(name="己", phone="0731-8781234", kind="临时", certificate="湘督证E", background="校外专家"),  # row 8
    ]
    job = run(client, xlsx(HEADER, rows))
    assert job.status == "failed"
    assert errors_of(job) == {
        (3, "出生日期"): "日期不存在（现为“1975-02-30”）",
        (4, "出生日期"): "应为日期，如 1975-03-02、1975/3/2 或 1975年3月2日（现为“去年”）",
        (5, "所属督导室"): "430181 的督导室不在您的管辖范围内",
        (6, "所属督导室"): "430199 没有对应的督导室",
        (7, "督学证编号"): "与第 2 行重复",
        (8, "手机号"): "应为 11 位手机号（现为“07318781234”）",
        (8, "类别"): "应为以下之一：专职、兼职（现为“临时”）",
    }
    assert job.message.startswith("发现 7 处错误") and "未写入任何数据" in job.message
    assert not Supervisor.objects.exists()


def test_unknown_background_is_named(cast, client):
    client.force_login(cast.county_staff)
    job = run(client, xlsx(HEADER, [row(background="校外专家")]))
    message = errors_of(job)[(2, "来源背景")]
    assert message.startswith("应为以下之一：原校长（园长）、教师") and message.endswith("（现为“校外专家”）")


def test_a_certificate_of_another_office_cannot_be_taken_over(cast, client, liuyang, make_supervisor):
    make_supervisor("浏阳督学", office=liuyang, certificate_no="湘督证4301820001")
    client.force_login(cast.county_staff)
    job = run(client, xlsx(HEADER, [row()]))
    assert errors_of(job) == {(2, "督学证编号"): "该督学证编号已登记在其他督导室名下，您无权修改"}
    assert Supervisor.objects.count() == 1


def test_gbk_csv_with_text_dates_and_trailing_asterisks(cast, client):
    client.force_login(cast.county_staff)
    header = [h.lstrip("*") + ("*" if h.startswith("*") else "") for h in HEADER]  # 姓名*, 手机号*, 类别*
    job = run(client, csv_bytes(header, [row(born="1975.3.2")], encoding="gbk"), "督学.csv")
    assert job.status == "succeeded", job.errors
    assert Supervisor.objects.get().birth_date == dt.date(1975, 3, 2)


def test_import_needs_write_rights(cast, client):
    client.force_login(cast.county_leader)
    response = client.post(reverse("imports:new"), {"kind": "supervisors", "file": upload("督学.xlsx", xlsx(HEADER, [row()]))})
    assert response.status_code == 403 and not Supervisor.objects.exists()


@pytest.mark.parametrize("raw, expected", [
    (dt.datetime(1975, 3, 2, 0, 0), dt.date(1975, 3, 2)),
    (dt.date(1975, 3, 2), dt.date(1975, 3, 2)),
    ("1975-03-02", dt.date(1975, 3, 2)),
    ("1975/3/2", dt.date(1975, 3, 2)),
    ("1975年3月2日", dt.date(1975, 3, 2)),
    ("1975.3.2", dt.date(1975, 3, 2)),
    ("19750302", dt.date(1975, 3, 2)),
    (27455.0, dt.date(1975, 3, 2)),  # an Excel serial in a cell not formatted as a date
    (None, None),
    ("  ", None),
])
def test_date_parser_accepts(raw, expected):
    assert c.date(raw) == expected


@pytest.mark.parametrize("raw, message", [
    ("1975-13-01", "日期不存在（现为“1975-13-01”）"),
    ("3/2/1975", "应为日期，如 1975-03-02、1975/3/2 或 1975年3月2日（现为“3/2/1975”）"),
    (2023, "应为日期，如 1975-03-02、1975/3/2 或 1975年3月2日（现为“2023”）"),
    (27455.5, "应为日期，如 1975-03-02、1975/3/2 或 1975年3月2日（现为 27455.5）"),
    ("1875-01-01", "年份应在 1900～2100 之间（现为“1875-01-01”）"),
])
def test_date_parser_refuses_in_chinese(raw, message):
    with pytest.raises(c.CellError) as exc:
        c.date(raw)
    assert str(exc.value) == message
