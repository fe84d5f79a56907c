"""POST /api/v1/campaigns/{id}/onsite/{school_id}/photos: the phone form's 本项拍照 for an API client —
one photo of the member's own on-site record, tagged with one item; checked by the visit's one upload,
idempotent by the photo's client id, and linked as the item's evidence at submission."""

from __future__ import annotations

import json
import uuid
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.campaigns.models import Campaign, CampaignEvidence, ScoreKind
from dudao.visits.models import Visit, VisitPhoto
from tests.campaigns.onsite_support import Onsite, answers, build_onsite
from tests.visits.field_support import jpeg


@pytest.fixture
def onsite(cast, county_campaign) -> Onsite:
    return build_onsite(cast, county_campaign)


def _base(o, school) -> str:
    return f"/api/v1/campaigns/{o.campaign.pk}/onsite/{school.pk}/"


def _draft(client, o, school) -> str:
    cid = str(uuid.uuid4())
    response = client.post(_base(o, school), json.dumps({"client_id": cid, "answers": answers(o)}),
                           content_type="application/json")
    assert response.status_code == 201, response.content
    return cid


def _photo(client, o, school, visit_id, item, *, photo_id=None, data=None, name="现场.jpg"):
    return client.post(_base(o, school) + "photos", {
        "visit_client_id": visit_id, "indicator_id": o.items[item].pk if isinstance(item, str) else item,
        "photo_client_id": photo_id or str(uuid.uuid4()),
        "file": SimpleUploadedFile(name, data if data is not None else jpeg(800, 600), content_type="image/jpeg")})


def test_a_photo_for_b1_is_tagged_kept_through_saves_and_linked_at_submission(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    cid = _draft(client, o, cast.A1)
    photo_id = str(uuid.uuid4())
    first = _photo(client, o, cast.A1, cid, "B1", photo_id=photo_id, data=jpeg(800, 600, color=(200, 30, 30)))
    assert first.status_code == 201, first.content
    body = first.json()
    assert (body["client_id"], body["indicator_id"], body["visit_client_id"]) == (photo_id, o.items["B1"].pk, cid)
    assert body["url"] == reverse("visits:photo", args=[body["id"]])
    # the retry: the same photo, nothing added
    again = _photo(client, o, cast.A1, cid, "B1", photo_id=photo_id, data=jpeg(800, 600, color=(200, 30, 30)))
    assert again.status_code == 200 and again.json()["id"] == body["id"]
    visit = Visit.objects.get(client_id=cid)
    assert visit.answers[str(o.items["B1"].pk)]["photos"] == [photo_id] and visit.photos.count() == 1
    # a later save of the answers (without photos) keeps the tag; then the submission links it
    submitted = client.post(_base(o, cast.A1), json.dumps({"client_id": cid, "submit": True, "answers": answers(o, b1="4")}),
                            content_type="application/json")
    assert submitted.status_code == 200, submitted.content
    rows = list(CampaignEvidence.objects.filter(kind=ScoreKind.ONSITE).select_related("indicator"))
    photo = VisitPhoto.objects.get(client_id=photo_id)
    assert [(r.indicator.code, r.file.name, r.school_id, r.uploaded_by_id) for r in rows] == [
        ("B1", photo.image.name, cast.A1.pk, o.rater.pk)]
    # after the submission: a retry still answers the photo; a new photo is refused
    assert _photo(client, o, cast.A1, cid, "B1", photo_id=photo_id).status_code == 200
    late = _photo(client, o, cast.A1, cid, "B1")
    assert late.status_code == 403 and late.json()["detail"] == "实地核查记录已提交，不能再添加照片。"
    assert VisitPhoto.objects.count() == 1 and CampaignEvidence.objects.count() == 1


def test_refusals_in_the_error_shape(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    cid = _draft(client, o, cast.A1)
    unknown = _photo(client, o, cast.A1, str(uuid.uuid4()), "B1")
    assert unknown.status_code == 400 and unknown.json()["field"] == "visit_client_id"
    assert unknown.json()["detail"] == "没有找到您在该校的这条实地核查记录：请先保存记录，再上传照片。"
    # the record is of A1: naming it under A2 (also the team's school) finds nothing
    assert _photo(client, o, cast.A2, cid, "B1").json()["field"] == "visit_client_id"
    not_an_item = _photo(client, o, cast.A1, cid, 999999)
    assert not_an_item.status_code == 400 and not_an_item.json()["errors"] == {"indicator_id": ["该指标不在本项目实地核查的评分项中。"]}
    hostile = _photo(client, o, cast.A1, cid, "B1", data=b"<?php echo 1; ?>", name="x.jpg")
    assert hostile.status_code == 400 and hostile.json()["code"] == "invalid"
    shared = str(uuid.uuid4())
    assert _photo(client, o, cast.A1, cid, "B1", photo_id=shared).status_code == 201
    moved = _photo(client, o, cast.A1, cid, "B3", photo_id=shared)
    assert moved.status_code == 400
    assert moved.json()["errors"] == {"indicator_id": ["这张照片已是「B1」的照片，一张照片只属于一个评分项。"]}
    assert VisitPhoto.objects.count() == 1


def test_outside_the_on_site_phase_nothing_is_attached(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    cid = _draft(client, o, cast.A1)
    Campaign.objects.filter(pk=o.campaign.pk).update(onsite_end=timezone.localdate() - timedelta(days=1))
    refused = _photo(client, o, cast.A1, cid, "B1")
    assert refused.status_code == 403 and "实地" in refused.json()["detail"]
    assert not VisitPhoto.objects.exists()
