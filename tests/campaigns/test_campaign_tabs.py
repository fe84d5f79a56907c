"""The campaign detail page's tabs (views/campaigns.py PARTS) link to the real pages of the parts,
each to the page the persona may open, and every linked page opens (200) for that persona; a tab
without a page for the persona is shown disabled (no link)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from dudao.campaigns.models import CampaignState, MemberKind
from dudao.campaigns.teams import team_create, team_member_add
from tests.campaigns.states import move_to
from tests.campaigns.teams_world import build_world


def tabs(client, campaign) -> dict[str, str]:
    """key → href ("" when the tab is disabled)."""
    page = client.get(reverse("campaigns:detail", args=[campaign.pk]))
    assert page.status_code == 200
    html = page.content.decode()
    found = {}
    for key in ("teams", "self", "onsite", "results", "dashboard"):
        link = re.search(rf'<a class="nav-link" href="([^"]+)" data-testid="part-{key}"', html)
        found[key] = link.group(1).replace("&amp;", "&") if link else ""
        assert link or f'data-testid="part-{key}"' in html
    return found


@pytest.fixture
def running(county_campaign, cast):
    world = build_world(cast)
    team = team_create(campaign=county_campaign, name="第一组", by=None)
    team_member_add(team=team, user=world.inspector, by=None, kind=MemberKind.SUPERVISOR, section="督导室")
    county_campaign.schools.filter(school__in=[cast.A2]).update(team=team)
    move_to(county_campaign, CampaignState.SELF_INSPECTION)
    return county_campaign, world, team


@pytest.mark.parametrize("persona", ["county_staff", "county_leader", "city_staff", "admin"])
def test_the_office_tabs_open_its_pages(running, cast, client, persona):
    campaign, _world, _team = running
    client.force_login(getattr(cast, persona))
    links = tabs(client, campaign)
    assert links == {"teams": reverse("campaigns:team_index", args=[campaign.pk]),
                     "self": reverse("campaigns:self_list", args=[campaign.pk]), "onsite": "",
                     "results": reverse("campaigns:result_list", args=[campaign.pk]),
                     "dashboard": reverse("campaigns:dashboard", args=[campaign.pk])}
    for url in filter(None, links.values()):
        assert client.get(url).status_code == 200, (persona, url)


def test_the_school_tabs_open_its_own_form_then_its_result(running, cast, client):
    campaign, _world, _team = running
    client.force_login(cast.school_user)
    links = tabs(client, campaign)
    assert links == {"teams": "", "self": reverse("campaigns:self_form", args=[campaign.pk]), "onsite": "",
                     "results": "", "dashboard": ""}  # results not yet published to it
    assert client.get(links["self"]).status_code == 200
    move_to(campaign, CampaignState.PRELIMINARY)
    links = tabs(client, campaign)
    assert links["results"] == reverse("campaigns:result_school", args=[campaign.pk, cast.A1.pk])
    assert client.get(links["results"]).status_code == 200 and client.get(links["self"]).status_code == 200


def test_a_team_member_tabs_open_the_team_and_its_schools_result(running, cast, client):
    campaign, world, team = running
    client.force_login(world.inspector)
    links = tabs(client, campaign)
    assert links == {"teams": reverse("campaigns:team_detail", args=[team.pk]), "self": "",
                     "onsite": reverse("campaigns:onsite_mine"),
                     "results": reverse("campaigns:result_school", args=[campaign.pk, cast.A2.pk]), "dashboard": ""}
    for url in filter(None, links.values()):
        assert client.get(url).status_code == 200, url
