"""Schools without a submitted visit in a period (未督导学校), read directly rather than from a whole
compliance report (issue [7]).

The page used to build the office's compliance report (visits/compliance.py: every supervisor's checks,
every school's count) to list the schools whose count is 0: at province scale the first view of a
period cost about a second in each worker. A school is "not visited" exactly when the report's count for
it is 0: the report counts every submitted visit dated inside the period at the schools it covers
(`compliance._scope_of`), whoever made it. So the list is those schools with NOT EXISTS such a visit —
one indexed anti-join (`visit_school_date`) — and the columns of a row (zone, responsible supervisors on
the report's reference day, last visit before the period) are read for the rows shown only: a page's
30, or every row of the Excel file in chunks. tests/visits/test_not_visited_fast.py checks that the rows
equal the report's `schools_not_visited`.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from datetime import date

from django.db.models import Exists, F, Max, OuterRef, Q, QuerySet
from django.utils import timezone

from dudao.regions.models import Office
from dudao.schools.models import School
from dudao.supervisors.models import SupervisorStatus
from dudao.visits.compliance import SchoolRef, SchoolRow, _scope_of
from dudao.visits.models import COUNTED, Visit
from dudao.visits.periods import Period, period_of
from dudao.zones.models import Assignment, ZoneSchool

UNZONED = "未划入责任区"  # the name the compliance report's zone summary gives schools outside every zone
CHUNK = 2000  # rows of the Excel file completed per round of queries

_SCHOOL_FIELDS = ("id", "name", "code", "kind", "region_code", "is_city_direct", "region__name")


@dataclass
class NotVisited:
    office: Office
    period: Period
    reference: date  # the report's reference day: responsible supervisors are those of this day
    schools: QuerySet[School]  # the schools not visited (and in the zone asked for), in the report's order
    covered: QuerySet[School]  # every school the report covers

    @property
    def total(self) -> int:
        return self.covered.count()

    def zones(self) -> list[str]:
        """The zone names of the covered schools, and 未划入责任区 when a school is in none — sorted, as
        the report's zone summary names them."""
        names = set(ZoneSchool.objects.filter(school__in=self.covered.values("pk"))
                    .values_list("zone__name", flat=True).distinct())
        if self.covered.filter(~Exists(ZoneSchool.objects.filter(school=OuterRef("pk")))).exists():
            names.add(UNZONED)
        return sorted(names)

    def rows(self, schools: Iterable[tuple]) -> list[SchoolRow]:
        """Report rows (compliance.SchoolRow) for these `values_list(*_SCHOOL_FIELDS)` tuples."""
        refs = [SchoolRef._make(values) for values in schools]
        ids = [ref.pk for ref in refs]
        if not ids:
            return []
        zone_of = dict(ZoneSchool.objects.filter(school_id__in=ids).order_by("pk").values_list("school_id", "zone__name"))
        last = dict(Visit.objects.filter(COUNTED, school_id__in=ids, visit_date__lt=self.period.start)
                    .values_list("school_id").annotate(d=Max("visit_date")).order_by())
        responsible: dict[int, list[str]] = defaultdict(list)
        supervisors, _schools = _scope_of(self.office)
        on_duty = (supervisors.filter(status=SupervisorStatus.ACTIVE)
                   .filter(Q(appointed_on__lte=self.reference) | Q(appointed_on__isnull=True)))
        for school_id, name in (Assignment.objects.filter(school_id__in=ids, supervisor__in=on_duty.values("pk"),
                                                          starts_on__lte=self.reference)
                                .filter(Q(ends_on__isnull=True) | Q(ends_on__gte=self.reference))
                                .order_by("pk").values_list("school_id", "supervisor__name")):
            responsible[school_id].append(name)
        return [SchoolRow(school=ref, visits=0, last_visit=last.get(ref.pk), required=0, zone=zone_of.get(ref.pk, ""),
                          responsible=tuple(responsible.get(ref.pk, ()))) for ref in refs]

    def every_row(self) -> Iterator[SchoolRow]:
        """Every row, for the Excel file, completed CHUNK schools at a time."""
        batch: list[tuple] = []
        for values in self.listed().iterator(chunk_size=CHUNK):
            batch.append(values)
            if len(batch) == CHUNK:
                yield from self.rows(batch)
                batch = []
        yield from self.rows(batch)

    def listed(self) -> QuerySet:
        """The not-visited schools as the tuples `rows` completes, in the report's order."""
        return self.schools.values_list(*_SCHOOL_FIELDS)


def schools_not_visited(*, office: Office, kind: str, day: date, zone: str = "", today: date | None = None) -> NotVisited:
    """The office's schools with no submitted visit in the `kind` period containing `day`; `zone`: only
    those of that zone (UNZONED: of no zone)."""
    today = today or timezone.localdate()
    period = period_of(kind, day)
    reference = min(period.end, today) if period.start <= today else period.end
    _supervisors, covered = _scope_of(office)
    visited = Visit.objects.filter(COUNTED, school=OuterRef("pk"),
                                   visit_date__gte=period.start, visit_date__lte=period.end)
    schools = covered.filter(~Exists(visited))
    if zone == UNZONED:
        schools = schools.filter(~Exists(ZoneSchool.objects.filter(school=OuterRef("pk"))))
    elif zone:
        # a school in zones of two levels shows the one added last (as the report does)
        shown = ZoneSchool.objects.filter(school=OuterRef("pk")).order_by("-pk").values("zone__name")[:1]
        schools = schools.filter(Exists(ZoneSchool.objects.filter(school=OuterRef("pk"), zone__name=zone))).alias(
            shown_zone=shown).filter(shown_zone=zone)
    return NotVisited(office=office, period=period, reference=reference,
                      schools=schools.order_by("region_code", "code", F("pk").asc()), covered=covered)
