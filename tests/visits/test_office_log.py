"""督导记录台账: filters, the supervisor's own default, HTMX results, and an Excel file that is exactly
the filtered list (never a visit outside the scope)."""

from __future__ import annotations

import io
from datetime import date, timedelta

from django.urls import reverse
from python_calamine import CalamineWorkbook

from tests.visits.office_world import submitted


def _listed(response) -> list[tuple[str, str, str]]:
    assert response.status_code == 200
    return [(v.visit_date.isoformat(), v.school.name, v.supervisor.name) for v in response.context["page"].object_list]


def _exported(response) -> list[list]:
    assert response.status_code == 200
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
    assert rows[0] == ["日期", "学校", "督学", "方式", "督导方法", "督导内容", "发现问题数", "是否拒绝阻挠", "定位距离（米）"]
    return rows[1:]


def test_each_filter_narrows_the_office_ledger(cast, client, office_world):
    client.force_login(cast.county_staff)
    url = reverse("visits:log")
    assert _listed(client.get(url)) == [
        ("2025-10-20", "测试宁乡三幼", "宁乡李督学"),
        ("2025-10-16", "测试宁乡一小", "宁乡张督学"),
        ("2025-10-09", "测试宁乡二中", "宁乡张督学"),  # 14:00, after the morning visit of the same day
        ("2025-10-09", "测试宁乡一小", "宁乡张督学"),
    ]
    assert [s for _d, s, _p in _listed(client.get(url, {"start": "2025-10-10", "end": "2025-10-19"}))] == ["测试宁乡一小"]
    assert {s for _d, s, _p in _listed(client.get(url, {"school": "二中"}))} == {"测试宁乡二中"}
    assert {s for _d, s, _p in _listed(client.get(url, {"school": cast.A3.code}))} == {"测试宁乡三幼"}
    assert {p for _d, _s, p in _listed(client.get(url, {"supervisor": "李"}))} == {"宁乡李督学"}
    zhang = office_world.supervisors["宁乡张督学"]
    assert len(_listed(client.get(url, {"supervisor_id": zhang.pk}))) == 3
    assert _listed(client.get(url, {"mode": "unannounced"})) == [("2025-10-09", "测试宁乡二中", "宁乡张督学")]
    assert _listed(client.get(url, {"refused": "1"})) == [("2025-10-20", "测试宁乡三幼", "宁乡李督学")]
    assert len(_listed(client.get(url, {"refused": "0"}))) == 3
    assert _listed(client.get(url, {"problems": "1"})) == [("2025-10-09", "测试宁乡一小", "宁乡张督学")]
    assert len(_listed(client.get(url, {"problems": "0"}))) == 3
    assert len(_listed(client.get(url, {"zone": office_world.zones["430182"].pk}))) == 4
    assert _listed(client.get(url, {"zone": office_world.zones["430112"].pk})) == []  # 望城's zone: nothing of 宁乡's scope
    assert _listed(client.get(url, {"region": "430112"})) == []
    # nonsense is ignored, not an error
    assert len(_listed(client.get(url, {"start": "2025-13-45", "mode": "x", "zone": "abc", "refused": "maybe"}))) == 4


def test_the_export_is_the_filtered_list(cast, client, office_world):
    li = office_world.supervisors["宁乡李督学"]
    for i in range(35):
        submitted(li, cast.A3, date(2025, 11, 1) + timedelta(days=i % 28), by=cast.admin, hour=8 + i % 3)
    client.force_login(cast.city_staff)
    params = {"region": "430182", "start": "2025-10-01", "end": "2025-12-31"}
    page = client.get(reverse("visits:log"), params)
    assert page.context["page"].paginator.count == 39 and len(page.context["page"].object_list) == 30  # 30 a page
    everything = list(page.context["page"].paginator.object_list)
    rows = _exported(client.get(reverse("visits:log_export"), params))
    assert [(r[0], r[1], r[2]) for r in rows] == [(v.visit_date.isoformat(), v.school.name, v.supervisor.name) for v in everything]
    # the row of the visit with a problem, in words
    a1 = next(r for r in rows if r[0] == "2025-10-09" and r[1] == "测试宁乡一小")
    assert a1[3:] == ["明查", "校园巡视、查阅资料", "校园及周边安全情况，学生交通安全情况、学校安全工作", 1, "否", 35]
    refused = _exported(client.get(reverse("visits:log_export"), {**params, "refused": "1"}))
    assert [(r[1], r[7]) for r in refused] == [("测试宁乡三幼", "是")]
    # the page's export link carries the filters
    html = client.get(reverse("visits:log"), {**params, "refused": "1"}).content.decode()
    assert reverse("visits:log_export") + "?start=2025-10-01&amp;end=2025-12-31&amp;region=430182&amp;refused=1&amp;" in html


def test_a_supervisor_sees_their_own_visits_first_and_may_widen_to_their_schools(cast, client, office_world):
    li = office_world.supervisors["宁乡李督学"]
    submitted(li, cast.A1, date(2025, 10, 25), by=cast.admin)  # a colleague at one of 张's schools
    client.force_login(cast.supervisor)  # 张
    mine = _listed(client.get(reverse("visits:log")))
    assert {p for _d, _s, p in mine} == {"宁乡张督学"} and len(mine) == 3
    everyone = _listed(client.get(reverse("visits:log"), {"who": "all"}))
    assert ("2025-10-25", "测试宁乡一小", "宁乡李督学") in everyone and len(everyone) == 4
    assert all(s in {"测试宁乡一小", "测试宁乡二中"} for _d, s, _p in everyone)  # never A3, which 李 also visited
    assert len(_exported(client.get(reverse("visits:log_export")))) == 3
    assert len(_exported(client.get(reverse("visits:log_export"), {"who": "all"}))) == 4


def test_a_school_reads_its_own_visits(cast, client, office_world):
    client.force_login(cast.school_user)
    assert {s for _d, s, _p in _listed(client.get(reverse("visits:log")))} == {"测试宁乡一小"}
    client.force_login(cast.nobody)
    page = client.get(reverse("visits:log"))
    assert _listed(page) == [] and "没有符合条件的督导记录" in page.content.decode()
    assert "导出 Excel" not in page.content.decode()


def test_htmx_gets_only_the_results(cast, client, office_world):
    client.force_login(cast.county_staff)
    response = client.get(reverse("visits:log"), {"mode": "unannounced"}, headers={"HX-Request": "true"})
    html = response.content.decode()
    assert "<html" not in html and "<form" not in html
    assert "测试宁乡二中" in html and "测试宁乡一小" not in html
    assert 'data-testid="result-count">共 1 条<' in html


def test_each_row_links_to_the_visit_and_its_record_sheet(cast, client, office_world):
    client.force_login(cast.county_staff)
    html = client.get(reverse("visits:log")).content.decode()
    assert reverse("visits:record_pdf", kwargs={"pk": office_world.visits["A1"].pk}) in html
    assert reverse("visits:detail", kwargs={"pk": office_world.visits["A1"].pk}) in html


def test_the_menu_offers_the_reports_to_the_office_and_the_ledger_to_everyone(cast, client, quota_defaults):
    for persona, reports in (("county_staff", True), ("county_leader", True), ("admin", True), ("supervisor", False),
                             ("school_user", False), ("nobody", False)):
        client.force_login(getattr(cast, persona))
        html = client.get(reverse("core:home"), follow=True).content.decode()
        # the ledger for everyone with a role that has visits (an account without a role sees no menu)
        assert (f'href="{reverse("visits:log")}"' in html) == (persona != "nobody"), persona
        for name in ("visits:compliance", "visits:not_visited", "visits:calendar", "visits:plans", "visits:rules"):
            assert (f'href="{reverse(name)}"' in html) == reports, (persona, name)
