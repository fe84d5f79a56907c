"""Zones, coverage and assignments (挂牌) over the same selectors and services as the pages."""

from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from dudao.access import sees_office_details
from dudao.api.errors import ErrorOut, invalid, problem
from dudao.schools.selectors import access_school
from dudao.supervisors.models import Supervisor
from dudao.zones import services
from dudao.zones.coverage import coverage_report
from dudao.zones.models import Zone
from dudao.zones.selectors import (
    access_managed_school,
    access_office,
    access_zone,
    assignments_of_school,
    zone_schools,
)

router = Router(tags=["责任区与挂牌 zones"])


class ZoneOut(Schema):
    id: int
    name: str
    level: str
    office_id: int
    office_name: str
    head: str | None
    school_count: int


class ZoneDetailOut(ZoneOut):
    schools: list[dict]
    members: list[str]


class CoverageOut(Schema):
    office: str
    school_count: int
    zoned_count: int
    coverage_percent: float
    unzoned: list[str]
    large_zones: list[dict]
    unassigned: list[str]
    overloaded: list[dict]
    ok: bool


class AssignmentOut(Schema):
    id: int
    supervisor_id: int
    supervisor: str
    starts_on: date
    ends_on: date | None
    reason: str


class AssignIn(Schema):
    supervisor_id: int
    starts_on: date | None = None
    replace: bool = False
    reason: str = ""



def _zone_out(zone: Zone, n: int) -> dict:
    return {"id": zone.pk, "name": zone.name, "level": zone.level, "office_id": zone.office_id,
            "office_name": zone.office.name, "head": zone.head.name if zone.head else None, "school_count": n}


@router.get("/zones", response=list[ZoneOut], summary="可见的督学责任区")
def list_zones(request):
    zones = Zone.objects.visible_to(request.user).distinct().select_related("office", "head").annotate(n=Count("memberships", distinct=True))
    return [_zone_out(z, z.n) for z in zones.order_by("office_id", "name")]


@router.get("/zones/{zone_id}", response=ZoneDetailOut, summary="责任区详情")
def get_zone(request, zone_id: int):
    zone = access_zone(request.user, zone_id)
    schools = list(zone_schools(zone=zone))
    return {**_zone_out(zone, len(schools)), "schools": [{"id": s.pk, "code": s.code, "name": s.name} for s in schools],
            "members": [m.name for m in zone.members.all()]}


@router.get("/offices/{office_id}/coverage", response=CoverageOut, summary="覆盖检查")
def get_coverage(request, office_id: int):
    office = access_office(request.user, office_id)
    if not sees_office_details(request.user, office):
        raise PermissionDenied
    r = coverage_report(office)
    return {"office": office.name, "school_count": r.school_count, "zoned_count": r.zoned_count,
            "coverage_percent": r.coverage_percent, "unzoned": [s.code for s in r.unzoned],
            "large_zones": [{"zone": z.name, "schools": n} for z, n in r.large_zones],
            "unassigned": [s.code for s in r.unassigned],
            "overloaded": [{"supervisor": s.name, "schools": n} for s, n in r.overloaded], "ok": r.ok}


@router.get("/schools/{school_id}/assignments", response=list[AssignmentOut], summary="学校的挂牌历史")
def list_assignments(request, school_id: int):
    school = access_school(request.user, school_id)
    return [{"id": a.pk, "supervisor_id": a.supervisor_id, "supervisor": a.supervisor.name, "starts_on": a.starts_on,
             "ends_on": a.ends_on, "reason": a.reason} for a in assignments_of_school(school=school)]


@router.post("/schools/{school_id}/assignments", response={201: AssignmentOut, 400: ErrorOut}, summary="挂牌责任督学")
def create_assignment(request, school_id: int, payload: AssignIn):
    school, office = access_managed_school(request.user, school_id)
    supervisor = Supervisor.objects.filter(office=office, pk=payload.supervisor_id).first()
    if supervisor is None:
        return problem(400, gettext("该督学不属于负责本校的督导室。"), field="supervisor_id")
    try:
        if payload.replace:
            a = services.assignment_reassign(school=school, to=supervisor, on=payload.starts_on, reason=payload.reason, by=request.user)
        else:
            a = services.assignment_create(supervisor=supervisor, school=school, starts_on=payload.starts_on,
                                           reason=payload.reason, by=request.user)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, {"id": a.pk, "supervisor_id": a.supervisor_id, "supervisor": supervisor.name, "starts_on": a.starts_on,
                        "ends_on": a.ends_on, "reason": a.reason})
