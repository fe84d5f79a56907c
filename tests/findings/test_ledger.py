"""The ledger's reads: filters, counts, overdue rate, average days to close, groups, charts and the
台账 Excel file. State comes from the services (create → notify → report → verify)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.findings import selectors
from dudao.findings.models import Finding
from dudao.findings.selectors import FindingFilters, finding_list, ledger_counts, ledger_groups
from dudao.findings.services import finding_create, finding_transition
from tests.findings.conftest import photo
from tests.xlsx import xlsx_rows


@dataclass
class Six:
    open: Finding  # deadline in 20 days
    overdue: Finding  # deadline 10 days ago, notified
    soon: Finding  # deadline in 3 days
    on_time: Finding  # found 12 days ago, deadline in 5 days, closed today
    late: Finding  # found 30 days ago, deadline 2 days ago, closed today
    cancelled: Finding
    today: date


def close(ledger, finding: Finding, note: str = "已更换灭火器并建立月检台账") -> Finding:
    cast = ledger.cast
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    unit = cast.school_user if finding.school_id == cast.A1.pk else cast.county_staff  # the office may report for the unit
    finding_transition(by=unit, finding=finding, action="report", note=note, files=[photo("现场.png")])
    return finding_transition(by=cast.supervisor, finding=finding, action="verify", note="现场核查属实")


@pytest.fixture
def six(ledger) -> Six:
    today = timezone.localdate()
    cast = ledger.cast

    def make(description, *, school=None, found=0, deadline=20, **extra):
        return ledger.make(school or cast.A1, description=description, found_on=today - timedelta(days=found),
                           deadline=today + timedelta(days=deadline), **extra)

    overdue = make("食堂留样记录不全", found=40, deadline=-10, category="hygiene", severity="serious")
    finding_transition(by=cast.county_staff, finding=overdue, action="notify")
    late = close(ledger, make("宿舍消防通道堆放杂物", school=cast.A2, found=30, deadline=-2))
    cancelled = make("误报问题", deadline=10)
    finding_transition(by=cast.county_staff, finding=cancelled, action="cancel", note="经核实不属实")
    return Six(
        open=make("校务公开栏未更新", deadline=20, source="campaign", category="management"),
        overdue=overdue,
        soon=make("作业超时", school=cast.A2, deadline=3, category="workload"),
        on_time=close(ledger, make("实验室灭火器过期", found=12, deadline=5)),
        late=late, cancelled=cancelled, today=today,
    )


def test_counts_overdue_rate_and_days_to_close(six, cast):
    counts = ledger_counts(Finding.objects.all(), today=six.today)
    assert (counts.total, counts.unfinished, counts.overdue, counts.due_soon) == (6, 3, 1, 1)
    assert (counts.closed, counts.cancelled, counts.late, counts.judged) == (2, 1, 2, 3)
    # 逾期率 = (overdue now 1 + closed late 1) / (closed 2 + overdue now 1)
    assert counts.overdue_rate == 66.7
    assert (counts.close_days.days, counts.closed_timed, counts.avg_days_to_close) == (42, 2, 21.0)  # 12 + 30 days
    assert counts.close_rate == 40.0  # 2 closed of 5 not cancelled


def test_counts_follow_the_scope(six, cast):
    # The supervisor sees A1 and A2 (all six); the school user only A1's four.
    school = ledger_counts(finding_list(user=cast.school_user), today=six.today)
    assert (school.total, school.unfinished, school.overdue, school.closed) == (4, 2, 1, 1)
    assert ledger_counts(finding_list(user=cast.evaluator), today=six.today).total == 0


def test_empty_ledger_has_no_rates(db, cast):
    counts = ledger_counts(Finding.objects.none())
    assert counts.total == 0 and counts.overdue_rate is None and counts.avg_days_to_close is None


@pytest.mark.parametrize(("params", "expected"), [
    ({}, {"open", "overdue", "soon", "on_time", "late", "cancelled"}),
    ({"state": "unfinished"}, {"open", "overdue", "soon"}),
    ({"state": "finished"}, {"on_time", "late", "cancelled"}),
    ({"state": "closed"}, {"on_time", "late"}),
    ({"state": "notified"}, {"overdue"}),
    ({"due": "overdue"}, {"overdue"}),
    ({"due": "soon"}, {"soon"}),
    ({"due": "ontime"}, {"open", "soon", "on_time", "cancelled"}),
    ({"source": "campaign"}, {"open"}),
    ({"category": "hygiene"}, {"overdue"}),
    ({"severity": "serious"}, {"overdue"}),
    ({"school": "二中"}, {"soon", "late"}),
    ({"date_field": "found_on", "end": "__today-20"}, {"overdue", "late"}),
    ({"date_field": "deadline", "start": "__today-0", "end": "__today+5"}, {"soon", "on_time"}),
    ({"state": "bogus", "due": "whenever", "source": "x"}, {"open", "overdue", "soon", "on_time", "late", "cancelled"}),
])
def test_filters(six, cast, params, expected):
    def resolve(value: str) -> str:
        if not value.startswith("__today"):
            return value
        return (six.today + timedelta(days=int(value[7:]))).isoformat()

    filters = FindingFilters.from_params({k: resolve(v) for k, v in params.items()})
    names = {name for name in ("open", "overdue", "soon", "on_time", "late", "cancelled")}
    found = set(finding_list(user=cast.county_staff, filters=filters, today=six.today).values_list("pk", flat=True))
    assert {n for n in names if getattr(six, n).pk in found} == expected


def test_filter_by_school_region_and_mine(six, cast, ledger):
    a2 = FindingFilters.from_params({"school_id": str(cast.A2.pk)})
    assert set(finding_list(user=cast.county_staff, filters=a2)) == {six.soon, six.late}
    township = FindingFilters.from_params({"region": cast.A1.region_code})
    assert set(finding_list(user=cast.county_staff, filters=township)) == {six.open, six.overdue, six.on_time, six.cancelled}
    other = ledger.make(cast.A3, description="三幼问题")  # no responsible supervisor
    mine = FindingFilters.from_params({"mine": "1"})
    assert other not in finding_list(user=cast.county_staff, filters=FindingFilters.from_params({"mine": "1"}))
    assert set(finding_list(user=cast.supervisor, filters=mine)) == set(Finding.objects.exclude(pk=other.pk))


def test_most_urgent_first(six, cast):
    rows = list(finding_list(user=cast.county_staff, today=six.today))
    assert rows[0] == six.overdue
    assert rows[1:3] == [six.soon, six.open]
    assert set(rows[3:]) == {six.on_time, six.late, six.cancelled}


def test_groups_by_county_school_and_category(six, ledger, cast):
    wc = finding_create(by=None, office=ledger.wangcheng, school=cast.B1, source="other", category="safety",
                        description="望城问题", requirement="整改", deadline=six.today - timedelta(days=1),
                        found_on=six.today - timedelta(days=5))
    finding_transition(by=cast.city_staff, finding=wc, action="notify")
    qs = finding_list(user=cast.city_staff, today=six.today)
    counties = {r.key: r for r in ledger_groups(qs, by="county", today=six.today)}
    assert set(counties) == {"430182", "430112"}
    nx, wcr = counties["430182"], counties["430112"]
    assert (nx.label, nx.total, nx.overdue, nx.closed, nx.overdue_rate, nx.avg_days_to_close) == ("宁乡市", 6, 1, 2, 66.7, 21.0)
    assert (wcr.label, wcr.total, wcr.overdue, wcr.overdue_rate, wcr.avg_days_to_close) == ("望城区", 1, 1, 100.0, None)
    schools = {r.label: r for r in ledger_groups(qs, by="school", today=six.today)}
    assert (schools[cast.A2.name].total, schools[cast.A2.name].closed, schools[cast.A2.name].avg_days_to_close) == (2, 1, 30.0)
    assert list(schools)[0] in {cast.A1.name, cast.B1.name}  # the ones with overdue findings come first
    categories = {r.key: r for r in ledger_groups(qs, by="category", today=six.today)}
    assert categories["safety"].label == "校园安全隐患" and categories["safety"].total == 4
    assert categories["hygiene"].overdue == 1 and categories["hygiene"].overdue_rate == 100.0


def _charts(page: str) -> dict:
    import json
    import re

    return {name: json.loads(body) for name, body in
            re.findall(r'<script id="chart-(\w+)" type="application/json">(.*?)</script>', page, re.S)}


def test_statistics_page_charts_carry_the_figures(six, cast, client):
    # A county office reads its townships: A1 sits in a township, A2 at the county's own level.
    client.force_login(cast.county_staff)
    page = client.get(reverse("findings:stats")).content.decode()
    charts = _charts(page)
    township = cast.A1.region.name
    assert charts["area"]["xAxis"]["data"] == ["宁乡市", township]
    series = {s["name"]: s["data"] for s in charts["area"]["series"]}
    assert series == {"逾期未整改": [0, 1], "整改中": [1, 1], "已销号": [1, 1]}
    assert charts["area_rate"]["series"][0]["data"] == [100.0, 50.0]
    assert charts["area_days"]["series"][0]["data"] == [30.0, 12.0]
    assert charts["state"]["series"][0]["data"][0] == {"name": "逾期未整改", "value": 1}
    assert 'data-testid="overdue-rate">66.7%<' in page and 'data-testid="avg-days">21.0<' in page
    assert 'data-testid="stats-township"' in page and "按乡镇（街道）" in page


def test_statistics_by_county_for_a_city(six, cast, ledger, client):
    wc = finding_create(by=None, office=ledger.wangcheng, school=cast.B1, source="other", category="safety",
                        description="望城问题", requirement="整改", deadline=six.today + timedelta(days=9))
    client.force_login(cast.city_staff)
    page = client.get(reverse("findings:stats")).content.decode()
    charts = _charts(page)
    assert charts["area"]["xAxis"]["data"] == ["望城区", "宁乡市"]  # by code: 430112, 430182
    assert charts["area_rate"]["series"][0]["data"] == [0, 66.7]
    assert 'data-testid="stats-county"' in page and wc.unit_name in page
    # A click on a row opens the ledger filtered to that county.
    assert 'href="/findings/?region=430112"' in page


def test_todo_summary_for_school_and_supervisor(six, cast, ledger):
    school = selectors.todo_summary(user=cast.school_user, today=six.today)
    assert (school.unfinished, school.due_soon, school.overdue, school.is_supervisor) == (2, 0, 1, False)
    report = ledger.make(cast.A2, description="待核查")
    finding_transition(by=cast.county_staff, finding=report, action="notify")
    supervisor = selectors.todo_summary(user=cast.supervisor, today=six.today)
    assert (supervisor.unfinished, supervisor.due_soon, supervisor.overdue, supervisor.to_verify) == (4, 1, 1, 0)
    finding_transition(by=cast.county_staff, finding=report, action="report", note="已整改", files=[photo()])
    assert selectors.todo_summary(user=cast.supervisor, today=six.today).to_verify == 1
    assert selectors.todo_summary(user=cast.county_staff) is None  # offices read the ledger itself


# --- Excel ---------------------------------------------------------------------------------------


def test_excel_columns_and_content(six, cast, client):
    client.force_login(cast.county_staff)
    response = client.get(reverse("findings:export"), {"state": "closed"})
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    rows = xlsx_rows(response)
    assert rows[0] == ["序号", "发现日期", "来源", "学校/单位", "所在区划", "问题类别", "问题描述", "整改要求",
                       "整改责任单位/责任人", "整改期限", "状态", "整改情况", "核查人", "销号日期", "是否逾期"]
    by_description = {r[6]: r for r in rows[1:]}
    assert set(by_description) == {six.on_time.description, six.late.description}
    late = by_description[six.late.description]
    assert late[1] == (six.today - timedelta(days=30)).isoformat()
    assert (late[2], late[3], late[4], late[5]) == ("经常性督导", cast.A2.name, "宁乡市", "校园安全隐患")
    assert (late[9], late[10], late[12], late[13], late[14]) == (six.late.deadline.isoformat(), "已销号", "宁乡督学",
                                                                 six.today.isoformat(), "是")
    assert late[11] == "已更换灭火器并建立月检台账（佐证材料 1 份）"
    assert late[8] == cast.A2.name
    on_time = by_description[six.on_time.description]
    assert on_time[14] == "否"
    # A1 sits in a township: the place names the county and the township.
    assert on_time[4].startswith("宁乡市") and on_time[4] != "宁乡市" and on_time[4].endswith(cast.A1.region.name)
    assert sorted(r[0] for r in rows[1:]) == [1, 2]


def test_excel_marks_open_overdue_rows_and_follows_filters(six, cast, client):
    client.force_login(cast.county_staff)
    rows = xlsx_rows(client.get(reverse("findings:export"), {"due": "overdue"}))
    assert [(r[6], r[10], r[11], r[12], r[13], r[14]) for r in rows[1:]] == [
        (six.overdue.description, "已下发整改通知", "", "", "", "是")]


def test_excel_streams_many_rows_in_constant_queries(ledger, cast, client, django_assert_max_num_queries):
    from dudao.findings.services import findings_bulk_create

    items = [{"office": ledger.ningxiang, "school": cast.A1, "category": "safety", "description": f"批量问题{i}"}
             for i in range(120)]
    findings_bulk_create(by=None, items=items, requirement="统一整改", deadline=timezone.localdate() + timedelta(days=9),
                         source="monitoring")
    client.force_login(cast.county_staff)
    with django_assert_max_num_queries(25):
        response = client.get(reverse("findings:export"))
        rows = xlsx_rows(response)
    assert len(rows) == 121 and rows[-1][0] == 120
