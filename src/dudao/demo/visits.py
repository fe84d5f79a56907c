"""A year of routine visits for 宁乡市, with realistic gaps (issue [3] demo data).

Most supervisors meet seed 001's four visits a month; a few fall behind, a few schools were never
visited, some visits found problems with a requirement and a deadline, and one school refused.
"""

from __future__ import annotations

import random
import uuid
from datetime import date, datetime, time, timedelta
from decimal import Decimal

from django.utils import timezone

from dudao.regions.models import Office
from dudao.supervisors.models import Supervisor
from dudao.visits.models import Visit, VisitProblem
from dudao.zones.models import Assignment

METHODS = ["class_observation", "document_review", "meeting", "interview", "questionnaire", "patrol"]
TOPICS = [f"supervision_item:{i}" for i in range(1, 9)] + ["visit_focus:safety", "visit_focus:conduct", "visit_focus:balanced"]
NARRATIVES = [
    "随堂听课两节，课堂秩序良好；查阅了教学计划和作业批改记录，作业量符合“双减”要求。",
    "巡视校园和食堂，食堂留样记录完整；发现实验室灭火器过期。",
    "列席学校行政会，了解秋季开学准备情况；与部分家长座谈，家长反映课后服务安排合理。",
    "查阅经费使用台账和绩效工资发放表，账目清楚；学生宿舍消防通道堆放杂物。",
    "推门听课一节，教师备课充分；体育课开足开齐，大课间活动正常开展。",
]
PROBLEMS = [
    ("safety", "实验室灭火器已过有效期", "立即更换过期消防器材，建立月检台账", 15),
    ("hygiene", "食堂留样柜温度记录不全", "完善食品留样和温度记录，指定专人负责", 10),
    ("safety", "宿舍消防通道堆放杂物", "当日清理通道，落实宿管巡查制度", 3),
    ("workload", "个别班级书面作业超过规定时长", "按“双减”要求调整作业设计，建立作业公示制度", 30),
    ("management", "校务公开栏内容未及时更新", "每月更新校务公开内容并留存记录", 20),
]


def build_ningxiang_visits(seed: int = 2026, today: date | None = None) -> int:
    """Idempotent: does nothing if 宁乡's visits exist."""
    office = Office.objects.get(region__code="430182")
    if Visit.objects.filter(supervisor__office=office).exists():
        return 0
    today = today or timezone.localdate()
    rng = random.Random(seed)
    start = (today.replace(day=1) - timedelta(days=330)).replace(day=1)
    supervisors = list(Supervisor.objects.filter(office=office, status="active").exclude(user__isnull=True).order_by("id")) + list(
        Supervisor.objects.filter(office=office, status="active", user__isnull=True).order_by("id"))
    creator = _office_user(office)
    behind = {s.pk for s in supervisors[5:9]}  # four supervisors who fall behind
    never = set(Assignment.objects.filter(supervisor__office=office, ends_on__isnull=True).order_by("-school__code")
                .values_list("school_id", flat=True)[:3])  # three schools nobody visits
    visits: list[Visit] = []
    problems: list[tuple[int, tuple]] = []
    for supervisor in supervisors:
        for month_start in _months(start, today):
            month_end = min(_month_end(month_start), today)
            schools = list(Assignment.objects.current(month_start).filter(supervisor=supervisor).exclude(school_id__in=never)
                           .select_related("school"))
            if not schools:
                continue
            count = rng.choice([1, 2]) if supervisor.pk in behind else rng.choice([4, 4, 5, 6])
            days = [d for d in _days(month_start, month_end) if d.weekday() < 5]
            if not days:
                continue
            for n in range(count):
                assignment = schools[n % len(schools)]
                day = rng.choice(days)
                school = assignment.school
                started = timezone.make_aware(datetime.combine(day, time(rng.randint(8, 14), rng.choice([0, 15, 30, 45]))))
                near = school.latitude is not None and rng.random() < 0.9
                visit = Visit(
                    client_id=uuid.UUID(int=rng.getrandbits(128)), supervisor=supervisor, school=school,
                    mode="unannounced" if rng.random() < 0.2 else "announced", status="submitted",
                    started_at=started, ended_at=started + timedelta(hours=rng.randint(2, 6)), visit_date=day,
                    device_started_at=started, latitude=school.latitude + Decimal("0.0004") if near else None,
                    longitude=school.longitude if near else None, location_status="ok" if near else "denied",
                    distance_m=rng.randint(20, 120) if near else None,
                    methods=rng.sample(METHODS, rng.randint(2, 4)), topics=rng.sample(TOPICS, rng.randint(2, 4)),
                    narrative=rng.choice(NARRATIVES), opinions="请学校对照问题清单及时整改，并将整改情况报责任督学。",
                    submitted_at=started + timedelta(hours=6), created_by=supervisor.user or creator,
                )
                visits.append(visit)
                if rng.random() < 0.25:
                    problems.append((len(visits) - 1, rng.choice(PROBLEMS)))
    if visits:
        visits[len(visits) // 2].refused = True
        visits[len(visits) // 2].refusal_note = "学校以“资料在整理”为由拒绝提供收费台账。"
    Visit.objects.bulk_create(visits, batch_size=1000)
    VisitProblem.objects.bulk_create([
        VisitProblem(visit=visits[i], category=cat, description=desc, requirement=req, deadline=visits[i].visit_date + timedelta(days=days))
        for i, (cat, desc, req, days) in problems
    ])
    return len(visits)


def _office_user(office: Office):
    from dudao.people.models import RoleGrant

    grant = RoleGrant.objects.filter(office=office, role="office_staff").select_related("user").first()
    return grant.user


def _months(start: date, end: date):
    month = start
    while month <= end:
        yield month
        month = (month.replace(day=28) + timedelta(days=4)).replace(day=1)


def _month_end(month: date) -> date:
    return (month.replace(day=28) + timedelta(days=4)).replace(day=1) - timedelta(days=1)


def _days(start: date, end: date):
    day = start
    while day <= end:
        yield day
        day += timedelta(days=1)
