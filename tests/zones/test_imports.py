"""Zones, zone schools and zone supervisors: Excel import through the engine (all or nothing,
Chinese errors by row and column) and an export that imports back unchanged."""

from __future__ import annotations

import io

import pytest
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.imports.models import ImportJob, ImportStatus
from dudao.regions.models import Office
from dudao.zones.models import Zone, ZoneSchool
from dudao.zones.services import zone_add_schools, zone_create
from tests.imports.helpers import upload, xlsx_bytes

ZONE_HEADER = ["所属督导室", "*责任区名称", "办公地点", "备注"]
SCHOOL_HEADER = ["*学校标识码", "学校名称", "*责任区名称", "所属督导室"]
SUPERVISOR_HEADER = ["*姓名", "手机号", "督学证编号", "*责任区名称", "职务", "所属督导室"]


def run(client, kind: str, header, rows) -> ImportJob:
    client.post(reverse("imports:new"), {"kind": kind, "file": upload(f"{kind}.xlsx", xlsx_bytes(header, rows))})
    return ImportJob.objects.order_by("-pk").first()


def errors_of(job: ImportJob) -> dict[tuple[int, str], str]:
    return {(e["row"], e["column"]): e["message"] for e in job.errors}


def exported(client, kind: str, office=None) -> list[list]:
    url = reverse("zones:export", kwargs={"kind": kind}) + (f"?office={office.pk}" if office else "")
    response = client.get(url)
    assert response.status_code == 200
    data = b"".join(response.streaming_content)
    return CalamineWorkbook.from_filelike(io.BytesIO(data)).get_sheet_by_index(0).to_python()


@pytest.fixture
def team(cast, make_supervisor):
    return {"甲": make_supervisor("甲"), "乙": make_supervisor("乙"), "同名1": make_supervisor("张三"),
            "同名2": make_supervisor("张三")}


def test_import_zones_schools_and_supervisors_then_export_round_trips(cast, client, team, ningxiang):
    client.force_login(cast.county_staff)
    job = run(client, "zones", ZONE_HEADER, [["", "宁乡一区", "玉潭街道1号", ""], ["430182", "宁乡二区", "", "新设"]])
    assert job.status == ImportStatus.SUCCEEDED and job.created_count == 2, job.errors
    one, two = Zone.objects.get(name="宁乡一区"), Zone.objects.get(name="宁乡二区")
    assert one.office == ningxiang and one.office_address == "玉潭街道1号" and two.note == "新设"

    job = run(client, "zone_schools", SCHOOL_HEADER, [[cast.A1.code, "", "宁乡一区", ""], [cast.A2.code, "二中", "宁乡一区", ""],
                                                     [cast.A3.code, "", "宁乡二区", "430182"]])
    assert job.status == ImportStatus.SUCCEEDED and job.created_count == 3, job.errors
    assert set(ZoneSchool.objects.filter(zone=one).values_list("school__code", flat=True)) == {cast.A1.code, cast.A2.code}

    phone = team["同名2"].phone
    job = run(client, "zone_supervisors", SUPERVISOR_HEADER, [["甲", "", "", "宁乡一区", "主任", ""], ["乙", "", "", "宁乡一区", "", ""],
                                                             ["张三", phone, "", "宁乡二区", "成员", ""]])
    assert job.status == ImportStatus.SUCCEEDED, job.errors
    one.refresh_from_db()
    assert one.head == team["甲"] and list(one.members.all()) == [team["乙"]]
    assert list(two.members.all()) == [team["同名2"]]

    # The exports hold exactly that, in the import columns.
    zones = exported(client, "zones", ningxiang)
    assert zones == [["所属督导室", "责任区名称", "办公地点", "备注"], ["430182", "宁乡一区", "玉潭街道1号", ""], ["430182", "宁乡二区", "", "新设"]]
    schools = exported(client, "zone_schools", ningxiang)
    assert schools[1:] == [[cast.A1.code, cast.A1.name, "宁乡一区", "430182"], [cast.A2.code, cast.A2.name, "宁乡一区", "430182"],
                           [cast.A3.code, cast.A3.name, "宁乡二区", "430182"]]
    people = exported(client, "zone_supervisors", ningxiang)
    assert people[1:] == [["甲", team["甲"].phone, "", "宁乡一区", "主任", "430182"], ["乙", team["乙"].phone, "", "宁乡一区", "成员", "430182"],
                          ["张三", phone, "", "宁乡二区", "成员", "430182"]]

    # Round trip: each export imports back and changes nothing.
    before = (list(ZoneSchool.objects.values_list("zone_id", "school_id").order_by("pk")), one.head_id)
    for kind, rows in (("zones", zones), ("zone_schools", schools), ("zone_supervisors", people)):
        job = run(client, kind, rows[0], rows[1:])
        assert job.status == ImportStatus.SUCCEEDED, (kind, job.errors)
        assert job.created_count == 0, kind
    assert Zone.objects.count() == 2
    one.refresh_from_db()
    assert (list(ZoneSchool.objects.values_list("zone_id", "school_id").order_by("pk")), one.head_id) == before


def test_a_school_named_in_another_zone_moves(cast, client, ningxiang):
    one = zone_create(office=ningxiang, name="一区")
    two = zone_create(office=ningxiang, name="二区")
    zone_add_schools(zone=one, schools=[cast.A1])
    client.force_login(cast.county_staff)
    job = run(client, "zone_schools", SCHOOL_HEADER, [[cast.A1.code, "", "二区", ""]])
    assert job.status == ImportStatus.SUCCEEDED
    assert ZoneSchool.objects.get(school=cast.A1).zone == two


def test_school_rows_errors_by_row_and_column_and_nothing_written(cast, client, ningxiang):
    zone_create(office=ningxiang, name="一区")
    client.force_login(cast.county_staff)
    job = run(client, "zone_schools", SCHOOL_HEADER, [
        [cast.A1.code, "", "一区", ""],            # fine
        [cast.B1.code, "", "一区", ""],            # 望城: outside the office
        [cast.A2.code, "", "三区", ""],            # no such zone
        [cast.A1.code, "", "一区", ""],            # repeated
        ["9999999999", "", "一区", ""],            # not in the school list
        ["12345", "", "一区", ""],                 # not 10 digits
        [cast.A3.code, "", "一区", "430181"],      # 浏阳's office: not managed
        [cast.A3.code, "", "", ""],                # zone blank
    ])
    assert job.status == ImportStatus.FAILED
    assert errors_of(job) == {
        (3, "学校标识码"): f"{cast.B1.code} 不在您的管辖范围内",
        (4, "责任区名称"): "宁乡市人民政府教育督导室没有名为“三区”的责任区（请先建立或导入责任区）".replace(
            "宁乡市人民政府教育督导室", ningxiang.name),
        (5, "学校标识码"): "与第 2 行重复",
        (6, "学校标识码"): "9999999999 不在学校名录中",
        (7, "学校标识码"): "应为 10 位数字（现为“12345”）",
        (8, "所属督导室"): "430181 的督导室不在您的管辖范围内",
        (9, "责任区名称"): "必填项为空",
    }
    assert "未写入任何数据" in job.message
    assert not ZoneSchool.objects.exists()


def test_a_city_office_must_name_the_office(cast, client):
    client.force_login(cast.city_staff)
    job = run(client, "zones", ZONE_HEADER, [["", "某区", "", ""], ["43", "省区", "", ""]])
    assert errors_of(job) == {(2, "所属督导室"): "请填写督导室所在区划的代码（您管理多个督导室）",
                              (3, "所属督导室"): "应为市（4位）或县（6位）的区划代码（现为“43”）"}
    job = run(client, "zones", ZONE_HEADER, [["4301", "长沙市直一区", "", ""], ["430182", "宁乡某区", "", ""]])
    assert job.status == ImportStatus.SUCCEEDED
    assert Zone.objects.get(name="长沙市直一区").level == "city"


def test_supervisor_rows_errors(cast, client, team, ningxiang, make_supervisor):
    zone_create(office=ningxiang, name="一区")
    liuyang = Office.objects.get(region__code="430181")
    make_supervisor("浏阳甲", office=liuyang)
    make_supervisor("离任者", status="retired")
    client.force_login(cast.county_staff)
    job = run(client, "zone_supervisors", SUPERVISOR_HEADER, [
        ["甲", "", "", "一区", "主任", ""],
        ["乙", "", "", "一区", "主任", ""],            # a second head
        ["张三", "", "", "一区", "", ""],              # two 张三: phone needed
        ["浏阳甲", "", "", "一区", "", ""],            # another office's supervisor
        ["甲", "", "", "一区", "成员", ""],            # repeated
        ["乙", "", "", "一区", "组长", ""],            # unknown duty
        ["离任者", "", "", "一区", "", ""],            # not active
    ])
    assert errors_of(job) == {
        (3, "职务"): "“一区”的主任已在第 2 行填写，每个责任区只有一位主任",
        (4, "姓名"): f"{ningxiang.name}有 2 位名为“张三”的督学，请填写手机号或督学证编号",
        (5, "姓名"): f"{ningxiang.name}的督学名册中没有“浏阳甲”",
        (6, "姓名"): "与第 2 行重复",
        (7, "职务"): "应为以下之一：主任、成员（现为“组长”）",
        (8, "姓名"): "离任者 当前离任，不能编入责任区",
    }
    zone = Zone.objects.get(name="一区")
    assert zone.head is None and not zone.members.exists()


def test_exports_follow_the_scope(cast, client, ningxiang):
    liuyang = Office.objects.get(region__code="430181")
    zone_create(office=ningxiang, name="宁乡区")
    zone_create(office=liuyang, name="浏阳区")
    for persona, expected in (("county_staff", {"宁乡区"}), ("county_leader", {"宁乡区"}), ("city_staff", {"宁乡区", "浏阳区"}),
                              ("outsider", None), ("supervisor", None), ("school_user", None), ("nobody", None)):
        client.force_login(getattr(cast, persona))
        for kind in ("zones", "zone_schools", "zone_supervisors"):
            response = client.get(reverse("zones:export", kwargs={"kind": kind}))
            if expected is None:
                assert response.status_code == 403, (persona, kind)
                continue
            assert response.status_code == 200
            if kind == "zones":
                rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
                assert {r[1] for r in rows[1:]} == expected, persona
    client.force_login(cast.county_staff)
    assert client.get(reverse("zones:export", kwargs={"kind": "zones"}) + f"?office={liuyang.pk}").status_code == 404
    assert client.get(reverse("zones:export", kwargs={"kind": "nope"})).status_code == 404


def test_the_templates_download(cast, client):
    client.force_login(cast.county_staff)
    for kind in ("zones", "zone_schools", "zone_supervisors"):
        response = client.get(reverse("imports:template", kwargs={"kind": kind}))
        assert response.status_code == 200, kind
