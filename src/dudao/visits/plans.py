"""Monthly visit plans, and a suggested plan that meets the quotas (issue [3] item 3).

The suggestion puts every currently assigned school in the month at least as often as the
"per assigned school" rule asks, adds visits until the "per supervisor" count is reached, and
orders schools by need: open problems first (a deadline still running or passed), then the
longest since the last visit. Visits are spread over the remaining working days (Mon–Fri).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Max
from django.utils import timezone

from dudao.schools.models import School
from dudao.supervisors.models import Supervisor
from dudao.visits.models import QuotaMetric, Visit, VisitPlan, VisitPlanItem, VisitProblem, VisitStatus
from dudao.visits.periods import period_of
from dudao.visits.quota import rules_for
from dudao.zones.models import Assignment


@dataclass
class Suggestion:
    school: School
    planned_on: date
    reason: str


def working_days(start: date, end: date) -> list[date]:
    days, day = [], start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def _needs(supervisor: Supervisor, month_start: date) -> tuple[int, int]:
    """(visits per assigned school, visits per supervisor) required this month, from the quota rules."""
    level = "county" if supervisor.office.level == "county" else "city"
    per_school = per_supervisor = 0
    for rule in rules_for(office=supervisor.office, zone_level=level, period_start=month_start):
        if rule.period != "month" or (rule.supervisor_kind and rule.supervisor_kind != supervisor.kind):
            continue
        if rule.metric == QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL:
            per_school = max(per_school, rule.required)
        elif rule.metric == QuotaMetric.VISITS_PER_SUPERVISOR:
            per_supervisor = max(per_supervisor, rule.required)
    return per_school, per_supervisor


def plan_suggest(*, supervisor: Supervisor, month: date, today: date | None = None) -> list[Suggestion]:
    today = today or timezone.localdate()
    period = period_of("month", month)
    start = max(period.start, today) if period.start <= today <= period.end else period.start
    days = working_days(start, period.end) or [period.end]
    schools = list(School.objects.filter(pk__in=Assignment.objects.current(start).filter(supervisor=supervisor).values("school_id")))
    if not schools:
        return []
    per_school, per_supervisor = _needs(supervisor, period.start)
    ids = [s.pk for s in schools]
    last = dict(Visit.objects.filter(school_id__in=ids, status=VisitStatus.SUBMITTED).values_list("school_id").annotate(d=Max("visit_date")))
    open_problems = dict(
        VisitProblem.objects.filter(visit__school_id__in=ids, visit__status=VisitStatus.SUBMITTED, deadline__gte=today - timedelta(days=60))
        .values_list("visit__school_id").annotate(d=Max("deadline"))
    )
    done_this_month = dict(Visit.objects.filter(supervisor=supervisor, school_id__in=ids, status=VisitStatus.SUBMITTED,
                                                visit_date__gte=period.start, visit_date__lte=period.end)
                           .values_list("school_id").annotate(d=Max("visit_date")))

    def need_key(school: School) -> tuple:
        # open problems first, then never visited, then longest since the last visit
        return (school.pk not in open_problems, last.get(school.pk) is not None, last.get(school.pk) or date.min, school.code)

    ordered = sorted(schools, key=need_key)
    picks: list[tuple[School, str]] = []
    for school in ordered:
        if school.pk in done_this_month and per_school <= 1:
            continue
        for _ in range(max(per_school, 1)):
            picks.append((school, _reason(school, open_problems, last)))
    total_needed = max(per_supervisor - sum(1 for _ in done_this_month), 0)
    i = 0
    while len(picks) < total_needed and ordered:
        school = ordered[i % len(ordered)]
        picks.append((school, _reason(school, open_problems, last) + "；补足每月次数"))
        i += 1
    step = max(len(days) / max(len(picks), 1), 1)
    return [Suggestion(school, days[min(int(n * step), len(days) - 1)], reason) for n, (school, reason) in enumerate(picks)]


def _reason(school: School, open_problems: dict, last: dict) -> str:
    if school.pk in open_problems:
        return f"有待整改问题（期限 {open_problems[school.pk]:%Y-%m-%d}），回访核查"
    if school.pk not in last:
        return "从未督导"
    return f"上次督导 {last[school.pk]:%Y-%m-%d}"


@transaction.atomic
def plan_save(*, supervisor: Supervisor, month: date, items: list[tuple[School, date, str]], note: str = "") -> VisitPlan:
    """Replace the supervisor's plan for the month. Dates outside the month are refused."""
    from django.core.exceptions import ValidationError

    period = period_of("month", month)
    for school, day, _reason_text in items:
        if not period.contains(day):
            raise ValidationError({"items": f"{school.name} 的计划日期 {day} 不在 {period.label} 内。"})
    allowed = set(Assignment.objects.current(period.end).filter(supervisor=supervisor).values_list("school_id", flat=True)) | set(
        Assignment.objects.current(period.start).filter(supervisor=supervisor).values_list("school_id", flat=True))
    for school, _day, _r in items:
        if school.pk not in allowed:
            raise ValidationError({"items": f"{school.name} 不是您的挂牌学校。"})
    plan, _ = VisitPlan.objects.update_or_create(supervisor=supervisor, month=period.start, defaults={"note": note})
    plan.items.all().delete()
    VisitPlanItem.objects.bulk_create([VisitPlanItem(plan=plan, school=s, planned_on=d, reason=r[:200]) for s, d, r in items])
    return plan
