"""The supervision team (督学队伍) over the same selectors as the pages: same scope, same phone masking."""

from datetime import date

from django.http import Http404
from django.utils import timezone
from ninja import Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from dudao.supervisors.selectors import (
    SupervisorFilters,
    access_supervisor,
    access_training_session,
    background_labels,
    office_team,
    supervisor_list,
    supervisor_phone_for,
    team_change,
    team_offices,
    team_stats,
    training_hours,
    training_session_list,
    training_year_rows,
)

router = Router(tags=["督学队伍 supervisors"])


class SupervisorFields(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    level: str
    status: str
    status_label: str
    office_id: int
    office_name: str
    phone: str
    certificate_no: str
    background: str


class SupervisorOut(SupervisorFields):
    @staticmethod
    def resolve_kind_label(obj) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_status_label(obj) -> str:
        return obj.get_status_display()

    @staticmethod
    def resolve_office_name(obj) -> str:
        return obj.office.name

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return supervisor_phone_for(context["request"].user, obj)


class TermOut(Schema):
    number: int
    starts_on: date
    ends_on: date


class StatusEventOut(Schema):
    status: str
    effective_on: date
    reason: str


class SupervisorDetailOut(SupervisorFields):
    gender: str
    birth_date: date | None
    appointed_on: date | None
    appointing_body: str
    letter_no: str
    background_label: str
    former_post: str
    degree: str
    title: str
    terms: list[TermOut]
    status_events: list[StatusEventOut]
    training_year: int
    concentrated_hours: float
    other_hours: float
    meets_training_rule: bool


class SupervisorFilterIn(Schema):
    q: str = ""
    office: str = ""
    kind: str = ""
    level: str = ""
    status: str = ""
    background: str = ""


class TeamStatsOut(Schema):
    office_id: int
    office_name: str
    day: date
    total: int
    by_kind: dict[str, int]
    by_level: dict[str, int]
    by_background: dict[str, int]
    by_age_band: dict[str, int]
    by_gender: dict[str, int]
    by_degree: dict[str, int]
    average_age: float | None
    average_age_by_kind: dict[str, float | None]
    since: date | None = None
    change: str | None = None


@router.get("/", response=list[SupervisorOut], summary="督学列表（按权限范围；非本督导室的手机号脱敏）")
@paginate(PageNumberPagination, page_size=50)
def list_supervisors(request, filters: Query[SupervisorFilterIn]):
    return supervisor_list(user=request.user, filters=SupervisorFilters.from_params(filters.dict()))


def _team_office(user, office_id: int | None):
    """The office whose team the user may read: the one asked for, or the widest; else 404."""
    offices = team_offices(user)
    if office_id is None:
        office = offices[0] if offices else None
    else:
        office = next((o for o in offices if o.pk == office_id), None)
    if office is None:
        raise Http404
    return office


@router.get("/stats", response=TeamStatsOut, summary="督学队伍统计（某日在岗；可与另一日期对比）")
def get_team_stats(request, office_id: int | None = None, day: date | None = None, since: date | None = None,
                   include_lower: bool = False):
    office = _team_office(request.user, office_id)
    day = day or timezone.localdate()
    team = office_team(user=request.user, office=office, include_lower=include_lower)
    stats = team_stats(supervisors=team, day=day)
    change = team_change(supervisors=team, since=since, day=day).summary if since and since != day else None
    return TeamStatsOut(
        office_id=office.pk, office_name=office.name, day=day, total=stats.total, by_kind=stats.by_kind,
        by_level=stats.by_level, by_background=stats.by_background, by_age_band=stats.by_age_band,
        by_gender=stats.by_gender, by_degree=stats.by_degree, average_age=stats.average_age,
        average_age_by_kind=stats.average_age_by_kind, since=since, change=change,
    )


class TrainingSessionOut(Schema):
    id: int
    topic: str
    held_on: date
    hours: float
    mode: str
    mode_label: str
    office_id: int
    office_name: str
    organiser: str
    location: str
    attendee_count: int


class AttendanceOut(Schema):
    supervisor_id: int
    supervisor_name: str
    office_name: str
    hours: float


class TrainingSessionDetailOut(TrainingSessionOut):
    attendance: list[AttendanceOut]


class TrainingHoursOut(Schema):
    supervisor_id: int
    name: str
    kind: str
    concentrated_hours: float
    other_hours: float
    meets_rule: bool
    missing_hours: float


def _session_out(session, attendee_count: int) -> dict:
    return {"id": session.pk, "topic": session.topic, "held_on": session.held_on, "hours": float(session.hours),
            "mode": session.mode, "mode_label": session.get_mode_display(), "office_id": session.office_id,
            "office_name": session.office.name, "organiser": session.organiser, "location": session.location,
            "attendee_count": attendee_count}


@router.get("/training", response=list[TrainingSessionOut], summary="培训列表（本督导室及下级；督学本人参加的）")
@paginate(PageNumberPagination, page_size=50)
def list_training_sessions(request, year: int | None = None, office_id: int | None = None):
    return [_session_out(s, s.attendee_count) for s in training_session_list(user=request.user, year=year, office_id=office_id)]


@router.get("/training/hours", response=list[TrainingHoursOut],
            summary="年度集中培训学时（督学管理暂行办法：每年不少于40学时；网络培训和自学单列）")
def get_training_hours(request, office_id: int | None = None, year: int | None = None):
    office = _team_office(request.user, office_id)
    today = timezone.localdate()
    rows = training_year_rows(office=office, year=year or today.year, today=today)
    return [{"supervisor_id": r.supervisor.pk, "name": r.supervisor.name, "kind": r.supervisor.kind,
             "concentrated_hours": float(r.concentrated), "other_hours": float(r.other), "meets_rule": r.meets_rule,
             "missing_hours": float(r.missing)} for r in rows]


@router.get("/training/{session_id}", response=TrainingSessionDetailOut, summary="培训详情与参训名单")
def get_training_session(request, session_id: int):
    session = access_training_session(request.user, session_id)
    attendance = list(session.attendance.select_related("supervisor__office").order_by("supervisor__name", "id"))
    return {**_session_out(session, len(attendance)), "attendance": [
        {"supervisor_id": a.supervisor_id, "supervisor_name": a.supervisor.name, "office_name": a.supervisor.office.name,
         "hours": float(a.hours)} for a in attendance]}


@router.get("/{supervisor_id}", response=SupervisorDetailOut, summary="督学详情")
def get_supervisor(request, supervisor_id: int):
    s = access_supervisor(request.user, supervisor_id)
    year = timezone.localdate().year
    hours = training_hours(supervisors=[s], year=year)[0]
    return {
        "id": s.pk, "name": s.name, "kind": s.kind, "kind_label": s.get_kind_display(), "level": s.level,
        "status": s.status, "status_label": s.get_status_display(), "office_id": s.office_id,
        "office_name": s.office.name, "phone": supervisor_phone_for(request.user, s), "certificate_no": s.certificate_no,
        "background": s.background, "background_label": background_labels().get(s.background, s.background),
        "gender": s.gender, "birth_date": s.birth_date, "appointed_on": s.appointed_on,
        "appointing_body": s.appointing_body, "letter_no": s.letter_no, "former_post": s.former_post,
        "degree": s.degree, "title": s.title,
        "terms": list(s.terms.all()), "status_events": list(s.status_events.order_by("effective_on", "id")),
        "training_year": year, "concentrated_hours": float(hours.concentrated), "other_hours": float(hours.other),
        "meets_training_rule": hours.meets_rule,
    }
