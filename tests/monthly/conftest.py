"""A small 宁乡 month for the monthly summary tests: October 2026, judged on 15 November 2026.

By hand (tests/monthly/test_figures.py asserts each):
- team: 甲 in post since 2020, 乙 appointed 10 October → 1 on 30 September, 2 on 31 October, 1 joined;
- training: one session of 8 hours on 20 October, both attend → 1 session, 8 h, 2 attendances, 16 h;
  one in November does not count;
- visits (routine): 甲 at A1 on 1 and 31 October, 乙 at A2 on 15 October; 甲 at A1 on 1 November (not
  counted) → 3 visits, 2 of the 3 county schools visited, A3 not; with the Hunan rules every school
  needs 1 a month (A3 short by 1) and each supervisor 4 (both behind);
- findings: found 5 October (deadline 20 October, 销号 31 October 23:30 Beijing) and 25 October
  (deadline 30 November); found 1 September with deadline 10 October, still open → opened 2, closed 1,
  unfinished on 31 October 2 (25 Oct, 1 Sep), overdue 1 (1 Sep);
- complaints: one at A1 received 12 October, answered 14 October, 属实 (立案核查) → 1 / 1 / 1, 0 pending.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal

import pytest
from django.utils import timezone

from dudao.regions.models import Office

TODAY = date(2026, 11, 15)
YEAR, MONTH = 2026, 10


def beijing(day: date, hour: int = 9, minute: int = 0) -> datetime:
    return timezone.make_aware(datetime.combine(day, time(hour, minute)), timezone.get_default_timezone())


@dataclass
class World:
    office: Office
    jia: object
    yi: object


@pytest.fixture
def ningxiang(cast):
    return Office.objects.get(region__code="430182")


@pytest.fixture
def world(cast, ningxiang) -> World:
    from dudao.complaints.models import Complaint
    from dudao.findings.models import Finding
    from dudao.supervisors.services import supervisor_create, training_attendance_set, training_session_create
    from dudao.visits.models import Visit
    from dudao.visits.quota import quota_rules_install_defaults
    from dudao.zones.services import assignment_create

    quota_rules_install_defaults()
    jia = supervisor_create(by=None, office=ningxiang, name="甲督学", kind="full_time", level="county",
                            appointed_on=date(2020, 1, 1), phone="13700000001", birth_date=date(1976, 5, 1))
    yi = supervisor_create(by=None, office=ningxiang, name="乙督学", kind="part_time", level="county",
                           appointed_on=date(2026, 10, 10), phone="13700000002", birth_date=date(1986, 5, 1))
    assignment_create(supervisor=jia, school=cast.A1, starts_on=date(2026, 1, 1))
    assignment_create(supervisor=yi, school=cast.A2, starts_on=date(2026, 10, 10))
    session = training_session_create(by=None, office=ningxiang, topic="督导工作专题培训", held_on=date(2026, 10, 20),
                                      hours=Decimal("8"), mode="concentrated")
    training_attendance_set(session=session, supervisors=[jia, yi])
    later = training_session_create(by=None, office=ningxiang, topic="十一月培训", held_on=date(2026, 11, 2),
                                    hours=Decimal("4"), mode="concentrated")
    training_attendance_set(session=later, supervisors=[jia])
    for who, school, day in ((jia, cast.A1, date(2026, 10, 1)), (jia, cast.A1, date(2026, 10, 31)),
                             (yi, cast.A2, date(2026, 10, 15)), (jia, cast.A1, date(2026, 11, 1))):
        Visit.objects.create(client_id=uuid.uuid4(), supervisor=who, school=school, status="submitted",
                             started_at=beijing(day), visit_date=day, submitted_at=beijing(day), created_by=cast.admin)

    def finding(found: date, deadline: date, **extra) -> Finding:
        return Finding.objects.create(office=ningxiang, school=cast.A1, region=cast.A1.region, unit_name=cast.A1.name,
                                      source="visit", category="safety", description="围墙开裂", requirement="加固",
                                      found_on=found, deadline=deadline, **extra)

    finding(date(2026, 10, 5), date(2026, 10, 20), state="closed", closed_at=beijing(date(2026, 10, 31), 23, 30))
    finding(date(2026, 10, 25), date(2026, 11, 30), state="notified")
    finding(date(2026, 9, 1), date(2026, 10, 10), state="in_progress")
    Complaint.objects.create(school=cast.A1, office=ningxiang, tracking_code="MONTHLY00001", category="fees", text="乱收费",
                             received_at=beijing(date(2026, 10, 12)), response_due=date(2026, 10, 20), state="investigating",
                             outcome="investigated", answered_at=beijing(date(2026, 10, 14)))
    return World(office=ningxiang, jia=jia, yi=yi)
