"""The quota compliance engine: for an office and a period, who and what is behind.

Inputs are the quota rules in force on the period's first day (visits/quota.py), the office's
supervisors and assignments, and the submitted visits of the period, read from their monthly tally
(`VisitTally`, one row per (month, supervisor, school), kept by database triggers): every count
is a sum of its rows per (supervisor, school), so a province-sized office (3,000 supervisors,
20,000 schools, 500,000 visits a year) answers in under a second (bench/visits.py).

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
months from the tally and returns per (supervisor, month) counts (`_judge_months`); the first,
slower way, which reads the visits themselves, is kept as `_judge_months_reference`, which the tests
compare it with. Supervisors are judged by the rules of
their office's level: county, city, or province (the province's 随访 supervisors, who have none
unless the province sets some).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import cached_property
from typing import NamedTuple

from django.db import connection, transaction
from django.db.models import BooleanField, Count, ExpressionWrapper, Max, Q, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext_noop

from dudao.core.db import InIds
from dudao.core.perf import gc_paused
from dudao.regions.models import Office, RegionLevel
from dudao.regions.selectors import chain_codes
from dudao.schools.models import School
from dudao.supervisors.models import Supervisor, SupervisorKind, SupervisorStatus
from dudao.visits import pace
from dudao.visits.models import (
    COUNTED,
    QuotaMetric,
    QuotaPeriod,
    QuotaRule,
    Visit,
    VisitBasis,
    VisitStatus,
    VisitTally,
)
from dudao.visits.periods import Period, elapsed_share, period_of
from dudao.zones.coverage import schools_for_office
from dudao.zones.models import Assignment, ZoneSchool

SCHOOL_METRICS = {QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL, QuotaMetric.VISITS_PER_ZONE_SCHOOL}
ZONE_LEVEL_OF = {RegionLevel.COUNTY: "county", RegionLevel.CITY: "city", RegionLevel.PROVINCE: "province"}
# What "done / required" counts, per metric — the column headings of the page, the Excel file and the API.
# Marked with gettext_noop: the page translates them when it renders (`{% translate column.counts.0 %}`).
COUNTS = {
    QuotaMetric.VISITS_PER_SUPERVISOR: (gettext_noop("督导次数"), gettext_noop("要求次数")),
    QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL: (gettext_noop("达标学校数"), gettext_noop("挂牌学校数")),
    QuotaMetric.VISITS_PER_ZONE_SCHOOL: (gettext_noop("达标学校数"), gettext_noop("负责学校数")),
    QuotaMetric.VISITS_PER_COUNTY: (gettext_noop("达标县市区数"), gettext_noop("负责县市区数")),
    QuotaMetric.VISITS_TO_CITY_DIRECT: (gettext_noop("市直学校督导次数"), gettext_noop("要求次数")),
}
MONTH_COUNTS = (gettext_noop("达标月数"), gettext_noop("已结束月数"))
OTHER_COUNTS = (gettext_noop("完成"), gettext_noop("要求"))


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
        return MONTH_COUNTS if self.over_months else COUNTS.get(self.rule.metric, OTHER_COUNTS)


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
        # per school: how many assignment rows touch the period, and the supervisor of a whole-period one
        self.rows_of_school: dict[int, int] = defaultdict(int)
        self.whole_holder: dict[int, int] = {}
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
            spans.rows_of_school[school_id] += 1
            if whole:
                spans.whole.add((supervisor_id, school_id))
                spans.whole_holder[school_id] = supervisor_id
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

    def single_holders(self, in_scope: set[int]) -> dict[int, int]:
        """School → supervisor, for the schools that one supervisor of the office answered for through
        the whole period and nobody else in it (most schools): in every month of the period their
        responsible visits are that supervisor's visits, which the monthly tally counts."""
        rows, holder = self.rows_of_school, self.whole_holder
        return {school_id: supervisor_id for school_id, supervisor_id in holder.items()
                if rows[school_id] == 1 and supervisor_id in in_scope}

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
    single_holder: dict[int, int] = field(default_factory=dict)  # see _Spans.single_holders
    touched: set[int] = field(default_factory=set)  # schools with an assignment in reach touching the period


def _count(scope: _Scope, period: Period, reference: date, *, spans: _Spans | None = None,
           pairs: list[tuple[int, int, int, date]] | None = None) -> _Counts:
    """One pass over the period's visits, grouped per (supervisor, school): every count is a sum of these.

    A visit counts for the school's quota when its supervisor was the school's responsible supervisor
    on the visit day. Most pairs were assigned for the whole period (all their visits count) or not at
    all (none do); only the pairs with a handover inside the period are counted day by day. A join of
    every visit to the assignments (or an EXISTS per visit) cost seconds at province scale (bench/)."""
    in_scope, school_of = scope.in_scope, scope.school_of
    spans = spans or _Spans.read(period, reference, scope.in_reach)
    in_period = Visit.objects.filter(COUNTED, visit_date__gte=period.start, visit_date__lte=period.end)
    if pairs is None:
        # from the monthly tally (every period is whole months): 200,000 rows for a province's year, not 500,000 visits
        pairs = list(VisitTally.objects.filter(month__gte=period.start, month__lte=period.end).filter(scope.in_reach)
                     .values_list("supervisor_id", "school_id").annotate(n=Sum("visits"), last=Max("last_visit")).order_by())
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
                   counties_held=counties_held, current=current, single_holder=spans.single_holders(in_scope),
                   touched=set(spans.rows_of_school))


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
            Visit.objects.filter(scope.in_reach, COUNTED, visit_date__gte=first, visit_date__lte=last)
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


def _month_tally_statement(scope: _Scope, period: Period, months: list[Period], responsible_k: list[int],
                           single: dict[int, int]) -> tuple[str, list]:
    """One pass over the monthly tally rows of the months: (month, supervisor, visits, then per k in
    `responsible_k` the schools of `single` held by that supervisor which they visited ≥ k times in
    the month). For a school one supervisor held alone through the whole period, the responsible
    visits of any of its months are that supervisor's tally row: no join per month is needed."""
    rows, params = _sql(VisitTally.objects.filter(InIds("supervisor_id", scope.in_scope), month__gte=months[0].start,
                                                  month__lte=months[-1].start)
                        .values("month", "supervisor_id", "school_id", "visits").order_by())
    if not single or not responsible_k:
        return f"SELECT t.month, t.supervisor_id, SUM(t.visits) FROM ({rows}) t GROUP BY t.month, t.supervisor_id", params
    held, held_params = _sql(Assignment.objects.filter(InIds("school_id", single), starts_on__lte=period.start)
                             .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=period.end))
                             .values("supervisor_id", "school_id").order_by())
    sums = "".join(", SUM(CASE WHEN sp.school_id IS NOT NULL AND t.visits >= %s THEN 1 ELSE 0 END)" for _n in responsible_k)
    sql = (f"SELECT t.month, t.supervisor_id, SUM(t.visits){sums} FROM ({rows}) t LEFT JOIN ({held}) sp "
           "ON sp.supervisor_id = t.supervisor_id AND sp.school_id = t.school_id GROUP BY t.month, t.supervisor_id")
    return sql, [*responsible_k, *params, *held_params]


# On SQLite, the office's supervisors go into the per-month statements as a subquery past this many
SQLITE_IDS_INLINE = 1000


def _ids_sql(column: str, ids) -> tuple[str, list]:
    """`column IN ids` for a statement written by hand, as `InIds` compiles it."""
    ids = sorted({int(i) for i in ids})
    if not ids:
        return "1 = 0", []
    if connection.vendor == "postgresql":
        return f"{column} = ANY(%s::bigint[])", ["{" + ",".join(map(str, ids)) + "}"]
    return f"{column} IN ({', '.join(['%s'] * len(ids))})", ids


def _month_statements(scope: _Scope, months: list[Period], responsible_k: list[int], any_k: list[int],
                      schools: set[int] | None = None) -> list[tuple[str, list]]:
    """The statements that judge the schools of the months — only `schools` (few: those handed over
    or shared) in one statement for every month, or all of them in one statement per month, UNION
    ALL (a group per (month, school) of a province's year would spill to disk) — from the monthly
    tally of the visits (`VisitTally`, one row per (month, supervisor, school)).

    Each returns (month, supervisor, schools held at the month's end, then per k in `responsible_k`
    those visited ≥ k times by the responsible supervisor of the visit day, per k in `any_k` those
    visited ≥ k times by anyone in reach). A visit is the responsible supervisor's when an
    assignment of its (supervisor, school) covers its day, so a mid-month handover keeps the visits
    made before it: a pair assigned for the whole month counts its tally row, and only the pairs
    handed over inside the month are counted day by day from their visits."""
    if schools is None:
        return [statement for k, month in enumerate(months)
                for statement in _months_statement(scope, [(k, month)], responsible_k, any_k, None)]
    return _months_statement(scope, list(enumerate(months)), responsible_k, any_k, schools)


def _months_statement(scope: _Scope, months: list[tuple[int, Period]], responsible_k: list[int], any_k: list[int],
                      schools: set[int] | None) -> list[tuple[str, list]]:
    assignments, tally, visits = Assignment._meta.db_table, VisitTally._meta.db_table, Visit._meta.db_table
    day = "%s::date" if connection.vendor == "postgresql" else "%s"
    month_rows = " UNION ALL ".join(f"SELECT {int(k)} AS k, {day} AS first_day, {day} AS last_day" for k, _m in months)
    month_params = [d for _k, m in months for d in (m.start, m.end)]
    mm = f"({month_rows}) mm"

    if connection.vendor == "postgresql" or len(scope.in_scope) <= SQLITE_IDS_INLINE:
        def by_mine(alias: str) -> tuple[str, list]:
            return _ids_sql(f"{alias}.supervisor_id", scope.in_scope)
    else:  # SQLite: a few thousand parameters in each of several places would pass its limit
        office_sql, office_params = _sql(scope.supervisor_qs.values("id"))

        def by_mine(alias: str) -> tuple[str, list]:
            return f"{alias}.supervisor_id IN ({office_sql})", list(office_params)

    def where(alias: str, *, mine: bool = True) -> tuple[str, list]:
        parts, params = [], []
        for wanted, (sql, p) in ((mine, by_mine(alias) if mine else ("", [])),
                                 (schools is not None, _ids_sql(f"{alias}.school_id", schools or ()))):
            if wanted:
                parts.append(sql)
                params += p
        return " AND ".join(parts) or "1 = 1", params

    def covers_month(pair: str) -> str:
        return (f"EXISTS (SELECT 1 FROM {assignments} w WHERE w.supervisor_id = {pair}.supervisor_id "
                f"AND w.school_id = {pair}.school_id AND w.starts_on <= mm.first_day "
                f"AND (w.ends_on IS NULL OR w.ends_on >= mm.last_day))")

    held_where, held_params = where("a")
    sql = (f"SELECT mm.k, a.supervisor_id, a.school_id FROM {assignments} a JOIN {mm} ON a.starts_on <= mm.last_day "
           f"AND (a.ends_on IS NULL OR a.ends_on >= mm.last_day) WHERE {held_where}")
    held = (sql, month_params + held_params)
    columns, joins = [], []
    if responsible_k:
        tally_where, tally_params = where("t")
        assigned = (f"SELECT mm.k, t.school_id, t.visits AS n FROM {tally} t JOIN {mm} ON t.month = mm.first_day "
                    f"WHERE {tally_where} AND {covers_month('t')}")
        # pairs handed over inside a month (few, from the assignments): their visits on a day an
        # assignment of theirs covers
        partial_where, partial_params = where("a")
        by_day = (f"SELECT p.k, v.school_id, 1 AS n FROM (SELECT DISTINCT mm.k, mm.first_day, mm.last_day, a.supervisor_id, "
                  f"a.school_id FROM {assignments} a JOIN {mm} ON a.starts_on <= mm.last_day AND (a.ends_on IS NULL OR "
                  f"a.ends_on >= mm.first_day) AND (a.starts_on > mm.first_day OR a.ends_on < mm.last_day) "
                  f"WHERE {partial_where} AND NOT {covers_month('a')}) p JOIN {visits} v ON v.supervisor_id = p.supervisor_id "
                  "AND v.school_id = p.school_id AND v.visit_date >= p.first_day AND v.visit_date <= p.last_day "
                  f"WHERE v.status = %s AND v.basis = %s AND EXISTS (SELECT 1 FROM {assignments} c WHERE c.supervisor_id = v.supervisor_id "
                  "AND c.school_id = v.school_id AND c.starts_on <= v.visit_date AND (c.ends_on IS NULL OR c.ends_on >= v.visit_date))")
        joins.append((f"LEFT JOIN (SELECT u.k, u.school_id, SUM(u.n) AS n FROM ({assigned} UNION ALL {by_day}) u "
                      "GROUP BY u.k, u.school_id) r ON r.k = h.k AND r.school_id = h.school_id",
                      month_params + tally_params + month_params + partial_params + [VisitStatus.SUBMITTED, VisitBasis.ROUTINE]))
        columns += [("COALESCE(r.n, 0)", n) for n in responsible_k]
    if any_k:
        if len(scope.in_scope) <= ID_LIST_MAX and len(scope.school_of) <= ID_LIST_MAX:
            (by, by_params), (at, at_params) = (_ids_sql("t.supervisor_id", scope.in_scope),
                                                _ids_sql("t.school_id", scope.school_of))
        else:
            (by, by_params), (at, at_params) = (_sql(scope.supervisor_qs.values("id")), _sql(scope.school_qs.values("id")))
            by, at = f"t.supervisor_id IN ({by})", f"t.school_id IN ({at})"
        only, only_params = where("t", mine=False)
        joins.append((f"LEFT JOIN (SELECT mm.k, t.school_id, SUM(t.visits) AS n FROM {tally} t JOIN {mm} ON t.month = mm.first_day "
                      f"WHERE ({by} OR {at}) AND {only} GROUP BY mm.k, t.school_id) z ON z.k = h.k AND z.school_id = h.school_id",
                      month_params + by_params + at_params + only_params))
        columns += [("COALESCE(z.n, 0)", n) for n in any_k]
    sums = "".join(f", SUM(CASE WHEN {column} >= %s THEN 1 ELSE 0 END)" for column, _n in columns)
    sql = (f"SELECT h.k, h.supervisor_id, COUNT(*){sums} FROM ({held[0]}) h " + " ".join(join for join, _p in joins)
           + " GROUP BY h.k, h.supervisor_id")
    return [(sql, [n for _c, n in columns] + held[1] + [p for _j, ps in joins for p in ps])]


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
    # a month as the cursor returns it: a date (PostgreSQL) or its ISO text (SQLite)
    index = {key: k for k, month in enumerate(months) for key in (month.start, month.start.isoformat())}
    for supervisor_id, month_start, code, direct, n in (
            VisitTally.objects.filter(InIds("supervisor_id", ids), month__gte=first, month__lte=last)
            .values_list("supervisor_id", "month", "school__region_code", "school__is_city_direct")
            .annotate(n=Sum("visits")).order_by()):
        k = index[month_start]
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


# the monthly metrics `_judge_months` judges, in the order of its codes
_MONTH_METRICS = (QuotaMetric.VISITS_PER_SUPERVISOR, QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL, QuotaMetric.VISITS_PER_ZONE_SCHOOL,
                  QuotaMetric.VISITS_PER_COUNTY, QuotaMetric.VISITS_TO_CITY_DIRECT)


def _month_resolvers(scope: _Scope, months: list[Period]) -> list[_Rules]:
    """One rule resolver per month, shared by the months that have the same rules in force
    (usually one for the whole year), so each keeps one cache."""
    distinct: dict[tuple[int, ...], _Rules] = {}
    resolvers = []
    for month in months:
        resolver = _Rules(month.start, "month", scope.rules, scope.offices)
        resolvers.append(distinct.setdefault(tuple(rule.pk for rule in resolver.rules), resolver))
    return resolvers


def _month_thresholds(resolvers: list[_Rules], groups: Iterable[tuple[str, str, str]]) -> tuple[list[int], list[int], bool]:
    """The thresholds the monthly per-school rules ask for (visits by the responsible supervisor,
    visits by anyone), so the database counts exactly those; and whether a county or city-direct
    rule applies."""
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
    return sorted(responsible_k), sorted(any_k), city


@dataclass
class _MonthEvidence:
    """What the monthly checks read, per month index k: visits per supervisor, the single holders'
    met counts from the tally, the per-school figures, and the county / city-direct figures."""

    visits: list[dict[int, int]]
    single_met: list[dict[int, tuple[int, ...]]]
    figures: list[dict[int, _MonthFigures]]
    single_held: dict[int, int]  # schools one supervisor held alone, at every month's end
    county_visits: dict
    direct_visits: dict
    counties_held: dict
    empty: _MonthFigures
    none_met: tuple[int, ...]


def _month_evidence(scope: _Scope, period: Period, months: list[Period], responsible: list[int], anyone: list[int],
                    city: bool, counts: _Counts | None) -> _MonthEvidence:
    """Run the month statements (tally pass, per-month held schools, city figures) and gather what
    the checks read.

    `counts` (the period's): the schools one supervisor held alone through the period are judged
    from that supervisor's tally rows (`_month_tally_statement`); only the others — handed over or
    shared, or all of them when a rule counts visits by anyone — go through the per-month statements."""
    single = counts.single_holder if counts is not None and responsible and not anyone else {}
    if connection.vendor != "postgresql" and len(single) + len(scope.in_scope) > PARAMS_MAX:
        single = {}  # one list of parameters each: SQLite's limit
    others = counts.touched - single.keys() if single and counts is not None else None
    tally_sql = _month_tally_statement(scope, period, months, responsible if single else [], single)
    held_sql = _month_statements(scope, months, responsible, anyone, others) if (responsible or anyone) and others != set() else []
    # a month as the cursor returns it: a date (PostgreSQL) or its ISO text (SQLite)
    index = {key: k for k, month in enumerate(months) for key in (month.start, month.start.isoformat())}
    with transaction.atomic(using=connection.alias):
        if connection.vendor == "postgresql":
            # a dozen small groups add up to a cost that would have the statement compiled (JIT): seconds
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        visits: list[dict[int, int]] = [{} for _month in months]  # per month: supervisor → visits
        single_met: list[dict[int, tuple[int, ...]]] = [{} for _month in months]
        for month_start, supervisor_id, n, *met in _run_union([tally_sql]):  # sums over ≥ 1 row: never NULL
            k = index[month_start]
            visits[k][supervisor_id] = n
            if met:
                single_met[k][supervisor_id] = tuple(met)
        figures: list[dict[int, _MonthFigures]] = [{} for _month in months]
        for k, supervisor_id, held, *met in _run_union(held_sql):
            met = [int(n or 0) for n in met]
            figures[int(k)][supervisor_id] = _MonthFigures(held, tuple(met[:len(responsible)]), tuple(met[len(responsible):]))
    single_held: dict[int, int] = defaultdict(int)  # held at every month's end: they span the period
    for supervisor_id in single.values():
        single_held[supervisor_id] += 1
    county_visits, direct_visits, counties_held = _city_figures(scope, months) if city and scope.above_county else ({}, {}, {})
    return _MonthEvidence(visits, single_met, figures, single_held, county_visits, direct_visits, counties_held,
                          empty=_MonthFigures(0, (0,) * len(responsible), (0,) * len(anyone)), none_met=(0,) * len(responsible))


def _judge_group(members: list[SupervisorRef], monthly: list[list[QuotaRule]], plans: list[list[tuple]],
                 month_ends: list[date], ev: _MonthEvidence, by_pk: dict[int, SupervisorRow]) -> list[bool]:
    """Judge each month of the supervisors who share the same rules; add their checks to their rows.
    Returns, per month, whether anyone of the group was judged in it."""
    visits, single_met, figures, single_held = ev.visits, ev.single_met, ev.figures, ev.single_held
    county_visits, direct_visits, counties_held = ev.county_visits, ev.direct_visits, ev.counties_held
    empty, none_met = ev.empty, ev.none_met
    judged_in = [False] * len(plans)
    for s in members:
        pk = s.pk
        appointed = s.appointed_on
        own = single_held.get(pk, 0)
        tally: dict[str, list] = {}  # metric → [months met, months judged, the latest rule]
        judged = short_months = 0
        for k, plan in enumerate(plans):
            if not monthly[k] or (appointed and appointed > month_ends[k]):
                continue
            judged += 1
            judged_in[k] = True
            mine = figures[k].get(pk, empty)
            short = False
            for code, rule, required, i in plan:
                if code == 0:  # visits per supervisor
                    ok = visits[k].get(pk, 0) >= required
                elif code == 1:  # visits per assigned school, by its responsible supervisor
                    met = mine.met_responsible[i] + (own if required <= 0 else single_met[k].get(pk, none_met)[i])
                    ok = met >= mine.held + own
                elif code == 2:  # visits per zone school, by anyone
                    ok = mine.met_any[i] >= mine.held + own
                elif code == 3:  # each county visited
                    counties = counties_held.get((pk, k), ())
                    ok = sum(1 for c in counties if county_visits.get((pk, k, c), 0) >= required) >= len(counties)
                else:  # visits to city-direct schools
                    ok = direct_visits.get((pk, k), 0) >= required
                counted = tally.get(rule.metric)
                if counted is None:
                    tally[rule.metric] = [int(ok), 1, rule]
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
    return judged_in


def _judge_months(scope: _Scope, rows: list[SupervisorRow], period: Period, today: date,
                  applied: dict[int, QuotaRule], *, counts: _Counts | None = None) -> None:
    """Add to each row, per monthly rule, the months over in which it was met (达标月数 / 已结束月数),
    and how many months the supervisor fell short of any monthly rule.

    The database judges the schools: it returns per (supervisor, month) the visits, the schools held
    at the month's end and how many of them reached each threshold the rules ask for — some 40,000
    rows for a province's year instead of 200,000 (supervisor, school, month) groups read into
    Python. Equal to `_judge_months_reference` (tests/visits/test_compliance_fast.py).

    Steps: the month resolvers (`_month_resolvers`), the thresholds asked for (`_month_thresholds`),
    the statements' figures (`_month_evidence`), then each group of supervisors who share their rules
    judged month by month (`_judge_group`)."""
    months = months_over(period, today)
    if not months:
        return
    by_pk = {row.supervisor.pk: row for row in rows}
    resolvers = _month_resolvers(scope, months)
    # supervisors grouped by what resolves their rules (office, zone level, kind): a few hundred keys
    # for 3,000 supervisors, so the rules are resolved per key and month, not per supervisor and month
    groups: dict[tuple[str, str, str], list[SupervisorRef]] = defaultdict(list)
    for s in scope.supervisors:
        groups[(s.office.region.code, zone_level_of(s.office), s.kind)].append(s)
    responsible, anyone, city = _month_thresholds(resolvers, groups)
    ev = _month_evidence(scope, period, months, responsible, anyone, city, counts)
    position = {(QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL, n): i for i, n in enumerate(responsible)}
    position |= {(QuotaMetric.VISITS_PER_ZONE_SCHOOL, n): i for i, n in enumerate(anyone)}
    code_of = {metric: i for i, metric in enumerate(_MONTH_METRICS)}
    month_ends = [month.end for month in months]
    for key, members in groups.items():
        monthly = [resolver.for_(*key) for resolver in resolvers]
        # each month's rules as (metric code, rule, required, position of its count): 3,000 supervisors
        # times 12 months go through this loop
        plans = [[(code_of[r.metric], r, r.required, position.get((r.metric, r.required), 0)) for r in rules
                  if r.metric in code_of] for rules in monthly]
        judged_in = _judge_group(members, monthly, plans, month_ends, ev, by_pk)
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
        last_visit.update(Visit.objects.filter(InIds("school_id", unvisited), COUNTED,
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
        if slow:
            _judge_months_reference(scope, rows, period, today, applied)
        else:
            _judge_months(scope, rows, period, today, applied, counts=counts)
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
        return MONTH_COUNTS if self.over_months else COUNTS.get(self.metric, OTHER_COUNTS)


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
        lines.append(SupervisorLine(row=row, cells=cells, state=pace.worst_state(states)))
    rank = {pace.BEHIND: 0, pace.ON_PACE: 1, pace.OK: 2}
    lines.sort(key=lambda line: (rank[line.state], line.row.supervisor.name))
    return columns, lines
