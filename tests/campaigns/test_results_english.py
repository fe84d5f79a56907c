"""The self-inspection and results pages read in English (the .po entries of the scoring part)."""

from __future__ import annotations

from django.urls import reverse
from django.utils import translation

from dudao.campaigns.models import CampaignState
from tests.campaigns.scoring_support import hand_case
from tests.campaigns.states import move_to


def test_pages_in_english(county_campaign, cast, client):
    hand_case(county_campaign, cast)
    move_to(county_campaign, CampaignState.SELF_INSPECTION)
    client.cookies.load({"django_language": "en"})
    client.force_login(cast.county_staff)
    client.post(reverse("campaigns:result_compute", args=[county_campaign.pk]))
    ranking = client.get(reverse("campaigns:result_list", args=[county_campaign.pk])).content.decode()
    assert "Results and ranking" in ranking and "Compute results" in ranking and "Verified total" in ranking
    school = client.get(reverse("campaigns:result_school", args=[county_campaign.pk, cast.A1.pk])).content.decode()
    assert "Self vs verified" in school and "Self above verified" in school
    client.force_login(cast.school_user)
    form = client.get(reverse("campaigns:self_form", args=[county_campaign.pk])).content.decode()
    assert "Submit self-inspection" in form and "Self-inspection report" in form
    translation.activate("zh-hans")
