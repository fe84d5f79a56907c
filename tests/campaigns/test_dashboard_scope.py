"""Every dashboard and summary URL (pages, Excel and API) as every persona of tests/personas.py, on
the 宁乡 county campaign over A1–A3 with the dashboard case (tests/campaigns/dashboard_support.py).

The rule (campaigns/dashboard.py `may_read_dashboard`): the campaign's office and the offices above
(staff and leaders) and admins read; others who read the campaign — the A1 school account once the
schools were told, the supervisor who leads 第一组 — get 403; everyone else (the evaluator, another
county, an account without roles) 404, existence not disclosed. Anonymous: the login page (API: 401).

URL names walked here (tests/access/coverage_campaigns_dashboard.py): "campaigns:dashboard",
"campaigns:dashboard_export", "campaigns:summary", "api-1:get_dashboard", "api-1:get_summary".
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.campaigns.models import SCHOOLS_NOTIFIED, CampaignEvent, CampaignState
from tests.campaigns.dashboard_support import dashboard_case
from tests.personas import PERSONAS

OFFICE_READ = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
SEES_CAMPAIGN = {"school_user", "supervisor"}  # the A1 school (told), 第一组's leader


def expect(persona: str) -> int:
    if persona in OFFICE_READ:
        return 200
    if persona in SEES_CAMPAIGN:
        return 403
    return 404


@pytest.fixture
def world(county_campaign, cast):
    county_campaign.state = CampaignState.ONSITE
    county_campaign.save()
    CampaignEvent.objects.create(campaign=county_campaign, action=SCHOOLS_NOTIFIED)
    dashboard_case(county_campaign, cast)
    return county_campaign


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_and_api_answer_by_scope(world, cast, client, persona):
    client.force_login(getattr(cast, persona))
    pk = world.pk
    status = expect(persona)
    for url in (reverse("campaigns:dashboard", args=[pk]), reverse("campaigns:dashboard_export", args=[pk]),
                reverse("campaigns:summary", args=[pk])):
        response = client.get(url)
        assert response.status_code == status, (persona, url, response.status_code)
        if status == 200 and not response.streaming:
            text = response.content.decode()
            assert not [s.name for s in (cast.B1, cast.C1, cast.D1) if s.name in text], (persona, url)
    for url in (f"/api/v1/campaigns/{pk}/dashboard", f"/api/v1/campaigns/{pk}/summary"):
        response = client.get(url)
        assert response.status_code == status, (persona, url, response.status_code)
        if status >= 400:
            assert set(response.json()) >= {"code", "detail"}
            if status == 403:
                assert response.json()["detail"] == "无权执行此操作。"  # the API's one 403 text (api/errors.py)


def test_anonymous_is_sent_to_login(world, client):
    page = client.get(reverse("campaigns:dashboard", args=[world.pk]))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert client.get(f"/api/v1/campaigns/{world.pk}/summary").status_code == 401


def test_a_school_page_of_the_dashboard_works_on_a_phone_width(world, cast, client):
    """The tables scroll inside their cards (table-responsive) and the figures are cards of two columns
    on a phone (col-6): nothing is wider than the page."""
    client.force_login(cast.county_staff)
    text = client.get(reverse("campaigns:dashboard", args=[world.pk])).content.decode()
    assert text.count('class="table-responsive"') >= 4 and 'class="col-6 col-md-3"' in text
