"""The buttons that draft a campaign's documents ("campaigns:document_draft",
"campaigns:school_document_draft") as every persona of tests/personas.py on the 宁乡 campaign over
A1–A3: the office's staff (and above, and admins) draft and are sent to the draft; the leader and
the A1 school account read the campaign but may not draft (403); everyone else 404; anonymous the
login page. A school outside the campaign, a 督政 campaign or an unknown kind is a 404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.campaigns.models import CampaignKind, CampaignState
from dudao.documents.models import Document
from tests.campaigns.scoring_support import hand_case
from tests.campaigns.states import move_to
from tests.personas import PERSONAS

WRITERS = {"admin", "province_staff", "city_staff", "county_staff"}
READERS = {"county_leader", "school_user"}


@pytest.fixture
def world(county_campaign, cast):
    move_to(county_campaign, CampaignState.SELF_INSPECTION)
    hand_case(county_campaign, cast)
    return county_campaign


def expected(persona: str) -> int:
    return 302 if persona in WRITERS else 403 if persona in READERS else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_drafting_answers_by_scope(world, cast, client, persona):
    client.force_login(getattr(cast, persona))
    pk = world.pk
    urls = [reverse("campaigns:document_draft", args=[pk, kind]) for kind in ("notice", "summary")]
    urls += [reverse("campaigns:school_document_draft", args=[pk, cast.A1.pk, kind])
             for kind in ("report", "opinion", "self_assessment")]
    for url in urls:
        response = client.post(url)
        assert response.status_code == expected(persona), (persona, url, response.status_code)
        if response.status_code == 302:
            doc = Document.objects.order_by("-id").first()
            assert response["Location"].rstrip("/").endswith(f"/documents/{doc.pk}")
        assert client.get(url).status_code == 405  # a draft is made by a POST only
    count = Document.objects.count()
    assert count == (5 if persona in WRITERS else 0)
    # outside the campaign, unknown kinds
    for url in (reverse("campaigns:school_document_draft", args=[pk, cast.B1.pk, "report"]),
                reverse("campaigns:document_draft", args=[pk, "bulletin"]),
                reverse("campaigns:school_document_draft", args=[pk, cast.A1.pk, "notice"])):
        status = client.post(url).status_code
        assert status == (404 if persona in WRITERS else expected(persona) if "bulletin" not in url
                          and "notice" not in url else 404), (persona, url, status)


def test_a_government_campaign_has_no_school_documents(world, cast, client):
    world.kind = CampaignKind.GOVERNMENT
    world.save()
    client.force_login(cast.county_staff)
    assert client.post(reverse("campaigns:document_draft", args=[world.pk, "notice"])).status_code == 404


def test_the_buttons_show_to_the_office_staff_only(world, cast, client):
    detail = reverse("campaigns:detail", args=[world.pk])
    school = reverse("campaigns:result_school", args=[world.pk, cast.A1.pk])
    client.force_login(cast.county_staff)
    assert 'data-testid="draft-notice"' in client.get(detail).content.decode()
    page = client.get(school).content.decode()
    assert 'data-testid="draft-report"' in page and 'data-testid="draft-self-assessment"' in page
    client.force_login(cast.county_leader)
    assert 'data-testid="draft-notice"' not in client.get(detail).content.decode()
    assert 'data-testid="draft-report"' not in client.get(school).content.decode()


def test_a_validation_error_comes_back_as_a_message(world, cast, client):
    world.self_deadline = None
    world.save()
    client.force_login(cast.county_staff)
    response = client.post(reverse("campaigns:school_document_draft", args=[world.pk, cast.A1.pk, "self_assessment"]),
                           follow=True)
    assert "本项目没有学校自查环节。" in response.content.decode()
    assert not Document.objects.exists()


def test_anonymous_is_sent_to_login(world, cast, client):
    response = client.post(reverse("campaigns:document_draft", args=[world.pk, "notice"]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]
