"""The quota compliance engine: for an office and a period, who and what is behind.

Inputs are the quota rules in force on the period's first day (visits/quota.py), the office's
supervisors and assignments, and the submitted visits of the period. Every count comes from one
GROUP BY (supervisor, school) over the period's visits, so a province-sized office (3,000
supervisors, 20,000 schools, 500,000 visits a year) answers in under a second (bench/visits.py).

Checks per rule metric (domain-rules §9.4 f, seed 001):
- visits_per_supervisor      — each supervisor's visits in the period ≥ required;
- visits_per_assigned_school — each school a supervisor is responsible for (on the reference day)
                               was visited ≥ required times in the period, by whoever was its
                               responsible supervisor on the visit day (so a mid-month handover
                               keeps the earlier visits);
- visits_per_zone_school     — every school the office's zones must cover was visited ≥ required
                               (by anyone); a supervisor is judged on the schools they answer for;
- visits_per_county          — (city zones) each county where the supervisor has schools got ≥ required visits;
- visits_to_city_direct      — (city zones) the supervisor's visits to city-direct schools ≥ required.

A semester or year report judges the rules of its own period and, month by month, the monthly
rules over the months of the period that are over: "达标月数 / 已结束月数", and how many months
each supervisor fell short (年度考核 reads exactly this). The database judges the schools of those
months and returns per (supervisor, month) counts (`_judge_months`); the first, slower way is kept as
`_judge_months_reference`, which the tests compare it with. Supervisors are judged by the rules of
their office's level: county, city, or province (the province's 随访 supervisors, who have none
unless the province sets some).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import BooleanField, Count, Exists, ExpressionWrapper, Max, OuterRef, Q
from django.db.models.functions import TruncMonth
from django.utils import timezone

from dudao.core.db import InIds
from dudao.core.perf import gc_paused
from dudao.regions.models import Office, RegionLevel
from dudao.regions.selectors import chain_codes
from dudao.schools.models import School
from dudao.supervisors.models import Supervisor, SupervisorKind, SupervisorStatus
from dudao.visits import pace
from dudao.visits.models import QuotaMetric, QuotaPeriod, QuotaRule, Visit, VisitStatus
from dudao.visits.periods import Period, elapsed_share, period_of
from dudao.zones.coverage import schools_for_office
from dudao.zones.models import Assignment, ZoneSchool

SCHOOL_METRICS = {QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL, QuotaMetric.VISITS_PER_ZONE_SCHOOL}
ZONE_LEVEL_OF = {RegionLevel.COUNTY: "county", RegionLevel.CITY: "city", RegionLevel.PROVINCE: "province"}
# What "done / required" counts, per metric — the column headings of the page, the Excel file and the API.
COUNTS = {
    QuotaMetric.VISITS_PER_SUPERVISOR: ("督导次数", "要求次数"),
    QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL: ("达标学校数", "挂牌学校数"),
    QuotaMetric.VISITS_PER_ZONE_SCHOOL: ("达标学校数", "负责学校数"),
    QuotaMetric.VISITS_PER_COUNTY: ("达标县市区数", "负责县市区数"),
    QuotaMetric.VISITS_TO_CITY_DIRECT: ("市直学校督导次数", "要求次数"),
}
MONTH_COUNTS = ("达标月数", "已结束月数")


def zone_level_of(office: Office) -> str:
    """The zone level whose rules bind an office's supervisors (a province office: its 随访 supervisors)."""
    return ZONE_LEVEL_OF.get(office.level, "county")


@dataclass
class Check:
    rule: QuotaRule
    done: int
    required: int
    detail: str = ""
    # a monthly rule judged in a semester or year: done = months met, required = months over
    over_months: bool = False

    @property
    def ok(self) -> bool:
        return self.done >= self.required

    @property
    def short(self) -> int:
        return max(0, self.required - self.done)

    @property
    def counts(self) -> tuple[str, str]:
        """What `done` and `required` count (e.g. 达标学校数 / 挂牌学校数)."""
        return MONTH_COUNTS if self.over_months else COUNTS.get(self.rule.metric, ("完成", "要求"))


class SupervisorRef(NamedTuple):
    """What a report shows of a supervisor (plain values: a province has 3,000 of them); `office` is
    the one shared Office instance of their office, with its region."""

    pk: int
    name: str
    kind: str
    user_id: int | None
    office_id: int
    appointed_on: date | None
    office: Office

    def get_kind_display(self) -> str:
        return str(SupervisorKind(self.kind).label) if self.kind in SupervisorKind.values else self.kind


@dataclass
class SupervisorRow:
    supervisor: SupervisorRef
    visits: int
    schools: int
    checks: list[Check] = field(default_factory=list)
    # semester and year reports: months over in the period in which a monthly rule bound the
    # supervisor, and how many of them fell short of any monthly rule (None in a month report)
    months_judged: int | None = None
    months_short: int = 0

    @property
    def behind(self) -> bool:
        return any(not c.ok for c in self.checks)


class SchoolRef(NamedTuple):
    """What a report shows of a school. Plain tuples, not model instances: a province has 20,000
    schools and building that many instances alone took longer than the 1 s target (bench/visits.py)."""

    pk: int
    name: str
    code: str
    kind: str
    region_code: str
    is_city_direct: bool
    region_name: str


class SchoolRow(NamedTuple):
    """A tuple of immutable values, so the garbage collector stops tracking it: 20,000 tracked
    rows set off full collections of the heap that cost more than the rest of a report."""

    school: SchoolRef
    visits: int
    last_visit: date | None
    required: int
    zone: str = ""
    responsible: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.visits >= self.required

    @property
    def shortfall(self) -> int:
        """Visits missing to meet the period's rule for this school (0 when met or no rule)."""
        return max(0, self.required - self.visits)


@dataclass
class ComplianceReport:
    office: Office
    period: Period
    reference_day: date
    elapsed: float
    rules: list[QuotaRule]
    supervisors: list[SupervisorRow]
    schools: list[SchoolRow]
    # school id → the period's visits made by its responsible supervisor of the visit day
    responsible_visits: dict[int, int] = field(default_factory=dict)

    # The summaries over every row are computed once per report (a province has 20,000 schools) and
    # kept with it: a kept report serves every page view of the next minutes (compliance_cache.py).
    @cached_property
    def supervisors_behind(self) -> list[SupervisorRow]:
        return [row for row in self.supervisors if row.behind]

    @cached_property
    def schools_behind(self) -> list[SchoolRow]:
        return [row for row in self.schools if not row.ok]

    @cached_property
    def schools_not_visited(self) -> list[SchoolRow]:
        return [row for row in self.schools if row.visits == 0]

    @cached_property
    def visit_count(self) -> int:
        return sum(row.visits for row in self.schools)

    @cached_property
    def zones(self) -> list[tuple[str, int, int]]:
        """(zone, schools, schools visited in the period) — for the chart and the table per zone."""
        totals: dict[str, list[int]] = defaultdict(lambda: [0, 0])
        for row in self.schools:
            key = row.zone or "未划入责任区"
            totals[key][0] += 1
            totals[key][1] += row.visits > 0
        return [(zone, n, visited) for zone, (n, visited) in sorted(totals.items())]

    def zone_summary(self) -> list[tuple[str, int, int]]:
        return self.zones


def _scope_of(office: Office):
    """Supervisors and schools a report covers: a county office its own zones; a city or province
    office everything under it (its own zones and those of the offices below)."""
    if office.level == RegionLevel.COUNTY:
        return Supervisor.objects.filter(office=office), schools_for_office(office)
    supervisors = Supervisor.objects.filter(office__region__code__startswith=office.region.code)
    schools = School.objects.filter(is_active=True).under(office.region.code)
    return supervisors, schools


class _Rules:
    """The quota rules of one period kind in force on a day, resolved per office and supervisor kind in memory."""

    def __init__(self, period_start: date, kind: str, every_rule: list[QuotaRule], offices: dict[str, Office]):
        self.kind = kind
        self.rules = [r for r in every_rule if r.period == kind and r.valid_from <= period_start
                      and (r.valid_to is None or r.valid_to >= period_start)]
        self.offices = offices
        self._cache: dict[tuple, list[QuotaRule]] = {}

    def chain(self, code: str) -> list[int | None]:
        return [self.offices[c].pk for c in chain_codes(code) if c in self.offices] + [None]

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


def _supervisors(supervisor_qs, reference: date) -> list[SupervisorRef]:
    """Active supervisors appointed by the reference day, each with its office and region from one
    small query (select_related would build an Office and a Region per supervisor)."""
    rows = list(supervisor_qs.filter(status=SupervisorStatus.ACTIVE)
                .filter(Q(appointed_on__lte=reference) | Q(appointed_on__isnull=True))
                .values_list("id", "name", "kind", "user_id", "office_id", "appointed_on"))
    offices = Office.objects.select_related("region").in_bulk({row[4] for row in rows})
    return [SupervisorRef(*row, offices[row[4]]) for row in rows]


def _schools(school_qs) -> list[SchoolRef]:
    return [SchoolRef._make(row) for row in school_qs.order_by("region_code", "code").values_list(
        "id", "name", "code", "kind", "region_code", "is_city_direct", "region__name")]


# Up to this many ids, the visits are filtered by id arrays, which PostgreSQL tests with a hash;
# an OR of two IN-subqueries cost 0.3 s more per 500,000 visits (bench/visits.py).
ID_LIST_MAX = 50_000


def _in_reach(supervisor_ids: set[int], school_of: dict, supervisor_qs, school_qs) -> Q:
    """Visits (or assignments) a report counts: by the office's supervisors or at its schools."""
    if len(supervisor_ids) <= ID_LIST_MAX and len(school_of) <= ID_LIST_MAX:
        return Q(InIds("supervisor_id", supervisor_ids)) | Q(InIds("school_id", school_of))
    return Q(supervisor__in=supervisor_qs) | Q(school__in=school_qs)


class _Spans:
    """Who answered for which school when: the assignments in reach that touch the period, by
    (supervisor, school). The database says which of them span the whole period and which are in
    force on the reference day, so only the few handed over inside the period are read with dates."""

    def __init__(self) -> None:
        self.whole: set[tuple[int, int]] = set()
        self.touching: set[tuple[int, int]] = set()
        self.current: list[tuple[int, int, str, bool]] = []  # (supervisor, school, region code, city-direct)
        self._dated: dict[tuple[int, int], list[tuple[date, date]]] | None = None

    @classmethod
    def read(cls, period: Period, reference: date, in_reach: Q) -> _Spans:
        def spans_q(start: date, end: date) -> Q:
            return Q(starts_on__lte=start) & (Q(ends_on__isnull=True) | Q(ends_on__gte=end))

        spans = cls()
        rows = (Assignment.objects.filter(in_reach).filter(spans_q(period.end, period.start))
                .annotate(whole=ExpressionWrapper(spans_q(period.start, period.end), output_field=BooleanField()),
                          now=ExpressionWrapper(spans_q(reference, reference), output_field=BooleanField()))
                .values_list("supervisor_id", "school_id", "whole", "now", "school__region_code", "school__is_city_direct"))
        for supervisor_id, school_id, whole, now, code, direct in rows:
            spans.touching.add((supervisor_id, school_id))
            if whole:
                spans.whole.add((supervisor_id, school_id))
            if now:
                spans.current.append((supervisor_id, school_id, code, direct))
        return spans

    @classmethod
    def of_month(cls, month: Period, rows: list[tuple[int, int, date, date | None, str, bool]]) -> _Spans:
        """The same, for one month, from the dated assignments of a whole semester or year read once."""
        spans = cls()
        spans._dated = defaultdict(list)
        for supervisor_id, school_id, starts_on, ends_on, code, direct in rows:
            end = ends_on or date.max
            if starts_on > month.end or end < month.start:
                continue
            pair = (supervisor_id, school_id)
            spans.touching.add(pair)
            spans._dated[pair].append((starts_on, end))
            if starts_on <= month.start and end >= month.end:
                spans.whole.add(pair)
            if starts_on <= month.end <= end:  # a month over: its reference day is its last day
                spans.current.append((supervisor_id, school_id, code, direct))
        return spans

    def dates(self, pairs: set[tuple[int, int]]) -> dict[tuple[int, int], list[tuple[date, date]]]:
        """The assignment dates of a few pairs (those handed over inside the period)."""
        if self._dated is not None:
            return {pair: self._dated.get(pair, []) for pair in pairs}
        found: dict[tuple[int, int], list[tuple[date, date]]] = defaultdict(list)
        for supervisor_id, school_id, starts_on, ends_on in Assignment.objects.filter(
                InIds("supervisor_id", {p[0] for p in pairs}), InIds("school_id", {p[1] for p in pairs})
        ).values_list("supervisor_id", "school_id", "starts_on", "ends_on"):
            if (supervisor_id, school_id) in pairs:
                found[(supervisor_id, school_id)].append((starts_on, ends_on or date.max))
        return found


@dataclass
class _Scope:
    """What a report covers, read once and shared by the period and (semester, year) its months."""

    supervisor_qs: object
    school_qs: object
    supervisors: list[SupervisorRef]
    schools: list[SchoolRef]
    in_scope: set[int]  # the office's supervisors, leavers too: their visits still count for schools
    school_of: dict[int, SchoolRef]
    in_reach: Q
    rules: list[QuotaRule]  # every rule version, resolved per period in memory
    offices: dict[str, Office]
    above_county: set[int] = field(default_factory=set)  # city and province supervisors

    def __post_init__(self) -> None:
        self.above_county = {s.pk for s in self.supervisors if s.office.level != RegionLevel.COUNTY}


@dataclass
class _Counts:
    """The visits of one period, as the checks read them."""

    by_supervisor: dict[int, int]
    by_school: dict[int, int]
    responsible_visits: dict[int, int]
    last_visit: dict[int, date]
    county_visits: dict[tuple[int, str], int]
    direct_visits: dict[int, int]
    held: dict[int, list[int]]  # supervisor → schools they answer for on the reference day
    counties_held: dict[int, set[str]]
    current: list[tuple[int, int, str, bool]]


def _count(scope: _Scope, period: Period, reference: date, *, spans: _Spans | None = None,
           pairs: list[tuple[int, int, int, date]] | None = None) -> _Counts:
    """One pass over the period's visits, grouped per (supervisor, school): every count is a sum of these.

    A visit counts for the school's quota when its supervisor was the school's responsible supervisor
    on the visit day. Most pairs were assigned for the whole period (all their visits count) or not at
    all (none do); only the pairs with a handover inside the period are counted day by day. A join of
    every visit to the assignments (or an EXISTS per visit) cost seconds at province scale (bench/)."""
    in_scope, school_of = scope.in_scope, scope.school_of
    spans = spans or _Spans.read(period, reference, scope.in_reach)
    in_period = Visit.objects.filter(status=VisitStatus.SUBMITTED, visit_date__gte=period.start, visit_date__lte=period.end)
    if pairs is None:
        pairs = list(in_period.filter(scope.in_reach).values_list("supervisor_id", "school_id")
                     .annotate(n=Count("*"), last=Max("visit_date")).order_by())
    by_supervisor: dict[int, int] = defaultdict(int)
    by_school: dict[int, int] = defaultdict(int)
    responsible_visits: dict[int, int] = defaultdict(int)
    last_visit: dict[int, date] = {}
    above_county = scope.above_county
    city_pairs: list[tuple[int, int, int]] = []  # visits of city (and province) supervisors, for the city-zone metrics
    partial: set[tuple[int, int]] = set()
    whole, touching = spans.whole, spans.touching
    for supervisor_id, school_id, n, last in pairs:
        by_school[school_id] += n
        if last is not None and last_visit.get(school_id, last) <= last:
            last_visit[school_id] = last
        if supervisor_id in in_scope:
            by_supervisor[supervisor_id] += n
            pair = (supervisor_id, school_id)
            if pair in whole:
                responsible_visits[school_id] += n
            elif pair in touching:
                partial.add(pair)
            if supervisor_id in above_county:
                city_pairs.append((supervisor_id, school_id, n))
    if partial:
        days = (in_period.filter(InIds("supervisor_id", {p[0] for p in partial}), InIds("school_id", {p[1] for p in partial}))
                .values_list("supervisor_id", "school_id", "visit_date").annotate(n=Count("*")).order_by())
        dates = spans.dates(partial)
        for supervisor_id, school_id, visit_date, n in days:
            if any(start <= visit_date <= end for start, end in dates.get((supervisor_id, school_id), ())):
                responsible_visits[school_id] += n
    # the city-zone metrics count city supervisors' visits per county and to city-direct schools
    county_visits: dict[tuple[int, str], int] = defaultdict(int)
    direct_visits: dict[int, int] = defaultdict(int)
    if city_pairs:
        outside = {school_id for _sup, school_id, _n in city_pairs if school_id not in school_of}
        where = {pk: (code, direct) for pk, code, direct in
                 School.objects.filter(pk__in=outside).values_list("id", "region_code", "is_city_direct")} if outside else {}
        for supervisor_id, school_id, n in city_pairs:
            school = school_of.get(school_id)
            code, direct = (school.region_code, school.is_city_direct) if school else where[school_id]
            county_visits[(supervisor_id, code[:6])] += n
            if direct:
                direct_visits[supervisor_id] += n
    # what each supervisor answers for on the reference day
    current = [row for row in spans.current if row[0] in in_scope]
    held: dict[int, list[int]] = defaultdict(list)
    counties_held: dict[int, set[str]] = defaultdict(set)
    for supervisor_id, school_id, code, direct in current:
        held[supervisor_id].append(school_id)
        if not direct:
            counties_held[supervisor_id].add(code[:6])
    return _Counts(by_supervisor=by_supervisor, by_school=by_school, responsible_visits=responsible_visits,
                   last_visit=last_visit, county_visits=county_visits, direct_visits=direct_visits, held=held,
                   counties_held=counties_held, current=current)


def _checks(s: SupervisorRef, counts: _Counts, resolver: _Rules) -> list[Check]:
    """The supervisor's checks against every rule of the resolver's period that binds them."""
    checks = []
    visits = counts.by_supervisor.get(s.pk, 0)
    mine_ids = counts.held.get(s.pk, [])
    for rule in resolver.for_(s.office.region.code, zone_level_of(s.office), s.kind):
        if rule.metric == QuotaMetric.VISITS_PER_SUPERVISOR:
            checks.append(Check(rule, visits, rule.required, detail="本人督导次数"))
        elif rule.metric == QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL:
            # visits by the school's responsible supervisor of the visit day
            met = sum(1 for school_id in mine_ids if counts.responsible_visits.get(school_id, 0) >= rule.required)
            checks.append(Check(rule, met, len(mine_ids), detail="所挂牌学校中达标的学校数"))
        elif rule.metric == QuotaMetric.VISITS_PER_ZONE_SCHOOL:
            # the school's visits by anyone: the rule is about the school being supervised
            met = sum(1 for school_id in mine_ids if counts.by_school.get(school_id, 0) >= rule.required)
            checks.append(Check(rule, met, len(mine_ids), detail="所负责学校中达标的学校数"))
        elif rule.metric == QuotaMetric.VISITS_PER_COUNTY:
            counties = counts.counties_held.get(s.pk, set())
            met = sum(1 for c in counties if counts.county_visits.get((s.pk, c), 0) >= rule.required)
            checks.append(Check(rule, met, len(counties), detail="所负责县市区中达标的个数"))
        elif rule.metric == QuotaMetric.VISITS_TO_CITY_DIRECT:
            checks.append(Check(rule, counts.direct_visits.get(s.pk, 0), rule.required, detail="到市直学校督导次数"))
    return checks


def months_over(period: Period, today: date) -> list[Period]:
    """The months of a semester or year that are over on `today` (judged whole, never prorated)."""
    months = []
    day = period.start
    while day <= period.end:
        month = period_of("month", day)
        if month.end < today:
            months.append(month)
        day = month.end + timedelta(days=1)
    return months


def _judge_months_reference(scope: _Scope, rows: list[SupervisorRow], period: Period, today: date,
                  applied: dict[int, QuotaRule]) -> None:
    """The month-by-month judging as first written (a TruncMonth group with dates, every month's
    spans read from every assignment): kept as the reference the fast path is tested against
    (tests/visits/test_compliance_fast.py)."""
    by_pk = {row.supervisor.pk: row for row in rows}
    met: dict[tuple[int, str], int] = defaultdict(int)
    judged: dict[tuple[int, str], int] = defaultdict(int)
    latest: dict[tuple[int, str], QuotaRule] = {}
    months = months_over(period, today)
    if not months:
        return
    # one read of the assignments and one of the visits per (supervisor, school, month) for all the months
    first, last = months[0].start, months[-1].end
    assignments = list(Assignment.objects.filter(scope.in_reach).filter(starts_on__lte=last)
                       .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
                       .values_list("supervisor_id", "school_id", "starts_on", "ends_on", "school__region_code",
                                    "school__is_city_direct"))
    visits_by_month: dict[date, list[tuple[int, int, int, date]]] = defaultdict(list)
    for supervisor_id, school_id, month_start, n, last_day in (
            Visit.objects.filter(scope.in_reach, status=VisitStatus.SUBMITTED, visit_date__gte=first, visit_date__lte=last)
            .annotate(month=TruncMonth("visit_date")).values_list("supervisor_id", "school_id", "month")
            .annotate(n=Count("id"), last=Max("visit_date")).order_by()):
        visits_by_month[month_start].append((supervisor_id, school_id, n, last_day))
    for month in months:
        counts = _count(scope, month, month.end, spans=_Spans.of_month(month, assignments),
                        pairs=visits_by_month.get(month.start, []))
        resolver = _Rules(month.start, "month", scope.rules, scope.offices)
        for s in scope.supervisors:
            row = by_pk.get(s.pk)
            if row is None or (s.appointed_on and s.appointed_on > month.end):
                continue
            checks = _checks(s, counts, resolver)
            if not checks:
                continue
            row.months_judged = (row.months_judged or 0) + 1
            row.months_short += any(not c.ok for c in checks)
            for check in checks:
                key = (s.pk, check.rule.metric)
                judged[key] += 1
                met[key] += check.ok
                latest[key] = check.rule
                applied.setdefault(check.rule.pk, check.rule)
    for (supervisor_id, _metric), rule in latest.items():
        key = (supervisor_id, _metric)
        by_pk[supervisor_id].checks.append(Check(rule, met[key], judged[key], detail="达标月数 / 已结束月数", over_months=True))
    for row in rows:
        if row.months_judged is None:
            row.months_judged = 0


class _MonthFigures(NamedTuple):
    """What the monthly per-school checks of one supervisor in one month read, counted by the database."""

    held: int = 0  # schools answered for at the month's end (its reference day)
    met_responsible: tuple[int, ...] = ()  # of those, visited ≥ k times by their responsible supervisor, per k
    met_any: tuple[int, ...] = ()  # of those, visited ≥ k times by anyone in reach, per k


# At most this many parameters in one statement (SQLite's limit is 32,766; PostgreSQL gets one array per id list).
PARAMS_MAX = 30_000


def _sql(queryset) -> tuple[str, list]:
    sql, params = queryset.query.sql_with_params()
    return sql, list(params)


def _month_statements(scope: _Scope, months: list[Period], responsible_k: list[int], any_k: list[int]):
    """The two statements that count every month at once (as UNION ALL of one small group per
    month, each an index range of the visits: one group by a computed month spilled to disk and
    cost more than the rest of a province's year report):

    - (month, supervisor, visits) for the office's supervisors;
    - (month, supervisor, schools held at the month's end, then per k in `responsible_k` those
      visited ≥ k times by the responsible supervisor of the visit day, per k in `any_k` those
      visited ≥ k times by anyone in reach). A visit is the responsible supervisor's when an
      assignment of its (supervisor, school) covers its day, so a mid-month handover keeps the
      visits made before it."""
    # the office's supervisors as a subquery: PostgreSQL joins it by hash and reads the visits from
    # the index visit_quota alone; an id array in the filter had it read the table (bench/visits.py)
    mine = InIds("supervisor_id", scope.in_scope)
    submitted = Visit.objects.filter(status=VisitStatus.SUBMITTED).order_by()
    covering = Assignment.objects.filter(supervisor_id=OuterRef("supervisor_id"), school_id=OuterRef("school_id"),
                                         starts_on__lte=OuterRef("visit_date")).filter(
        Q(ends_on__isnull=True) | Q(ends_on__gte=OuterRef("visit_date")))
    visits_sql, held_sql = [], []
    for k, month in enumerate(months):
        in_month = submitted.filter(visit_date__gte=month.start, visit_date__lte=month.end)
        sql, params = _sql(in_month.filter(mine).values("supervisor_id").annotate(n=Count("*")))
        visits_sql.append((f"SELECT {k} AS k, q.supervisor_id, q.n FROM ({sql}) q", params))
        if not responsible_k and not any_k:
            continue
        held, held_params = _sql(Assignment.objects.filter(mine, starts_on__lte=month.end)
                                 .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=month.end))
                                 .values("supervisor_id", "school_id").order_by())
        columns, joins, params = [], [], []
        if responsible_k:
            sql, p = _sql(in_month.filter(mine).filter(Exists(covering)).values("school_id").annotate(n=Count("*")))
            joins.append((f"LEFT JOIN ({sql}) r ON r.school_id = h.school_id", p))
            columns += [("COALESCE(r.n, 0)", n) for n in responsible_k]
        if any_k:
            sql, p = _sql(in_month.filter(scope.in_reach).values("school_id").annotate(n=Count("*")))
            joins.append((f"LEFT JOIN ({sql}) z ON z.school_id = h.school_id", p))
            columns += [("COALESCE(z.n, 0)", n) for n in any_k]
        sums = "".join(f", SUM(CASE WHEN {column} >= %s THEN 1 ELSE 0 END)" for column, _n in columns)
        sql = (f"SELECT {k} AS k, h.supervisor_id, COUNT(*){sums} FROM ({held}) h "
               + " ".join(join for join, _p in joins) + " GROUP BY h.supervisor_id")
        held_sql.append((sql, [n for _c, n in columns] + held_params + [p for _j, ps in joins for p in ps]))
    return visits_sql, held_sql


def _run_union(parts: list[tuple[str, list]]) -> list[tuple]:
    """Run UNION ALL statements of `parts`, as few as the parameter limit allows; plain tuples from the cursor."""
    found: list[tuple] = []
    batch: list[tuple[str, list]] = []

    def flush() -> None:
        if not batch:
            return
        with connection.cursor() as cursor:
            cursor.execute(" UNION ALL ".join(sql for sql, _p in batch), [p for _s, ps in batch for p in ps])
            found.extend(cursor.fetchall())
        batch.clear()

    for part in parts:
        if batch and sum(len(p) for _s, p in batch) + len(part[1]) > PARAMS_MAX:
            flush()
        batch.append(part)
    flush()
    return found


def _city_figures(scope: _Scope, months: list[Period]) -> tuple[dict, dict, dict]:
    """For the city and province supervisors (a few): per (supervisor, month) visits per county and
    to city-direct schools, and the counties (of their schools not city-direct) held at the month's end."""
    ids = scope.above_county & scope.in_scope
    county_visits: dict[tuple[int, int, str], int] = defaultdict(int)
    direct_visits: dict[tuple[int, int], int] = defaultdict(int)
    counties_held: dict[tuple[int, int], set[str]] = defaultdict(set)
    first, last = months[0].start, months[-1].end
    for supervisor_id, day, code, direct, n in (
            Visit.objects.filter(InIds("supervisor_id", ids), status=VisitStatus.SUBMITTED, visit_date__gte=first,
                                 visit_date__lte=last)
            .values_list("supervisor_id", "visit_date", "school__region_code", "school__is_city_direct")
            .annotate(n=Count("id")).order_by()):
        k = next(i for i, m in enumerate(months) if m.start <= day <= m.end)
        county_visits[(supervisor_id, k, code[:6])] += n
        if direct:
            direct_visits[(supervisor_id, k)] += n
    for supervisor_id, starts_on, ends_on, code, direct in (
            Assignment.objects.filter(InIds("supervisor_id", ids), starts_on__lte=last)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=first))
            .values_list("supervisor_id", "starts_on", "ends_on", "school__region_code", "school__is_city_direct")):
        for k, month in enumerate(months):
            if not direct and starts_on <= month.end <= (ends_on or date.max):
                counties_held[(supervisor_id, k)].add(code[:6])
    return county_visits, direct_visits, counties_held


def _judge_months(scope: _Scope, rows: list[SupervisorRow], period: Period, today: date,
                  applied: dict[int, QuotaRule]) -> None:
    """Add to each row, per monthly rule, the months over in which it was met (达标月数 / 已结束月数),
    and how many months the supervisor fell short of any monthly rule.

    The database judges the schools: it returns per (supervisor, month) the visits, the schools held
    at the month's end and how many of them reached each threshold the rules ask for — some 40,000
    rows for a province's year instead of 200,000 (supervisor, school, month) groups read into
    Python. Equal to `_judge_months_reference` (tests/visits/test_compliance_fast.py)."""
    months = months_over(period, today)
    if not months:
        return
    by_pk = {row.supervisor.pk: row for row in rows}
    resolvers = [_Rules(month.start, "month", scope.rules, scope.offices) for month in months]
    # supervisors grouped by what resolves their rules (office, zone level, kind): a few hundred keys
    # for 3,000 supervisors, so the rules are resolved per key and month, not per supervisor and month
    groups: dict[tuple[str, str, str], list[SupervisorRef]] = defaultdict(list)
    for s in scope.supervisors:
        groups[(s.office.region.code, zone_level_of(s.office), s.kind)].append(s)
    # the thresholds the monthly per-school rules ask for, so the database counts exactly those
    responsible_k: set[int] = set()
    any_k: set[int] = set()
    city = False
    for resolver in resolvers:
        for key in groups:
            for rule in resolver.for_(*key):
                if rule.metric == QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL:
                    responsible_k.add(rule.required)
                elif rule.metric == QuotaMetric.VISITS_PER_ZONE_SCHOOL:
                    any_k.add(rule.required)
                elif rule.metric in (QuotaMetric.VISITS_PER_COUNTY, QuotaMetric.VISITS_TO_CITY_DIRECT):
                    city = True
    responsible = sorted(responsible_k)
    anyone = sorted(any_k)
    visits_sql, held_sql = _month_statements(scope, months, responsible, anyone)
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            # a dozen small groups add up to a cost that would have the statement compiled (JIT): seconds
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        visits: list[dict[int, int]] = [{} for _month in months]  # per month: supervisor → visits
        for k, supervisor_id, n in _run_union(visits_sql):
            visits[int(k)][supervisor_id] = n
        figures: list[dict[int, _MonthFigures]] = [{} for _month in months]
        for k, supervisor_id, held, *met in _run_union(held_sql):
            met = [int(n or 0) for n in met]
            figures[int(k)][supervisor_id] = _MonthFigures(held, tuple(met[:len(responsible)]), tuple(met[len(responsible):]))
    county_visits, direct_visits, counties_held = _city_figures(scope, months) if city and scope.above_county else ({}, {}, {})
    empty = _MonthFigures(0, (0,) * len(responsible), (0,) * len(anyone))
    position = {(QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL, n): i for i, n in enumerate(responsible)}
    position |= {(QuotaMetric.VISITS_PER_ZONE_SCHOOL, n): i for i, n in enumerate(anyone)}
    for key, members in groups.items():
        monthly = [resolver.for_(*key) for resolver in resolvers]
        judged_in = [False] * len(months)
        for s in members:
            pk = s.pk
            tally: dict[str, list] = {}  # metric → [months met, months judged, the latest rule]
            judged = short_months = 0
            for k, rules in enumerate(monthly):
                if not rules or (s.appointed_on and s.appointed_on > months[k].end):
                    continue
                judged += 1
                judged_in[k] = True
                mine = figures[k].get(pk, empty)
                short = False
                for rule in rules:
                    metric = rule.metric
                    if metric == QuotaMetric.VISITS_PER_SUPERVISOR:
                        ok = visits[k].get(pk, 0) >= rule.required
                    elif metric == QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL:
                        ok = mine.met_responsible[position[(metric, rule.required)]] >= mine.held
                    elif metric == QuotaMetric.VISITS_PER_ZONE_SCHOOL:
                        ok = mine.met_any[position[(metric, rule.required)]] >= mine.held
                    elif metric == QuotaMetric.VISITS_PER_COUNTY:
                        counties = counties_held.get((pk, k), ())
                        ok = sum(1 for c in counties if county_visits.get((pk, k, c), 0) >= rule.required) >= len(counties)
                    elif metric == QuotaMetric.VISITS_TO_CITY_DIRECT:
                        ok = direct_visits.get((pk, k), 0) >= rule.required
                    else:
                        continue
                    counted = tally.get(metric)
                    if counted is None:
                        tally[metric] = [int(ok), 1, rule]
                    else:
                        counted[0] += ok
                        counted[1] += 1
                        counted[2] = rule
                    short = short or not ok
                short_months += short
            row = by_pk[pk]
            row.months_judged = judged
            row.months_short += short_months
            row.checks.extend(Check(rule, met, of, detail="达标月数 / 已结束月数", over_months=True)
                              for met, of, rule in tally.values())
        for k, rules in enumerate(monthly):
            for rule in rules if judged_in[k] else ():
                applied.setdefault(rule.pk, rule)
    for row in rows:
        if row.months_judged is None:
            row.months_judged = 0


@gc_paused()
def compliance_report(*, office: Office, kind: str, day: date, today: date | None = None,
                      slow: bool = False) -> ComplianceReport:
    """Compliance of the supervisors and schools under `office` for the `kind` period containing `day`.
    `slow`: judge the months with the reference implementation (for the tests that compare the two)."""
    today = today or timezone.localdate()
    period = period_of(kind, day)
    reference = min(period.end, today) if period.start <= today else period.end
    supervisor_qs, school_qs = _scope_of(office)
    supervisors = _supervisors(supervisor_qs, reference)
    schools = _schools(school_qs)
    in_scope = set(supervisor_qs.values_list("id", flat=True))
    school_of = {s.pk: s for s in schools}
    scope = _Scope(supervisor_qs=supervisor_qs, school_qs=school_qs, supervisors=supervisors, schools=schools,
                   in_scope=in_scope, school_of=school_of,
                   in_reach=_in_reach(in_scope, school_of, supervisor_qs, school_qs),
                   rules=list(QuotaRule.objects.select_related("office")),
                   offices={o.region.code: o for o in Office.objects.select_related("region")})
    resolver = _Rules(period.start, kind, scope.rules, scope.offices)
    counts = _count(scope, period, reference)
    last_visit = counts.last_visit
    # schools not visited in the period: their last visit before it
    unvisited = [s.pk for s in schools if s.pk not in last_visit]
    if unvisited:
        last_visit.update(Visit.objects.filter(InIds("school_id", unvisited), status=VisitStatus.SUBMITTED,
                                               visit_date__lt=period.start)
                          .values_list("school_id").annotate(d=Max("visit_date")).order_by())

    names = {s.pk: s.name for s in supervisors}
    responsible_names: dict[int, tuple[str, ...]] = {}
    for supervisor_id, school_id, _code, _direct in counts.current:
        if supervisor_id in names:
            responsible_names[school_id] = (*responsible_names.get(school_id, ()), names[supervisor_id])
    zone_of = dict(ZoneSchool.objects.filter(school__in=school_qs).values_list("school_id", "zone__name"))

    applied: dict[int, QuotaRule] = {}
    senior = _senior_kinds()
    required_in: dict[tuple[str, str], int] = {}  # (office region code, zone level) → visits a school needs

    def school_required(school: SchoolRef) -> int:
        """The strictest per-school rule of the period for the school's level; 0 (not judged) without one."""
        city_level = school.is_city_direct or school.kind in senior
        key = (school.region_code[:4], "city") if city_level else (school.region_code[:6], "county")
        if key not in required_in:
            rules = [r for r in resolver.for_(*key) if r.metric in SCHOOL_METRICS]
            for rule in rules:
                applied.setdefault(rule.pk, rule)
            required_in[key] = max((r.required for r in rules), default=0)
        return required_in[key]

    school_rows = [
        SchoolRow(school=s, visits=counts.by_school.get(s.pk, 0), last_visit=last_visit.get(s.pk), required=school_required(s),
                  zone=zone_of.get(s.pk, ""), responsible=responsible_names.get(s.pk, ()))
        for s in schools
    ]

    rows = []
    for s in supervisors:
        row = SupervisorRow(supervisor=s, visits=counts.by_supervisor.get(s.pk, 0), schools=len(counts.held.get(s.pk, [])))
        row.checks = _checks(s, counts, resolver)
        for check in row.checks:
            applied[check.rule.pk] = check.rule
        rows.append(row)
    if kind != "month":
        (_judge_months_reference if slow else _judge_months)(scope, rows, period, today, applied)
    rows.sort(key=lambda r: (not r.behind, r.supervisor.name))
    for rule in resolver.for_(office.region.code, zone_level_of(office)):
        applied.setdefault(rule.pk, rule)
    return ComplianceReport(office=office, period=period, reference_day=reference, elapsed=elapsed_share(period, today),
                            rules=sorted(applied.values(), key=lambda r: (_PERIOD_ORDER.get(r.period, 9), r.metric,
                                                                          r.supervisor_kind, r.office_id or 0)),
                            supervisors=rows, schools=school_rows, responsible_visits=dict(counts.responsible_visits))


_PERIOD_ORDER = {"month": 0, "semester": 1, "year": 2}


def _senior_kinds():
    from dudao.zones.rules import SENIOR_STAGE_KINDS

    return SENIOR_STAGE_KINDS


# --- the compliance table: one shape for the page, the Excel file and the API ----------------------

STATE_LABELS = {pace.BEHIND: "落后", pace.ON_PACE: "进行中", pace.OK: "达标"}


@dataclass(frozen=True)
class Column:
    """A column of the table: one rule (metric and period); a monthly rule in a semester or year
    report is judged month by month (`over_months`)."""

    metric: str
    period: str
    over_months: bool

    @property
    def key(self) -> str:
        return f"{self.metric}:{self.period}"

    @property
    def label(self) -> str:
        metric = QuotaMetric(self.metric).label if self.metric in QuotaMetric.values else self.metric
        period = QuotaPeriod(self.period).label if self.period in QuotaPeriod.values else self.period
        return f"{metric}（{period}）"

    @property
    def counts(self) -> tuple[str, str]:
        return MONTH_COUNTS if self.over_months else COUNTS.get(self.metric, ("完成", "要求"))


@dataclass
class SupervisorLine:
    """A row of the table: a (check, state) cell per column, None where no rule binds the supervisor."""

    row: SupervisorRow
    cells: list[tuple[Check, str] | None]
    state: str

    @property
    def state_label(self) -> str:
        return STATE_LABELS[self.state]


def check_state(check: Check, elapsed: float) -> str:
    """ok / on pace / behind; months over are judged whole (a missed month stays missed)."""
    return pace.check_state(check.done, check.required, 1.0 if check.over_months else elapsed)


def compliance_table(report: ComplianceReport) -> tuple[list[Column], list[SupervisorLine]]:
    """The columns (every rule judged, in the order of the report's rules) and the rows, the
    behind first."""
    columns: list[Column] = []
    for row in report.supervisors:
        for check in row.checks:
            column = Column(check.rule.metric, check.rule.period, check.over_months)
            if column not in columns:
                columns.append(column)
    order = {(r.metric, r.period): i for i, r in enumerate(report.rules)}
    columns.sort(key=lambda c: order.get((c.metric, c.period), len(order)))
    lines = []
    for row in report.supervisors:
        by_column = {(c.rule.metric, c.rule.period): c for c in row.checks}
        cells = []
        states = []
        for column in columns:
            check = by_column.get((column.metric, column.period))
            if check is None:
                cells.append(None)
                continue
            state = check_state(check, report.elapsed)
            cells.append((check, state))
            states.append(state)
        state = pace.BEHIND if pace.BEHIND in states else pace.ON_PACE if pace.ON_PACE in states else pace.OK
        lines.append(SupervisorLine(row=row, cells=cells, state=state))
    rank = {pace.BEHIND: 0, pace.ON_PACE: 1, pace.OK: 2}
    lines.sort(key=lambda line: (rank[line.state], line.row.supervisor.name))
    return columns, lines
