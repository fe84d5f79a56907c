"""The small case every bulletin test uses, small enough to check by hand.

The 宁乡 office's campaign "测试宁乡综合督导" (tests/campaigns/conftest.py) over A1, A2, A3, seen on
2026-11-01 (`TODAY`):

- results: A1 18.00 优秀 (1st), A2 15.00 良好 (2nd), A3 10.00 不合格 (3rd);
- 自查 (deadline 2026-09-15): A1 on time, A2 late (09-20), A3 never;
- findings of the campaign: A1 two closed; A2 one in progress (deadline 2026-12-01) and one overdue
  (notified, deadline 2026-10-15); A3 one overdue (in progress, deadline 2026-10-20) and one
  cancelled (left out) → 5 findings, 2 closed, 2 overdue, 整改率 2 / 5 = 40.0%;
- one complaint about A2 (2026-10-05), one campaign visit to A3 refused (拒绝阻挠, 2026-10-08).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from dudao.campaigns.models import CampaignState, SchoolResult, SelfInspection, SelfInspectionState
from dudao.complaints.models import Complaint
from dudao.findings.models import Finding, FindingSource, FindingState
from dudao.regions.models import Office
from dudao.visits.models import Visit, VisitBasis, VisitStatus
from tests.campaigns.conftest import county_campaign, small_version  # noqa: F401 - fixtures
from tests.visits.conftest import make_supervisor, ningxiang, quota_defaults, record  # noqa: F401 - fixtures

TODAY = dt.date(2026, 11, 1)


def _at(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


@pytest.fixture
def office(cast):
    return Office.objects.get(region__code="430182")


@pytest.fixture
def world(cast, office, county_campaign):  # noqa: F811 - the fixture above
    return fill_world(cast, office, county_campaign)


def campaign_for(cast, version):
    """tests/campaigns/conftest.py's `county_campaign`, for a test without the `cast` fixture (browser)."""
    from dudao.campaigns.models import Campaign, CampaignKind, CampaignSchool

    campaign = Campaign.objects.create(
        kind=CampaignKind.COMPREHENSIVE, name="测试宁乡综合督导", office=Office.objects.get(region__code="430182"),
        year=2026, framework_version=version, created_by=cast.county_staff, notice_date=dt.date(2026, 9, 1),
        self_deadline=dt.date(2026, 9, 15), onsite_start=dt.date(2026, 9, 20), onsite_end=dt.date(2026, 10, 10))
    for school in (cast.A1, cast.A2, cast.A3):
        CampaignSchool.objects.create(campaign=campaign, school=school)
    return campaign


def fill_world(cast, office, campaign):
    """The results, 自查, findings, complaint and refused visit of the module docstring."""
    campaign.state = CampaignState.RECTIFICATION
    campaign.save(update_fields=["state"])
    for rank, (school, total, grade) in enumerate(
            [(cast.A1, "18.00", "优秀"), (cast.A2, "15.00", "良好"), (cast.A3, "10.00", "不合格")], start=1):
        SchoolResult.objects.create(campaign=campaign, school=school, verified_total=Decimal(total), grade=grade,
                                    rank=rank, computed_at=_at(dt.date(2026, 10, 12)))
    SelfInspection.objects.create(campaign=campaign, school=cast.A1, state=SelfInspectionState.SUBMITTED,
                                  submitted_at=_at(dt.date(2026, 9, 14)))
    SelfInspection.objects.create(campaign=campaign, school=cast.A2, state=SelfInspectionState.SUBMITTED,
                                  submitted_at=_at(dt.date(2026, 9, 20)))

    def finding(school, state, deadline, text):
        return Finding.objects.create(
            office=office, school=school, region=school.region, unit_name=school.name, source=FindingSource.CAMPAIGN,
            source_data={"campaign": campaign.pk}, category="safety", description=text, requirement="立即整改",
            found_on=dt.date(2026, 9, 25), deadline=deadline, state=state)

    finding(cast.A1, FindingState.CLOSED, dt.date(2026, 10, 25), "消防通道堆放杂物")
    finding(cast.A1, FindingState.CLOSED, dt.date(2026, 10, 25), "食堂留样记录不全")
    finding(cast.A2, FindingState.IN_PROGRESS, dt.date(2026, 12, 1), "课表与实际不一致")
    finding(cast.A2, FindingState.NOTIFIED, dt.date(2026, 10, 15), "作业公示缺失")
    finding(cast.A3, FindingState.IN_PROGRESS, dt.date(2026, 10, 20), "校门口无护学岗")
    finding(cast.A3, FindingState.CANCELLED, dt.date(2026, 10, 20), "经核实不属实的问题")
    Complaint.objects.create(school=cast.A2, office=office, tracking_code="TESTBUL00001", category="charges",
                             text="收取资料费", received_at=_at(dt.date(2026, 10, 5)), response_due=dt.date(2026, 10, 20))
    Visit.objects.create(school=cast.A3, basis=VisitBasis.CAMPAIGN, basis_ref=f"campaign:{campaign.pk}",
                         status=VisitStatus.SUBMITTED, started_at=_at(dt.date(2026, 10, 8)),
                         visit_date=dt.date(2026, 10, 8), refused=True, refusal_note="拒绝提供资料",
                         created_by=cast.county_staff)
    return campaign
