"""Set-up of the on-site inspection tests: the shared `county_campaign` (A1, A2, A3 of 宁乡, the small
framework B1 points 0–6, B2 yes/no 4, B3 rubric 好 10 / 中 6 / 差 2) put in its on-site phase, two
teams, and members without a supervisor record (bureau staff, a third party) besides a supervisor.

- 第一组 (A1, A2): 刘组长 (leader, 普教 staff), 王评估 (third party), the cast's outsider (浏阳 supervisor)
- 第二组 (A3): 赵组员 (staff)
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import timedelta
from decimal import Decimal

from django.utils import timezone

from dudao.campaigns.models import Campaign, CampaignSchool, CampaignState, MemberKind, Team, TeamMember
from dudao.people.models import User
from dudao.visits.services import VisitInput


@dataclass
class Onsite:
    campaign: Campaign
    team1: Team
    team2: Team
    leader: User
    rater: User
    second: User  # a supervisor of 浏阳 in the first team (the cast's outsider)
    other: User  # the second team's member
    items: dict  # code -> Indicator


def build_onsite(cast, county_campaign) -> Onsite:
    """Each on-site test module's `onsite` fixture: `build_onsite(cast, county_campaign)`."""
    today = timezone.localdate()
    campaign = county_campaign
    campaign.state = CampaignState.ONSITE
    campaign.onsite_start, campaign.onsite_end = today - timedelta(days=1), today + timedelta(days=10)
    campaign.save()
    leader = User.objects.create_user("zuzhang", password="Test-pass-2026", full_name="刘组长")
    rater = User.objects.create_user("pinggu", password="Test-pass-2026", full_name="王评估")
    other = User.objects.create_user("zuyuan", password="Test-pass-2026", full_name="赵组员")
    team1 = Team.objects.create(campaign=campaign, name="第一组", order=1)
    team2 = Team.objects.create(campaign=campaign, name="第二组", order=2)
    TeamMember.objects.create(team=team1, user=leader, kind=MemberKind.STAFF, section="普教", is_leader=True)
    TeamMember.objects.create(team=team1, user=rater, kind=MemberKind.THIRD_PARTY, section="某评估公司")
    TeamMember.objects.create(team=team1, user=cast.outsider, kind=MemberKind.SUPERVISOR)
    TeamMember.objects.create(team=team2, user=other, kind=MemberKind.STAFF, section="纪检监察", is_leader=True)
    CampaignSchool.objects.filter(campaign=campaign, school__in=[cast.A1, cast.A2]).update(team=team1)
    CampaignSchool.objects.filter(campaign=campaign, school=cast.A3).update(team=team2)
    cast.A1.latitude, cast.A1.longitude = Decimal("28.250000"), Decimal("112.550000")
    cast.A1.save()
    items = {i.code: i for i in campaign.framework_version.indicators.all()}
    return Onsite(campaign, team1, team2, leader, rater, cast.outsider, other, items)


def answers(o: Onsite, b1="5", b2="yes", b3="中", note="") -> dict:
    out = {}
    if b1 is not None:
        out[str(o.items["B1"].pk)] = {"value": b1, "note": note}
    if b2 is not None:
        out[str(o.items["B2"].pk)] = {"choice": b2}
    if b3 is not None:
        out[str(o.items["B3"].pk)] = {"choice": b3}
    return out


def data_for(o: Onsite, school, client_id=None, **kw) -> VisitInput:
    return VisitInput(client_id=client_id or uuid.uuid4(), school=school, latitude=Decimal("28.251000"),
                      longitude=Decimal("112.550000"), location_accuracy_m=20, location_status="ok",
                      answers=kw.pop("answers", None) if "answers" in kw else answers(o), **kw)
