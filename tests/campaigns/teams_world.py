"""People of the team tests, on the cast (tests/personas.py) and `county_campaign` (A1, A2, A3):

- 张督学: a 宁乡 supervisor (record + account), 挂牌 at A1 since 2026-01-01 → must avoid A1.
- 宁乡领导 (the county_leader persona): bureau staff, no supervisor record.
- 评估公司甲: a 第三方评估机构 account listed on A3 (so the 宁乡 office manages it).

A1 is registered at a township of 宁乡; A2 and A3 at the county (one group: 宁乡市（直属）).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from dudao.people.models import Role, User
from dudao.people.services import role_grant_add
from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.zones.services import assignment_create
from tests.personas import PASSWORD


@dataclass
class World:
    office: Office
    inspector: User  # 张督学
    staff: User  # 宁乡领导
    third: User  # 评估公司甲


def build_world(cast) -> World:
    office = Office.objects.get(region__code="430182")
    inspector = User.objects.create_user(username="t_zhang", password=PASSWORD, full_name="张督学")
    record = supervisor_create(by=None, office=office, name="张督学", kind="full_time", level="county",
                               phone="13800000001", user=inspector)
    assignment_create(supervisor=record, school=cast.A1, starts_on=dt.date(2026, 1, 1))
    third = User.objects.create_user(username="t_third", password=PASSWORD, full_name="评估公司甲", phone="13900000003")
    role_grant_add(user=third, role=Role.EVALUATOR, schools=[cast.A3])
    return World(office=office, inspector=inspector, staff=cast.county_leader, third=third)
