"""Reads of visits for pages, exports and the API; all through `Visit.objects.visible_to(user)`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _

from dudao.access import full_visit_q, get_visible_or_404, may_read_field
from dudao.visits.models import (
    METHOD_DICTIONARY,
    PROBLEM_CATEGORY_DICTIONARY,
    TOPIC_DICTIONARIES,
    LocationStatus,
    QuotaRule,
    Visit,
    VisitMode,
    VisitProblem,
    VisitStatus,
)

if TYPE_CHECKING:
    from typing import TypedDict

    from django_stubs_ext import WithAnnotations

    from dudao.findings.models import Finding
    from dudao.people.models import User
    from dudao.regions.models import Office

    class ProblemCount(TypedDict):
        problem_count: int


def access_visit(user: User, pk) -> Visit:
    """A visit the user may see: at a school in their scope, and submitted — a draft is seen only
    by the supervisor who is writing it. Outside: 404 (existence is not disclosed)."""
    visible = Visit.objects.visible_to(user).filter(Q(status=VisitStatus.SUBMITTED) | Q(created_by_id=user.pk))
    return get_visible_or_404(visible.select_related("school__region", "supervisor__office"), pk=pk)


# --- the office's pages ------------------------------------------------------------------------------


def _report_office_qs(user: User):
    from dudao.regions.models import Office, RegionLevel

    levels = [RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY]
    return Office.objects.visible_to(user).filter(level__in=levels).select_related("region")


def report_offices(user: User) -> list[Office]:
    """Province, city and county offices whose reports the user may read: staff and leaders of the
    office's region or above, and admins (`sees_office_details`). Supervisors and schools have none.
    The user's own office (the highest of their grants) comes first: it is the page's default."""
    from dudao.access import get_scope, sees_office_details

    offices = [o for o in _report_office_qs(user).order_by("region__code") if sees_office_details(user, o)]
    own = get_scope(user).region_codes
    offices.sort(key=lambda o: (o.region.code not in own, o.region.code))
    return offices


def access_report_office(user: User, pk) -> Office:
    """An office whose reports the user reads: 404 outside the scope, 403 when visible but not the
    user's office or below (a supervisor sees their county office, not its reports)."""
    from dudao.access import sees_office_details

    office = get_visible_or_404(_report_office_qs(user), pk=pk)
    if not sees_office_details(user, office):
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看督导室的统计。"))
    return office


def report_office_for(user: User, pk=None) -> Office:
    """The office whose reports a page or the API shows: the one asked for (see
    `access_report_office`), else the user's own; 403 for those who read no office's reports."""
    if pk not in (None, ""):
        return access_report_office(user, pk)
    offices = report_offices(user)
    if not offices:
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看督导室的统计。"))
    return offices[0]


def visit_findings(user: User, visit: Visit) -> dict[int, Finding]:
    """The findings (整改台账) of a visit's problems that the user may see, by problem id — one
    query. A problem recorded before the ledger, or a draft's, has none; a finding outside the
    user's scope is left out (its state is not disclosed)."""
    from dudao.findings.models import Finding

    rows = Finding.objects.visible_to(user).filter(visit_problem__visit=visit).only(
        "id", "visit_problem_id", "state", "deadline", "escalation_level")
    return {f.visit_problem_id: f for f in rows if f.visit_problem_id is not None}  # all, by the filter


@dataclass
class ProblemRow:
    """A visit's problem as its pages show it, with its finding when the reader may see it."""

    problem: VisitProblem
    category: str
    finding: Finding | None = None
    late_days: int = 0  # > 0: the finding is unfinished and its deadline has passed (red)


def problem_rows(user: User, visit: Visit, categories: dict[str, str], today: date) -> list[ProblemRow]:
    """The visit's problems in order, each with its visible finding: two queries in all."""
    findings = visit_findings(user, visit) if visit.status == VisitStatus.SUBMITTED else {}
    rows = []
    for p in visit.problems.prefetch_related("photos"):  # the photos ticked for each problem, one query
        finding = findings.get(p.pk)
        late = (today - finding.deadline).days if finding is not None and finding.is_overdue(today) else 0
        rows.append(ProblemRow(p, categories.get(p.category, p.category), finding, late))
    return rows


def code_labels() -> tuple[dict[str, str], dict[str, str], dict[str, str]]:
    """Labels of visit methods, topics and problem categories, inactive codes included (old
    records keep their words). Topics are stored as "<dictionary>:<code>" (visits/services.py)."""
    from dudao.system.models import DictionaryItem

    methods: dict[str, str] = {}
    topics: dict[str, str] = {}
    categories: dict[str, str] = {}
    wanted = (METHOD_DICTIONARY, PROBLEM_CATEGORY_DICTIONARY, *TOPIC_DICTIONARIES)
    for dict_type, code, label in DictionaryItem.objects.filter(dict_type__in=wanted).values_list("dict_type", "code", "label"):
        if dict_type == METHOD_DICTIONARY:
            methods[code] = label
        elif dict_type == PROBLEM_CATEGORY_DICTIONARY:
            categories[code] = label
        else:
            topics[f"{dict_type}:{code}"] = label
    return methods, topics, categories


def labels_of(codes: list[str], labels: dict[str, str]) -> list[str]:
    return [labels.get(code, code) for code in codes or []]


@dataclass(frozen=True)
class VisitLogFilters:
    """The filters of the 督导记录台账; `who="mine"` keeps a supervisor's own visits (their default)."""

    start: date | None = None
    end: date | None = None
    school: str = ""  # name, 学校标识码 or pinyin initials
    supervisor: str = ""  # part of a name
    supervisor_id: int | None = None  # exact, from links on the compliance page
    zone: int | None = None
    region: str = ""  # region code prefix
    mode: str = ""
    refused: str = ""  # "1" yes, "0" no, "" either
    problems: str = ""  # "1" with problems, "0" without, "" either
    who: str = ""  # "mine" or "all"

    @classmethod
    def from_params(cls, params, *, is_supervisor: bool = False) -> VisitLogFilters:
        def text(name: str) -> str:
            return (params.get(name) or "").strip()[:100]

        def number(name: str) -> int | None:
            value = text(name)
            return int(value) if value.isdigit() and len(value) < 12 else None

        def day(name: str) -> date | None:
            try:
                return parse_date(text(name))
            except ValueError:
                return None

        who = text("who")
        if who not in {"mine", "all"}:
            who = "mine" if is_supervisor else ""
        region = text("region")
        return cls(
            start=day("start"), end=day("end"), school=text("school"), supervisor=text("supervisor"),
            supervisor_id=number("supervisor_id"), zone=number("zone"), region=region if region.isdigit() else "",
            mode=text("mode") if text("mode") in VisitMode.values else "",
            refused=text("refused") if text("refused") in {"0", "1"} else "",
            problems=text("problems") if text("problems") in {"0", "1"} else "",
            who=who,
        )

    def as_query(self) -> dict[str, str]:
        return {k: str(v) for k, v in self.__dict__.items() if v not in (None, "")}


def visit_log(*, user: User, filters: VisitLogFilters) -> QuerySet[Visit]:
    """Submitted visits in the user's scope, newest first (their problems: `problem_counts`).

    Cost follows the page, not the scope (issue [7]): no count over the scope's visits; the order is
    the index `visit_ledger_order`, so a page reads its 30 rows off it; the filters that narrow the
    schools (name, zone, region) are resolved to school ids first, so PostgreSQL knows how many visits
    they leave and walks the index rather than sorting every visit of a thousand schools."""
    from dudao.core.db import InIds
    from dudao.schools.models import School
    from dudao.zones.models import ZoneSchool

    qs = Visit.objects.visible_to(user).submitted()
    if filters.who == "mine":
        qs = qs.filter(supervisor__user=user) if user.is_authenticated else qs.none()
    if filters.start:
        qs = qs.filter(visit_date__gte=filters.start)
    if filters.end:
        qs = qs.filter(visit_date__lte=filters.end)
    schools = None
    if filters.school:
        schools = School.objects.search(filters.school)
    if filters.zone:
        schools = (schools if schools is not None else School.objects.all()).filter(
            pk__in=ZoneSchool.objects.filter(zone_id=filters.zone).values("school_id"))
    if filters.region:
        schools = (schools if schools is not None else School.objects.all()).filter(region_code__startswith=filters.region)
    if schools is not None:
        qs = qs.filter(InIds("school_id", schools.order_by().values_list("pk", flat=True)))
    if filters.supervisor:
        qs = qs.filter(supervisor__name__icontains=filters.supervisor)
    if filters.supervisor_id:
        qs = qs.filter(supervisor_id=filters.supervisor_id)
    if filters.mode:
        qs = qs.filter(mode=filters.mode)
    if filters.refused:  # only among the visits whose refusal flag the user reads (access.fields)
        qs = qs.filter(full_visit_q(user), refused=filters.refused == "1")
    if filters.problems:
        # a semi-join, not a count per visit: the filter costs what the matching visits cost
        has_problems = Exists(VisitProblem.objects.filter(visit=OuterRef("pk")))
        qs = qs.filter(has_problems if filters.problems == "1" else ~has_problems)
    return qs.select_related("school", "supervisor", "created_by").order_by("-visit_date", "-started_at", "-id")


def problem_counts(visits) -> None:
    """Set `problem_count` on the visits shown (a page): one GROUP BY over their ids only."""
    visits = list(visits)
    counts = dict(VisitProblem.objects.filter(visit_id__in=[v.pk for v in visits]).order_by()
                  .values_list("visit_id").annotate(n=Count("pk")))
    for v in visits:
        v.problem_count = counts.get(v.pk, 0)


def with_problem_counts(visits: QuerySet[Visit]) -> QuerySet[WithAnnotations[Visit, ProblemCount]]:
    """Each visit with `problem_count` as a correlated count, for a streamed export: every row is
    written anyway, and each count is one probe of the problems' visit index — never a GROUP BY
    over every visit of the scope before the first row (issue [7]: 2.2–3.0 s)."""
    count = (VisitProblem.objects.filter(visit=OuterRef("pk")).order_by().values("visit")
             .annotate(n=Count("pk")).values("n"))
    return visits.annotate(problem_count=Coalesce(Subquery(count, output_field=IntegerField()), 0))


def log_regions(user: User):
    """Cities and counties with schools in the user's scope, for the ledger's region filter (a
    nationwide admin gets the places that have schools, not 3,000 empty counties)."""
    from django.db.models.functions import Substr

    from dudao.regions.models import Region
    from dudao.schools.models import School

    counties = set(School.objects.visible_to(user).annotate(county=Substr("region_code", 1, 6))
                   .order_by().values_list("county", flat=True).distinct())
    codes = counties | {c[:4] for c in counties}
    return Region.objects.filter(code__in=codes, level__in=["city", "county"]).order_by("code")


LOG_HEADERS = ["日期", "学校", "督学", "方式", "督导方法", "督导内容", "发现问题数", "是否拒绝阻挠", "定位距离（米）"]


def visit_log_rows(visits: QuerySet[Visit], *, user: User):
    """The ledger's rows for Excel (streamed: constant memory for a province's year). The refusal
    flag and the location are written only where the user reads them (`access.may_read_field`),
    as on the page; elsewhere the cell is empty."""
    methods, topics, _categories = code_labels()
    modes = dict(VisitMode.choices)
    location = dict(LocationStatus.choices)
    for v in with_problem_counts(visits).iterator(chunk_size=2000):
        refused = v.refused if may_read_field(user, v, "refused") else ""
        distance: int | str = ""
        if may_read_field(user, v, "distance_m"):
            distance = v.distance_m if v.distance_m is not None else str(location.get(v.location_status, ""))
        yield [
            v.visit_date.isoformat(), v.school.name, v.inspector_name, str(modes.get(v.mode, v.mode)),
            "、".join(labels_of(v.methods, methods)), "、".join(labels_of(v.topics, topics)), v.problem_count, refused,
            distance,
        ]


def visit_calendar(*, user: User, office: Office, year: int) -> list[tuple[date, int]]:
    """Submitted visits per day of `year` at schools in the office's area (its region subtree)."""
    rows = (Visit.objects.visible_to(user).submitted()
            .filter(school__region_code__startswith=office.region.code,
                    visit_date__gte=date(year, 1, 1), visit_date__lte=date(year, 12, 31))
            .values_list("visit_date").annotate(n=Count("id")).order_by("visit_date"))
    return list(rows)


def zone_level_for(office: Office) -> str:
    from dudao.visits.compliance import zone_level_of

    return zone_level_of(office)


def rule_levels(office: Office) -> list[str]:
    """Zone levels an office sets rules for: a county its own; a city its own and its counties'; a
    province its own supervisors' (随访督导), its cities' and its counties'."""
    return {"county": ["county"], "city": ["city", "county"]}.get(zone_level_for(office), ["province", "city", "county"])


def rules_in_force(*, office: Office, zone_level: str, day: date) -> list[QuotaRule]:
    """The rules a period starting on `day` would use, for everyone and for each supervisor kind."""
    from dudao.visits.quota import rules_for

    found: dict[int, QuotaRule] = {}
    for kind in ("", "full_time", "part_time"):
        for rule in rules_for(office=office, zone_level=zone_level, period_start=day, supervisor_kind=kind):
            found.setdefault(rule.pk, rule)
    return sorted(found.values(), key=lambda r: (r.metric, r.period, r.supervisor_kind))


def rule_history(*, office: Office, zone_levels: list[str]) -> QuerySet[QuotaRule]:
    """Every version of every rule that can reach the office: its own, those of the offices above
    it, and the national defaults — the newest version of each first."""
    from dudao.regions.selectors import offices_above

    return (QuotaRule.objects.filter(Q(office__in=offices_above(office.region.code)) | Q(office__isnull=True), zone_level__in=zone_levels)
            .select_related("office").order_by("zone_level", "metric", "period", "supervisor_kind", "-valid_from"))


# --- the supervisor's phone pages (views_field.py, api/visits.py) ----------------------------------

if TYPE_CHECKING:
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor
    from dudao.visits.models import VisitPhoto


def readable_visits(user: User) -> QuerySet[Visit]:
    """What `access_visit` reads from: submitted visits in the user's scope, and their own drafts."""
    return Visit.objects.visible_to(user).filter(Q(status=VisitStatus.SUBMITTED) | Q(created_by_id=user.pk))


def _own_visits(user: User) -> QuerySet[Visit]:
    from dudao.access import school_q
    from dudao.visits.models import VisitBasis

    if not user.is_authenticated:
        return Visit.objects.none()
    return Visit.objects.filter(created_by_id=user.pk).filter(~Q(basis=VisitBasis.ROUTINE) | school_q(user, prefix="school__"))


def access_own_visit(user: User, client_id) -> Visit:
    """One of the user's own visits by its client id (photos, resuming a draft); 404 otherwise.
    A routine visit's school must be in the user's scope; a campaign inspection's author may not
    read the school otherwise (bureau staff, a third party): every write of it asks the basis's rule
    (`services.visit_may_write`)."""
    own = _own_visits(user).select_related("school")
    return get_visible_or_404(own, client_id=client_id)


def access_visit_photo(user: User, pk) -> VisitPhoto:
    """A photo, for those who read the whole visit (the school does not get its photos) and its author."""
    from django.http import Http404

    from dudao.visits.models import VisitPhoto

    # the author of a campaign inspection sees its photos on the form even without the school in scope
    photos = VisitPhoto.objects.filter(Q(visit__in=readable_visits(user)) | Q(visit__in=_own_visits(user)))
    photo = get_visible_or_404(photos.select_related("visit__school"), pk=pk)
    if not may_read_field(user, photo.visit, "photos"):
        raise Http404
    return photo


def access_own_photo(user: User, client_id) -> VisitPhoto:
    from dudao.visits.models import VisitPhoto

    own = VisitPhoto.objects.filter(visit__in=_own_visits(user))
    return get_visible_or_404(own.select_related("visit"), client_id=client_id)


def _label(item) -> str:
    from django.utils.translation import get_language

    return item.label_en if item.label_en and (get_language() or "").startswith("en") else item.label


def visit_form_choices() -> dict[str, list]:
    """Active codes for the visit form, in the office's order: methods, topics ("<dictionary>:<code>",
    the 8 挂牌 items first, then the office's focus topics) and problem categories."""
    from dudao.system.models import DictionaryItem

    items = DictionaryItem.objects.filter(
        dict_type__in=(METHOD_DICTIONARY, PROBLEM_CATEGORY_DICTIONARY, *TOPIC_DICTIONARIES), is_active=True
    ).order_by("order", "code")
    choices: dict[str, list] = {"methods": [], "categories": [], **{t: [] for t in TOPIC_DICTIONARIES}}
    for item in items:
        if item.dict_type == METHOD_DICTIONARY:
            choices["methods"].append((item.code, _label(item)))
        elif item.dict_type == PROBLEM_CATEGORY_DICTIONARY:
            choices["categories"].append((item.code, _label(item)))
        else:
            choices[item.dict_type].append((f"{item.dict_type}:{item.code}", _label(item)))
    return choices


def visit_as_draft(visit: Visit) -> dict:
    """A visit in the shape the phone form keeps in localStorage (visit_form.js), to resume it."""
    from django.urls import reverse

    def iso(value) -> str | None:
        return value.isoformat() if value else None

    return {
        "client_id": str(visit.client_id), "server_id": visit.pk, "school": visit.school_id, "mode": visit.mode,
        "status": visit.status, "started_at": iso(visit.started_at), "device_started_at": iso(visit.device_started_at),
        "latitude": float(visit.latitude) if visit.latitude is not None else None,
        "longitude": float(visit.longitude) if visit.longitude is not None else None,
        "accuracy": visit.location_accuracy_m, "location_status": visit.location_status, "distance_m": visit.distance_m,
        "methods": list(visit.methods), "topics": list(visit.topics), "narrative": visit.narrative,
        "opinions": visit.opinions, "refused": visit.refused, "refusal_note": visit.refusal_note,
        "basis": visit.basis, "answers": dict(visit.answers or {}),
        "problems": [{"category": p.category, "description": p.description, "requirement": p.requirement,
                      "deadline": p.deadline.isoformat(), "photos": [str(ph.client_id) for ph in p.photos.all()]}
                     for p in visit.problems.prefetch_related("photos")],
        "photos": [{"client_id": str(p.client_id), "id": p.pk, "status": "done", "name": p.caption,
                    "url": reverse("visits:photo", args=[p.pk])} for p in visit.photos.all()],
        "saved_at": iso(visit.updated_at), "synced": True,
    }


@dataclass
class SchoolToVisit:
    school: School
    last_visit: date | None
    visits_this_semester: int
    draft: Visit | None
    open_findings: int = 0  # the school's findings not closed (销号) or cancelled, any source
    overdue_findings: int = 0


@dataclass
class FieldHome:
    """What the supervisor's phone home page (我的督导) shows."""

    month_label: str
    month_done: int
    month_required: int | None  # visits per supervisor (Hunan: 4 a month); None when no such rule
    schools_met: int | None  # assigned schools visited often enough this month (national: once)
    schools_total: int
    semester_label: str
    semester_unvisited: list[School]
    schools: list[SchoolToVisit]
    drafts: list[Visit]
    recent: Sequence[Visit]  # each with its problem_count
    submitted_client_ids: list[str]


def open_findings_by_school(*, user: User, school_ids: list[int], today: date) -> dict[int, tuple[int, int]]:
    """(unfinished, overdue) findings per school among those the user sees — one GROUP BY."""
    from dudao.findings.models import Finding

    if not school_ids:
        return {}
    rows = (Finding.objects.visible_to(user).unfinished().filter(school_id__in=school_ids).order_by()
            .values("school_id").annotate(n=Count("id"), late=Count("id", filter=Q(deadline__lt=today))))
    return {r["school_id"]: (r["n"], r["late"]) for r in rows}


def field_home(*, supervisor: Supervisor, user: User, today: date) -> FieldHome:
    """The supervisor's month against the quota and the semester's unvisited schools — read from the
    compliance engine, so the phone and the office's report always agree."""
    from datetime import timedelta

    from django.db.models import Max
    from django.utils import timezone

    from dudao.visits.compliance import compliance_report
    from dudao.visits.models import QuotaMetric
    from dudao.visits.services import visitable_schools

    month = compliance_report(office=supervisor.office, kind="month", day=today, today=today)
    semester = compliance_report(office=supervisor.office, kind="semester", day=today, today=today)
    row = next((r for r in month.supervisors if r.supervisor.pk == supervisor.pk), None)
    checks = {c.rule.metric: c for c in row.checks} if row else {}
    if row is not None:
        done = row.visits
    else:  # not counted by the office report (e.g. appointed later this month): count directly
        done = Visit.objects.counted().filter(supervisor=supervisor, visit_date__gte=month.period.start,
                                                 visit_date__lte=month.period.end).count()
    per_supervisor = checks.get(QuotaMetric.VISITS_PER_SUPERVISOR)
    per_school = checks.get(QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL)

    schools = list(visitable_schools(supervisor, today))
    ids = [s.pk for s in schools]
    in_semester = {r.school.pk: r.visits for r in semester.schools}
    missing = [pk for pk in ids if pk not in in_semester]  # schools outside the office's coverage list
    if missing:
        counted = dict(Visit.objects.counted().filter(school_id__in=missing, visit_date__gte=semester.period.start,
                                                        visit_date__lte=semester.period.end)
                       .values_list("school_id").annotate(n=Count("id")))
        in_semester.update({pk: counted.get(pk, 0) for pk in missing})
    last = dict(Visit.objects.counted().filter(school_id__in=ids).values_list("school_id").annotate(d=Max("visit_date")))
    findings = open_findings_by_school(user=user, school_ids=ids, today=today)
    drafts = list(Visit.objects.filter(created_by_id=user.pk, status=VisitStatus.DRAFT).select_related("school")
                  .order_by("-updated_at"))
    draft_of = {}
    for d in reversed(drafts):  # the newest draft per school wins
        draft_of[d.school_id] = d
    recent = list(Visit.objects.filter(created_by_id=user.pk, status=VisitStatus.SUBMITTED).select_related("school")
                  .annotate(problem_count=Count("problems")).order_by("-submitted_at", "-id")[:10])
    submitted_ids = [str(c) for c in Visit.objects.filter(
        created_by_id=user.pk, status=VisitStatus.SUBMITTED, submitted_at__gte=timezone.now() - timedelta(days=90)
    ).values_list("client_id", flat=True)]
    return FieldHome(
        month_label=month.period.label, month_done=done,
        month_required=per_supervisor.required if per_supervisor else None,
        schools_met=per_school.done if per_school else None, schools_total=len(schools),
        semester_label=semester.period.label,
        semester_unvisited=[s for s in schools if in_semester.get(s.pk, 0) == 0],
        schools=[SchoolToVisit(s, last.get(s.pk), in_semester.get(s.pk, 0), draft_of.get(s.pk), *findings.get(s.pk, (0, 0)))
                 for s in schools],
        drafts=drafts, recent=recent, submitted_client_ids=submitted_ids,
    )
