"""On-site inspection (campaigns/onsite.py): a team member's visit of basis "campaign" with the
framework's items, Score rows written once, who may, 暗访, the leader's reconciled score."""

from __future__ import annotations

import uuid
from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dudao.campaigns.models import CampaignState, SchoolTie, Score, ScoreKind
from dudao.campaigns.onsite import (
    member_may_inspect,
    my_schools_to_inspect,
    onsite_reconcile,
    onsite_save,
    reconcile_rows,
)
from dudao.visits.models import Visit, VisitBasis, VisitMode, VisitStatus, VisitTally
from tests.campaigns.onsite_support import Onsite, answers, build_onsite, data_for


def _scores(o: Onsite, school, rater) -> dict[str, tuple]:
    return {s.indicator.code: (s.value, s.choice, s.visit_id) for s in
            Score.objects.filter(campaign=o.campaign, school=school, rater=rater, kind=ScoreKind.ONSITE)
            .select_related("indicator")}

@pytest.fixture
def onsite(cast, county_campaign) -> Onsite:
    return build_onsite(cast, county_campaign)


def test_a_member_without_a_supervisor_record_records_and_submits_an_inspection(cast, onsite):
    o = onsite
    cid = uuid.uuid4()
    visit, created = onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1, cid))
    assert created and visit.status == VisitStatus.DRAFT
    assert (visit.basis, visit.basis_ref, visit.supervisor_id, visit.created_by_id) == (
        VisitBasis.CAMPAIGN, f"campaign:{o.campaign.pk}", None, o.rater.pk)
    # location evidence: about 111 m north of the school's coordinates, server time recorded
    assert visit.location_status == "ok" and 100 <= visit.distance_m <= 120
    assert abs(visit.started_at - timezone.now()) < timedelta(minutes=1)
    assert not Score.objects.exists()  # a draft writes no score
    visit, created = onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1,
                                 data=data_for(o, cast.A1, cid, answers=answers(o, note="年检记录缺 2025 年")), submit=True)
    assert not created and visit.status == VisitStatus.SUBMITTED
    assert _scores(o, cast.A1, o.rater) == {"B1": (Decimal("5.00"), "", visit.pk), "B2": (Decimal("4.00"), "yes", visit.pk),
                                            "B3": (Decimal("6.00"), "中", visit.pk)}
    assert Score.objects.get(indicator=o.items["B1"]).note == "年检记录缺 2025 年"
    assert not VisitTally.objects.exists()  # counts toward no quota


def test_the_same_submission_twice_writes_one_set_of_rows(cast, onsite):
    o = onsite
    cid = uuid.uuid4()
    first, _ = onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1, cid), submit=True)
    again, created = onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1,
                                 data=data_for(o, cast.A1, cid, answers=answers(o, b1="1")), submit=True)
    assert again.pk == first.pk and not created
    assert Visit.objects.filter(client_id=cid).count() == 1
    assert Score.objects.filter(kind=ScoreKind.ONSITE).count() == 3
    assert _scores(o, cast.A1, o.rater)["B1"][0] == Decimal("5.00")  # the retry changed nothing


def test_a_second_visit_of_the_same_rater_replaces_their_scores_and_never_duplicates(cast, onsite):
    o = onsite
    onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1), submit=True)
    later, _ = onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1,
                           data=data_for(o, cast.A1, answers=answers(o, b1="2", b2="no", b3="差")), submit=True)
    assert _scores(o, cast.A1, o.rater) == {"B1": (Decimal("2.00"), "", later.pk), "B2": (Decimal("0.00"), "no", later.pk),
                                            "B3": (Decimal("2.00"), "差", later.pk)}
    assert Score.objects.filter(kind=ScoreKind.ONSITE).count() == 3


def test_answers_are_checked_per_scoring_type_and_all_are_needed_to_submit(cast, onsite):
    o = onsite
    cid = uuid.uuid4()
    with pytest.raises(ValidationError) as bad:
        onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1,
                    data=data_for(o, cast.A1, cid, answers=answers(o, b1="7", b2="maybe", b3="优")))
    assert bad.value.message_dict["answers"] == ["B1：得分应在 0 到 6 之间。", "B2：请选择“是”或“否”。", "B3：请选择列出的等级。"]
    # a draft may leave items empty; the submission may not
    onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1, cid, answers=answers(o, b3=None)))
    with pytest.raises(ValidationError) as missing:
        onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1,
                    data=data_for(o, cast.A1, cid, answers=answers(o, b3=None)), submit=True)
    assert missing.value.message_dict["answers"] == ["B3：请填写评分。"]
    assert Visit.objects.get(client_id=cid).status == VisitStatus.DRAFT and not Score.objects.exists()


@pytest.mark.parametrize("who", ["county_staff", "supervisor", "other_team", "admin"])
def test_only_members_of_the_schools_team_may_inspect(cast, onsite, who):
    o = onsite
    user = o.other if who == "other_team" else getattr(cast, who)
    assert not member_may_inspect(user, o.campaign, cast.A1)
    with pytest.raises(PermissionDenied, match="只有该校所在督查组的成员可以实地核查。"):
        onsite_save(by=user, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1))
    assert not Visit.objects.exists()


def test_the_second_team_inspects_its_own_school_only(cast, onsite):
    o = onsite
    assert member_may_inspect(o.other, o.campaign, cast.A3) and not member_may_inspect(o.rater, o.campaign, cast.A3)
    visit, _ = onsite_save(by=o.other, campaign=o.campaign, school=cast.A3, data=data_for(o, cast.A3), submit=True)
    assert visit.status == VisitStatus.SUBMITTED and Score.objects.filter(school=cast.A3, rater=o.other).count() == 3


@pytest.mark.parametrize("when", ["before_phase", "after_window", "before_window", "after_phase"])
def test_outside_the_onsite_phase_nothing_is_recorded(cast, onsite, when):
    o = onsite
    today = timezone.localdate()
    cid = uuid.uuid4()
    onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1, cid))  # a draft, in time
    if when == "before_phase":
        o.campaign.state = CampaignState.SELF_INSPECTION
    elif when == "after_phase":
        o.campaign.state = CampaignState.PRELIMINARY
    elif when == "after_window":
        o.campaign.onsite_end = today - timedelta(days=1)
    else:
        o.campaign.onsite_start = today + timedelta(days=1)
    o.campaign.save()
    with pytest.raises(PermissionDenied, match="该督导项目不在实地督导阶段，不能填写核查记录。"):
        onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1, cid), submit=True)
    assert Visit.objects.get(client_id=cid).status == VisitStatus.DRAFT and not Score.objects.exists()


def test_a_member_tied_to_the_school_does_not_inspect_it(cast, onsite):
    o = onsite
    SchoolTie.objects.create(user=o.rater, school=cast.A2, note="曾在该校任教")
    assert member_may_inspect(o.rater, o.campaign, cast.A1) and not member_may_inspect(o.rater, o.campaign, cast.A2)
    with pytest.raises(PermissionDenied, match="回避"):
        onsite_save(by=o.rater, campaign=o.campaign, school=cast.A2, data=data_for(o, cast.A2))
    rows = {r.entry.school.name: r for r in my_schools_to_inspect(o.rater)}
    assert rows["测试宁乡二中"].tied and not rows["测试宁乡一小"].tied


def test_an_unannounced_campaign_fixes_the_visits_mode(cast, onsite):
    o = onsite
    o.campaign.unannounced = True
    o.campaign.save()
    visit, _ = onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1, mode=VisitMode.ANNOUNCED))
    assert visit.mode == VisitMode.UNANNOUNCED


def test_a_client_id_of_another_record_is_refused(cast, onsite):
    o = onsite
    cid = uuid.uuid4()
    onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1, cid))
    with pytest.raises(ValidationError, match="这个编号已用于另一条记录。"):
        onsite_save(by=o.rater, campaign=o.campaign, school=cast.A2, data=data_for(o, cast.A2, cid))


def test_the_leader_reconciles_seeing_the_raters_spread(cast, onsite):
    o = onsite
    onsite_save(by=o.rater, campaign=o.campaign, school=cast.A1, data=data_for(o, cast.A1), submit=True)
    onsite_save(by=o.second, campaign=o.campaign, school=cast.A1,
                data=data_for(o, cast.A1, answers=answers(o, b1="2", b2="no", b3="好")), submit=True)
    rows = {r.item.code: r for r in reconcile_rows(o.campaign, cast.A1)}
    # B1: 5 and 2 → spread 3, mean 3.5; B2: 4 and 0; B3: 6 and 10
    assert (rows["B1"].low, rows["B1"].high, rows["B1"].spread, rows["B1"].average) == (2, 5, 3, Decimal("3.5"))
    assert (rows["B2"].spread, rows["B3"].spread, rows["B3"].average) == (4, 4, Decimal("8"))
    assert len(rows["B1"].raters) == 2 and rows["B1"].reconciled is None
    with pytest.raises(PermissionDenied, match="只有该校所在督查组的组长可以核定评分。"):
        onsite_reconcile(by=o.rater, campaign=o.campaign, school=cast.A1, values=answers(o))
    with pytest.raises(PermissionDenied):
        onsite_reconcile(by=o.other, campaign=o.campaign, school=cast.A1, values=answers(o))  # another team's leader
    assert onsite_reconcile(by=o.leader, campaign=o.campaign, school=cast.A1, values=answers(o, b1="4", b2="yes", b3="好")) == 3
    assert onsite_reconcile(by=o.leader, campaign=o.campaign, school=cast.A1, values=answers(o, b1="4.5", b2="yes", b3="好")) == 3
    reconciled = {s.indicator.code: (s.value, s.choice) for s in
                  Score.objects.filter(kind=ScoreKind.RECONCILED).select_related("indicator")}
    assert reconciled == {"B1": (Decimal("4.50"), ""), "B2": (Decimal("4.00"), "yes"), "B3": (Decimal("10.00"), "好")}
    assert Score.objects.filter(kind=ScoreKind.ONSITE).count() == 6  # the raters' rows stay


def test_my_schools_lists_the_teams_schools_and_my_records(cast, onsite):
    o = onsite
    draft, _ = onsite_save(by=o.rater, campaign=o.campaign, school=cast.A2, data=data_for(o, cast.A2))
    rows = {r.entry.school.name: r for r in my_schools_to_inspect(o.rater)}
    assert set(rows) == {"测试宁乡一小", "测试宁乡二中"}
    assert rows["测试宁乡二中"].draft == draft and rows["测试宁乡一小"].draft is None
    assert all(r.open and not r.is_leader for r in rows.values())
    assert {r.entry.school.name for r in my_schools_to_inspect(o.other)} == {"测试宁乡三幼"}
    assert my_schools_to_inspect(cast.county_staff) == []
    o.campaign.state = CampaignState.SELF_INSPECTION
    o.campaign.save()
    assert my_schools_to_inspect(o.rater) == []
