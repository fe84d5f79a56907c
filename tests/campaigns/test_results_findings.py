"""Every problem of a campaign becomes a finding in the one ledger, exactly once; re-inspection
updates the result (the hand case of tests/campaigns/scoring_support.py)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dudao.campaigns.models import SchoolResult, Score, ScoreKind
from dudao.campaigns.results import campaign_findings_create, campaign_results_compute, reinspection_record
from dudao.findings.models import Finding, FindingSeverity, FindingSource
from tests.campaigns.scoring_support import hand_case, items


@pytest.fixture
def inspected(county_campaign, cast):
    hand_case(county_campaign, cast)
    county_campaign.rectification_deadline = date(2030, 12, 31)
    county_campaign.save()
    return county_campaign


def test_problems_become_findings_once(inspected, cast):
    created, skipped = campaign_findings_create(campaign=inspected, by=cast.county_staff)
    assert skipped == 0
    rows = Finding.objects.filter(source=FindingSource.CAMPAIGN).order_by("school_id")
    # A1 B1: 4 of 6 with a rater's note; A2 B2: 否 on a veto item. A1 B3 (7.33 of 10, no note) is none.
    assert [(f.school_id, f.source_data["code"]) for f in rows] == [(cast.A1.pk, "B1"), (cast.A2.pk, "B2")]
    b1 = rows.get(school=cast.A1)
    assert b1.description == "B1 校舍安全（核查得分 4 / 6）\n安全台账不全"
    assert b1.severity == FindingSeverity.NORMAL and b1.office == inspected.office
    assert b1.deadline == date(2030, 12, 31) and b1.source_label == inspected.name
    veto = rows.get(school=cast.A2)
    assert veto.description.startswith("【一票否决】B2 消防器材是否配齐有效（核查结果：否）")
    assert veto.severity == FindingSeverity.CRITICAL
    assert {e.action for e in veto.events.all()} == {"created"}  # the ledger's own workflow starts
    # again: nothing new
    again, skipped = campaign_findings_create(campaign=inspected, by=cast.county_staff)
    assert again == [] and skipped == 2
    assert Finding.objects.filter(source=FindingSource.CAMPAIGN).count() == 2


def test_a_new_problem_after_the_first_run_is_added_alone(inspected, cast):
    campaign_findings_create(campaign=inspected, by=cast.county_staff)
    # a re-inspection finds B3 at A1 poor (差 = 2 of 10)
    reinspection_record(by=cast.county_staff, campaign=inspected, school_id=cast.A1.pk,
                        indicator_id=items(inspected)["B3"].pk, choice="差")
    created, skipped = campaign_findings_create(campaign=inspected, by=cast.county_staff)
    assert [f.source_data["code"] for f in created] == ["B3"] and skipped == 2
    assert Finding.objects.filter(source=FindingSource.CAMPAIGN).count() == 3


def test_only_the_office_creates_the_findings(inspected, cast):
    for persona in (cast.county_leader, cast.supervisor, cast.school_user):
        with pytest.raises(PermissionDenied):
            campaign_findings_create(campaign=inspected, by=persona)
    assert not Finding.objects.exists()


def test_reinspection_updates_the_result_and_the_ranking(inspected, cast):
    campaign_results_compute(campaign=inspected)
    # A2 fixed its fire equipment: 是 at re-inspection lifts the veto; 16 → 20 and rank 1
    reinspection_record(by=cast.county_staff, campaign=inspected, school_id=cast.A2.pk,
                        indicator_id=items(inspected)["B2"].pk, choice="yes", note="已配齐")
    a1 = SchoolResult.objects.get(campaign=inspected, school=cast.A1)
    a2 = SchoolResult.objects.get(campaign=inspected, school=cast.A2)
    assert (a2.verified_total, a2.grade, a2.vetoed, a2.rank, a2.flag_count) == (Decimal("20.00"), "优秀", False, 1, 0)
    assert a1.rank == 2
    assert Score.objects.get(kind=ScoreKind.REINSPECTION).note == "已配齐"


def test_reinspection_refuses_a_bad_answer_in_chinese(inspected, cast):
    with pytest.raises(ValidationError) as exc:
        reinspection_record(by=cast.county_staff, campaign=inspected, school_id=cast.A1.pk,
                            indicator_id=items(inspected)["B1"].pk, value="8")
    assert exc.value.message_dict == {"value": ["B1：得分应在 0 到 6 之间。"]}
    with pytest.raises(ValidationError):
        reinspection_record(by=cast.county_staff, campaign=inspected, school_id=cast.B1.pk,
                            indicator_id=items(inspected)["B1"].pk, value="3")


def test_a_checklist_no_without_points_is_a_problem():
    """demo helper: a yes/no item of a checklist without points (有偿补课, 开学工作) scores 1 for 是; a
    verified 否 (0) — or two raters split 是/否 (mean 0.5 < 60%) — is a problem that becomes a finding."""
    from decimal import Decimal

    from dudao.campaigns import scoring
    from dudao.campaigns.results import is_problem

    item = scoring.Item(id=1, code="4", scoring=scoring.YES_NO)
    assert is_problem(item, Decimal(0), []) and is_problem(item, Decimal("0.5"), [])
    assert not is_problem(item, Decimal(1), ["备注"]) and not is_problem(item, None, [])
    count = scoring.Item(id=2, code="5", scoring=scoring.COUNT)  # descriptive: never a problem
    assert not is_problem(count, Decimal(0), [])
