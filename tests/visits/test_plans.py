"""Suggested monthly plans meet the quotas and prefer schools in need."""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.core.exceptions import ValidationError

from dudao.findings.services import findings_from_visit
from dudao.visits.models import VisitProblem
from dudao.visits.plans import plan_save, plan_suggest
from dudao.zones.services import assignment_create


def test_suggestion_covers_every_school_and_reaches_four(quota_defaults, cast, make_supervisor, record):
    supervisor = make_supervisor()
    for school in (cast.A1, cast.A2):
        assignment_create(supervisor=supervisor, school=school, starts_on=date(2025, 9, 1))
    plan = plan_suggest(supervisor=supervisor, month=date(2025, 12, 1), today=date(2025, 11, 20))
    assert {s.school for s in plan} == {cast.A1, cast.A2}
    assert len(plan) >= 4  # seed 001: four visits a month
    assert all(s.planned_on.month == 12 and s.planned_on.weekday() < 5 for s in plan)


def test_schools_with_open_problems_come_first_then_the_longest_unvisited(quota_defaults, cast, make_supervisor, record):
    supervisor = make_supervisor()
    for school in (cast.A1, cast.A2, cast.A3):
        assignment_create(supervisor=supervisor, school=school, starts_on=date(2025, 1, 1))
    record(supervisor, cast.A1, date(2025, 11, 3))
    old = record(supervisor, cast.A2, date(2025, 6, 3))
    visit = record(supervisor, cast.A1, date(2025, 11, 5))
    VisitProblem.objects.create(visit=visit, category="safety", description="灭火器过期", requirement="更换",
                                deadline=date(2025, 12, 5))
    findings_from_visit(visit)  # as the submit does: the problem is now in the ledger
    plan = plan_suggest(supervisor=supervisor, month=date(2025, 12, 1), today=date(2025, 11, 25))
    order = [s.school for s in plan][:3]
    assert order == [cast.A1, cast.A3, cast.A2]  # open finding; never visited; visited in June
    assert plan[0].reason == "1 项整改未销号；已 20 天未督导（上次 2025-11-05）"
    assert plan[1].reason == "从未督导"
    assert plan[2].reason == f"已 175 天未督导（上次 {old.visit_date.isoformat()}）"


TODAY = date(2025, 11, 25)


def _finding(school, *, state: str = "open", deadline: date, source: str = "visit", found_on: date = date(2025, 9, 1)):
    """A finding in the ledger at `school`, put in `state` directly (the workflow has its own tests)."""
    from dudao.findings.models import Finding
    from dudao.findings.services import finding_create
    from dudao.regions.models import Office

    finding = finding_create(by=None, office=Office.objects.get(region__code="430182"), school=school, source=source,
                             category="safety", description="问题", requirement="整改", deadline=deadline, found_on=found_on)
    Finding.objects.filter(pk=finding.pk).update(state=state)
    return finding


@pytest.fixture
def three_schools(quota_defaults, cast, make_supervisor, record):
    supervisor = make_supervisor()
    for school in (cast.A1, cast.A2, cast.A3):
        assignment_create(supervisor=supervisor, school=school, starts_on=date(2025, 1, 1))
    record(supervisor, cast.A1, date(2025, 11, 3))
    record(supervisor, cast.A2, date(2025, 11, 10))
    return supervisor


def test_the_ledger_orders_the_plan_overdue_first_whatever_the_source(cast, three_schools):
    # given: A1 three findings not closed, none overdue (a complaint, one reported for 核查);
    #        A2 one overdue finding from a monitoring warning and one closed;
    #        A3 only finished findings — closed and cancelled, long past their deadlines — and never visited
    _finding(cast.A1, deadline=date(2025, 12, 20), source="complaint")
    _finding(cast.A1, deadline=date(2025, 12, 20), state="reported")
    _finding(cast.A1, deadline=date(2025, 11, 25), state="in_progress")  # due today: not overdue yet
    _finding(cast.A2, deadline=date(2025, 10, 31), source="monitoring", state="notified")
    _finding(cast.A2, deadline=date(2025, 10, 1), state="closed")
    _finding(cast.A3, deadline=date(2025, 10, 1), state="closed")
    _finding(cast.A3, deadline=date(2025, 10, 1), state="cancelled", source="complaint")
    # when
    plan = plan_suggest(supervisor=three_schools, month=date(2025, 12, 1), today=TODAY)
    # then: overdue beats a larger number of open findings; finished findings count for nothing
    assert [s.school for s in plan][:3] == [cast.A2, cast.A1, cast.A3]
    assert plan[0].reason == "1 项整改未销号，1 项逾期；已 15 天未督导（上次 2025-11-10）"
    assert (plan[0].overdue, plan[0].unfinished) == (1, 1)
    assert plan[1].reason == "3 项整改未销号，1 项待核查；已 22 天未督导（上次 2025-11-03）"
    assert (plan[1].overdue, plan[1].unfinished) == (0, 3)
    assert plan[2].reason == "从未督导" and (plan[2].overdue, plan[2].unfinished) == (0, 0)


def test_more_overdue_findings_come_first_and_finishing_them_moves_the_school_back(cast, three_schools):
    a1 = [_finding(cast.A1, deadline=date(2025, 11, 1), state="returned") for _ in range(2)]
    _finding(cast.A2, deadline=date(2025, 11, 1), state="disputed")
    plan = plan_suggest(supervisor=three_schools, month=date(2025, 12, 1), today=TODAY)
    assert [s.school for s in plan][:3] == [cast.A1, cast.A2, cast.A3]
    assert plan[0].reason.startswith("2 项整改未销号，2 项逾期")
    # when A1's findings are closed (销号) and cancelled, it drops behind the never-visited A3
    from dudao.findings.models import Finding

    Finding.objects.filter(pk=a1[0].pk).update(state="closed")
    Finding.objects.filter(pk=a1[1].pk).update(state="cancelled")
    plan = plan_suggest(supervisor=three_schools, month=date(2025, 12, 1), today=TODAY)
    assert [s.school for s in plan][:3] == [cast.A2, cast.A3, cast.A1]
    assert "整改" not in plan[2].reason


def test_a_school_visited_this_month_comes_back_only_for_overdue_or_reported_findings(cast, make_supervisor, record):
    # no quota rules: one visit per assigned school a month, and nothing to fill up
    supervisor = make_supervisor()
    for school in (cast.A1, cast.A2, cast.A3):
        assignment_create(supervisor=supervisor, school=school, starts_on=date(2025, 1, 1))
        record(supervisor, school, date(2025, 12, 2))
    _finding(cast.A1, deadline=date(2025, 12, 1), state="notified")  # overdue
    _finding(cast.A2, deadline=date(2025, 12, 20), state="reported")  # waits for 核查
    _finding(cast.A3, deadline=date(2025, 12, 20), state="in_progress")  # still within its deadline
    plan = plan_suggest(supervisor=supervisor, month=date(2025, 12, 1), today=date(2025, 12, 3))
    assert [s.school for s in plan] == [cast.A1, cast.A2]
    assert plan[0].reason == "1 项整改未销号，1 项逾期；已 1 天未督导（上次 2025-12-02）"
    assert plan[1].reason == "1 项整改未销号，1 项待核查；已 1 天未督导（上次 2025-12-02）"


def test_findings_at_other_schools_do_not_move_the_plan(cast, three_schools):
    _finding(cast.A1, deadline=date(2025, 12, 20))  # A1: one open finding
    from dudao.findings.models import Finding
    from dudao.findings.services import finding_create
    from dudao.regions.models import Office

    wangcheng = Office.objects.get(region__code="430112")
    late = finding_create(by=None, office=wangcheng, school=cast.B1, source="visit", category="safety", description="问题",
                          requirement="整改", deadline=date(2025, 10, 1), found_on=date(2025, 9, 1))
    assert Finding.objects.overdue(TODAY).filter(pk=late.pk).exists()
    plan = plan_suggest(supervisor=three_schools, month=date(2025, 12, 1), today=TODAY)
    assert cast.B1 not in {s.school for s in plan}
    assert [s.school for s in plan][:3] == [cast.A1, cast.A3, cast.A2]


def test_the_plan_page_says_why_and_marks_overdue_schools_red(cast, client, three_schools):
    from django.urls import reverse

    three_schools.user = cast.nobody
    three_schools.save()
    _finding(cast.A2, deadline=date(2025, 10, 31), state="notified")
    client.force_login(cast.nobody)
    page = client.get(reverse("visits:plan_mine"), {"month": "2099-12", "suggest": "1"}).content.decode()
    rows = re.findall(r'<tr( class="table-danger")? data-testid="plan-row">(.*?)</tr>', page, re.S)
    names = (cast.A1.name, cast.A2.name, cast.A3.name)
    by_school = {next(n for n in names if n in body): (bool(red), body) for red, body in rows}
    red, body = by_school[cast.A2.name]
    assert red and "1 项整改未销号" in body and "项逾期" in body
    assert not by_school[cast.A1.name][0] and "天未督导（上次 2025-11-03）" in by_school[cast.A1.name][1]
    assert "从未督导" in by_school[cast.A3.name][1]


def test_saving_a_plan_checks_dates_and_schools(cast, make_supervisor):
    supervisor = make_supervisor()
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2025, 1, 1))
    plan = plan_save(supervisor=supervisor, month=date(2025, 12, 1), items=[(cast.A1, date(2025, 12, 3), "")])
    assert plan.items.get().school == cast.A1
    with pytest.raises(ValidationError, match="不在"):
        plan_save(supervisor=supervisor, month=date(2025, 12, 1), items=[(cast.A1, date(2026, 1, 3), "")])
    with pytest.raises(ValidationError, match="不是您的挂牌学校"):
        plan_save(supervisor=supervisor, month=date(2025, 12, 1), items=[(cast.B1, date(2025, 12, 3), "")])
