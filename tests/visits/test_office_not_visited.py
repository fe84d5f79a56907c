"""Schools without a visit in a period, per zone, with their Excel file; and the calendar of visits."""

from __future__ import annotations

import io
import json
import re
from datetime import date

from django.urls import reverse
from python_calamine import CalamineWorkbook


def _sheets(response) -> dict[str, list[list]]:
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return {name: book.get_sheet_by_name(name).to_python() for name in book.sheet_names}


def test_never_visited_school_of_a_county_and_its_excel(cast, client, office_world):
    client.force_login(cast.multi)  # 望城 office staff
    params = {"office": office_world.offices["430112"].pk, "kind": "month", "day": "2025-10-15"}
    page = client.get(reverse("visits:not_visited"), params)
    html = page.content.decode()
    assert [r.school.name for r in page.context["page"].object_list] == ["测试望城九年制"]
    assert "测试望城九年制" in html and "测试望城一小" not in html  # B1 was visited on 21 October
    assert "从未督导" in html and "无责任督学" in html  # B2 has no responsible supervisor either
    sheets = _sheets(client.get(reverse("visits:not_visited_export"), params))
    assert sheets["未督导学校"] == [
        ["学校", "学校标识码", "所在区划", "责任区", "责任督学", "最近一次督导"],
        ["测试望城九年制", "3143090012", "望城区", "望城一区", "", "从未督导"],
    ]
    office = office_world.offices["430112"].name
    assert sheets["说明"][0][0] == f"{office} 2025年10月（2025-10-01 至 2025-10-31）未督导学校"


def test_a_month_without_visits_lists_every_school_with_its_last_visit(cast, client, office_world):
    client.force_login(cast.county_staff)
    params = {"office": office_world.offices["430182"].pk, "kind": "month", "day": "2025-11-10"}
    rows = _sheets(client.get(reverse("visits:not_visited_export"), params))["未督导学校"][1:]
    assert [(r[0], r[3], r[4], r[5]) for r in rows] == [  # by region code, then school code (A1 is in a township)
        ("测试宁乡二中", "宁乡北区", "宁乡张督学", "2025-10-09"),
        ("测试宁乡三幼", "宁乡北区", "宁乡李督学", "2025-10-20"),
        ("测试宁乡一小", "宁乡北区", "宁乡张督学", "2025-10-16"),
    ]
    # in October every 宁乡 school was visited
    page = client.get(reverse("visits:not_visited"), {**params, "day": "2025-10-10"})
    assert page.context["page"].paginator.count == 0 and "这一周期每所学校都有督导记录" in page.content.decode()


def test_zone_filter_of_a_city_office(cast, client, office_world):
    client.force_login(cast.city_staff)
    params = {"office": office_world.offices["4301"].pk, "kind": "year", "day": "2025-06-01"}
    everything = client.get(reverse("visits:not_visited"), {**params, "day": "2024-06-01"})
    assert everything.context["page"].paginator.count == 6  # nothing visited in 2024
    page = client.get(reverse("visits:not_visited"), {**params, "zone": "望城一区"})
    assert [r.school.name for r in page.context["page"].object_list] == ["测试望城九年制"]
    rows = _sheets(client.get(reverse("visits:not_visited_export"), {**params, "zone": "望城一区"}))["未督导学校"]
    assert [r[0] for r in rows[1:]] == ["测试望城九年制"]
    # the export link keeps the zone
    assert "zone=%E6%9C%9B%E5%9F%8E%E4%B8%80%E5%8C%BA" in page.content.decode()


def test_long_lists_are_paged_by_thirty(cast, client, office_world):
    from tests.factories import SchoolFactory

    for i in range(40):
        SchoolFactory(name=f"测试宁乡新校{i:02d}", region=cast.A2.region, code=f"31430991{i:02d}")
    client.force_login(cast.city_staff)
    params = {"office": office_world.offices["4301"].pk, "kind": "month", "day": "2025-10-15"}
    first = client.get(reverse("visits:not_visited"), params)
    assert first.context["page"].paginator.count == 41 and len(first.context["page"].object_list) == 30
    second = client.get(reverse("visits:not_visited"), {**params, "page": 2})
    assert len(second.context["page"].object_list) == 11
    rows = _sheets(client.get(reverse("visits:not_visited_export"), params))["未督导学校"]
    assert len(rows) == 42  # the header and every school, not just a page


def test_calendar_counts_visits_per_day(cast, client, office_world):
    client.force_login(cast.county_staff)
    page = client.get(reverse("visits:calendar"), {"office": office_world.offices["430182"].pk, "year": "2025"})
    assert page.status_code == 200
    chart = json.loads(re.search(r'<script id="calendar-chart" type="application/json">(.*?)</script>',
                                 page.content.decode(), re.S).group(1))
    # 张 twice on the 9th and once on the 16th, 李 on the 20th; the draft of the 30th does not count,
    # nor 望城's visit of the 21st
    assert chart["series"][0]["data"] == [["2025-10-09", 2], ["2025-10-16", 1], ["2025-10-20", 1]]
    assert chart["calendar"]["range"] == "2025"
    assert page.context["total"] == 4 and page.context["active_days"] == 3
    assert page.context["busiest"] == (date(2025, 10, 9), 2)
    months = {m: (n, link) for m, n, link in page.context["months"]}
    assert months[10][0] == 4 and months[9][0] == 0
    # a click on a day opens the ledger of that day; a month's number opens the ledger of the month
    html = page.content.decode()
    assert 'data-chart-link="/visits/log/?region=430182&amp;who=all&amp;start=__value__&amp;end=__value__"' in html
    ledger = client.get(months[10][1])
    assert ledger.context["page"].paginator.count == 4
    day = client.get(reverse("visits:log"), {"region": "430182", "who": "all", "start": "2025-10-09", "end": "2025-10-09"})
    assert ledger.status_code == 200 and day.context["page"].paginator.count == 2


def test_calendar_of_a_year_without_visits(cast, client, office_world):
    client.force_login(cast.county_staff)
    page = client.get(reverse("visits:calendar"), {"office": office_world.offices["430182"].pk, "year": "2024"})
    assert page.context["total"] == 0 and "2024 年还没有督导记录" in page.content.decode()
    assert 'data-chart="calendar-chart"' not in page.content.decode()
    # a nonsense year falls back to the current one instead of failing
    assert client.get(reverse("visits:calendar"), {"year": "abc"}).status_code == 200
