"""Suggested monthly plans meet the quotas and prefer schools in need."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError

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
    VisitProblem.objects.create(visit=record(supervisor, cast.A1, date(2025, 11, 5)), category="safety", description="灭火器过期",
                                requirement="更换", deadline=date(2025, 12, 5))
    plan = plan_suggest(supervisor=supervisor, month=date(2025, 12, 1), today=date(2025, 11, 25))
    order = [s.school for s in plan][:3]
    assert order == [cast.A1, cast.A3, cast.A2]  # open problem; never visited; visited in June
    assert "回访核查" in plan[0].reason and plan[1].reason == "从未督导"
    assert old.visit_date.isoformat() in plan[2].reason


def test_saving_a_plan_checks_dates_and_schools(cast, make_supervisor):
    supervisor = make_supervisor()
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2025, 1, 1))
    plan = plan_save(supervisor=supervisor, month=date(2025, 12, 1), items=[(cast.A1, date(2025, 12, 3), "")])
    assert plan.items.get().school == cast.A1
    with pytest.raises(ValidationError, match="不在"):
        plan_save(supervisor=supervisor, month=date(2025, 12, 1), items=[(cast.A1, date(2026, 1, 3), "")])
    with pytest.raises(ValidationError, match="不是您的挂牌学校"):
        plan_save(supervisor=supervisor, month=date(2025, 12, 1), items=[(cast.B1, date(2025, 12, 3), "")])
