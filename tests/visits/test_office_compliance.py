"""The office's compliance page: each supervisor against the rules in force, per zone coverage, the
pace within a running period, and rules changed from a date leaving earlier periods alone."""

from __future__ import annotations

import json
import re
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.visits import pace
from tests.visits.office_world import submitted


@pytest.fixture
def today_is(monkeypatch):
    """Set the date the pages take as today (the pace within a running period depends on it)."""
    real = timezone.localdate

    def _set(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *args, **kwargs: real(*args, **kwargs) if args or kwargs else day)

    return _set


def _lines(response) -> dict[str, tuple[str, dict[str, tuple[int, int]]]]:
    """Supervisor name -> (state, {metric: (done, required)}) as the page lists them."""
    # a rule of the period by its metric; a monthly rule judged month by month by "<metric>:month"
    columns = [c.key if c.over_months else c.metric for c in response.context["columns"]]
    return {line.row.supervisor.name: (line.state, {m: (c[0].done, c[0].required) for m, c in zip(columns, line.cells, strict=True) if c})
            for line in response.context["lines"]}


def _state_badge(html: str, name: str) -> str:
    row = re.search(rf'<tr data-supervisor="{name}">(.*?)</tr>', html, re.S).group(1)
    return re.search(r'data-testid="state">(.*?)</td>', row, re.S).group(1)


def test_a_finished_month_shows_who_is_behind_and_who_met_the_quota(cast, client, office_world):
    li = office_world.supervisors["宁乡李督学"]
    for day in (2, 6, 27):  # 李 reaches 4 visits in October; 张 stays at 3
        submitted(li, cast.A3, date(2025, 10, day), by=cast.admin)
    client.force_login(cast.county_staff)
    response = client.get(reverse("visits:compliance"), {"office": office_world.offices["430182"].pk, "kind": "month", "day": "2025-10-15"})
    assert response.status_code == 200
    lines = _lines(response)
    assert lines == {
        "宁乡张督学": (pace.BEHIND, {"visits_per_supervisor": (3, 4), "visits_per_assigned_school": (2, 2)}),
        "宁乡李督学": (pace.OK, {"visits_per_supervisor": (4, 4), "visits_per_assigned_school": (1, 1)}),
    }
    html = response.content.decode()
    assert "落后" in _state_badge(html, "宁乡张督学") and "达标" in _state_badge(html, "宁乡李督学")
    assert 'data-testid="behind-count">1<' in html
    assert 'data-testid="visit-count">7<' in html  # 3 by 张 and 4 by 李 at 宁乡's zone schools; the draft does not count
    assert "湖南省推进督学责任区工作会议部署（地方要求）：县级责任区督学每月至少到责任区督导4次" in html  # the rule and its source
    assert [line.row.supervisor.name for line in response.context["lines"]] == ["宁乡张督学", "宁乡李督学"]  # behind first


def test_in_a_running_month_a_supervisor_can_be_behind_or_on_pace(cast, client, office_world, today_is):
    today_is(date(2025, 10, 16))  # 16/31 of October: 4 visits prorate to 2 expected by now
    client.force_login(cast.county_leader)  # leaders read the office's reports
    response = client.get(reverse("visits:compliance"), {"office": office_world.offices["430182"].pk})
    lines = _lines(response)
    assert lines["宁乡张督学"][0] == pace.ON_PACE  # 3 of 4, above the pace of 2
    assert lines["宁乡李督学"][0] == pace.BEHIND   # 1 of 4, below the pace of 2
    html = response.content.decode()
    assert "进行中" in _state_badge(html, "宁乡张督学") and "落后" in _state_badge(html, "宁乡李督学")
    assert "周期进行中，已过 52%" in html


def test_zone_coverage_of_a_city_office(cast, client, office_world):
    client.force_login(cast.city_staff)
    response = client.get(reverse("visits:compliance"), {"office": office_world.offices["4301"].pk, "kind": "month", "day": "2025-10-01"})
    zones = {name: (n, visited, missing) for name, n, visited, missing in response.context["zones"]}
    assert zones == {"宁乡北区": (3, 3, 0), "望城一区": (2, 1, 1), "浏阳一区": (1, 1, 0)}
    html = response.content.decode()
    chart = json.loads(re.search(r'<script id="zone-chart" type="application/json">(.*?)</script>', html, re.S).group(1))
    assert chart["xAxis"]["data"] == ["宁乡北区", "望城一区", "浏阳一区"]
    assert [s["data"] for s in chart["series"]] == [[3, 1, 1], [0, 1, 0]]
    assert "东城一区" not in html  # 北京 is not under 长沙
    # the missing school of 望城一区 is one click away
    assert reverse("visits:not_visited") + "?" in html and "zone=%E6%9C%9B%E5%9F%8E%E4%B8%80%E5%8C%BA" in html


def test_long_lists_are_charted_in_part_and_paged(cast, client, ningxiang, quota_defaults, make_supervisor, record):
    """A province-sized office: the supervisor chart draws the 30 behind with the fewest visits (the
    page says so), the zone chart the 30 zones with the most schools not visited, the zone table
    pages 30 at a time; the summaries come from the report, computed once."""
    from dudao.regions.models import Region
    from dudao.schools.models import School
    from dudao.visits.views.office import CHART_BARS
    from dudao.zones.services import zone_add_schools, zone_create

    people = [make_supervisor(f"督学{i:02d}") for i in range(CHART_BARS + 3)]
    for i, person in enumerate(people[:3]):  # three of them visit: the 4-a-month rule leaves all behind
        for _ in range(i + 1):
            record(person, cast.A1, date(2025, 10, 3))
    town = Region.objects.filter(code__startswith="430182", level="township").first()
    for i in range(CHART_BARS + 2):
        school = School.objects.create(code=f"88{i:08d}", name=f"分页小学{i:02d}", kind="primary", locality="rural",
                                       region=town, region_code=town.code)
        zone_add_schools(zone=zone_create(office=ningxiang, name=f"分页责任区{i:02d}"), schools=[school])
    client.force_login(cast.county_staff)
    params = {"office": ningxiang.pk, "kind": "month", "day": "2025-10-15"}
    response = client.get(reverse("visits:compliance"), params)
    html = response.content.decode()
    chart = json.loads(re.search(r'<script id="supervisor-chart" type="application/json">(.*?)</script>', html, re.S).group(1))
    behind = [line for line in response.context["lines"] if line.state == pace.BEHIND]
    assert len(behind) == len(response.context["lines"]) > CHART_BARS
    assert len(chart["xAxis"]["data"]) == CHART_BARS and "督学02" not in chart["xAxis"]["data"]  # 3 visits: the most
    assert chart["series"][0]["data"] == sorted(chart["series"][0]["data"])
    assert 'data-testid="supervisor-chart-note"' in html and f"落后共 {len(behind)} 名" in html
    zone_chart = json.loads(re.search(r'<script id="zone-chart" type="application/json">(.*?)</script>', html, re.S).group(1))
    zones = response.context["report"].zones
    assert len(zones) > CHART_BARS and len(zone_chart["xAxis"]["data"]) == CHART_BARS
    assert 'data-testid="zone-chart-note"' in html
    # the zone table: 30 a page, the rest on the next
    first = [row[0] for row in response.context["zones"]]
    second = [row[0] for row in client.get(reverse("visits:compliance"), {**params, "zpage": 2}).context["zones"]]
    assert len(first) == 30 and first + second == [z[0] for z in zones]
    assert "zpage=2" in html


def test_period_navigation_and_semester(cast, client, office_world):
    client.force_login(cast.county_staff)
    response = client.get(reverse("visits:compliance"), {"office": office_world.offices["430182"].pk, "kind": "semester", "day": "2025-11-02"})
    assert response.context["period"].label == "2025—2026学年秋季学期"
    assert response.context["previous_day"] == date(2025, 8, 31) and response.context["next_day"] == date(2026, 2, 1)
    rules = {(r.metric, r.period) for r in response.context["report"].rules}
    assert ("visits_per_zone_school", "semester") in rules  # 条例 Art 14: twice a semester
    assert {r.school.name: r.visits for r in response.context["report"].schools} == {
        "测试宁乡一小": 2, "测试宁乡二中": 1, "测试宁乡三幼": 1}


def test_past_periods_keep_the_rule_version_then_in_force(cast, client, office_world):
    """宁乡 sets its own monthly quota from this month, then changes it again from next month: last
    month is still judged by Hunan's 4, this month by 2, next month by 3."""
    office = office_world.offices["430182"]
    this_month = timezone.localdate().replace(day=1)
    last_month = this_month - timedelta(days=1)
    next_month = (this_month + timedelta(days=32)).replace(day=1)
    client.force_login(cast.county_staff)
    url = reverse("visits:rule_override", kwargs={"pk": office.pk})
    for required, valid_from in (("2", this_month), ("3", next_month)):
        response = client.post(url, {"zone_level": "county", "metric": "visits_per_supervisor", "period": "month",
                                     "required": required, "valid_from": valid_from.isoformat(), "source": f"宁乡：每月{required}次"})
        assert response.status_code == 302, response.content.decode()

    def required_on(day: date) -> tuple[int, str]:
        page = client.get(reverse("visits:compliance"), {"office": office.pk, "kind": "month", "day": day.isoformat()})
        rule = next(r for r in page.context["report"].rules if r.metric == "visits_per_supervisor")
        per_line = {m: c for m, c in _lines(page)["宁乡张督学"][1].items()}
        assert per_line["visits_per_supervisor"][1] == rule.required
        return rule.required, rule.source

    assert required_on(last_month) == (4, "湖南省推进督学责任区工作会议部署（地方要求）：县级责任区督学每月至少到责任区督导4次")
    assert required_on(this_month) == (2, "宁乡：每月2次")
    assert required_on(next_month) == (3, "宁乡：每月3次")
    # the rules page keeps both of 宁乡's versions, the first closed the day before the second
    page = client.get(reverse("visits:rules"), {"office": office.pk})
    versions = [r for r in page.context["history"] if r.office_id == office.pk]
    assert [(r.required, r.valid_from, r.valid_to) for r in versions] == [
        (3, next_month, None), (2, this_month, next_month - timedelta(days=1))]
    assert [r.state for r in versions] == ["future", "current"]
    assert "宁乡：每月2次" in page.content.decode() and "湖南省推进督学责任区工作会议部署（地方要求）：县级责任区督学每月至少到责任区督导4次" in page.content.decode()


def test_an_office_without_supervisors_says_so(cast, client, quota_defaults):
    client.force_login(cast.county_staff)
    page = client.get(reverse("visits:compliance"))
    assert page.status_code == 200
    assert "该督导室暂无在岗督学" in page.content.decode()


@pytest.mark.parametrize(("done", "required", "elapsed", "state"), [
    (0, 4, 7 / 30, pace.ON_PACE),   # 4 × 7/30 = 0.93 → nothing expected yet
    (0, 4, 8 / 30, pace.BEHIND),    # 1.07 → one visit expected by the 8th
    (1, 4, 14 / 30, pace.ON_PACE),
    (1, 4, 15 / 30, pace.BEHIND),   # 2 expected by the 15th
    (3, 4, 29 / 30, pace.ON_PACE),
    (3, 4, 1.0, pace.BEHIND),       # the month is over
    (4, 4, 0.1, pace.OK),
    (0, 0, 1.0, pace.OK),           # nothing required (a supervisor with no school)
])
def test_pace(done, required, elapsed, state):
    assert pace.check_state(done, required, elapsed) == state


def test_a_supervisors_state_is_the_worst_of_their_checks():
    # the compliance table's badge of a supervisor (compliance_table) is the worst of their checks
    states = [pace.check_state(4, 4, 1.0), pace.check_state(1, 2, 1.0)]
    assert pace.worst_state(states) == pace.BEHIND
    assert pace.worst_state([pace.check_state(4, 4, 0.5), pace.check_state(1, 2, 0.5)]) == pace.ON_PACE
    assert pace.worst_state([]) == pace.OK
