"""The dashboard tests' small case: the hand case of scoring_support on the county campaign, with two
teams and one submitted self-inspection, results computed.

第一组 (leader: the supervisor persona): A1, A2 — A1 submitted its self-inspection, A2 has a draft;
第二组 (no members): A3 — nothing.

By hand (tests/campaigns/scoring_support.py): A1 verified 4 + 4 + 7.33 = 15.33 良好, one flag (B3 self 10 >
7.33 + 2); A2 6 + 0 + 10 = 16.00 but B2 (veto) 否 → 不合格, vetoed, one flag (B2 self 是, verified 否); A3 no
result figures. 第一组: 2 schools, 1 submitted, 2 scored, 2 results, mean (15.33 + 16.00) / 2 = 15.665 →
15.67, 1 vetoed, 良好 1 不合格 1. 第二组: 1 school, nothing else but its (empty) result row.
Weakest items (mean verified ÷ max over A1, A2): B2 (4 + 0) / 8 = 0.5; B1 (4 + 6) / 12 = 0.8333;
B3 (7.33 + 10) / 20 = 0.8665.
"""

from __future__ import annotations

from django.utils import timezone

from dudao.campaigns.models import CampaignSchool, SelfInspection, Team, TeamMember
from dudao.campaigns.results import campaign_results_compute
from tests.campaigns.scoring_support import hand_case


def dashboard_case(campaign, cast):
    hand_case(campaign, cast)
    first = Team.objects.create(campaign=campaign, name="第一组", order=1)
    second = Team.objects.create(campaign=campaign, name="第二组", order=2)
    TeamMember.objects.create(team=first, user=cast.supervisor, kind="supervisor", is_leader=True)
    CampaignSchool.objects.filter(campaign=campaign, school__in=[cast.A1, cast.A2]).update(team=first)
    CampaignSchool.objects.filter(campaign=campaign, school=cast.A3).update(team=second)
    SelfInspection.objects.create(campaign=campaign, school=cast.A1, state="submitted", submitted_at=timezone.now(),
                                  report="已自查")
    SelfInspection.objects.create(campaign=campaign, school=cast.A2, state="draft")
    campaign_results_compute(campaign=campaign)
    return first, second
