"""The dashboard's figures stored with the results (campaigns/figures.py: `TeamFigures`, `ItemFigures`):
equal to a fresh computation after every kind of computation, as of the computation when scores change
afterwards, and summed again after whatever makes them stale (a re-inspection, a school moved, a team
deleted) — on the hand case of tests/campaigns/dashboard_support.py."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from dudao.campaigns import dashboard as reads
from dudao.campaigns.models import CampaignSchool, CampaignState, ItemFigures, TeamFigures
from dudao.campaigns.results import campaign_results_compute, reinspection_record
from dudao.campaigns.teams import campaign_school_move, team_delete
from tests.campaigns.dashboard_support import dashboard_case
from tests.campaigns.scoring_support import answer, items
from tests.html_page import Html

TEAM_FIELDS = ("team_id", "results", "graded", "total_cents", "vetoed", "flagged", "flags", "grades", "computed_at")
ITEM_FIELDS = ("indicator_id", "position", "total_cents", "schools")


@pytest.fixture
def case(county_campaign, cast):
    county_campaign.state = CampaignState.ONSITE
    county_campaign.save()
    dashboard_case(county_campaign, cast)
    return county_campaign


def stored(campaign) -> tuple[dict, dict]:
    teams = {f.team_id: tuple(getattr(f, n) for n in TEAM_FIELDS) for f in TeamFigures.objects.filter(campaign=campaign)}
    found = {f.indicator_id: tuple(getattr(f, n) for n in ITEM_FIELDS) for f in ItemFigures.objects.filter(campaign=campaign)}
    return teams, found


def fresh(campaign) -> tuple[dict, dict]:
    teams, found = reads.figures_fresh(campaign)
    at = max(f.computed_at for f in TeamFigures.objects.filter(campaign=campaign))
    for f in teams.values():
        f.computed_at = at  # the fresh ones carry no moment; the stored ones that of the computation
    return ({k: tuple(getattr(f, n) for n in TEAM_FIELDS) for k, f in teams.items()},
            {k: tuple(getattr(f, n) for n in ITEM_FIELDS) for k, f in found.items()})


def test_the_stored_figures_equal_a_fresh_computation_by_hand(case, cast):
    first, second = case.teams.order_by("order")
    teams, found = stored(case)
    assert teams == fresh(case)[0] and found == fresh(case)[1]
    # by hand (dashboard_support): 第一组 A1 15.33 良好 + A2 16.00 不合格 vetoed, both flagged; 第二组 A3 an empty row
    assert teams[first.pk][1:8] == (2, 2, 1533 + 1600, 1, 2, 2, {"良好": 1, "不合格": 1})
    assert teams[second.pk][1:8] == (1, 0, 0, 0, 0, 0, {})
    b = items(case)
    assert found[b["B1"].pk][2:] == (400 + 600, 2) and found[b["B2"].pk][2:] == (400 + 0, 2)
    assert found[b["B3"].pk][2:] == (733 + 1000, 2)


@pytest.mark.parametrize("rule", ["mean", "median", "leader"])
def test_stored_equal_fresh_after_a_computation_under_each_rule(case, cast, rule):
    case.aggregation = rule
    case.save()
    answer(case, cast.A3, "B1", kind="onsite", rater=cast.county_staff, value=2)
    answer(case, cast.A3, "B3", kind="onsite", rater=cast.county_staff, choice="差")
    answer(case, cast.A1, "B3", kind="reconciled", rater=cast.supervisor, choice="好")
    campaign_results_compute(campaign=case)
    assert stored(case) == fresh(case)


def test_scores_after_the_computation_change_nothing_until_the_next(case, cast):
    before = stored(case)
    page_before = reads.team_rows(case)[1]
    answer(case, cast.A3, "B1", kind="onsite", rater=cast.county_staff, value=0)
    assert stored(case) == before  # as of the computation, like the stored results
    rows, total = reads.team_rows(case)
    assert (total.results, total.graded, total.mean_total) == (page_before.results, page_before.graded,
                                                               page_before.mean_total)
    assert total.scored == 3  # the progress is live: A3 is now scored on site
    campaign_results_compute(campaign=case)
    assert stored(case) != before and stored(case) == fresh(case)
    b1 = next(w for w in reads.weakest_items(case) if w["code"] == "B1")
    assert b1["schools"] == 3 and b1["ratio"] == Decimal("0.5556")  # (4 + 6 + 0) / 18


def test_a_school_moved_sums_the_teams_again(case, cast):
    first, second = case.teams.order_by("order")
    entry = CampaignSchool.objects.get(campaign=case, school=cast.A2)
    campaign_school_move(entry=entry, team=second, by=cast.county_staff)
    assert not TeamFigures.objects.filter(campaign=case).exists()  # forgotten
    rows, total = reads.team_rows(case)
    assert [(r.progress.schools, r.progress.results, r.progress.vetoed) for r in rows] == [(1, 1, 0), (2, 2, 1)]
    assert rows[1].progress.grades == {"不合格": 1} and total.mean_total == Decimal("15.67")
    assert stored(case)[0] == fresh(case)[0]  # summed again on that read and stored


def test_a_team_deleted_moves_its_results_to_the_unallocated_row(case, cast):
    first, _second = case.teams.order_by("order")
    team_delete(team=first, by=cast.county_staff)
    rows, _total = reads.team_rows(case)
    unallocated = rows[-1]
    assert unallocated.team is None and (unallocated.progress.schools, unallocated.progress.results) == (2, 2)
    assert unallocated.progress.total_cents == 1533 + 1600 and stored(case)[0] == fresh(case)[0]


def test_a_reinspection_is_counted_on_the_next_read(case, cast):
    b2 = items(case)["B2"]
    reinspection_record(by=cast.county_staff, campaign=case, school_id=cast.A2.pk, indicator_id=b2.pk, choice="yes")
    rows, total = reads.team_rows(case)
    assert total.vetoed == 0 and rows[0].progress.grades.get("不合格", 0) == 0
    weakest = {w["code"]: w for w in reads.weakest_items(case)}
    assert weakest["B2"]["ratio"] == Decimal("1.0000")  # (4 + 4) / 8: A2's 否 re-inspected 是
    assert stored(case) == fresh(case)


def test_nothing_is_stored_before_the_results(county_campaign):
    assert reads.team_rows(county_campaign)[1].results == 0 and reads.weakest_items(county_campaign) == []
    assert not TeamFigures.objects.exists() and not ItemFigures.objects.exists()


def test_the_page_and_the_api_say_when_the_results_were_computed(case, cast, client):
    from django.utils import timezone

    at = TeamFigures.objects.filter(campaign=case).first().computed_at
    client.force_login(cast.county_staff)
    page = Html(client.get(reverse("campaigns:dashboard", args=[case.pk])))
    assert timezone.localtime(at).strftime("%Y-%m-%d %H:%M") in page.text_of("*", testid="results-at")
    summary = Html(client.get(reverse("campaigns:summary", args=[case.pk])))
    assert "计算结果时的数字" in summary.text_of("*", testid="results-at")
    api = client.get(f"/api/v1/campaigns/{case.pk}/dashboard").json()
    assert api["results_at"] is not None
