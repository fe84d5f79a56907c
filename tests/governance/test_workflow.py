"""A 督政 campaign walks the campaigns' state table: its scope is government units (no schools), the
units' accounts are told at the notice, and the school-only pages do not apply."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from dudao.campaigns import workflow
from dudao.campaigns.services import campaign_transition
from dudao.governance import selectors, services
from dudao.notifications.models import Notification


def test_walks_the_state_table(cast, gov):
    c = gov.campaign
    campaign_transition(by=cast.county_staff, campaign=c, action="submit")
    campaign_transition(by=cast.county_leader, campaign=c, action="approve")
    assert not selectors.government_campaigns(gov.gov_a).filter(pk=c.pk).exists()  # not told yet
    campaign_transition(by=cast.county_staff, campaign=c, action="notify")
    c.refresh_from_db()
    assert c.state == "self_inspection"
    assert Notification.objects.filter(recipient=gov.gov_a).exists()
    assert Notification.objects.filter(recipient=gov.gov_b).exists()
    assert selectors.government_campaigns(gov.gov_a).filter(pk=c.pk).exists()
    for action in ("start_onsite", "preliminary", "open_defence", "final", "rectify", "reinspect", "summarize", "close"):
        campaign_transition(by=cast.county_staff, campaign=c, action=action)
    c.refresh_from_db()
    assert c.state == "closed"


def test_submit_needs_government_units(cast, gov):
    services.campaign_units_set(by=cast.county_staff, campaign=gov.campaign, units=[])
    assert workflow.missing_requirements(gov.campaign, workflow.ACTIONS["submit"]) == {
        "scope": ["督导范围内还没有政府单位，请先确定督政对象。"]}
    with pytest.raises(ValidationError):
        campaign_transition(by=cast.county_staff, campaign=gov.campaign, action="submit")


def test_units_outside_the_office_are_refused(cast, gov):
    from dudao.governance.models import GovernmentUnit
    from dudao.regions.models import Region

    outside = GovernmentUnit.objects.create(region=Region.objects.get(code="430112"), name="望城区人民政府")
    with pytest.raises(ValidationError, match="不在"):
        services.campaign_units_set(by=cast.county_staff, campaign=gov.campaign, units=[gov.unit_a, outside])


def test_school_only_pages_are_hidden(cast, gov, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("campaigns:detail", args=[gov.campaign.pk])).content.decode()
    assert reverse("governance:campaign", args=[gov.campaign.pk]) in page
    assert reverse("campaigns:self_list", args=[gov.campaign.pk]) not in page
    assert 'data-testid="campaign-schools"' not in page
    # the school scope page sends a 督政 campaign to its units
    response = client.get(reverse("campaigns:scope", args=[gov.campaign.pk]))
    assert response.status_code == 302 and response.url == reverse("governance:campaign", args=[gov.campaign.pk])
    # the campaigns list filters by kind
    listed = client.get(reverse("campaigns:list"), {"kind": "government"}).content.decode()
    assert gov.campaign.name in listed


def test_units_from_the_region_tree_are_made_once(cast, gov):
    from dudao.governance.models import GovernmentUnit
    from dudao.regions.models import Office, Region

    office = Office.objects.get(region__code="430182")
    towns = Region.objects.filter(parent__code="430182").count()
    assert GovernmentUnit.objects.filter(region__code__startswith="430182").count() == towns + 1
    assert GovernmentUnit.objects.filter(region__code="430182", name="宁乡市人民政府").exists()
    assert services.units_from_regions(by=cast.county_staff, office=office) == 0
