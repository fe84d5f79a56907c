"""Teams, members and the dashboard's school count read in English (entries added by the catalogue
check, tests/core/test_catalogue_complete.py)."""

from __future__ import annotations

import re

from django.conf import settings
from django.urls import reverse

from dudao.campaigns import teams as svc
from dudao.campaigns.models import CampaignState
from tests.campaigns.teams_world import build_world
from tests.html_page import Html


def test_teams_members_and_counts_in_english(cast, client, county_campaign):
    world = build_world(cast)
    one = svc.team_create(campaign=county_campaign, name="第一组", by=None)
    svc.team_member_add(team=one, user=world.staff, section="纪检监察", by=None)
    svc.team_member_add(team=one, user=world.third, section="湖南某评估公司", by=None)
    svc.allocation_run(campaign=county_campaign, by=None)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.county_staff)

    index = Html(client.get(reverse("campaigns:team_index", kwargs={"pk": county_campaign.pk}))).text
    assert "第一组 3 schools" in index  # the team's badge: all three schools went to the one team
    assert "3 schools" in index and "所" not in index

    detail = Html(client.get(reverse("campaigns:team_detail", args=[one.pk]))).text
    assert "Office staff" in detail and "Third-party evaluator" in detail

    county_campaign.state = CampaignState.ONSITE
    county_campaign.save()
    dashboard = Html(client.get(reverse("campaigns:dashboard", args=[county_campaign.pk]))).text
    assert re.search(r"Progress by school\s*3 schools", dashboard)  # the card's count, was "共 3 所"

