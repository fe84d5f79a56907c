"""The 宁乡市 supervision team, zones and plaques, shaped after seed 002 (2023年8月工作总结).

Seed 002: 专职督学 25 → 29 after the August 2023 reform, average age 51 → 46; 51 part-time
supervisors hired; the new full-time team came from township/county school leaders and finance
staff (16), former zone heads (4), former zone supervisors (3) and junior-school principals (6);
a training meeting with 62 attendees. Coverage problems are left in on purpose so that the
checklist has something to show: unzoned schools, an oversized zone, schools without a
responsible supervisor and one overloaded supervisor.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from decimal import Decimal

from dudao.people.models import Role, User
from dudao.regions.models import Office
from dudao.schools.models import School, SchoolKind
from dudao.supervisors.models import (
    Supervisor,
    SupervisorStatus,
    SupervisorTerm,
    TrainingSession,
)
from dudao.supervisors.services import supervisor_change_status, supervisor_create, training_attendance_set
from dudao.zones.coverage import schools_for_office
from dudao.zones.models import Assignment, Zone, ZoneSchool

BEFORE = date(2023, 7, 1)
REFORM = date(2023, 8, 15)
AFTER = date(2023, 9, 1)
SURNAMES = "刘李王张陈杨黄周吴谢彭戴邓罗曾胡欧喻姜贺文龙易廖袁唐成朱汤"
GIVEN = "建国志强立新海波春华国平明亮晓东伟红卫东爱民德华正阳新民光辉振兴文军世杰"


def _name(rng: random.Random, used: set[str]) -> str:
    while True:
        name = rng.choice(SURNAMES) + rng.choice(GIVEN[::2]) + rng.choice(GIVEN[1::2])
        if name not in used:
            used.add(name)
            return name


def _born(age: int, on: date, rng: random.Random) -> date:
    """A birth date giving exactly `age` on `on` and on every day of July–September that year."""
    return date(on.year - age - 1, 1, 1) + timedelta(days=rng.randint(max(on.timetuple().tm_yday, 250), 363))


def build_ningxiang_team(seed: int = 2023) -> dict:
    """Idempotent: does nothing if 宁乡市's team already exists."""
    office = Office.objects.get(region__code="430182")
    if Supervisor.objects.filter(office=office).exists():
        return {"created": False}
    rng = random.Random(seed)
    used: set[str] = set()
    common = {"office": office, "level": "county", "appointing_body": "宁乡市人民政府", "by": None}

    # 25 full-time supervisors before the reform, average age 51 on 1 July 2023 …
    old_ages = [56, 57, 55, 58, 54, 56, 55, 57, 54, 55, 53, 56] + [50, 49, 47, 48, 46, 45, 47, 44, 46, 48, 49, 45, 45]
    # The 13 who stay are the old team's zone heads (4), zone supervisors (3) and junior-school principals (6).
    stay_backgrounds = ["zone_head"] * 4 + ["zone_supervisor"] * 3 + ["principal"] * 6
    staying = []
    for i, age in enumerate(old_ages):
        s = supervisor_create(name=_name(rng, used), gender=rng.choice("mf") == "m" and "male" or "female",
                              birth_date=_born(age, BEFORE, rng), phone=f"139{rng.randint(10000000, 99999999)}",
                              kind="full_time", appointed_on=date(2016 + i % 6, 3, 1),
                              background=rng.choice(["principal", "teacher", "administrator"]) if i < 12 else stay_backgrounds[i - 12],
                              former_post="初级中学校长" if i >= 12 and stay_backgrounds[i - 12] == "principal" else "",
                              degree=rng.choice(["bachelor", "associate"]), title=rng.choice(["senior", "middle"]),
                              certificate_no=f"湘督证{4301820 + i:07d}", **common)
        if i < 12:  # … the 12 oldest leave with the reform …
            supervisor_change_status(supervisor=s, status=SupervisorStatus.RETIRED, effective_on=REFORM,
                                     reason="乡镇教育管理体制改革，调整离任", by=None)
        else:
            staying.append(s)
    # … and 16 younger ones join: 29 full-time, average age 46 on 1 September 2023 (seed 002).
    # 16 from township-centre and county-direct school leadership and finance posts (seed 002).
    backgrounds = ["principal"] * 12 + ["finance"] * 4
    new_ages = [43, 45, 44, 46, 42, 47, 45, 44, 48, 46, 43, 49, 47, 45, 50, 41]
    full_time = list(staying)
    for i, (age, bg) in enumerate(zip(new_ages, backgrounds, strict=True)):
        full_time.append(supervisor_create(
            name=_name(rng, used), gender="male" if i % 3 else "female", birth_date=_born(age, AFTER, rng),
            phone=f"138{rng.randint(10000000, 99999999)}", kind="full_time", appointed_on=REFORM, background=bg,
            former_post="原乡镇中心学校副校长" if bg == "principal" else "原县直学校财务人员", degree=rng.choice(["bachelor", "postgraduate"]),
            title=rng.choice(["senior", "middle"]), certificate_no=f"湘督证{4301850 + i:07d}", **common))
    # 51 part-time supervisors, three-year terms from September 2023; a few are long-serving.
    part_time = []
    for i in range(51):
        s = supervisor_create(
            name=_name(rng, used), gender="male" if i % 2 else "female", birth_date=_born(rng.randint(38, 56), AFTER, rng),
            phone=f"137{rng.randint(10000000, 99999999)}", kind="part_time", appointed_on=date(2023, 8, 20),
            background=rng.choice(["principal", "principal", "zone_head", "zone_supervisor"]), degree="bachelor",
            title=rng.choice(["senior", "middle"]), letter_no=f"宁督聘〔2023〕{i + 1:03d}号", **common)
        SupervisorTerm.objects.create(supervisor=s, number=6, starts_on=date(2023, 9, 1), ends_on=date(2026, 8, 31))
        if i < 3:  # three long-serving part-timers: this is their 4th consecutive term (warned)
            for n, start in ((3, 2014), (4, 2017), (5, 2020)):
                SupervisorTerm.objects.create(supervisor=s, number=n, starts_on=date(start, 9, 1), ends_on=date(start + 3, 8, 31))
        part_time.append(s)

    # Zones: 13 zones over the county's townships (county level), head + members each.
    schools = list(schools_for_office(office).order_by("region_code", "code"))
    towns = sorted({s.region_code[:9] for s in schools if len(s.region_code) == 9})
    groups = [towns[i::13] for i in range(13)]
    zone_names = ["玉潭", "城郊", "白马桥", "历经铺", "花明楼", "道林", "双凫铺", "灰汤", "横市", "沩山", "流沙河", "大成桥", "回龙铺"]
    zones = []
    ft = iter(full_time)
    pt = iter(part_time)
    for i, name in enumerate(zone_names):
        head = next(ft)
        members = [next(ft), *(next(pt) for _ in range(3))]
        if i < 3:
            members.append(next(ft))
        zone = Zone.objects.create(office=office, name=f"{name}督学责任区", level="county", head=head, office_address=f"宁乡市{name}")
        zone.members.set(members)
        zones.append(zone)
    for i, supervisor in enumerate([*ft, *pt]):  # everyone left joins a zone as a member
        zones[i % len(zones)].members.add(supervisor)
    for zone, group in zip(zones, groups, strict=True):
        for school in [s for s in schools if s.region_code[:9] in group]:
            ZoneSchool.objects.create(zone=zone, school=school)
    # Left in on purpose: zone 1 took over five schools of zone 13 and now has more than 20 …
    for membership in ZoneSchool.objects.filter(zone=zones[12]).order_by("school__code")[:5]:
        membership.zone = zones[0]
        membership.save()
    # … and four schools of zone 6 were never put into any zone.
    for membership in ZoneSchool.objects.filter(zone=zones[5]).order_by("-school__code")[:4]:
        membership.delete()

    # Assignments (挂牌): zone members share their zone's schools; a few schools are left without.
    start = date(2023, 9, 1)
    for zone in zones:
        team = [zone.head, *zone.members.all()]
        zone_school_list = list(School.objects.filter(zone_memberships__zone=zone).order_by("code"))
        for j, school in enumerate(zone_school_list):
            if zone is zones[1] and j >= len(zone_school_list) - 3:
                continue  # three schools without a responsible supervisor
            supervisor = team[0] if zone is zones[0] and j < 11 else team[j % len(team)]  # the head of zone 1 carries 11
            Assignment.objects.create(supervisor=supervisor, school=school, starts_on=start)
    # a reassignment with history: the first school changed hands on 1 March 2025
    first = Assignment.objects.filter(school__zone_memberships__zone=zones[2]).order_by("school__code").first()
    if first:
        from dudao.zones.services import assignment_reassign

        other = [m for m in zones[2].members.all() if m.pk != first.supervisor_id][0]
        assignment_reassign(school=first.school, to=other, on=date(2025, 3, 1), reason="督学分工调整")

    # Training: seed 002's county meeting (62 attendees) and this year's sessions for the 40-hour rule.
    meeting = TrainingSession.objects.create(office=office, topic="全县督学责任区工作培训会", held_on=date(2023, 8, 28),
                                             hours=Decimal("8"), mode="concentrated", organiser="宁乡市教育督导室",
                                             location="宁乡市教育局三楼会议室")
    training_attendance_set(session=meeting, supervisors=(full_time + part_time)[:62])
    year = date.today().year
    active = full_time[:] + part_time[:]
    for topic, month, hours, mode in (("挂牌督导规程与督导记录规范", 3, 16, "concentrated"),
                                      ("“双减”实地督导工作指引", 5, 16, "concentrated"),
                                      ("学校安全与校园周边治理专题", 9, 12, "concentrated"),
                                      ("教育督导法规政策网络研修", 6, 20, "online")):
        session = TrainingSession.objects.create(office=office, topic=topic, held_on=date(year, month, 12), hours=Decimal(hours),
                                                 mode=mode, organiser="宁乡市教育督导室", location="宁乡市教师进修学校")
        attendees = [s for i, s in enumerate(active) if (i + month) % 7 != 0]  # some miss a session: below 40 h
        training_attendance_set(session=session, supervisors=attendees)
    return {"created": True, "full_time": len(full_time), "part_time": len(part_time), "zones": len(zones)}


def link_demo_supervisor_accounts() -> None:
    """Give the demo supervisor accounts real supervisor records and assignments instead of listed schools."""
    nx_user = User.objects.get(username="nx_supervisor")
    if not hasattr(nx_user, "supervisor"):
        office = Office.objects.get(region__code="430182")
        record = Supervisor.objects.filter(office=office, kind="full_time", status="active").order_by("-appointed_on", "id").first()
        record.user, record.name = nx_user, "谢彩飞"
        record.save()
    nx_user.role_grants.filter(role="supervisor").first().schools.clear()
    ly_user = User.objects.get(username="ly_supervisor")
    if not hasattr(ly_user, "supervisor"):
        office = Office.objects.get(region__code="430181")
        record = supervisor_create(by=None, office=office, name="高阳", kind="full_time", level="county", gender="male",
                                   birth_date=date(1978, 5, 4), phone="13973100088", appointed_on=date(2022, 3, 1),
                                   background="principal", degree="bachelor", title="senior", user=ly_user)
        for school in School.objects.filter(region_code__startswith="430181", kind="primary").order_by("code")[:4]:
            Assignment.objects.create(supervisor=record, school=school, starts_on=date(2024, 9, 1))
    ly_user.role_grants.filter(role="supervisor").first().schools.clear()
    _link_city_supervisor()
    _link_province_supervisor()


def _link_city_supervisor() -> None:
    """cs_supervisor: a city-level (市级) responsible supervisor heading the city's zone of city-direct
    schools (市直学校), each assigned to them (挂牌)."""
    user = User.objects.get(username="cs_supervisor")
    if not hasattr(user, "supervisor"):
        office = Office.objects.get(region__code="4301")
        record = supervisor_create(by=None, office=office, name="欧阳明", kind="full_time", level="city", gender="male",
                                   birth_date=date(1972, 10, 8), phone="13807310066", appointed_on=date(2021, 9, 1),
                                   background="principal", degree="postgraduate", title="senior", user=user)
        zone = Zone.objects.create(office=office, name="市直学校督学责任区", level="city", head=record,
                                   office_address="长沙市教育局")
        for school in School.objects.filter(region_code__startswith="4301", is_city_direct=True).order_by("code")[:3]:
            ZoneSchool.objects.create(zone=zone, school=school)
            Assignment.objects.create(supervisor=record, school=school, starts_on=date(2024, 9, 1))
    user.role_grants.filter(role="supervisor").first().schools.clear()


# 随访: the province office sends its supervisors to schools it lists; they hold no zone.
PROVINCE_LISTED_COUNTIES = ("430103", "430111", "430121")  # 天心区, 雨花区, 长沙县: no demo team there


def _link_province_supervisor() -> None:
    """hn_supervisor: a supervisor of the province office (省级督学) who visits (随访) only the schools
    the office listed for them. Like every supervisor they record visits at assigned schools only
    (visits.services.visitable_schools), so the listed schools are their assignments; no zone."""
    user = User.objects.get(username="hn_supervisor")
    if not hasattr(user, "supervisor"):
        office = Office.objects.get(region__code="43")
        record = supervisor_create(by=None, office=office, name="贺文静", kind="full_time", level="province", gender="female",
                                   birth_date=date(1975, 4, 16), phone="13907310033", appointed_on=date(2022, 3, 1),
                                   background="administrator", degree="postgraduate", title="full_senior", user=user)
        for county in PROVINCE_LISTED_COUNTIES:
            school = School.objects.filter(region_code__startswith=county, kind=SchoolKind.PRIMARY).order_by("code").first()
            Assignment.objects.create(supervisor=record, school=school, starts_on=date(2025, 2, 17), reason="省督导室随访督导安排")
    user.role_grants.filter(role="supervisor").first().schools.clear()


def link_demo_school_account() -> School:
    """The demo school account (nx_school) is one of nx_supervisor's assigned schools, so that the
    chain visit → problem → notice → school reports → supervisor closes (核查销号) can be walked with
    the printed accounts. Returns the school."""
    supervisor = Supervisor.objects.get(user__username="nx_supervisor")
    assigned = School.objects.filter(assignments__in=Assignment.objects.current().filter(supervisor=supervisor)).order_by("code")
    school = assigned.filter(kind__in=[SchoolKind.PRIMARY, SchoolKind.JUNIOR]).first() or assigned.first()
    user = User.objects.get(username="nx_school")
    grant = user.role_grants.get(role=Role.SCHOOL_USER)
    if list(grant.schools.all()) != [school]:
        grant.schools.set([school])
    user.full_name = f"学校用户·{school.name}"
    user.save(update_fields=["full_name"])
    return school
