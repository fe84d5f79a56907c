"""Reads of the team: lists, statistics at a date, training hours against the 40-hour rule."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db.models import QuerySet, Sum

from dudao.core.access import get_visible_or_404, require_writable
from dudao.supervisors.models import (
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

AGE_BANDS = [(0, 35, "35岁以下"), (35, 45, "35-44岁"), (45, 55, "45-54岁"), (55, 200, "55岁及以上")]


def access_supervisor(user: User, pk: int, *, write: bool = False) -> Supervisor:
    from dudao.people.scope import supervisor_q

    supervisor = get_visible_or_404(Supervisor.objects.visible_to(user).select_related("office__region", "user"), pk=pk)
    if write:
        require_writable(Supervisor.objects.filter(supervisor_q(user, write=True)), supervisor)
    return supervisor


def access_training_session(user: User, pk: int, *, write: bool = False) -> TrainingSession:
    from dudao.people.scope import can_manage_office

    session = get_visible_or_404(TrainingSession.objects.visible_to(user).select_related("office__region"), pk=pk)
    if write and not can_manage_office(user, session.office):
        from django.core.exceptions import PermissionDenied

        raise PermissionDenied
    return session


def active_on(supervisors: QuerySet[Supervisor], day: date) -> list[Supervisor]:
    """Who was in post on `day`, reconstructed from the status history (动态管理)."""
    ids = list(supervisors.values_list("id", flat=True))
    latest: dict[int, str] = {}
    events = (
        SupervisorStatusEvent.objects.filter(supervisor_id__in=ids, effective_on__lte=day)
        .order_by("supervisor_id", "effective_on", "id")
        .values_list("supervisor_id", "status")
    )
    for supervisor_id, status in events:
        latest[supervisor_id] = status
    active_ids = {sid for sid, status in latest.items() if status == SupervisorStatus.ACTIVE}
    return [s for s in supervisors if s.pk in active_ids]


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


def _avg(values: list[int]) -> float | None:
    return round(sum(values) / len(values), 1) if values else None


def team_stats(*, supervisors: QuerySet[Supervisor], day: date) -> TeamStats:
    """Seed 002's figures: counts by kind (专职/兼职), level, background, age band, gender, degree,
    and average age, for the team as it stood on `day`."""
    from dudao.system.models import DictionaryItem

    team = active_on(supervisors, day)
    backgrounds = dict(DictionaryItem.objects.filter(dict_type="supervisor_background").values_list("code", "label"))
    stats = TeamStats(day=day, total=len(team))
    ages_by_kind: dict[str, list[int]] = defaultdict(list)
    ages: list[int] = []
    kinds, levels, bgs, bands, genders, degrees = Counter(), Counter(), Counter(), Counter(), Counter(), Counter()
    for s in team:
        kinds[SupervisorKind(s.kind).label] += 1
        levels[SupervisorLevel(s.level).label] += 1
        bgs[backgrounds.get(s.background, s.background or "未填写")] += 1
        genders[Gender(s.gender).label if s.gender else "未填写"] += 1
        degrees[Degree(s.degree).label if s.degree else "未填写"] += 1
        age = s.age_on(day)
        if age is not None:
            ages.append(age)
            ages_by_kind[s.kind].append(age)
            bands[next(label for low, high, label in AGE_BANDS if low <= age < high)] += 1
    stats.by_kind = {str(k): v for k, v in kinds.items()}
    stats.by_level = {str(k): v for k, v in levels.items()}
    stats.by_background = dict(bgs.most_common())
    stats.by_age_band = {label: bands.get(label, 0) for _l, _h, label in AGE_BANDS}
    stats.by_gender = {str(k): v for k, v in genders.items()}
    stats.by_degree = {str(k): v for k, v in degrees.items()}
    stats.average_age = _avg(ages)
    stats.average_age_by_kind = {str(SupervisorKind(k).label): _avg(v) for k, v in ages_by_kind.items()}
    return stats


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


def training_hours(*, supervisors: QuerySet[Supervisor], year: int) -> list[TrainingRow]:
    """Per supervisor: concentrated hours in the calendar year against the 40-hour rule (督学办法),
    and online/self-study hours, which are recorded but do not count towards it."""
    rows = (
        TrainingAttendance.objects.filter(supervisor__in=supervisors, session__held_on__year=year)
        .values_list("supervisor_id", "session__mode")
        .annotate(h=Sum("hours"))
    )
    concentrated: dict[int, Decimal] = defaultdict(Decimal)
    other: dict[int, Decimal] = defaultdict(Decimal)
    for supervisor_id, mode, hours in rows:
        (concentrated if mode == TrainingMode.CONCENTRATED else other)[supervisor_id] += hours or 0
    return [TrainingRow(s, concentrated[s.pk], other[s.pk]) for s in supervisors]
