"""Reads of zones and assignments: who is responsible where, and on which date."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING

from django.db.models import Q, QuerySet

from dudao.access import get_visible_or_404
from dudao.zones.models import Assignment, PlaqueBatch, Zone, ZoneSchool

if TYPE_CHECKING:
    from dudao.people.models import RoleGrant, User
    from dudao.regions.models import Office
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor


def supervisor_zone_school_ids(user: User, grants: list[RoleGrant]) -> Iterable[int]:
    """What a supervisor reads beyond the schools they act on: the schools of the zones they head
    or belong to (read-only). The scope adds `supervisor_acting_school_ids`."""
    return ZoneSchool.objects.filter(Q(zone__head__user=user) | Q(zone__members__user=user)).values_list("school_id", flat=True)


def supervisor_acting_school_ids(user: User, grants: list[RoleGrant]) -> Iterable[int]:
    """The schools a supervisor acts on (records a finding, registers a complaint): those listed on
    the grant and those currently assigned to them — not their zone colleagues' schools."""
    from dudao.people.models import RoleGrant as Grant

    ids = set(Grant.schools.through.objects.filter(rolegrant__in=grants).values_list("school_id", flat=True))
    ids.update(Assignment.objects.current().filter(supervisor__user=user).values_list("school_id", flat=True))
    return ids


def access_zone(user: User, pk: int) -> Zone:
    return get_visible_or_404(Zone.objects.visible_to(user).select_related("office__region", "head").distinct(), pk=pk)


def access_plaque_batch(user: User, pk: int) -> PlaqueBatch:
    return get_visible_or_404(PlaqueBatch.objects.visible_to(user), pk=pk)


def responsible_on(*, school: School, day: date) -> list[Supervisor]:
    """Who was the school's responsible supervisor on `day` (for visits and findings of that day)."""
    return [a.supervisor for a in Assignment.objects.current(day).filter(school=school).select_related("supervisor")]


def assignments_of_school(*, school: School) -> QuerySet[Assignment]:
    return school.assignments.select_related("supervisor", "created_by").order_by("-starts_on", "-id")


def zone_schools(*, zone: Zone) -> QuerySet[School]:
    from dudao.schools.models import School

    return School.objects.filter(zone_memberships__zone=zone).select_related("region").order_by("region_code", "code")


def zone_offices(user: User) -> QuerySet:
    """City and county offices the user can see: the ones that own zones."""
    from dudao.regions.models import Office, RegionLevel

    return Office.objects.visible_to(user).filter(level__in=[RegionLevel.CITY, RegionLevel.COUNTY]).select_related("region")


def access_office(user: User, pk) -> Office:
    return get_visible_or_404(zone_offices(user), pk=pk)


def access_managed_school(user: User, pk) -> tuple[School, Office]:
    """A school whose responsible supervisors the user sets (挂牌): 404 outside the scope, 403 unless
    the user manages the office whose zones cover it (`access.can_manage_office`)."""
    from django.core.exceptions import PermissionDenied

    from dudao.access import can_manage_office
    from dudao.schools.selectors import access_school

    school = access_school(user, pk)
    offices = covering_offices(school)
    if not offices or not can_manage_office(user, offices[0]):
        raise PermissionDenied
    return school, offices[0]


def covering_offices(school: School) -> list[Office]:
    """The office whose zones must cover this school: its county's, or its city's for city-level schools."""
    from dudao.regions.models import Office
    from dudao.zones.coverage import zone_level_of
    from dudao.zones.models import ZoneLevel

    code = school.region_code[:6] if zone_level_of(school) == ZoneLevel.COUNTY else school.region_code[:4]
    return list(Office.objects.filter(region__code=code).select_related("region"))


def assigned_school_ids_by_user(*, user_ids: Iterable[int], start: date, end: date) -> dict[int, set[int]]:
    """The schools assigned (挂牌) to each user's supervisor record on any day of [start, end]: the
    schools a campaign team member must avoid (回避, campaigns/teams.py)."""
    found: dict[int, set[int]] = {}
    rows = (Assignment.objects.filter(supervisor__user_id__in=list(user_ids), starts_on__lte=end)
            .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=start))
            .values_list("supervisor__user_id", "school_id"))
    for user_id, school_id in rows:
        found.setdefault(user_id, set()).add(school_id)
    return found
