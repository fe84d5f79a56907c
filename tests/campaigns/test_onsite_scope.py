"""The on-site inspection URLs as every persona of tests/personas.py, and as the campaign's team
members (tests/campaigns/onsite_support.py): the cast's outsider (浏阳 supervisor) is a member of the
first team (A1, A2), no other persona is a member of any team.

- "campaigns:onsite_mine" — everyone signed in: only the schools of their own teams (none for
  the non-members);
- "campaigns:onsite_start", "api-1:submit_onsite", "api-1:add_onsite_item_photo" — members of the school's team only: 404 for the
  others (the allocation is not disclosed), and nothing is written;
- "campaigns:onsite_reconcile", "api-1:get_onsite_reconcile", "api-1:put_onsite_reconcile" — the
  leader of the school's team: 404 outside the team, 403 for a member who is not the leader.
"""

from __future__ import annotations

import json
import uuid

import pytest
from django.urls import reverse

from dudao.campaigns.models import Score
from dudao.visits.models import Visit
from tests.campaigns.onsite_support import Onsite, answers, build_onsite
from tests.personas import PERSONAS

MEMBERS = {"outsider"}


@pytest.fixture
def onsite(cast, county_campaign) -> Onsite:
    return build_onsite(cast, county_campaign)


@pytest.mark.parametrize("persona", PERSONAS)
def test_onsite_pages_as_every_persona(cast, client, onsite, persona):
    o = onsite
    client.force_login(getattr(cast, persona))
    mine = client.get(reverse("campaigns:onsite_mine"))
    assert mine.status_code == 200
    page = mine.content.decode()
    if persona in MEMBERS:
        assert cast.A1.name in page and cast.A2.name in page and cast.A3.name not in page
    else:
        assert "目前没有需要您实地核查的学校" in page and cast.A1.name not in page

    start = client.post(reverse("campaigns:onsite_start"), {"campaign": o.campaign.pk, "school": cast.A3.pk,
                                                            "client_id": str(uuid.uuid4())})
    assert start.status_code == 404  # A3 is the second team's: nobody of the cast may start there
    start = client.post(reverse("campaigns:onsite_start"), {"campaign": o.campaign.pk, "school": cast.A1.pk,
                                                            "client_id": str(uuid.uuid4())})
    assert start.status_code == (302 if persona in MEMBERS else 404), persona
    assert Visit.objects.count() == (1 if persona in MEMBERS else 0)

    reconcile = client.get(reverse("campaigns:onsite_reconcile", args=[o.campaign.pk, cast.A1.pk]))
    assert reconcile.status_code == (403 if persona in MEMBERS else 404), persona
    posted = client.post(reverse("campaigns:onsite_reconcile", args=[o.campaign.pk, cast.A1.pk]),
                         {f"answers.{o.items['B1'].pk}.value": "3"})
    assert posted.status_code in (403, 404) and not Score.objects.exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_onsite_api_as_every_persona(cast, client, onsite, persona):
    o = onsite
    client.force_login(getattr(cast, persona))
    url = f"/api/v1/campaigns/{o.campaign.pk}/onsite/{cast.A1.pk}/"
    body = {"client_id": str(uuid.uuid4()), "submit": True, "answers": answers(o)}
    submitted = client.post(url, json.dumps(body), content_type="application/json")
    assert submitted.status_code == (201 if persona in MEMBERS else 404), (persona, submitted.content)
    if persona not in MEMBERS:
        assert submitted.json()["code"] and not Score.objects.exists()
    other = client.post(f"/api/v1/campaigns/{o.campaign.pk}/onsite/{cast.A3.pk}/", json.dumps(body),
                        content_type="application/json")
    assert other.status_code == 404
    read = client.get(url + "reconcile")
    assert read.status_code == (403 if persona in MEMBERS else 404), persona
    put = client.put(url + "reconcile", json.dumps({"answers": answers(o)}), content_type="application/json")
    assert put.status_code == (403 if persona in MEMBERS else 404), persona
    assert not Score.objects.filter(kind="reconciled").exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_item_photo_api_as_every_persona(cast, client, onsite, persona):
    """Only the member who owns the on-site record uploads a photo for one of its items; a member
    naming someone else's record gets 400 (no such record of theirs), everyone else 404."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.visits.models import VisitPhoto
    from tests.visits.field_support import jpeg

    o = onsite
    client.force_login(o.rater)  # 王评估 (first team) saves a draft of A1
    draft = str(uuid.uuid4())
    assert client.post(f"/api/v1/campaigns/{o.campaign.pk}/onsite/{cast.A1.pk}/",
                       json.dumps({"client_id": draft, "answers": {}}), content_type="application/json").status_code == 201
    client.force_login(getattr(cast, persona))
    url = f"/api/v1/campaigns/{o.campaign.pk}/onsite/{cast.A1.pk}/photos"
    own = draft
    if persona in MEMBERS:  # the outsider saves their own draft first
        own = str(uuid.uuid4())
        client.post(f"/api/v1/campaigns/{o.campaign.pk}/onsite/{cast.A1.pk}/",
                    json.dumps({"client_id": own, "answers": {}}), content_type="application/json")

    def send(visit_id, target=url):
        return client.post(target, {"visit_client_id": visit_id, "indicator_id": o.items["B1"].pk,
                                 "photo_client_id": str(uuid.uuid4()),
                                 "file": SimpleUploadedFile("p.jpg", jpeg(400, 300), content_type="image/jpeg")})

    theirs = send(draft)  # 王评估's record
    assert theirs.status_code == (400 if persona in MEMBERS else 404), (persona, theirs.status_code)
    mine = send(own)
    assert mine.status_code == (201 if persona in MEMBERS else 404), (persona, mine.status_code)
    assert VisitPhoto.objects.count() == (1 if persona in MEMBERS else 0)
    assert not VisitPhoto.objects.filter(visit__client_id=draft).exists()
    other = send(own, f"/api/v1/campaigns/{o.campaign.pk}/onsite/{cast.A3.pk}/photos")
    assert other.status_code == 404  # A3 is the second team's


def test_the_leader_and_the_anonymous(cast, client, onsite):
    o = onsite
    url = reverse("campaigns:onsite_reconcile", args=[o.campaign.pk, cast.A1.pk])
    for name in ("campaigns:onsite_mine",):
        assert client.get(reverse(name)).status_code == 302  # to the sign-in page
    assert client.get(url).status_code == 302
    assert client.post(reverse("campaigns:onsite_start"), {}).status_code == 302
    api = f"/api/v1/campaigns/{o.campaign.pk}/onsite/{cast.A1.pk}/"
    assert client.post(api, "{}", content_type="application/json").status_code == 401
    assert client.get(api + "reconcile").status_code == 401
    assert client.put(api + "reconcile", "{}", content_type="application/json").status_code == 401
    client.force_login(o.leader)
    assert client.get(url).status_code == 200
    assert client.get(api + "reconcile").status_code == 200
    assert client.put(api + "reconcile", json.dumps({"answers": answers(o)}), content_type="application/json").status_code == 200
    # the other team's leader does not see this school
    client.force_login(o.other)
    assert client.get(url).status_code == 404 and client.get(api + "reconcile").status_code == 404
