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

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.db.models import Count, Exists, Max, OuterRef, Q
from django.db.models.functions import Substr
from django.utils import timezone

from dudao.regions.models import Office, RegionLevel
from dudao.schools.models import School
from dudao.supervisors.models import Supervisor, SupervisorStatus
from dudao.visits.models import QuotaMetric, QuotaRule, Visit, VisitStatus
from dudao.visits.periods import Period, elapsed_share, period_of
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


def _scope_of(office: Office):
    """Supervisors and schools a report covers: a county office its own zones; a city or province
    office everything under it (its own zones and those of the offices below)."""
    if office.level == RegionLevel.COUNTY:
        return Supervisor.objects.filter(office=office), schools_for_office(office)
    supervisors = Supervisor.objects.filter(office__region__code__startswith=office.region.code)
    schools = School.objects.filter(is_active=True).under(office.region.code)
    return supervisors, schools


class _Rules:
    """All quota rules in force on a day, resolved per office and supervisor kind in memory."""

    def __init__(self, period_start: date, kind: str):
        self.kind = kind
        self.rules = [r for r in QuotaRule.objects.filter(valid_from__lte=period_start)
                      .filter(Q(valid_to__isnull=True) | Q(valid_to__gte=period_start)) if r.period == kind]
        self.offices = {o.region.code: o for o in Office.objects.select_related("region")}
        self._cache: dict[tuple, list[QuotaRule]] = {}

    def chain(self, code: str) -> list[int | None]:
        codes = [code[:n] for n in (12, 9, 6, 4, 2) if n <= len(code)]
        return [self.offices[c].pk for c in codes if c in self.offices] + [None]

    def for_(self, office_code: str, zone_level: str, supervisor_kind: str = "") -> list[QuotaRule]:
        key = (office_code, zone_level, supervisor_kind)
        if key not in self._cache:
            chosen: dict[str, QuotaRule] = {}
            for owner in self.chain(office_code):
                mine = [r for r in self.rules if r.office_id == owner and r.zone_level == zone_level]
                for rule in sorted(mine, key=lambda r: r.supervisor_kind == ""):
                    if rule.supervisor_kind in ("", supervisor_kind):
                        chosen.setdefault(rule.metric, rule)
            self._cache[key] = sorted(chosen.values(), key=lambda r: r.metric)
        return self._cache[key]


def compliance_report(*, office: Office, kind: str, day: date, today: date | None = None) -> ComplianceReport:
    """Compliance of the supervisors and schools under `office` for the `kind` period containing `day`."""
    today = today or timezone.localdate()
    period = period_of(kind, day)
    reference = min(period.end, today) if period.start <= today else period.end
    resolver = _Rules(period.start, kind)
    supervisor_qs, school_qs = _scope_of(office)
    supervisors = list(supervisor_qs.filter(status=SupervisorStatus.ACTIVE)
                       .filter(Q(appointed_on__lte=reference) | Q(appointed_on__isnull=True)).select_related("office__region")
                       .only("id", "name", "kind", "user_id", "office_id", "office__level", "office__region_id",
                             "office__region__code", "office__region__name", "office__name"))
    # Only the fields reports read: a province has tens of thousands of schools (bench/visits.py).
    schools = list(school_qs.select_related("region").order_by("region_code", "code")
                   .only("id", "name", "code", "kind", "region_code", "is_city_direct", "region_id",
                         "region__name", "region__code", "region__level"))
    visits = Visit.objects.filter(status=VisitStatus.SUBMITTED, visit_date__gte=period.start, visit_date__lte=period.end)
    office_filter = Q(supervisor__office=office) if office.level == RegionLevel.COUNTY else Q(
        supervisor__office__region__code__startswith=office.region.code)
    mine = visits.filter(office_filter)
    school_filter = Q(school__in=school_qs)

    by_supervisor = dict(mine.values_list("supervisor_id").annotate(n=Count("id")))
    by_school = dict(visits.filter(school_filter).values_list("school_id").annotate(n=Count("id")))
    last_visit = dict(Visit.objects.filter(school_filter, status=VisitStatus.SUBMITTED, visit_date__lte=period.end)
                      .values_list("school_id").annotate(d=Max("visit_date")))
    # what each supervisor answers for on the reference day
    current = list(Assignment.objects.current(reference).filter(Q(supervisor__in=supervisor_qs))
                   .values_list("supervisor_id", "school_id", "school__region_code", "school__is_city_direct"))
    held: dict[int, list[int]] = defaultdict(list)
    responsible_names: dict[int, list[str]] = defaultdict(list)
    names = {s.pk: s.name for s in supervisors}
    for supervisor_id, school_id, _code, _direct in current:
        held[supervisor_id].append(school_id)
        if supervisor_id in names:
            responsible_names[school_id].append(names[supervisor_id])
    # visits made by the school's responsible supervisor of the visit day (a handover keeps earlier visits)
    responsible = Assignment.objects.filter(school_id=OuterRef("school_id"), supervisor_id=OuterRef("supervisor_id"),
                                            starts_on__lte=OuterRef("visit_date")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("visit_date")))
    responsible_visits = dict(mine.filter(Exists(responsible)).values_list("school_id").annotate(n=Count("id")))
    zone_of = dict(ZoneSchool.objects.filter(school__in=school_qs).values_list("school_id", "zone__name"))

    def school_required(school: School) -> int:
        city_level = school.is_city_direct or school.kind in _senior_kinds()
        code = school.region_code[:4] if city_level else school.region_code[:6]
        rules = resolver.for_(code, "city" if city_level else "county")
        return max((r.required for r in rules if r.metric in SCHOOL_METRICS), default=1)

    school_rows = [
        SchoolRow(school=s, visits=by_school.get(s.pk, 0), last_visit=last_visit.get(s.pk), required=school_required(s),
                  zone=zone_of.get(s.pk, ""), responsible=responsible_names.get(s.pk, []))
        for s in schools
    ]

    county_visits: dict[tuple[int, str], int] = {}
    direct_visits: dict[int, int] = {}
    if any(r.metric in {QuotaMetric.VISITS_PER_COUNTY, QuotaMetric.VISITS_TO_CITY_DIRECT} for r in resolver.rules):
        city_mine = mine.filter(supervisor__office__level=RegionLevel.CITY)
        for supervisor_id, county, n in city_mine.annotate(county=Substr("school__region_code", 1, 6)).values_list(
                "supervisor_id", "county").annotate(n=Count("id")).values_list("supervisor_id", "county", "n"):
            county_visits[(supervisor_id, county)] = n
        direct_visits = dict(city_mine.filter(school__is_city_direct=True).values_list("supervisor_id").annotate(n=Count("id")))
    counties_held: dict[int, set[str]] = defaultdict(set)
    for supervisor_id, _school_id, code, direct in current:
        if not direct:
            counties_held[supervisor_id].add(code[:6])

    rows = []
    applied: dict[int, QuotaRule] = {}
    for s in supervisors:
        row = SupervisorRow(supervisor=s, visits=by_supervisor.get(s.pk, 0), schools=len(held.get(s.pk, [])))
        level = "county" if s.office.level == RegionLevel.COUNTY else "city"
        for rule in resolver.for_(s.office.region.code, level, s.kind):
            applied[rule.pk] = rule
            if rule.metric == QuotaMetric.VISITS_PER_SUPERVISOR:
                row.checks.append(Check(rule, row.visits, rule.required))
            elif rule.metric == QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL:
                mine_ids = held.get(s.pk, [])
                met = sum(1 for school_id in mine_ids if responsible_visits.get(school_id, 0) >= rule.required)
                row.checks.append(Check(rule, met, len(mine_ids), detail="所挂牌学校中达标的学校数"))
            elif rule.metric == QuotaMetric.VISITS_PER_COUNTY:
                counties = counties_held.get(s.pk, set())
                met = sum(1 for c in counties if county_visits.get((s.pk, c), 0) >= rule.required)
                row.checks.append(Check(rule, met, len(counties), detail="所负责县市区中达标的个数"))
            elif rule.metric == QuotaMetric.VISITS_TO_CITY_DIRECT:
                row.checks.append(Check(rule, direct_visits.get(s.pk, 0), rule.required))
        rows.append(row)
    rows.sort(key=lambda r: (not r.behind, r.supervisor.name))
    zone_level = "county" if office.level == RegionLevel.COUNTY else "city"
    for rule in resolver.for_(office.region.code, zone_level):
        applied.setdefault(rule.pk, rule)
    return ComplianceReport(office=office, period=period, reference_day=reference, elapsed=elapsed_share(period, today),
                            rules=sorted(applied.values(), key=lambda r: (r.metric, r.supervisor_kind, r.office_id or 0)),
                            supervisors=rows, schools=school_rows)


def _senior_kinds():
    from dudao.zones.rules import SENIOR_STAGE_KINDS

    return SENIOR_STAGE_KINDS
