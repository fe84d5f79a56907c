"""The quota compliance engine: for an office and a period, who and what is behind.

Inputs are the quota rules in force on the period's first day (visits/quota.py), the office's
supervisors and assignments, and the submitted visits of the period. Everything is counted with
a few GROUP BY queries, so a province-sized office answers in well under a second (bench/).

Checks per rule metric (domain-rules §9.4 f, seed 001):
- visits_per_supervisor      — each supervisor's visits in the period ≥ required;
- visits_per_assigned_school — each school a supervisor is responsible for (on the reference day)
                               was visited ≥ required times in the period, by whoever was its
                               responsible supervisor on the visit day (so a mid-month handover
                               keeps the earlier visits);
- visits_per_zone_school     — every school the office's zones must cover was visited ≥ required;
- visits_per_county          — (city zones) each county where the supervisor has schools got ≥ required visits;
- visits_to_city_direct      — (city zones) the supervisor's visits to city-direct schools ≥ required.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Max
from django.utils import timezone

from dudao.regions.models import Office, RegionLevel
from dudao.schools.models import School
from dudao.supervisors.models import Supervisor, SupervisorStatus
from dudao.visits.models import QuotaMetric, QuotaRule, Visit, VisitStatus
from dudao.visits.periods import Period, elapsed_share, period_of
from dudao.visits.quota import rules_for
from dudao.zones.coverage import schools_for_office
from dudao.zones.models import Assignment, ZoneSchool

SCHOOL_METRICS = {QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL, QuotaMetric.VISITS_PER_ZONE_SCHOOL}


@dataclass
class Check:
    rule: QuotaRule
    done: int
    required: int
    detail: str = ""

    @property
    def ok(self) -> bool:
        return self.done >= self.required


@dataclass
class SupervisorRow:
    supervisor: Supervisor
    visits: int
    schools: int
    checks: list[Check] = field(default_factory=list)

    @property
    def behind(self) -> bool:
        return any(not c.ok for c in self.checks)


@dataclass
class SchoolRow:
    school: School
    visits: int
    last_visit: date | None
    required: int
    zone: str = ""
    responsible: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return self.visits >= self.required


@dataclass
class ComplianceReport:
    office: Office
    period: Period
    reference_day: date
    elapsed: float
    rules: list[QuotaRule]
    supervisors: list[SupervisorRow]
    schools: list[SchoolRow]

    @property
    def supervisors_behind(self) -> list[SupervisorRow]:
        return [row for row in self.supervisors if row.behind]

    @property
    def schools_behind(self) -> list[SchoolRow]:
        return [row for row in self.schools if not row.ok]

    @property
    def schools_not_visited(self) -> list[SchoolRow]:
        return [row for row in self.schools if row.visits == 0]

    @property
    def visit_count(self) -> int:
        return sum(row.visits for row in self.schools)

    def zone_summary(self) -> list[tuple[str, int, int]]:
        """(zone, schools, schools visited in the period) — for the chart per zone."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.schools:
            key = row.zone or "未划入责任区"
            totals[key][0] += 1
            totals[key][1] += row.visits > 0
        return [(zone, n, visited) for zone, (n, visited) in sorted(totals.items())]


def compliance_report(*, office: Office, kind: str, day: date, today: date | None = None) -> ComplianceReport:
    """Compliance of `office`'s supervisors and schools for the `kind` period containing `day`."""
    today = today or timezone.localdate()
    period = period_of(kind, day)
    reference = min(period.end, today) if period.start <= today else period.end
    zone_level = "county" if office.level == RegionLevel.COUNTY else "city"
    rules = [r for r in rules_for(office=office, zone_level=zone_level, period_start=period.start) if r.period == kind]

    supervisors = list(
        Supervisor.objects.filter(office=office, status=SupervisorStatus.ACTIVE, appointed_on__lte=reference)
        | Supervisor.objects.filter(office=office, status=SupervisorStatus.ACTIVE, appointed_on__isnull=True)
    )
    schools = list(schools_for_office(office).select_related("region").order_by("region_code", "code"))
    school_ids = [s.pk for s in schools]
    visits = Visit.objects.filter(status=VisitStatus.SUBMITTED, visit_date__gte=period.start, visit_date__lte=period.end)

    by_supervisor = dict(visits.filter(supervisor__office=office).values_list("supervisor_id").annotate(n=Count("id")))
    by_school = dict(visits.filter(school_id__in=school_ids).values_list("school_id").annotate(n=Count("id")))
    last_visit = dict(
        Visit.objects.filter(status=VisitStatus.SUBMITTED, school_id__in=school_ids, visit_date__lte=period.end)
        .values_list("school_id").annotate(d=Max("visit_date"))
    )
    # responsible on the reference day: what each supervisor answers for
    current = list(Assignment.objects.current(reference).filter(supervisor__office=office)
                   .values_list("supervisor_id", "school_id", "school__region_code", "school__is_city_direct"))
    held: dict[int, list[int]] = defaultdict(list)
    responsible_names: dict[int, list[str]] = defaultdict(list)
    names = {s.pk: s.name for s in supervisors}
    for supervisor_id, school_id, _code, _direct in current:
        held[supervisor_id].append(school_id)
        if supervisor_id in names:
            responsible_names[school_id].append(names[supervisor_id])
    # visits made by the school's responsible supervisor of the day (handover keeps earlier visits)
    responsible_visits = _visits_by_responsible(visits, office)
    zone_of = dict(ZoneSchool.objects.filter(school_id__in=school_ids, level=zone_level).values_list("school_id", "zone__name"))

    school_rules = [r for r in rules if r.metric in SCHOOL_METRICS]
    required_per_school = max((r.required for r in school_rules), default=1)
    school_rows = [
        SchoolRow(school=s, visits=by_school.get(s.pk, 0), last_visit=last_visit.get(s.pk), required=required_per_school,
                  zone=zone_of.get(s.pk, ""), responsible=responsible_names.get(s.pk, []))
        for s in schools
    ]

    county_visits: Counter = Counter()
    direct_visits: Counter = Counter()
    if any(r.metric in {QuotaMetric.VISITS_PER_COUNTY, QuotaMetric.VISITS_TO_CITY_DIRECT} for r in rules):
        for supervisor_id, code, direct in visits.filter(supervisor__office=office).values_list(
                "supervisor_id", "school__region_code", "school__is_city_direct"):
            county_visits[(supervisor_id, code[:6])] += 1
            direct_visits[supervisor_id] += bool(direct)
    counties_held: dict[int, set[str]] = defaultdict(set)
    for supervisor_id, _school_id, code, direct in current:
        if not direct:
            counties_held[supervisor_id].add(code[:6])

    rows = []
    for s in supervisors:
        row = SupervisorRow(supervisor=s, visits=by_supervisor.get(s.pk, 0), schools=len(held.get(s.pk, [])))
        for rule in rules:
            if rule.supervisor_kind and rule.supervisor_kind != s.kind:
                continue
            if rule.metric == QuotaMetric.VISITS_PER_SUPERVISOR:
                row.checks.append(Check(rule, row.visits, rule.required))
            elif rule.metric == QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL:
                mine = held.get(s.pk, [])
                met = sum(1 for school_id in mine if responsible_visits.get(school_id, 0) >= rule.required)
                row.checks.append(Check(rule, met, len(mine), detail="所挂牌学校中达标的学校数"))
            elif rule.metric == QuotaMetric.VISITS_PER_COUNTY:
                counties = counties_held.get(s.pk, set())
                met = sum(1 for c in counties if county_visits[(s.pk, c)] >= rule.required)
                row.checks.append(Check(rule, met, len(counties), detail="所负责县市区中达标的个数"))
            elif rule.metric == QuotaMetric.VISITS_TO_CITY_DIRECT:
                row.checks.append(Check(rule, direct_visits[s.pk], rule.required))
        rows.append(row)
    rows.sort(key=lambda r: (not r.behind, r.supervisor.name))
    return ComplianceReport(office=office, period=period, reference_day=reference, elapsed=elapsed_share(period, today),
                            rules=rules, supervisors=rows, schools=school_rows)


def _visits_by_responsible(visits, office: Office) -> dict[int, int]:
    """Per school: visits made by a supervisor who was responsible for it on the visit day."""
    pairs = list(visits.filter(supervisor__office=office).values_list("school_id", "supervisor_id", "visit_date"))
    if not pairs:
        return {}
    schools = {p[0] for p in pairs}
    spans: dict[tuple[int, int], list[tuple[date, date | None]]] = defaultdict(list)
    for supervisor_id, school_id, start, end in Assignment.objects.filter(school_id__in=schools).values_list(
            "supervisor_id", "school_id", "starts_on", "ends_on"):
        spans[(school_id, supervisor_id)].append((start, end))
    counts: Counter = Counter()
    for school_id, supervisor_id, day in pairs:
        if any(start <= day and (end is None or day <= end) for start, end in spans.get((school_id, supervisor_id), ())):
            counts[school_id] += 1
    return dict(counts)
