"""Reads of the team: lists, statistics at a date, training hours against the 40-hour rule."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from dudao.access import get_visible_or_404, require_writable
from dudao.regions.selectors import managed_offices, team_offices  # noqa: F401 (the team's offices, read here too)
from dudao.supervisors.models import (
    BACKGROUND_DICTIONARY,
    Degree,
    Gender,
    Supervisor,
    SupervisorKind,
    SupervisorLevel,
    SupervisorStatus,
    SupervisorStatusEvent,
    TrainingAttendance,
    TrainingMode,
    TrainingSession,
)
from dudao.supervisors.services import TRAINING_HOURS_PER_YEAR

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

AGE_BANDS = [(0, 35, "35岁以下"), (35, 45, "35-44岁"), (45, 55, "45-54岁"), (55, 200, "55岁及以上")]


def access_supervisor(user: User, pk: int, *, write: bool = False) -> Supervisor:
    from dudao.access import supervisor_q

    supervisor = get_visible_or_404(Supervisor.objects.visible_to(user).select_related("office__region", "user"), pk=pk)
    if write:
        require_writable(Supervisor.objects.filter(supervisor_q(user, write=True)), supervisor)
    return supervisor


def access_training_session(user: User, pk: int, *, write: bool = False) -> TrainingSession:
    from dudao.access import can_manage_office

    session = get_visible_or_404(TrainingSession.objects.visible_to(user).select_related("office__region"), pk=pk)
    if write and not can_manage_office(user, session.office):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return session


# --- supervisors ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SupervisorFilters:
    q: str = ""
    office: str = ""  # an office pk
    kind: str = ""
    level: str = ""
    status: str = ""
    background: str = ""

    @classmethod
    def from_params(cls, params) -> SupervisorFilters:
        def clean(name: str, allowed: set[str] | None = None) -> str:
            value = str(params.get(name) or "").strip()[:100]
            return value if allowed is None or value in allowed else ""

        office = clean("office")
        return cls(
            q=clean("q"),
            office=office if office.isdigit() else "",
            kind=clean("kind", set(SupervisorKind.values)),
            level=clean("level", set(SupervisorLevel.values)),
            status=clean("status", set(SupervisorStatus.values)),
            background=clean("background")[:40],
        )

    def as_query(self) -> dict[str, str]:
        return {k: v for k, v in self.__dict__.items() if v}


def supervisor_list(*, user: User, filters: SupervisorFilters | None = None) -> QuerySet[Supervisor]:
    """The supervisors the user may see, filtered; search matches name, phone or certificate number."""
    filters = filters or SupervisorFilters()
    qs = Supervisor.objects.visible_to(user).select_related("office__region")
    if filters.q:
        qs = qs.filter(Q(name__icontains=filters.q) | Q(phone__contains=filters.q) | Q(certificate_no__icontains=filters.q))
    if filters.office:
        qs = qs.filter(office_id=int(filters.office))
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.level:
        qs = qs.filter(level=filters.level)
    if filters.status:
        qs = qs.filter(status=filters.status)
    if filters.background:
        qs = qs.filter(background=filters.background)
    return qs.order_by("office__region__code", "kind", "name", "id")


def supervisor_phone_for(user: User, supervisor: Supervisor) -> str:
    """Full number for the office (and those above it) and for the supervisor themself; masked otherwise."""
    from dudao.access import sees_office_details

    if supervisor.user_id and supervisor.user_id == getattr(user, "pk", None):
        return supervisor.phone
    return supervisor.phone if sees_office_details(user, supervisor.office) else supervisor.masked_phone


def background_labels(*, active_only: bool = False) -> dict[str, str]:
    """Code → label of the 来源背景 code list (system.DictionaryItem)."""
    from dudao.system.models import DictionaryItem

    items = DictionaryItem.objects.filter(dict_type=BACKGROUND_DICTIONARY)
    if active_only:
        items = items.filter(is_active=True)
    return dict(items.order_by("order", "code").values_list("code", "label"))


def supervisor_export_rows(*, user: User, supervisors: QuerySet[Supervisor]) -> tuple[list[str], list[list]]:
    """The list as Excel rows; phone numbers go through the same masking rule as the page."""
    backgrounds = background_labels()
    headers = ["姓名", "性别", "出生日期", "手机号", "类别", "级别", "所属督导室", "状态", "聘任日期", "聘任机关",
               "聘书编号", "督学证编号", "来源背景", "原工作单位及职务", "学历", "职称"]
    rows = [
        [s.name, s.get_gender_display(), s.birth_date.isoformat() if s.birth_date else "", supervisor_phone_for(user, s),
         s.get_kind_display(), s.get_level_display(), s.office.name, s.get_status_display(),
         s.appointed_on.isoformat() if s.appointed_on else "", s.appointing_body, s.letter_no, s.certificate_no,
         backgrounds.get(s.background, s.background), s.former_post, s.get_degree_display(), s.get_title_display()]
        for s in supervisors.iterator(chunk_size=1000)
    ]
    return [str(h) for h in headers], rows


def office_team(*, user: User, office: Office, include_lower: bool = False) -> QuerySet[Supervisor]:
    """An office's supervisors (with `include_lower`, those of the offices below it too)."""
    qs = Supervisor.objects.visible_to(user).select_related("office__region")
    if include_lower:
        return qs.filter(office__region__code__startswith=office.region.code)
    return qs.filter(office=office)


# --- team at a date ------------------------------------------------------------------------------


def active_on(supervisors: QuerySet[Supervisor], day: date) -> list[Supervisor]:
    """Who was in post on `day`, reconstructed from the status history (动态管理)."""
    latest: dict[int, str] = {}
    events = (
        SupervisorStatusEvent.objects.filter(supervisor_id__in=supervisors.values("id"), effective_on__lte=day)
        .order_by("supervisor_id", "effective_on", "id")
        .values_list("supervisor_id", "status")
    )
    for supervisor_id, status in events:
        latest[supervisor_id] = status
    active_ids = {sid for sid, status in latest.items() if status == SupervisorStatus.ACTIVE}
    if not active_ids:
        return []
    return list(supervisors.filter(pk__in=active_ids))


@dataclass
class TeamStats:
    day: date
    total: int = 0
    by_kind: dict[str, int] = field(default_factory=dict)
    by_level: dict[str, int] = field(default_factory=dict)
    by_background: dict[str, int] = field(default_factory=dict)
    by_age_band: dict[str, int] = field(default_factory=dict)
    by_gender: dict[str, int] = field(default_factory=dict)
    by_degree: dict[str, int] = field(default_factory=dict)
    average_age: float | None = None
    average_age_by_kind: dict[str, float | None] = field(default_factory=dict)
    # Keyed by SupervisorKind value, every kind present (0 / None when nobody): what comparisons read.
    count_by_kind_code: dict[str, int] = field(default_factory=dict)
    average_age_by_kind_code: dict[str, float | None] = field(default_factory=dict)
    members: list[Supervisor] = field(default_factory=list, repr=False)


def _avg(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def team_stats(*, supervisors: QuerySet[Supervisor], day: date) -> TeamStats:
    """Seed 002's figures: counts by kind (专职/兼职), level, background, age band, gender, degree,
    and average age, for the team as it stood on `day`."""
    team = active_on(supervisors, day)
    backgrounds = background_labels()
    stats = TeamStats(day=day, total=len(team), members=team)
    ages_by_kind: dict[str, list[int]] = defaultdict(list)
    ages: list[int] = []
    kinds: Counter[str] = Counter()
    levels: Counter[str] = Counter()
    bgs: Counter[str] = Counter()
    bands: Counter[str] = Counter()
    genders: Counter[str] = Counter()
    degrees: Counter[str] = Counter()
    unknown = _("未填写")
    for s in team:
        kinds[s.kind] += 1
        levels[str(SupervisorLevel(s.level).label)] += 1
        bgs[backgrounds.get(s.background, s.background or unknown)] += 1
        genders[str(Gender(s.gender).label) if s.gender else unknown] += 1
        degrees[str(Degree(s.degree).label) if s.degree else unknown] += 1
        age = s.age_on(day)
        if age is not None:
            ages.append(age)
            ages_by_kind[s.kind].append(age)
            bands[next(label for low, high, label in AGE_BANDS if low <= age < high)] += 1
    stats.by_kind = {str(SupervisorKind(k).label): v for k, v in kinds.items()}
    stats.by_level = dict(levels.most_common())
    stats.by_background = dict(bgs.most_common())
    stats.by_age_band = {label: bands.get(label, 0) for _l, _h, label in AGE_BANDS}
    stats.by_gender = dict(genders.most_common())
    stats.by_degree = dict(degrees.most_common())
    stats.average_age = _avg(ages)
    stats.average_age_by_kind = {str(SupervisorKind(k).label): _avg(v) for k, v in ages_by_kind.items()}
    stats.count_by_kind_code = {k: kinds.get(k, 0) for k in SupervisorKind.values}
    stats.average_age_by_kind_code = {k: _avg(ages_by_kind.get(k, [])) for k in SupervisorKind.values}
    return stats


@dataclass
class TeamChange:
    before: TeamStats
    after: TeamStats
    joined: list[Supervisor]
    left: list[Supervisor]
    sentences: list[str]

    @property
    def summary(self) -> str:
        # Punctuation goes through gettext too: the English catalogue ends sentences with ". ".
        return _("；").join(self.sentences) + _("。") if self.sentences else ""


def _years(value: float) -> str:
    return f"{value:g}" if value == int(value) else f"{value:.1f}"


def _kind_sentence(kind: str, before: TeamStats, after: TeamStats) -> str:
    """"专职督学由25人增加到29人，平均年龄由51岁降至46岁" (the way seed 002 reports the change)."""
    label = str(SupervisorKind(kind).label)
    a, b = before.count_by_kind_code[kind], after.count_by_kind_code[kind]
    if a < b:
        parts = [_("%(kind)s督学由%(a)s人增加到%(b)s人") % {"kind": label, "a": a, "b": b}]
    elif a > b:
        parts = [_("%(kind)s督学由%(a)s人减少到%(b)s人") % {"kind": label, "a": a, "b": b}]
    else:
        parts = [_("%(kind)s督学保持%(a)s人") % {"kind": label, "a": a}]
    x, y = before.average_age_by_kind_code[kind], after.average_age_by_kind_code[kind]
    if x is not None and y is not None:
        if y < x:
            parts.append(_("平均年龄由%(a)s岁降至%(b)s岁") % {"a": _years(x), "b": _years(y)})
        elif y > x:
            parts.append(_("平均年龄由%(a)s岁升至%(b)s岁") % {"a": _years(x), "b": _years(y)})
        else:
            parts.append(_("平均年龄保持%(a)s岁") % {"a": _years(x)})
    return _("，").join(parts)


def team_change(*, supervisors: QuerySet[Supervisor], since: date, day: date) -> TeamChange:
    """The team at two dates and the sentence a work summary would write about the change."""
    before = team_stats(supervisors=supervisors, day=since)
    after = team_stats(supervisors=supervisors, day=day)
    before_ids = {s.pk for s in before.members}
    after_ids = {s.pk for s in after.members}
    sentences = [
        _kind_sentence(kind, before, after)
        for kind in SupervisorKind.values
        if before.count_by_kind_code[kind] or after.count_by_kind_code[kind]
    ]
    return TeamChange(
        before=before,
        after=after,
        joined=[s for s in after.members if s.pk not in before_ids],
        left=[s for s in before.members if s.pk not in after_ids],
        sentences=sentences,
    )


# --- training ------------------------------------------------------------------------------------


def training_session_list(*, user: User, year: int | None = None, office_id: int | None = None) -> QuerySet[TrainingSession]:
    qs = TrainingSession.objects.visible_to(user).select_related("office__region")
    if year:
        qs = qs.filter(held_on__year=year)
    if office_id:
        qs = qs.filter(office_id=office_id)
    return qs.annotate(attendee_count=Count("attendance", distinct=True)).order_by("-held_on", "-id")


def training_candidates(*, session: TrainingSession, q: str = "") -> QuerySet[Supervisor]:
    """Supervisors who may be ticked as attendees: in post, in the organising office's region, not yet listed."""
    qs = (
        Supervisor.objects.active()
        .filter(office__region__code__startswith=session.office.region.code)
        .exclude(attendance__session=session)
        .select_related("office__region")
    )
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(certificate_no__icontains=q))
    return qs.order_by("office__region__code", "kind", "name")


def supervisor_training_record(*, supervisor: Supervisor) -> QuerySet[TrainingAttendance]:
    """The supervisor's training file (培训档案, 督学办法): every session attended, newest first."""
    return supervisor.attendance.select_related("session").order_by("-session__held_on", "-id")


@dataclass
class TrainingRow:
    supervisor: Supervisor
    concentrated: Decimal
    other: Decimal

    @property
    def meets_rule(self) -> bool:
        return self.concentrated >= TRAINING_HOURS_PER_YEAR

    @property
    def missing(self) -> Decimal:
        return max(Decimal(0), TRAINING_HOURS_PER_YEAR - self.concentrated)


def training_hours(*, supervisors, year: int) -> list[TrainingRow]:
    """Per supervisor: concentrated hours in the calendar year against the 40-hour rule (督学办法),
    and online/self-study hours, which are recorded but do not count towards it."""
    supervisors = list(supervisors)
    rows = (
        TrainingAttendance.objects.filter(supervisor__in=[s.pk for s in supervisors], session__held_on__year=year)
        .values_list("supervisor_id", "session__mode")
        .annotate(h=Sum("hours"))
    )
    concentrated: dict[int, Decimal] = defaultdict(Decimal)
    other: dict[int, Decimal] = defaultdict(Decimal)
    for supervisor_id, mode, hours in rows:
        (concentrated if mode == TrainingMode.CONCENTRATED else other)[supervisor_id] += hours or 0
    return [TrainingRow(s, concentrated[s.pk], other[s.pk]) for s in supervisors]


def training_year_rows(*, office: Office, year: int, today: date) -> list[TrainingRow]:
    """The office's team in post at the end of `year` (or today, for the current year) with their hours."""
    day = min(date(year, 12, 31), today)
    team = Supervisor.objects.filter(office=office).select_related("office__region").order_by("kind", "name", "id")
    return training_hours(supervisors=active_on(team, day), year=year)
