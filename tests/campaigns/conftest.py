"""Shared fixtures of the campaign tests: a small weighted framework whose figures are easy to
check by hand, and a campaign of the 宁乡 county office over the cast's schools A1, A2, A3.

Framework "测试综合评价" v1 (points, total 20):
  A1 办学条件 (10)
    B1 校舍安全    points 0–6
    B2 消防器材    yes_no 4 (yes = 4, no = 0), veto
  A2 教育教学 (10)
    B3 课程开设    rubric 好 10 / 中 6 / 差 2
Grade bands: 优秀 ≥ 18, 良好 ≥ 15, 合格 ≥ 12, 不合格 ≥ 0.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest

from dudao.campaigns.models import Campaign, CampaignKind, CampaignSchool
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
from dudao.regions.models import Office


@pytest.fixture
def small_version(db) -> FrameworkVersion:
    framework = Framework.objects.create(name="测试综合评价", shape=FrameworkShape.WEIGHTED, source="测试用")
    version = FrameworkVersion.objects.create(framework=framework, number=1, state=VersionState.PUBLISHED,
                                              weighting=Weighting.POINTS, total_score=Decimal(20))
    a1 = Indicator.objects.create(version=version, code="A1", text="办学条件", level=1, order=1, max_score=10)
    a2 = Indicator.objects.create(version=version, code="A2", text="教育教学", level=1, order=4, max_score=10)
    Indicator.objects.create(version=version, parent=a1, code="B1", text="校舍安全", level=2, order=2,
                             scoring=ScoringType.POINTS, max_score=6, evidence=["校舍安全年检记录"])
    Indicator.objects.create(version=version, parent=a1, code="B2", text="消防器材是否配齐有效", level=2, order=3,
                             scoring=ScoringType.YES_NO, max_score=4, is_veto=True)
    Indicator.objects.create(version=version, parent=a2, code="B3", text="课程开设", level=2, order=5,
                             scoring=ScoringType.RUBRIC, max_score=10,
                             levels=[{"label": "好", "descriptor": "开齐开足", "score": 10},
                                     {"label": "中", "descriptor": "基本开齐", "score": 6},
                                     {"label": "差", "descriptor": "未开齐", "score": 2}])
    for order, (label, low) in enumerate([("优秀", 18), ("良好", 15), ("合格", 12), ("不合格", 0)]):
        GradeBand.objects.create(version=version, label=label, min_score=Decimal(low), order=order)
    return version


@pytest.fixture
def county_campaign(cast, small_version) -> Campaign:
    """A draft 综合督导 of the 宁乡 office over A1, A2, A3 (the county staff persona's schools)."""
    office = Office.objects.get(region__code="430182")
    campaign = Campaign.objects.create(
        kind=CampaignKind.COMPREHENSIVE, name="测试宁乡综合督导", office=office, year=2026,
        framework_version=small_version, created_by=cast.county_staff,
        notice_date=dt.date(2026, 9, 1), self_deadline=dt.date(2026, 9, 15),
        onsite_start=dt.date(2026, 9, 20), onsite_end=dt.date(2026, 10, 10),
    )
    for school in (cast.A1, cast.A2, cast.A3):
        CampaignSchool.objects.create(campaign=campaign, school=school)
    return campaign
