"""Photos per item on the on-site form (issue [9] item 5): a photo taken from an item's block is
tagged with the item in the draft (`answers[item]["photos"]`) and, at submission, becomes that
item's on-site evidence (`CampaignEvidence` kind onsite, the same stored file); shown per item on
the visit's detail and on the school's result page for the office."""

from __future__ import annotations

import json
import uuid

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.campaigns.models import CampaignEvidence, ScoreKind
from dudao.visits.models import Visit, VisitPhoto
from tests.campaigns.onsite_support import Onsite, answers, build_onsite
from tests.visits.field_support import jpeg


@pytest.fixture
def onsite(cast, county_campaign) -> Onsite:
    return build_onsite(cast, county_campaign)


def _start(client, o, school) -> uuid.UUID:
    cid = uuid.uuid4()
    response = client.post(reverse("campaigns:onsite_start"), {
        "campaign": o.campaign.pk, "school": school.pk, "client_id": str(cid), "location_status": "ok",
        "latitude": "28.250500", "longitude": "112.550000", "accuracy": "15",
        "device_started_at": timezone.now().isoformat()})
    assert response.status_code == 302
    return cid


def _upload(client, cid, color) -> tuple[int, str]:
    photo_id = str(uuid.uuid4())
    response = client.post(reverse("visits:photo_upload", args=[cid]), {
        "client_id": photo_id, "file": SimpleUploadedFile("现场.jpg", jpeg(800, 600, color=color), content_type="image/jpeg")},
        HTTP_ACCEPT="application/json")
    return response.status_code, photo_id


def _tagged(o, b1_photos=(), b3_photos=()) -> dict:
    out = answers(o)
    out[str(o.items["B1"].pk)]["photos"] = list(b1_photos)
    out[str(o.items["B3"].pk)]["photos"] = list(b3_photos)
    return out


def test_a_photo_taken_for_b1_is_b1_evidence_only_and_a_retry_links_nothing_twice(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    cid = _start(client, o, cast.A1)
    status1, fire = _upload(client, cid, (200, 30, 30))
    status2, roof = _upload(client, cid, (30, 200, 30))
    status3, general = _upload(client, cid, (30, 30, 200))  # a photo of the visit, for no item
    assert (status1, status2, status3) == (201, 201, 201)
    # the draft keeps the item's tag (what the phone sends, also offline, in its autosave)
    body = {"answers": _tagged(o, b1_photos=[fire, roof, "not-an-id"])}
    saved = client.post(reverse("visits:field_autosave", args=[cid]), json.dumps(body), content_type="application/json")
    assert saved.status_code == 200, saved.content
    visit = Visit.objects.get(client_id=cid)
    assert visit.answers[str(o.items["B1"].pk)]["photos"] == [fire, roof]
    assert not CampaignEvidence.objects.exists()  # a draft links nothing
    for _attempt in range(2):  # the phone retries the submission
        done = client.post(reverse("visits:field_submit", args=[cid]), json.dumps(body), content_type="application/json")
        assert done.status_code == 200, done.content
    rows = list(CampaignEvidence.objects.filter(kind=ScoreKind.ONSITE).select_related("indicator"))
    photos = {str(p.client_id): p for p in VisitPhoto.objects.all()}
    assert sorted((r.indicator.code, r.file.name) for r in rows) == sorted(
        [("B1", photos[fire].image.name), ("B1", photos[roof].image.name)])
    assert {r.school_id for r in rows} == {cast.A1.pk} and {r.uploaded_by_id for r in rows} == {o.rater.pk}
    assert sorted(r.size for r in rows) == sorted(photos[c].image.size for c in (fire, roof))
    assert sorted(r.sha256 for r in rows) == sorted(photos[c].content_hash for c in (fire, roof))
    # the same stored file, not a copy
    assert CampaignEvidence.objects.filter(file=photos[general].image.name).count() == 0

    # the office reads them under B1 on the visit's detail and on the school's result page, nowhere else
    client.force_login(cast.county_staff)
    detail = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    b1 = _cell(detail, "B1")
    assert reverse("visits:photo", args=[photos[fire].pk]) in b1 and reverse("visits:photo", args=[photos[roof].pk]) in b1
    assert _cell(detail, "B2") == "" and _cell(detail, "B3") == ""
    result = client.get(reverse("campaigns:result_school", args=[o.campaign.pk, cast.A1.pk]))
    assert result.status_code == 200
    page = result.content.decode()
    b1 = _cell(page, "B1")
    assert reverse("visits:photo", args=[photos[fire].pk]) in b1 and reverse("visits:photo", args=[photos[roof].pk]) in b1
    assert 'data-item-photos="B2"' not in page and 'data-item-photos="B3"' not in page
    assert reverse("visits:photo", args=[photos[general].pk]) not in page
    assert client.get(reverse("visits:photo", args=[photos[fire].pk])).status_code == 200


def _cell(page: str, code: str) -> str:
    """The photo links inside an item's `data-item-photos` block ("" when the block is empty or absent)."""
    marker = f'data-item-photos="{code}"'
    if marker not in page:
        return ""
    block = page.split(marker, 1)[1]
    block = block.split("</td>", 1)[0].split("</div>", 1)[0]
    return block[block.index(">") + 1:].strip()


def test_a_non_member_cannot_attach_a_photo_to_an_item(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    cid = _start(client, o, cast.A1)
    # the second team's member: neither uploads to this inspection nor submits it with a tag
    client.force_login(o.other)
    status, photo_id = _upload(client, cid, (200, 30, 30))
    assert status == 403  # not their visit, and no supervisor record: refused before anything is read
    assert not VisitPhoto.objects.exists()
    submitted = client.post(reverse("visits:field_submit", args=[cid]),
                            json.dumps({"answers": _tagged(o, b1_photos=[photo_id])}), content_type="application/json")
    assert submitted.status_code == 403
    # a member removed from the team after uploading: their submission with the tag is refused
    client.force_login(o.rater)
    status, mine = _upload(client, cid, (30, 200, 30))
    assert status == 201
    o.team1.members.filter(user=o.rater).delete()
    refused = client.post(reverse("visits:field_submit", args=[cid]),
                          json.dumps({"answers": _tagged(o, b1_photos=[mine])}), content_type="application/json")
    assert refused.status_code == 403  # require_may_inspect: 只有该校所在督查组的成员可以实地核查。
    assert Visit.objects.get(client_id=cid).status == "draft"
    assert not CampaignEvidence.objects.exists()
    assert VisitPhoto.objects.count() == 1


def test_a_tag_naming_another_visits_photo_links_nothing(cast, client, onsite):
    o = onsite
    client.force_login(o.rater)
    first = _start(client, o, cast.A1)
    _status, foreign = _upload(client, first, (200, 30, 30))
    second = _start(client, o, cast.A2)
    body = {"answers": _tagged(o, b1_photos=[foreign])}
    done = client.post(reverse("visits:field_submit", args=[second]), json.dumps(body), content_type="application/json")
    assert done.status_code == 200, done.content
    assert not CampaignEvidence.objects.exists()
