"""Writes on zones and assignments. Zone writes assume the caller checked `access.can_manage_office`
for the zone's office (they take no user); assignment writes given a person (`by`) check it
themselves, for the supervisor's office."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao import access
from dudao.regions.models import Office, RegionLevel
from dudao.zones.coverage import zone_level_of
from dudao.zones.models import Assignment, Zone, ZoneLevel, ZoneSchool

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor


@transaction.atomic
def zone_create(*, office: Office, name: str, head: Supervisor | None = None, members: Iterable[Supervisor] = (),
                office_address: str = "", note: str = "") -> Zone:
    """Zones belong to city or county offices (条例 Art 13: the county sets up the zones)."""
    if office.level not in {RegionLevel.CITY, RegionLevel.COUNTY}:
        raise ValidationError({"office": _("只有市级和县级督导室设立督学责任区。")})
    if Zone.objects.filter(office=office, name=name.strip()).exists():
        raise ValidationError({"name": _("本督导室已有同名责任区。")})
    zone = Zone.objects.create(office=office, name=name.strip(), level=office.level, head=head,
                               office_address=office_address, note=note)
    zone_set_team(zone=zone, head=head, members=members)
    return zone


@transaction.atomic
def zone_set_team(*, zone: Zone, head: Supervisor | None, members: Iterable[Supervisor]) -> None:
    members = list(members)
    for supervisor in [*members, *([head] if head else [])]:
        if supervisor.office_id != zone.office_id:
            raise ValidationError({"members": _("%(name)s 不属于本督导室。") % {"name": supervisor.name}})
    zone.head = head
    zone.save(update_fields=["head", "updated_at"])
    zone.members.set(members)


def _school_problem(zone: Zone, school: School) -> str | None:
    if not school.region_code.startswith(zone.office.region.code):
        return _("%(school)s 不在%(region)s范围内") % {"school": school.name, "region": zone.office.region.name}
    if zone_level_of(school) != zone.level:
        label = ZoneLevel(zone_level_of(school)).label
        return _("%(school)s 应归入%(level)s") % {"school": school.name, "level": label}
    return None


@transaction.atomic
def zone_add_schools(*, zone: Zone, schools: Iterable[School], move: bool = False) -> tuple[int, list[str]]:
    """Put schools in a zone. A school already in another zone of the same level is refused,
    unless `move` is set, in which case it leaves the old zone (one zone per level)."""
    added, problems = 0, []
    for school in schools:
        problem = _school_problem(zone, school)
        if problem:
            problems.append(problem)
            continue
        current = ZoneSchool.objects.filter(school=school, level=zone.level).select_related("zone").first()
        if current and current.zone_id == zone.pk:
            continue
        if current and not move:
            problems.append(_("%(school)s 已在“%(zone)s”中") % {"school": school.name, "zone": current.zone.name})
            continue
        if current:
            current.delete()
        try:
            with transaction.atomic():
                ZoneSchool.objects.create(zone=zone, school=school)
        except IntegrityError:  # another request put it in a zone first
            problems.append(_("%(school)s 已在其他责任区中") % {"school": school.name})
            continue
        added += 1
    return added, problems


@transaction.atomic
def zone_remove_school(*, zone: Zone, school: School) -> None:
    ZoneSchool.objects.filter(zone=zone, school=school).delete()


@transaction.atomic
def zone_delete(*, zone: Zone) -> None:
    zone.delete()


@transaction.atomic
def assignment_create(*, supervisor: Supervisor, school: School, starts_on: date | None = None, reason: str = "",
                      by: User | None = None) -> Assignment:
    """挂牌: make `supervisor` responsible for `school` from `starts_on` (today by default)."""
    from dudao.supervisors.models import SupervisorStatus
    from dudao.supervisors.services import supervisor_ensure_role

    if by is not None and not access.can_manage_office(by, supervisor.office):
        raise PermissionDenied(_("只有督导室工作人员和管理员可以挂牌责任督学。"))
    starts_on = starts_on or timezone.localdate()
    if supervisor.status != SupervisorStatus.ACTIVE:
        raise ValidationError({"supervisor": _("%(name)s 当前不在岗，不能挂牌。") % {"name": supervisor.name}})
    if not school.region_code.startswith(supervisor.office.region.code):
        raise ValidationError({"school": _("%(school)s 不在%(office)s的管辖范围内。") % {"school": school.name, "office": supervisor.office.name}})
    if Assignment.objects.filter(supervisor=supervisor, school=school, ends_on__isnull=True).exists():
        raise ValidationError({"supervisor": _("%(name)s 已是该校的责任督学。") % {"name": supervisor.name}})
    assignment = Assignment.objects.create(supervisor=supervisor, school=school, starts_on=starts_on, reason=reason, created_by=by)
    supervisor_ensure_role(supervisor=supervisor)
    _refresh_scope(supervisor)
    return assignment


@transaction.atomic
def assignment_end(*, assignment: Assignment, ends_on: date | None = None, reason: str = "", by: User | None = None) -> Assignment:
    if by is not None and not access.can_manage_office(by, assignment.supervisor.office):
        raise PermissionDenied(_("只有督导室工作人员和管理员可以结束挂牌。"))
    ends_on = ends_on or timezone.localdate()
    if ends_on < assignment.starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期（%(day)s）。") % {"day": assignment.starts_on}})
    assignment.ends_on = ends_on
    if reason:
        assignment.reason = (assignment.reason + "；" if assignment.reason else "") + reason
    assignment.save(update_fields=["ends_on", "reason", "updated_at"])
    _refresh_scope(assignment.supervisor)
    return assignment


@transaction.atomic
def assignment_reassign(*, school: School, to: Supervisor, on: date | None = None, reason: str = "",
                        by: User | None = None) -> Assignment:
    """Hand a school to another supervisor: the current assignments end the day before `on`, so
    who was responsible on any date stays answerable."""
    on = on or timezone.localdate()
    for current in Assignment.objects.filter(school=school, ends_on__isnull=True).exclude(supervisor=to):
        if current.starts_on >= on:
            raise ValidationError({"on": _("新的开始日期必须晚于现任责任督学的开始日期（%(day)s）。") % {"day": current.starts_on}})
        assignment_end(assignment=current, ends_on=on - timedelta(days=1), reason=reason or _("更换责任督学"), by=by)
    return assignment_create(supervisor=to, school=school, starts_on=on, reason=reason, by=by)


def assignments_end_for_supervisor(*, supervisor: Supervisor, ends_on: date, reason: str, by: User | None) -> int:
    """A supervisor leaving the team no longer answers for any school from that day."""
    n = 0
    for assignment in Assignment.objects.filter(supervisor=supervisor, ends_on__isnull=True):
        assignment_end(assignment=assignment, ends_on=max(ends_on, assignment.starts_on), reason=reason, by=by)
        n += 1
    return n


def _refresh_scope(supervisor: Supervisor) -> None:
    from dudao.access import clear_scope_cache

    if supervisor.user is not None:
        clear_scope_cache(supervisor.user)
