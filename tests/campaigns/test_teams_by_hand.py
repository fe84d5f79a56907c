"""Hand moves survive the automatic allocation: a school moved to a team is marked 手工, the next
allocation places only the other schools (page, API, log); 全部重新分配 and a move to 未分配 clear it."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.campaigns import teams as svc
from dudao.campaigns.models import CampaignEvent, CampaignSchool
from tests.campaigns.teams_world import build_world
from tests.html_page import Html


@pytest.fixture
def setup(cast, county_campaign):
    """第一组 (宁乡领导) and 第二组 (张督学, who must avoid A1) over A1 (a township) and A2, A3 (the county)."""
    world = build_world(cast)
    one = svc.team_create(campaign=county_campaign, name="第一组", by=None)
    two = svc.team_create(campaign=county_campaign, name="第二组", by=None)
    svc.team_member_add(team=one, user=world.staff, section="纪检监察", by=None)
    svc.team_member_add(team=two, user=world.inspector, by=None)
    return {"campaign": county_campaign, "one": one, "two": two}


def _teams(campaign) -> dict[str, tuple[str, bool]]:
    return {e.school.name: (e.team.name if e.team else "", e.team_by_hand)
            for e in CampaignSchool.objects.filter(campaign=campaign).select_related("school", "team")}


def _entry(campaign, school) -> CampaignSchool:
    return CampaignSchool.objects.select_related("school", "team").get(campaign=campaign, school=school)


def test_the_allocation_keeps_a_hand_move(cast, setup):
    campaign, one, two = setup["campaign"], setup["one"], setup["two"]
    # three schools, shares 2 and 1; A1 can only go to 第一组 (第二组's 张督学 must avoid it)
    first = svc.allocation_run(campaign=campaign, by=None)
    assert first.kept == 0 and sum(first.counts.values()) == 3
    assert _teams(campaign)[cast.A1.name] == ("第一组", False)
    # move A3 by hand to 第一组: A1 and A3 there, A2 alone in 第二组
    svc.campaign_school_move(entry=_entry(campaign, cast.A3), team=one, by=cast.county_staff)
    svc.campaign_school_move(entry=_entry(campaign, cast.A2), team=two, by=cast.county_staff)
    assert _teams(campaign) == {cast.A1.name: ("第一组", False), cast.A2.name: ("第二组", True),
                                cast.A3.name: ("第一组", True)}
    again = svc.allocation_run(campaign=campaign, by=cast.county_staff)
    assert again.kept == 2 and again.counts == {"第一组": 2, "第二组": 1}
    assert _teams(campaign) == {cast.A1.name: ("第一组", False), cast.A2.name: ("第二组", True),
                                cast.A3.name: ("第一组", True)}
    assert CampaignEvent.objects.filter(action="allocate").last().note == "第一组 2 所；第二组 1 所（保留手工调整 2 所）"


def test_a_hand_move_weighs_in_the_shares(cast, setup):
    """Two schools moved by hand into 第二组 reach its share (2 and 1 of three schools): the one left,
    A1, goes to 第一组; the moved schools stay."""
    campaign, two = setup["campaign"], setup["two"]
    svc.campaign_school_move(entry=_entry(campaign, cast.A2), team=two, by=cast.county_staff)
    svc.campaign_school_move(entry=_entry(campaign, cast.A3), team=two, by=cast.county_staff)
    result = svc.allocation_run(campaign=campaign, by=cast.county_staff)
    assert result.counts == {"第一组": 1, "第二组": 2}
    assert _teams(campaign)[cast.A1.name] == ("第一组", False)


def test_unallocating_or_redoing_everything_clears_the_mark(cast, setup):
    campaign, one, two = setup["campaign"], setup["one"], setup["two"]
    svc.campaign_school_move(entry=_entry(campaign, cast.A2), team=one, by=cast.county_staff)
    svc.campaign_school_move(entry=_entry(campaign, cast.A2), team=None, by=cast.county_staff)
    assert _teams(campaign)[cast.A2.name] == ("", False)
    svc.campaign_school_move(entry=_entry(campaign, cast.A3), team=two, by=cast.county_staff)
    result = svc.allocation_run(campaign=campaign, by=cast.county_staff, include_manual=True)
    assert result.kept == 0
    assert not CampaignSchool.objects.filter(campaign=campaign, team_by_hand=True).exists()
    assert CampaignEvent.objects.filter(action="allocate").last().note.endswith("（全部重新分配）")
    svc.campaign_school_move(entry=_entry(campaign, cast.A3), team=two, by=cast.county_staff)
    svc.team_delete(team=two, by=cast.county_staff)  # its schools: unallocated, no longer by hand
    assert _teams(campaign)[cast.A3.name] == ("", False)


def test_the_page_marks_hand_moves_and_says_what_allocation_keeps(cast, client, setup):
    campaign, one = setup["campaign"], setup["one"]
    client.force_login(cast.county_staff)
    url = reverse("campaigns:team_index", kwargs={"pk": campaign.pk})
    page = Html(client.get(url))
    assert page.text_of(testid="allocate-note") == "手工调整过的学校会保留在所调整的组，只分配其余学校。"
    assert not page.find_all(testid="include-manual")
    entry = _entry(campaign, cast.A2)
    moved = client.post(reverse("campaigns:team_move", kwargs={"pk": campaign.pk}), {"entry": entry.pk, "team": one.pk})
    assert moved.status_code == 302
    page = Html(client.get(url))
    assert "1 所学校（标“手工”）保留在所调整的组" in page.text_of(testid="allocate-note")
    assert len(page.find_all(testid="by-hand")) == 1
    response = client.post(reverse("campaigns:team_allocate", kwargs={"pk": campaign.pk}), follow=True)
    assert "其中 1 所是手工调整的，保留在原组。" in response.content.decode()
    assert _teams(campaign)[cast.A2.name] == ("第一组", True)
    client.post(reverse("campaigns:team_allocate", kwargs={"pk": campaign.pk}), {"include_manual": "1"})
    assert _teams(campaign)[cast.A2.name][1] is False


def test_the_api_keeps_hand_moves_unless_asked(cast, client, setup):
    campaign, two = setup["campaign"], setup["two"]
    client.force_login(cast.county_staff)
    base = f"/api/v1/campaigns/{campaign.pk}/allocation"
    row = client.post(f"{base}/move", {"school_id": cast.A3.pk, "team_id": two.pk}, content_type="application/json").json()
    assert (row["team_id"], row["by_hand"]) == (two.pk, True)
    body = client.post(base, {}, content_type="application/json").json()
    assert body["kept"] == 1
    rows = {r["school_id"]: r for r in client.get(base).json()}
    assert (rows[cast.A3.pk]["team_id"], rows[cast.A3.pk]["by_hand"]) == (two.pk, True)
    body = client.post(f"{base}?include_manual=true", {}, content_type="application/json").json()
    assert body["kept"] == 0
    assert not any(r["by_hand"] for r in client.get(base).json())
