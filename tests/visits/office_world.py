"""A small world of supervisors, zones and visits across the cast's counties for the office pages.

宁乡 (430182): 张督学 (the `supervisor` persona's record) answers for A1 and A2, 李督学 for A3;
望城 (430112): 王督学 for B1; 浏阳 (430181): 赵督学 (the `outsider` persona's record) for C1;
北京东城 (110101): 钱督学 for D1. October 2025: 张 visits A1 twice (one visit with a problem) and
A2 once; 李 visits A3 once, announced but refused; 王 visits B1; 赵 visits C1; 钱 visits D1.
B2 is never visited. 张 also keeps a draft at A1, which no one else may read.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import date, datetime, time

from django.utils import timezone

from dudao.regions.models import Office, Region
from dudao.regions.services import office_ensure
from dudao.supervisors.models import Supervisor
from dudao.supervisors.services import supervisor_create
from dudao.visits.models import Visit, VisitProblem
from dudao.zones.models import Zone
from dudao.zones.services import assignment_create, zone_add_schools, zone_create

OCT = date(2025, 10, 15)
SUPERVISOR_NAMES = {"430182": ["宁乡张督学", "宁乡李督学"], "430112": ["望城王督学"], "430181": ["浏阳赵督学"], "110101": ["北京钱督学"]}
ZONE_NAMES = {"430182": "宁乡北区", "430112": "望城一区", "430181": "浏阳一区", "110101": "东城一区"}
PROBLEM = "消防通道堆放杂物"
REQUIREMENT = "三日内清理消防通道并建立巡查制度"
NARRATIVE = "巡查校园，食堂卫生良好。"
OPINIONS = "加强消防安全管理。"
REFUSAL = "校长拒绝提供财务账目。"


@dataclass
class World:
    offices: dict[str, Office]
    supervisors: dict[str, Supervisor]
    zones: dict[str, Zone]
    visits: dict[str, Visit]  # school key -> first visit there
    draft: Visit


def submitted(supervisor: Supervisor, school, day: date, *, by, hour: int = 9, **extra) -> Visit:
    """A submitted visit, as the phone pages leave it (`by`: the supervisor's account, or anyone)."""
    started = timezone.make_aware(datetime.combine(day, time(hour)))
    ended = timezone.make_aware(datetime.combine(day, time(hour + 2)))
    return Visit.objects.create(client_id=uuid.uuid4(), supervisor=supervisor, school=school, status="submitted",
                                started_at=started, ended_at=ended, visit_date=day, submitted_at=ended,
                                created_by=supervisor.user or by, **extra)


def build_world(cast) -> World:
    offices = {o.region.code: o for o in Office.objects.select_related("region")}
    offices["110101"] = office_ensure(region=Region.objects.get(code="110101"))
    people = {}
    users = {"宁乡张督学": cast.supervisor, "浏阳赵督学": cast.outsider}
    for code, names in SUPERVISOR_NAMES.items():
        for name in names:
            people[name] = supervisor_create(by=None, office=offices[code], name=name, kind="full_time", level="county",
                                             phone=f"1390000{len(people):04d}", appointed_on=date(2020, 1, 1),
                                             user=users.get(name))
    zones = {}
    for code, name in ZONE_NAMES.items():
        # Zone members see the zone's schools: the personas' own records stay out, so that their
        # scope is the cast's (tests/personas.py EXPECTED).
        members = [people[n] for n in SUPERVISOR_NAMES[code] if n not in users]
        zones[code] = zone_create(office=offices[code], name=name, members=members)
    zone_add_schools(zone=zones["430182"], schools=[cast.A1, cast.A2, cast.A3])
    zone_add_schools(zone=zones["430112"], schools=[cast.B1, cast.B2])
    zone_add_schools(zone=zones["430181"], schools=[cast.C1])
    zone_add_schools(zone=zones["110101"], schools=[cast.D1])
    for name, schools in (("宁乡张督学", [cast.A1, cast.A2]), ("宁乡李督学", [cast.A3]), ("望城王督学", [cast.B1]),
                          ("浏阳赵督学", [cast.C1]), ("北京钱督学", [cast.D1])):
        for school in schools:
            assignment_create(supervisor=people[name], school=school, starts_on=date(2025, 9, 1))
    zhang = people["宁乡张督学"]
    by = cast.admin
    visits = {
        "A1": submitted(zhang, cast.A1, date(2025, 10, 9), by=by, methods=["patrol", "document_review"],
                        topics=["supervision_item:6", "visit_focus:safety"], narrative=NARRATIVE, opinions=OPINIONS,
                        distance_m=35, location_status="ok"),
        "A2": submitted(zhang, cast.A2, date(2025, 10, 9), by=by, hour=14, mode="unannounced"),
        "A3": submitted(people["宁乡李督学"], cast.A3, date(2025, 10, 20), by=by, refused=True, refusal_note=REFUSAL),
        "B1": submitted(people["望城王督学"], cast.B1, date(2025, 10, 21), by=by),
        "C1": submitted(people["浏阳赵督学"], cast.C1, date(2025, 10, 22), by=by),
        "D1": submitted(people["北京钱督学"], cast.D1, date(2025, 10, 23), by=by),
    }
    submitted(zhang, cast.A1, date(2025, 10, 16), by=by)
    VisitProblem.objects.create(visit=visits["A1"], category="safety", description=PROBLEM, requirement=REQUIREMENT,
                                deadline=date(2025, 10, 31))
    draft = Visit.objects.create(client_id=uuid.uuid4(), supervisor=zhang, school=cast.A1, status="draft",
                                 started_at=timezone.make_aware(datetime.combine(date(2025, 10, 30), time(9))),
                                 visit_date=date(2025, 10, 30), created_by=cast.supervisor, narrative="草稿内容")
    return World(offices=offices, supervisors=people, zones=zones, visits=visits, draft=draft)
