"""Monthly visit plans, and a suggested plan that meets the quotas (issue [3] item 3).

The suggestion puts every currently assigned school in the month at least as often as the
"per assigned school" rule asks, adds visits until the "per supervisor" count is reached, and
orders schools by need, read from the findings ledger (整改台账, issue [4]) whatever the finding's
source — a visit, a complaint, a monitoring warning: schools with overdue findings first, then
those with findings not yet closed (销号), then never visited, then the longest since the last
visit. A school visited this month already comes back only for an overdue finding or one
waiting for 核查. Each suggestion says why ("2 项整改未销号，1 项逾期；已 95 天未督导"). Visits are spread
over the remaining working days (Mon–Fri).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from django.db import transaction
from django.db.models import Count, Max, Q
from django.utils import timezone

from dudao.core.workdays import workdays_between
from dudao.schools.models import School
from dudao.supervisors.models import Supervisor
from dudao.visits.models import COUNTED, QuotaMetric, Visit, VisitPlan, VisitPlanItem
from dudao.visits.periods import period_of
from dudao.visits.quota import rules_for
from dudao.zones.models import Assignment


@dataclass
class Suggestion:
    school: School
    planned_on: date
    reason: str
    overdue: int = 0  # the school's overdue findings (the plan page marks the row red)
    unfinished: int = 0  # its findings not yet closed (销号) or cancelled


@dataclass(frozen=True)
class SchoolNeed:
    """Why a school needs a visit: its findings in the ledger (any source: visits, complaints,
    monitoring, ...) and the last visit."""

    unfinished: int = 0
    overdue: int = 0
    to_verify: int = 0  # reported by the school, waiting for the supervisor's 核查
    last_visit: date | None = None

    def key(self, code: str) -> tuple:
        """Overdue findings first (most first), then unfinished ones, then never visited, then the
        longest since the last visit."""
        return (self.overdue == 0, self.unfinished == 0, -self.overdue, -self.unfinished,
                self.last_visit is not None, self.last_visit or date.min, code)

    def reason(self, today: date) -> str:
        parts = []
        if self.unfinished:
            text = f"{self.unfinished} 项整改未销号"
            if self.overdue:
                text += f"，{self.overdue} 项逾期"
            if self.to_verify:
                text += f"，{self.to_verify} 项待核查"
            parts.append(text)
        if self.last_visit is None:
            parts.append("从未督导")
        elif (today - self.last_visit).days > 0:
            parts.append(f"已 {(today - self.last_visit).days} 天未督导（上次 {self.last_visit:%Y-%m-%d}）")
        else:
            parts.append(f"上次督导 {self.last_visit:%Y-%m-%d}")
        return "；".join(parts)


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


def school_needs(school_ids: list[int], today: date) -> dict[int, SchoolNeed]:
    """Per school: its unfinished findings (closed and cancelled ones do not count), how many are
    overdue or waiting for 核查 — one GROUP BY on the ledger — and its last submitted visit."""
    from dudao.findings.models import Finding, FindingState

    findings = {
        row["school_id"]: row for row in Finding.objects.unfinished().filter(school_id__in=school_ids).order_by()
        .values("school_id").annotate(unfinished=Count("id"), overdue=Count("id", filter=Q(deadline__lt=today)),
                                      to_verify=Count("id", filter=Q(state=FindingState.REPORTED)))
    }
    last = dict(Visit.objects.filter(COUNTED, school_id__in=school_ids).order_by()
                .values_list("school_id").annotate(d=Max("visit_date")))
    return {pk: SchoolNeed(unfinished=findings.get(pk, {}).get("unfinished", 0), overdue=findings.get(pk, {}).get("overdue", 0),
                           to_verify=findings.get(pk, {}).get("to_verify", 0), last_visit=last.get(pk))
            for pk in school_ids}


def plan_suggest(*, supervisor: Supervisor, month: date, today: date | None = None) -> list[Suggestion]:
    today = today or timezone.localdate()
    period = period_of("month", month)
    start = max(period.start, today) if period.start <= today <= period.end else period.start
    days = workdays_between(start, period.end) or [period.end]
    schools = list(School.objects.filter(pk__in=Assignment.objects.current(start).filter(supervisor=supervisor).values("school_id")))
    if not schools:
        return []
    per_school, per_supervisor = _needs(supervisor, period.start)
    ids = [s.pk for s in schools]
    needs = school_needs(ids, today)
    done_this_month = dict(Visit.objects.filter(COUNTED, supervisor=supervisor, school_id__in=ids,
                                                visit_date__gte=period.start, visit_date__lte=period.end)
                           .values_list("school_id").annotate(d=Max("visit_date")))

    ordered = sorted(schools, key=lambda s: needs[s.pk].key(s.code))
    picks: list[tuple[School, str]] = []
    for school in ordered:
        need = needs[school.pk]
        # visited this month already: enough, unless a finding is overdue or waits for 核查 (回访)
        if school.pk in done_this_month and per_school <= 1 and not (need.overdue or need.to_verify):
            continue
        for _ in range(max(per_school, 1)):
            picks.append((school, needs[school.pk].reason(today)))
    total_needed = max(per_supervisor - sum(1 for _ in done_this_month), 0)
    i = 0
    while len(picks) < total_needed and ordered:
        school = ordered[i % len(ordered)]
        picks.append((school, needs[school.pk].reason(today) + "；补足每月次数"))
        i += 1
    step = max(len(days) / max(len(picks), 1), 1)
    return [Suggestion(school, days[min(int(n * step), len(days) - 1)], reason, needs[school.pk].overdue,
                       needs[school.pk].unfinished)
            for n, (school, reason) in enumerate(picks)]


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
