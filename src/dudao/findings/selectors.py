"""Reads of the findings ledger (整改台账) for pages, exports and the API.

Every read starts from `Finding.objects.visible_to(user)`: a school sees its own findings, a
supervisor those of their schools, an office its subtree (government units included), an admin
everything. The same filters drive the list, the counts, the charts and the Excel file, so what
is exported is exactly what is listed.

Numbers the offices read (the definitions are shown on the statistics page):
- 逾期 (overdue now): unfinished and the deadline has passed;
- 逾期销号 (closed late): closed on a day after the deadline;
- 逾期率 = (逾期未整改 + 逾期销号) ÷ (已销号 + 逾期未整改) — of the findings whose outcome is due,
  how many were not fixed in time; cancelled findings count nowhere;
- 平均整改天数: from the day found to the day closed (销号), over closed findings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any, TypeVar
from urllib.parse import urlencode

from django.db.models import Count, DurationField, ExpressionWrapper, F, Prefetch, Q, QuerySet, Sum
from django.db.models.functions import Substr, TruncDate
from django.utils import timezone
from django.utils.dateparse import parse_date

from dudao.access import get_visible_or_404
from dudao.findings.models import (
    CATEGORY_DICTIONARY,
    FINISHED_STATES,
    LEDGER_FINISHED,
    EscalationStep,
    Finding,
    FindingEvent,
    FindingEvidence,
    FindingPolicy,
    FindingQuerySet,
    FindingSeverity,
    FindingSource,
    FindingState,
)

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office
    from dudao.schools.models import School

T = TypeVar("T")
DUE_SOON_DAYS = 5  # "1 due in 5 days" (issue [4]); amber in the ledger
UNFINISHED = "unfinished"
FINISHED = "finished"
DUE_CHOICES = ("overdue", "soon", "ontime")
DATE_FIELDS = ("found_on", "deadline")
REPORT_ACTION = "report"  # the unit's report (workflow.ACTIONS): its note is the 整改情况
VERIFY_ACTION = "verify"  # 核查销号: its actor is the 核查人


# --- access --------------------------------------------------------------------------------------


def visible_findings(user: User) -> FindingQuerySet:
    return Finding.objects.visible_to(user)


def access_finding(user: User, pk) -> Finding:
    """A finding the user may see; outside the scope 404 (existence is not disclosed)."""
    qs = visible_findings(user).select_related("office__region", "school__region", "region", "supervisor__user",
                                               "visit_problem__visit", "created_by")
    return get_visible_or_404(qs, pk=pk)


def access_evidence(user: User, pk) -> FindingEvidence:
    """An evidence file of a finding the user sees; anything else 404. Files are only ever served
    through this check, never from a public media address."""
    qs = FindingEvidence.objects.filter(finding__in=visible_findings(user).values("pk")).select_related("finding")
    return get_visible_or_404(qs, pk=pk)


# --- labels --------------------------------------------------------------------------------------


def category_labels() -> dict[str, str]:
    """Labels of the problem categories, inactive codes included (old rows keep their words)."""
    from dudao.system.models import DictionaryItem

    return dict(DictionaryItem.objects.filter(dict_type=CATEGORY_DICTIONARY).values_list("code", "label"))


def category_choices() -> list[tuple[str, str]]:
    from dudao.system.models import DictionaryItem

    return list(DictionaryItem.objects.filter(dict_type=CATEGORY_DICTIONARY, is_active=True)
                .order_by("order", "code").values_list("code", "label"))


# --- filters -------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FindingFilters:
    """The ledger's filters, parsed leniently from the query string (unknown values are dropped)."""

    state: str = ""  # a FindingState value, "unfinished" or "finished"
    due: str = ""  # "overdue" (red), "soon" (amber: due within DUE_SOON_DAYS), "ontime"
    source: str = ""
    category: str = ""
    severity: str = ""
    school: str = ""  # name, 学校标识码, pinyin initials, or a government unit's name
    school_id: int | None = None  # exact, from a school's page
    region: str = ""  # region code prefix
    date_field: str = "found_on"  # which date the period applies to
    start: date | None = None
    end: date | None = None
    mine: str = ""  # "1": findings the user verifies as responsible supervisor

    @classmethod
    def from_params(cls, params) -> FindingFilters:
        def text(name: str) -> str:
            return (params.get(name) or "").strip()[:100]

        def day(name: str) -> date | None:
            try:
                return parse_date(text(name))
            except ValueError:
                return None

        state = text("state")
        region = text("region")
        school_id = text("school_id")
        return cls(
            state=state if state in {*FindingState.values, UNFINISHED, FINISHED} else "",
            due=text("due") if text("due") in DUE_CHOICES else "",
            source=text("source") if text("source") in FindingSource.values else "",
            category=text("category")[:40],
            severity=text("severity") if text("severity") in FindingSeverity.values else "",
            school=text("school"),
            school_id=int(school_id) if school_id.isdigit() and len(school_id) < 12 else None,
            region=region if region.isdigit() else "",
            date_field=text("date_field") if text("date_field") in DATE_FIELDS else "found_on",
            start=day("start"), end=day("end"),
            mine="1" if text("mine") == "1" else "",
        )

    def as_query(self) -> dict[str, str]:
        query = {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}
        if query.get("date_field") == "found_on":
            del query["date_field"]
        return query

    @property
    def is_empty(self) -> bool:
        return not self.as_query()


def finding_list(*, user: User, filters: FindingFilters | None = None, today: date | None = None) -> QuerySet[Finding]:
    """The user's ledger, filtered; the most urgent first (overdue, then nearest deadline), finished last."""

    filters = filters or FindingFilters()
    today = today or timezone.localdate()
    qs = visible_findings(user)
    if filters.state == UNFINISHED:
        qs = qs.unfinished()
    elif filters.state == FINISHED:
        qs = qs.filter(state__in=FINISHED_STATES)
    elif filters.state:
        qs = qs.filter(state=filters.state)
    if filters.due == "overdue":
        qs = qs.overdue(today)
    elif filters.due == "soon":
        qs = qs.unfinished().filter(deadline__gte=today, deadline__lte=today + timedelta(days=DUE_SOON_DAYS))
    elif filters.due == "ontime":
        qs = qs.exclude(late_q(today))
    if filters.source:
        qs = qs.filter(source=filters.source)
    if filters.category:
        qs = qs.filter(category=filters.category)
    if filters.severity:
        qs = qs.filter(severity=filters.severity)
    if filters.school_id:
        qs = qs.filter(school_id=filters.school_id)
    if filters.school:
        from dudao.schools.models import School

        qs = qs.filter(Q(school__in=School.objects.search(filters.school).values("pk"))
                       | Q(unit_name__icontains=filters.school))
    if filters.region:
        qs = qs.filter(region__code__startswith=filters.region)
    if filters.start:
        qs = qs.filter(**{f"{filters.date_field}__gte": filters.start})
    if filters.end:
        qs = qs.filter(**{f"{filters.date_field}__lte": filters.end})
    if filters.mine:
        qs = qs.filter(supervisor__user=user) if user.is_authenticated else qs.none()
    # Overdue, then due, then finished: unfinished rows by deadline put the overdue ones (deadline
    # before today) first, so the order is (finished, deadline, …) — read off the index
    # `finding_ledger_order`, a page costs its 30 rows rather than a sort of the scope's findings.
    return (qs.select_related("region", "school", "supervisor", "office")
            .order_by(LEDGER_FINISHED.asc(), "deadline", "-found_on", "-id"))


def _state_set(value: str) -> frozenset[str]:
    if value == UNFINISHED:
        return frozenset(v for v in FindingState.values if v not in FINISHED_STATES)
    if value == FINISHED:
        return frozenset(FINISHED_STATES)
    return frozenset({value})


# due=soon rows are unfinished and not yet due, so they are on time; overdue rows are neither.
_DUE_WITHIN = {("soon", "ontime"): "soon", ("ontime", "soon"): "soon"}


def card_query(filters: FindingFilters, key: str, value: str) -> str | None:
    """The query of a ledger card ("待整改", "逾期未整改", …) over the filtered rows: the filters plus
    the card's condition, so the link opens exactly the rows the card counts. When the filters
    already set `key`, the two are intersected (state=reported ∩ unfinished = reported); None when
    the intersection is empty (the card counts 0 and has nothing to open)."""
    query = filters.as_query()
    current = query.get(key, "")
    if current and current != value:
        if key == "state":
            both = _state_set(current) & _state_set(value)
            if not both:
                return None
            value = current if both == _state_set(current) else value
        elif key == "due":
            within = _DUE_WITHIN.get((current, value))
            if within is None:
                return None
            value = within
    query[key] = value
    return urlencode(query)


# --- counts --------------------------------------------------------------------------------------


def overdue_q(today: date) -> Q:
    return ~Q(state__in=FINISHED_STATES) & Q(deadline__lt=today)


def late_q(today: date) -> Q:
    """Not fixed in time: overdue now, or closed (销号) on a day after the deadline."""
    return overdue_q(today) | (Q(state=FindingState.CLOSED) & Q(closed_at__date__gt=F("deadline")))


def judged_q(today: date) -> Q:
    """Findings whose outcome is due: closed, or unfinished past the deadline."""
    return Q(state=FindingState.CLOSED) | overdue_q(today)


def _close_days() -> ExpressionWrapper:
    """Found → closed (销号), in whole local days; summed in the database on SQLite and PostgreSQL."""
    return ExpressionWrapper(TruncDate("closed_at") - F("found_on"), output_field=DurationField())


def _counts(today: date) -> dict:
    soon = today + timedelta(days=DUE_SOON_DAYS)
    unfinished = ~Q(state__in=FINISHED_STATES)
    timed = Q(state=FindingState.CLOSED, closed_at__isnull=False)
    return {
        "close_days": Sum(_close_days(), filter=timed),
        "closed_timed": Count("id", filter=timed),
        "total": Count("id"),
        "open": Count("id", filter=Q(state=FindingState.OPEN)),
        "unfinished": Count("id", filter=unfinished),
        "overdue": Count("id", filter=overdue_q(today)),
        "due_soon": Count("id", filter=unfinished & Q(deadline__gte=today, deadline__lte=soon)),
        "reported": Count("id", filter=Q(state=FindingState.REPORTED)),
        "disputed": Count("id", filter=Q(state=FindingState.DISPUTED)),
        "closed": Count("id", filter=Q(state=FindingState.CLOSED)),
        "cancelled": Count("id", filter=Q(state=FindingState.CANCELLED)),
        "late": Count("id", filter=late_q(today)),
        "judged": Count("id", filter=judged_q(today)),
        "escalated": Count("id", filter=unfinished & Q(escalation_level__gt=0)),
    }


@dataclass
class LedgerCounts:
    """Counts of one ledger or one group of it (a county, a school, a category)."""

    key: str = ""
    label: str = ""
    total: int = 0
    open: int = 0  # recorded, no rectification notice issued yet (待下发)
    unfinished: int = 0
    overdue: int = 0
    due_soon: int = 0
    reported: int = 0
    disputed: int = 0
    closed: int = 0
    cancelled: int = 0
    late: int = 0
    judged: int = 0
    escalated: int = 0
    close_days: timedelta | None = None  # found → closed, summed over the closed findings
    closed_timed: int = 0  # closed findings with a closing time
    link: str = ""

    @property
    def avg_days_to_close(self) -> float | None:
        if not self.closed_timed or self.close_days is None:
            return None
        return round(self.close_days.days / self.closed_timed, 1)

    @property
    def overdue_rate(self) -> float | None:
        """Percent, one decimal; None when no finding's outcome is due yet."""
        return round(100 * self.late / self.judged, 1) if self.judged else None

    @property
    def close_rate(self) -> float | None:
        done = self.total - self.cancelled
        return round(100 * self.closed / done, 1) if done else None


def ledger_counts(qs: QuerySet[Finding], *, today: date | None = None) -> LedgerCounts:
    """The ledger's totals: open, overdue, due soon, closed, overdue rate, average days to close —
    one aggregate query."""
    today = today or timezone.localdate()
    return LedgerCounts(**qs.order_by().aggregate(**_counts(today)))


def _group_counts(row: Mapping[str, Any]) -> LedgerCounts:
    return LedgerCounts(key=str(row["group"] or ""), **{k: v for k, v in row.items() if k != "group"})


AREA_LENGTH = {"city": 4, "county": 6, "township": 9}  # region code widths


def ledger_groups(qs: QuerySet[Finding], *, by: str, today: date | None = None, limit: int | None = None) -> list[LedgerCounts]:
    """Counts per city, county or township (the region code's first 4, 6 or 9 digits; a unit at a
    county's own level stays under the county's code), per school (or government unit), per school
    id (`by="school_id"`: the key is the id as text) or per problem category — one GROUP BY."""
    from dudao.regions.models import Region

    today = today or timezone.localdate()
    base = qs.order_by()
    if by in AREA_LENGTH:
        base = base.annotate(group=Substr("region__code", 1, AREA_LENGTH[by]))
    elif by == "school":
        base = base.annotate(group=F("unit_name"))
    elif by == "school_id":  # the school's id (results use, outcomes app): unit names need not be unique
        base = base.filter(school__isnull=False).annotate(group=F("school_id"))
    elif by == "category":
        base = base.annotate(group=F("category"))
    else:
        raise ValueError(by)
    rows = {str(r["group"]) if by == "school_id" else r["group"]: _group_counts(r)
            for r in base.values("group").annotate(**_counts(today))}
    if by in AREA_LENGTH:
        names = dict(Region.objects.filter(code__in=list(rows)).values_list("code", "name"))
        for row in rows.values():
            row.label = names.get(row.key, row.key)
    elif by == "category":
        labels = category_labels()
        for row in rows.values():
            row.label = labels.get(row.key, row.key)
    else:
        for row in rows.values():
            row.label = row.key
    result = sorted(rows.values(), key=lambda r: (-r.overdue, -r.unfinished, -r.total, r.key))
    if by in AREA_LENGTH:
        result.sort(key=lambda r: r.key)
    return result[:limit] if limit else result


SUMMED = ("total", "open", "unfinished", "overdue", "due_soon", "reported", "disputed", "closed", "cancelled", "late", "judged",
          "escalated", "closed_timed")


def _add(into: LedgerCounts, row: Mapping[str, Any]) -> None:
    """Add one GROUP BY row's counts to a total: every count (and the summed days) is additive."""
    for name in SUMMED:
        setattr(into, name, getattr(into, name) + (row[name] or 0))
    if row["close_days"] is not None:
        into.close_days = row["close_days"] + (into.close_days or timedelta(0))


@dataclass
class LedgerStats:
    """What the statistics page shows: the totals, per area (county, or township for one county), the
    schools with most to do, per category."""

    counts: LedgerCounts
    area_by: str
    areas: list[LedgerCounts]
    schools: list[LedgerCounts]
    categories: list[LedgerCounts]


def ledger_stats(qs: QuerySet[Finding], *, today: date | None = None, schools: int = 30) -> LedgerStats:
    """`ledger_counts` and `ledger_groups` by area, school (the first `schools`) and category, in two
    scans of the findings rather than four (three for a single county's townships): the totals, the
    counties and the categories are sums of one GROUP BY (county, category); the schools are ordered
    and cut in the database, so 20,000 groups are not sent to Python. The figures equal the
    per-table computations (tests/findings/test_stats_fast.py); the order is theirs too."""
    from django.db import connection
    from django.db.models.functions import Collate

    from dudao.regions.models import Region

    today = today or timezone.localdate()
    base = qs.order_by()
    cells = list(base.annotate(area=Substr("region__code", 1, AREA_LENGTH["county"]), cat=F("category"))
                 .values("area", "cat").annotate(**_counts(today)))
    counts = LedgerCounts()
    by_area: dict[str, LedgerCounts] = {}
    by_category: dict[str, LedgerCounts] = {}
    for cell in cells:
        _add(counts, cell)
        _add(by_area.setdefault(cell["area"], LedgerCounts(key=cell["area"] or "")), cell)
        _add(by_category.setdefault(cell["cat"], LedgerCounts(key=cell["cat"] or "")), cell)
    area_by = "county"
    if len(by_area) == 1:  # a county office reads its townships
        area_by = "township"
        by_area = {r.key: r for r in ledger_groups(qs, by="township", today=today)}
    else:
        names = dict(Region.objects.filter(code__in=list(by_area)).values_list("code", "name"))
        for row in by_area.values():
            row.label = names.get(row.key, row.key)
    labels = category_labels()
    for row in by_category.values():
        row.label = labels.get(row.key, row.key)
    # the page's order (ledger_groups): most overdue first, then unfinished, total, and the name by code point
    name = Collate("unit_name", "C") if connection.vendor == "postgresql" else F("unit_name")
    most_to_do = ("-overdue", "-unfinished", "-total")  # annotations of _counts(), named at run time
    top = (base.annotate(group=F("unit_name")).values("group").annotate(**_counts(today))
           .order_by(*most_to_do, name)[:schools])
    school_rows = []
    for r in top:
        figures: dict[str, Any] = {k: v for k, v in r.items() if k != "group"}
        school_rows.append(LedgerCounts(key=r["group"] or "", label=r["group"] or "", **figures))
    return LedgerStats(
        counts=counts, area_by=area_by, areas=sorted(by_area.values(), key=lambda r: r.key),
        schools=school_rows,
        categories=sorted(by_category.values(), key=lambda r: (-r.overdue, -r.unfinished, -r.total, r.key)),
    )


# --- figures of large scopes, kept a few minutes ----------------------------------------------------

LARGE_SCOPE = 10_000  # findings counted from which a scope's figures are kept (a county has hundreds)


def figures_cache_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "FINDINGS_FIGURES_CACHE_SECONDS", 120))


def kept_figures(*, user: User, filters: FindingFilters, today: date, what: str, compute: Callable[[], T]) -> tuple[T, datetime | None]:
    """`compute()` (ledger counts or statistics of the user's ledger under `filters`), kept in the shared
    cache for `figures_cache_seconds()` when it counted at least LARGE_SCOPE findings: a province's
    figures scan 60,000 findings for each view of the ledger, its statistics and the workbench, and are
    the same for every user of the same scope. Returns the figures and when they were computed (None:
    computed now, not kept). A county's figures are always live."""
    from hashlib import sha1

    from django.core.cache import cache

    from dudao.access import get_scope

    seconds = figures_cache_seconds()
    if seconds <= 0:
        return compute(), None
    scope = get_scope(user)
    raw = repr((what, scope.everything, scope.region_codes, sorted(scope.school_ids), sorted(filters.as_query().items()),
                today.isoformat(), user.pk if filters.mine else None))
    key = "findings:figures:" + sha1(raw.encode()).hexdigest()
    found = cache.get(key)
    if found is not None:
        return found
    value = compute()
    counts = value.counts if isinstance(value, LedgerStats) else value
    if getattr(counts, "total", 0) < LARGE_SCOPE:
        return value, None
    kept = (value, timezone.now())
    cache.set(key, kept, seconds)
    return kept


# --- what a school or a supervisor sees first ---------------------------------------------------


@dataclass
class TodoSummary:
    """ "3 problems to rectify, 1 due in 5 days" for a school user or a supervisor's home page."""

    unfinished: int
    due_soon: int
    overdue: int
    to_verify: int  # reported, waiting for the supervisor's 核查
    is_supervisor: bool


def todo_summary(*, user: User, today: date | None = None) -> TodoSummary | None:
    """None for users who are neither a school user nor a supervisor (offices read the ledger)."""
    from dudao.access import get_scope, has_supervisor_record
    from dudao.people.models import Role

    scope = get_scope(user)
    if not scope.roles & {Role.SCHOOL_USER, Role.SUPERVISOR}:
        return None
    today = today or timezone.localdate()
    # Their own schools (and, for a supervisor, what they verify) — not an office's whole area when
    # the same person also holds an office role.
    qs = visible_findings(user).filter(Q(school_id__in=sorted(scope.school_ids)) | Q(supervisor__user=user)).order_by()
    c = qs.aggregate(**{k: v for k, v in _counts(today).items() if k in {"unfinished", "due_soon", "overdue"}},
                     to_verify=Count("id", filter=Q(state=FindingState.REPORTED, supervisor__user=user)))
    return TodoSummary(is_supervisor=has_supervisor_record(user), **c)


def school_findings(*, user: User, school: School, today: date | None = None, limit: int = 10) -> tuple[LedgerCounts, list[Finding]]:
    """A school's ledger on its page: the counts and its unfinished findings, most urgent first."""
    today = today or timezone.localdate()
    qs = visible_findings(user).filter(school=school)
    rows = list(finding_list(user=user, filters=FindingFilters(school_id=school.pk, state=UNFINISHED), today=today)[:limit])
    return ledger_counts(qs, today=today), rows


# --- the finding's page --------------------------------------------------------------------------


def finding_timeline(finding: Finding) -> list[FindingEvent]:
    """Every change, oldest first, each with the files attached at that step."""
    return list(finding.events.select_related("actor").prefetch_related("evidence").order_by("created_at", "id"))


# --- Excel (台账) ---------------------------------------------------------------------------------

LEDGER_HEADERS = ["序号", "发现日期", "来源", "学校/单位", "所在区划", "问题类别", "问题描述", "整改要求",
                  "整改责任单位/责任人", "整改期限", "状态", "整改情况", "核查人", "销号日期", "是否逾期"]


def is_late(finding: Finding, today: date) -> bool:
    if finding.state == FindingState.CLOSED and finding.closed_at:
        return timezone.localtime(finding.closed_at).date() > finding.deadline
    return finding.is_overdue(today)


def ledger_rows(qs: QuerySet[Finding], *, today: date | None = None) -> Iterator[list]:
    """The 台账 rows in the usual column order (LEDGER_HEADERS), streamed in chunks: constant
    memory for a province's ledger. 整改情况 is the unit's latest report; 核查人 who closed it."""
    from dudao.regions.models import Region

    today = today or timezone.localdate()
    categories = category_labels()
    sources = dict(FindingSource.choices)
    states = dict(FindingState.choices)
    counties: dict[str, str] = {}
    steps = Prefetch("events", queryset=FindingEvent.objects.filter(action__in=(REPORT_ACTION, VERIFY_ACTION))
                     .select_related("actor").order_by("created_at", "id"), to_attr="ledger_events")
    evidence = Prefetch("evidence", queryset=FindingEvidence.objects.only("id", "finding_id", "event_id"), to_attr="ledger_files")
    rows = qs.select_related("region", "supervisor").prefetch_related(steps, evidence)
    for n, f in enumerate(rows.iterator(chunk_size=1000), start=1):
        report = next((e for e in reversed(f.ledger_events) if e.action == REPORT_ACTION), None)
        verify = next((e for e in reversed(f.ledger_events) if e.action == VERIFY_ACTION), None)
        county = f.region.code[:6]
        if county not in counties:
            counties[county] = Region.objects.filter(code=county).values_list("name", flat=True).first() or ""
        place = f.region.name if f.region.code == county or not counties[county] else f"{counties[county]}{f.region.name}"
        situation = ""
        if report is not None:
            files = sum(1 for e in f.ledger_files if e.event_id == report.pk)
            situation = report.note + (f"（佐证材料 {files} 份）" if files else "")
        responsible = "／".join(x for x in (f.responsible_unit or f.unit_name, f.responsible_person) if x)
        closed_on = timezone.localtime(f.closed_at).date().isoformat() if f.closed_at and f.state == FindingState.CLOSED else ""
        yield [
            n, f.found_on.isoformat(), str(sources.get(f.source, f.source)) + (f"（{f.source_label}）" if f.source_label else ""),
            f.unit_name, place, categories.get(f.category, f.category), f.description, f.requirement, responsible,
            f.deadline.isoformat(), str(states.get(f.state, f.state)), situation,
            (verify.actor.display_name if verify and verify.actor else "") if f.state == FindingState.CLOSED else "",
            closed_on, is_late(f, today),
        ]


# --- offices: settings and creating findings ------------------------------------------------------


def settings_offices(user: User) -> list[Office]:
    """Offices whose escalation ladder and time limits the user reads: staff and leaders of the
    office's region or above, and admins — widest first."""
    from dudao.access import sees_office_details
    from dudao.regions.models import Office

    offices = Office.objects.visible_to(user).select_related("region")
    return sorted((o for o in offices if sees_office_details(user, o)), key=lambda o: (len(o.region.code), o.region.code))


def access_settings_office(user: User, pk) -> Office:
    """404 outside the scope; 403 when the office is visible only through the user's schools."""
    from django.core.exceptions import PermissionDenied
    from django.utils.translation import gettext as _

    from dudao.access import sees_office_details
    from dudao.regions.models import Office

    office = get_visible_or_404(Office.objects.visible_to(user).select_related("region"), pk=pk)
    if not sees_office_details(user, office):
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看整改时限与升级设置。"))
    return office


def office_policy(office: Office) -> tuple[FindingPolicy, Office | None]:
    """(policy, owner): the time limits in force for the office — its own, the nearest office
    above with its own, or the shipped default (owner None; the model's §1.8 defaults before any
    default row is installed). Read through `services.policy_for`, the rule the workflow uses."""
    from dudao.findings.services import policy_for

    policy = policy_for(office)
    return policy, policy.office if policy.office_id else None


def office_ladder(office: Office) -> tuple[list[EscalationStep], Office | None]:
    """(steps, owner): the escalation ladder in force — the office's own steps, else those of the
    nearest office above with steps, else the shipped default (owner None)."""
    from dudao.regions.selectors import offices_above

    chain = offices_above(office.region.code)
    steps = list(EscalationStep.objects.filter(office__in=chain).select_related("office").order_by("order"))
    for owner in chain:
        own = [s for s in steps if s.office_id == owner.pk]
        if own:
            return own, owner
    return list(EscalationStep.objects.filter(office__isnull=True).order_by("order")), None


def default_office_for(offices: list[Office], school: School | None, region_code: str = "") -> Office | None:
    """The nearest office above the school (or the unit's region) among those offered."""
    code = school.region_code if school is not None else region_code
    covering = [o for o in offices if code and code.startswith(o.region.code)]
    return max(covering, key=lambda o: len(o.region.code)) if covering else (offices[0] if offices else None)
