"""Writes on the supervision team. Given a person (`by`), each write checks `access.can_manage_office`
for the office itself; imports and the demo pass `by=None` after their own checks."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao import access
from dudao.supervisors.models import (
    Supervisor,
    SupervisorKind,
    SupervisorStatus,
    SupervisorStatusEvent,
    SupervisorTerm,
    TrainingAttendance,
    TrainingSession,
)

if TYPE_CHECKING:
    from dudao.people.models import User

# domain-rules §9.3: part-time term 3 years, at most 3 consecutive terms (条例 Art 6).
PART_TIME_TERM_YEARS = 3
MAX_CONSECUTIVE_PART_TIME_TERMS = 3
# Terms count as consecutive when the next starts within this many days of the previous end.
CONSECUTIVE_GAP_DAYS = 31
# 督学办法: concentrated training ≥ 40 学时 per supervisor per year.
TRAINING_HOURS_PER_YEAR = Decimal(40)


def _require_manage(by: User | None, office) -> None:
    """A person (`by`) changes an office's team only if they manage it; imports and the demo pass None."""
    if by is not None and office is not None and not access.can_manage_office(by, office):
        raise PermissionDenied(_("只有该督导室及上级督导室的工作人员和管理员可以管理督学队伍。"))


@transaction.atomic
def supervisor_create(*, by: User | None, **fields) -> Supervisor:
    """Register a supervisor and record their entry (动态管理) on the appointment date."""
    _require_manage(by, fields.get("office"))
    if not fields.get("level") and fields.get("office"):
        fields["level"] = fields["office"].level
    supervisor = Supervisor(**fields)
    supervisor.full_clean(exclude=["user", "photo"])
    supervisor.save()
    SupervisorStatusEvent.objects.create(
        supervisor=supervisor, status=supervisor.status, effective_on=supervisor.appointed_on or timezone.localdate(),
        reason=_("聘任（任命）"), by=by,
    )
    if supervisor.user_id:
        supervisor_ensure_role(supervisor=supervisor)
    return supervisor


def supervisor_ensure_role(*, supervisor: Supervisor) -> None:
    """A supervisor with an account holds the 责任督学 role; its scope comes from assignments."""
    from dudao.access import clear_scope_cache
    from dudao.people.models import Role, RoleGrant

    user = supervisor.user
    if user is not None and not RoleGrant.objects.filter(user_id=user.pk, role=Role.SUPERVISOR).exists():
        RoleGrant.objects.create(user_id=user.pk, role=Role.SUPERVISOR, office=supervisor.office)
        clear_scope_cache(user)


@transaction.atomic
def supervisor_update(*, supervisor: Supervisor, by: User | None, **fields) -> Supervisor:
    """Change the record; a new photo replaces the old file once the change is committed."""
    _require_manage(by, supervisor.office)
    _require_manage(by, fields.get("office"))
    status = fields.pop("status", None)
    old_photo = supervisor.photo.name if fields.get("photo") else ""
    for name, value in fields.items():
        setattr(supervisor, name, value)
    supervisor.full_clean(exclude=["user", "photo"])
    supervisor.save()
    if old_photo and old_photo != supervisor.photo.name:
        storage = supervisor.photo.storage
        transaction.on_commit(lambda: storage.delete(old_photo))
    if status and status != supervisor.status:
        supervisor_change_status(supervisor=supervisor, status=status, effective_on=timezone.localdate(), reason="", by=by)
    if supervisor.user_id:
        supervisor_ensure_role(supervisor=supervisor)
    return supervisor


# What happens elsewhere when a supervisor leaves (离任/解聘). The zones app registers "end their
# assignments" at start-up (zones/apps.py): zones depends on supervisors, never the reverse.
OnLeave = Callable[..., object]
_ON_LEAVE: list[OnLeave] = []


def register_on_leave(step: OnLeave) -> None:
    """`step(supervisor=, ends_on=, reason=, by=)` runs in the same transaction as the status change."""
    if step not in _ON_LEAVE:
        _ON_LEAVE.append(step)


@transaction.atomic
def supervisor_change_status(*, supervisor: Supervisor, status: str, effective_on: date, reason: str, by: User | None) -> SupervisorStatusEvent:
    """Entry and exit with reasons. Leaving (离任/解聘) runs the registered steps (the zones app ends the
    supervisor's open assignments)."""
    _require_manage(by, supervisor.office)
    if status not in SupervisorStatus.values:
        raise ValidationError({"status": _("未知状态。")})
    if status != SupervisorStatus.ACTIVE and not reason.strip():
        raise ValidationError({"reason": _("请填写状态变更原因。")})
    last = supervisor.status_events.order_by("-effective_on", "-id").first()
    if last and effective_on < last.effective_on:
        raise ValidationError({"effective_on": _("生效日期不能早于上一次状态变更（%(day)s）。") % {"day": last.effective_on}})
    event = SupervisorStatusEvent.objects.create(supervisor=supervisor, status=status, effective_on=effective_on, reason=reason, by=by)
    supervisor.status = status
    supervisor.save(update_fields=["status", "updated_at"])
    if status in {SupervisorStatus.RETIRED, SupervisorStatus.DISMISSED}:
        for on_leave in _ON_LEAVE:
            on_leave(supervisor=supervisor, ends_on=effective_on, reason=reason, by=by)
    return event


@transaction.atomic
def term_add(*, supervisor: Supervisor, number: int, starts_on: date, ends_on: date, note: str = "") -> SupervisorTerm:
    if ends_on <= starts_on:
        raise ValidationError({"ends_on": _("任期结束日期必须晚于开始日期。")})
    if supervisor.terms.filter(number=number).exists():
        raise ValidationError({"number": _("第 %(n)s 届任期已登记。") % {"n": number}})
    return SupervisorTerm.objects.create(supervisor=supervisor, number=number, starts_on=starts_on, ends_on=ends_on, note=note)


def term_warnings(*, supervisor: Supervisor, terms: list[SupervisorTerm] | None = None) -> list[str]:
    """Part-time terms should last 3 years and not run more than 3 times in a row (条例 Art 6)."""
    if supervisor.kind != SupervisorKind.PART_TIME:
        return []
    terms = sorted(terms if terms is not None else supervisor.terms.all(), key=lambda t: t.starts_on)
    warnings: list[str] = []
    for term in terms:
        years = (term.ends_on - term.starts_on).days / 365.25
        if abs(years - PART_TIME_TERM_YEARS) > 0.1:
            warnings.append(_("第 %(n)s 届任期为 %(y).1f 年，兼职督学每届任期应为 3 年。") % {"n": term.number, "y": years})
    run = 1
    for previous, term in zip(terms, terms[1:], strict=False):
        run = run + 1 if (term.starts_on - previous.ends_on).days <= CONSECUTIVE_GAP_DAYS else 1
        if run > MAX_CONSECUTIVE_PART_TIME_TERMS:
            warnings.append(_("已连续聘任 %(n)s 届，兼职督学连续聘任一般不得超过 3 届。") % {"n": run})
    return warnings


@transaction.atomic
def training_session_create(*, by: User | None, **fields) -> TrainingSession:
    _require_manage(by, fields.get("office"))
    session = TrainingSession(**fields)
    if session.hours is None or session.hours <= 0:
        raise ValidationError({"hours": _("学时必须大于 0。")})
    session.full_clean()
    session.save()
    return session


@transaction.atomic
def training_attendance_set(*, session: TrainingSession, supervisors: list[Supervisor], hours: Decimal | None = None) -> int:
    """Record who attended; each attendee is credited the session's hours unless told otherwise."""
    credited = hours if hours is not None else session.hours
    if credited > session.hours:
        raise ValidationError({"hours": _("计入学时不能超过培训学时。")})
    existing = set(session.attendance.values_list("supervisor_id", flat=True))
    new = [TrainingAttendance(session=session, supervisor=s, hours=credited) for s in supervisors if s.pk not in existing]
    TrainingAttendance.objects.bulk_create(new)
    return len(new)


@transaction.atomic
def training_attendance_remove(*, session: TrainingSession, supervisor: Supervisor) -> None:
    session.attendance.filter(supervisor=supervisor).delete()
