"""The 督政 world of the tests: the 宁乡 office's government units (from the region tree), two township
units A and B with one 政府单位用户 each, a small points framework easy to check by hand, and a 督政
campaign of the 宁乡 office over A and B with one team (the cast's supervisor leads it, one bureau
staff member without a role is a member; unit A is allocated to the team).

Framework "测试督政" v1 (points, total 20):
  A1 政府责任 (10)
    B1 经费投入    points 0–6
    B2 教师工资    yes_no 4 (是 = 4, 否 = 0), veto
  A2 办学水平 (10)
    B3 均衡发展    rubric 好 10 / 中 6 / 差 2
Grade bands: 优秀 ≥ 18, 良好 ≥ 15, 合格 ≥ 12, 不合格 ≥ 0.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from dudao.campaigns.models import Campaign, CampaignKind, CampaignState, MemberKind, Team, TeamMember
from dudao.frameworks.models import (
    Framework,
    FrameworkShape,
    FrameworkVersion,
    GradeBand,
    Indicator,
    ScoringType,
    VersionState,
    Weighting,
)
from dudao.governance import services
from dudao.governance.models import CampaignUnit, GovernmentUnit
from dudao.people.models import Role, User
from dudao.people.services import role_grant_add
from dudao.regions.models import Office, Region
from tests.personas import PASSWORD

SELF_DEADLINE = dt.date(2026, 9, 15)


@dataclass
class GovWorld:
    campaign: Campaign
    version: FrameworkVersion
    unit_a: GovernmentUnit
    unit_b: GovernmentUnit
    entry_a: CampaignUnit
    entry_b: CampaignUnit
    gov_a: User  # 政府单位用户 of unit A
    gov_b: User  # 政府单位用户 of unit B
    member: User  # bureau staff in the team (no role of their own)
    team: Team
    items: dict[str, Indicator]


def gov_version() -> FrameworkVersion:
    framework = Framework.objects.create(name="测试督政", shape=FrameworkShape.WEIGHTED, source="测试用",
                                         for_governments=True)
    version = FrameworkVersion.objects.create(framework=framework, number=1, state=VersionState.PUBLISHED,
                                              weighting=Weighting.POINTS, total_score=Decimal(20))
    a1 = Indicator.objects.create(version=version, code="A1", text="政府责任", level=1, order=1, max_score=10)
    a2 = Indicator.objects.create(version=version, code="A2", text="办学水平", level=1, order=4, max_score=10)
    Indicator.objects.create(version=version, parent=a1, code="B1", text="经费投入", level=2, order=2,
                             scoring=ScoringType.POINTS, max_score=6)
    Indicator.objects.create(version=version, parent=a1, code="B2", text="教师工资不低于公务员", level=2, order=3,
                             scoring=ScoringType.YES_NO, max_score=4, is_veto=True)
    Indicator.objects.create(version=version, parent=a2, code="B3", text="均衡发展", level=2, order=5,
                             scoring=ScoringType.RUBRIC, max_score=10,
                             levels=[{"label": "好", "score": 10}, {"label": "中", "score": 6},
                                     {"label": "差", "score": 2}])
    for order, (label, low) in enumerate([("优秀", 18), ("良好", 15), ("合格", 12), ("不合格", 0)]):
        GradeBand.objects.create(version=version, label=label, min_score=Decimal(low), order=order)
    return version


@pytest.fixture
def gov(cast) -> GovWorld:
    return build_gov(cast)


def build_gov(cast) -> GovWorld:
    """The world above on the persona cast (the browser tests build it on their committed cast)."""
    office = Office.objects.get(region__code="430182")
    services.units_from_regions(by=cast.county_staff, office=office)
    towns = list(Region.objects.filter(parent__code="430182").order_by("code")[:2])
    unit_a = GovernmentUnit.objects.get(region=towns[0])
    unit_b = GovernmentUnit.objects.get(region=towns[1])
    gov_a = User.objects.create_user(username="t_gov_a", password=PASSWORD, full_name="甲镇政府")
    gov_b = User.objects.create_user(username="t_gov_b", password=PASSWORD, full_name="乙镇政府")
    role_grant_add(user=gov_a, role=Role.GOVERNMENT_USER, government_unit=unit_a)
    role_grant_add(user=gov_b, role=Role.GOVERNMENT_USER, government_unit=unit_b)
    version = gov_version()
    campaign = Campaign.objects.create(
        kind=CampaignKind.GOVERNMENT, name="测试教育强镇督导验收", office=office, year=2026,
        framework_version=version, created_by=cast.county_staff, notice_date=dt.date(2026, 9, 1),
        self_deadline=SELF_DEADLINE, onsite_start=dt.date(2026, 9, 20), onsite_end=dt.date(2026, 10, 10),
        defence_deadline=dt.date(2026, 10, 20), rectification_deadline=dt.date(2026, 12, 31))
    services.campaign_units_set(by=cast.county_staff, campaign=campaign, units=[unit_a, unit_b])
    team = Team.objects.create(campaign=campaign, name="第一组")
    member = User.objects.create_user(username="t_gov_member", password=PASSWORD, full_name="机关干部")
    TeamMember.objects.create(team=team, user=cast.supervisor, kind=MemberKind.SUPERVISOR, is_leader=True)
    TeamMember.objects.create(team=team, user=member, kind=MemberKind.STAFF)
    entry_a = CampaignUnit.objects.get(campaign=campaign, unit=unit_a)
    entry_b = CampaignUnit.objects.get(campaign=campaign, unit=unit_b)
    services.unit_team_set(by=cast.county_staff, entry=entry_a, team=team)
    items = {i.code: i for i in version.indicators.all()}
    return GovWorld(campaign, version, unit_a, unit_b, entry_a, entry_b, gov_a, gov_b, member, team, items)


def move(world: GovWorld, state: str) -> None:
    """Put the campaign in `state` directly (the workflow itself is tested in test_workflow.py)."""
    Campaign.objects.filter(pk=world.campaign.pk).update(state=state)
    world.campaign.refresh_from_db()
    for entry in (world.entry_a, world.entry_b):
        entry.refresh_from_db()


def png_upload(name: str = "自评佐证.png") -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (40, 30), "#c33").save(out, "PNG")
    return SimpleUploadedFile(name, out.getvalue(), content_type="image/png")


__all__ = ["SELF_DEADLINE", "CampaignState", "GovWorld", "build_gov", "move", "png_upload"]
