"""Coverage checks (seed 001, domain-rules §2.1): every school in exactly one zone of its level,
no zone over 20 schools, every school with a responsible supervisor, no supervisor far above ≈5.

Computed live from the tables: a handful of queries per office, whatever its size.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.db.models import Count, Q, QuerySet

from dudao.regions.models import RegionLevel
from dudao.schools.models import School
from dudao.zones import rules
from dudao.zones.models import Assignment, Zone, ZoneLevel, ZoneSchool

if TYPE_CHECKING:
    from dudao.regions.models import Office
    from dudao.supervisors.models import Supervisor


def zone_level_of(school: School) -> str:
    """City zones take senior-stage and city-direct schools; county zones everything else."""
    if school.is_city_direct or school.kind in rules.SENIOR_STAGE_KINDS:
        return ZoneLevel.CITY
    return ZoneLevel.COUNTY


def city_level_q() -> Q:
    return Q(is_city_direct=True) | Q(kind__in=rules.SENIOR_STAGE_KINDS)


def schools_for_office(office: Office) -> QuerySet[School]:
    """The schools an office's zones must cover."""
    schools = School.objects.filter(is_active=True).under(office.region.code)
    if office.level == RegionLevel.COUNTY:
        return schools.exclude(city_level_q())
    if office.level == RegionLevel.CITY:
        return schools.filter(city_level_q())
    return schools.none()


@dataclass
class CoverageReport:
    office: Office
    school_count: int = 0
    zoned_count: int = 0
    zone_count: int = 0
    supervisor_count: int = 0
    assigned_school_count: int = 0
    unzoned: list[School] = field(default_factory=list)
    large_zones: list[tuple[Zone, int]] = field(default_factory=list)
    unassigned: list[School] = field(default_factory=list)
    overloaded: list[tuple[Supervisor, int]] = field(default_factory=list)
    zones_without_head: list[Zone] = field(default_factory=list)
    idle_supervisors: list[Supervisor] = field(default_factory=list)
    max_schools_per_zone: int = rules.MAX_SCHOOLS_PER_ZONE
    load_norm: int = rules.SCHOOLS_PER_SUPERVISOR_NORM
    load_warning: int = rules.SUPERVISOR_LOAD_WARNING

    @property
    def coverage_percent(self) -> float:
        return round(self.zoned_count * 100 / self.school_count, 1) if self.school_count else 100.0

    @property
    def average_load(self) -> float | None:
        return round(self.assigned_school_count / self.supervisor_count, 1) if self.supervisor_count else None

    @property
    def problem_count(self) -> int:
        return len(self.unzoned) + len(self.large_zones) + len(self.unassigned) + len(self.overloaded)

    @property
    def ok(self) -> bool:
        return self.problem_count == 0


def coverage_report(office: Office) -> CoverageReport:
    from dudao.supervisors.models import Supervisor

    report = CoverageReport(office=office)
    schools = schools_for_office(office)
    level = ZoneLevel.COUNTY if office.level == RegionLevel.COUNTY else ZoneLevel.CITY
    report.school_count = schools.count()
    zoned = ZoneSchool.objects.filter(level=level, school__in=schools)
    report.zoned_count = zoned.count()
    report.unzoned = list(schools.exclude(zone_memberships__level=level).select_related("region").order_by("region_code", "code"))
    zones = Zone.objects.filter(office=office).annotate(n=Count("memberships")).select_related("head")
    report.zone_count = len(zones)
    report.large_zones = [(z, z.n) for z in zones if z.n > report.max_schools_per_zone]
    report.zones_without_head = [z for z in zones if z.head_id is None]
    current = Assignment.objects.current().filter(school__in=schools)
    assigned_ids = set(current.values_list("school_id", flat=True))
    report.assigned_school_count = len(assigned_ids)
    report.unassigned = [s for s in schools.select_related("region").order_by("region_code", "code") if s.pk not in assigned_ids]
    supervisors = list(Supervisor.objects.filter(office=office).active())
    report.supervisor_count = len(supervisors)
    load = Counter(current.values_list("supervisor_id", flat=True))
    report.overloaded = sorted(
        ((s, load[s.pk]) for s in supervisors if load[s.pk] > report.load_warning), key=lambda x: -x[1]
    )
    report.idle_supervisors = [s for s in supervisors if load[s.pk] == 0]
    return report
