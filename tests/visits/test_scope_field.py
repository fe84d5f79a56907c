"""The supervisor's phone pages and the visits API as every persona.

World: 谢彩飞 (the cast's `supervisor`, A1 and A2) submitted a visit at A1 with a photo, a problem
and a refusal note, and keeps a draft at A2 with a photo; the outsider (浏阳, C1) keeps a draft at C1.

- "visits:field_home", "visits:field_start" — supervisors with a record only (403 for the others);
- "visits:field_form", "visits:field_autosave", "visits:field_submit", "visits:photo_upload",
  "visits:draft_discard", "visits:photo_remove" — the draft's own supervisor; another supervisor
  404, everyone else 403/404, and nothing changes;
- "visits:photo" — those who read the whole visit (office of the school's region or above, admin,
  the visit's supervisor); the school 404;
- "visits:detail" — whoever's scope holds the school, once submitted; the school reads feedback only;
- "visits:field_sw" — a static script with no data, for everyone;
- "api-1:create_visit", "api-1:list_visits", "api-1:get_visit", "api-1:add_visit_photo" — the same.
"""

from __future__ import annotations

import json
import uuid
from decimal import Decimal

import pytest
from django.urls import reverse

from dudao.visits.models import Visit, VisitPhoto, VisitStatus
from tests.personas import PERSONAS
from tests.visits.field_support import draft_visit, jpeg, submitted_visit

__all__ = [  # gathered by tests/visits/test_scope.py
    "field_world", "test_field_pages_as_every_persona", "test_writes_to_someone_elses_draft_are_refused",
    "test_start_only_at_own_assigned_schools", "test_photos_only_for_full_readers",
    "test_detail_shows_feedback_to_the_school_and_everything_to_the_office", "test_service_worker_is_a_static_script",
    "test_api_reads_as_every_persona", "test_api_writes_as_every_persona",
]
FULL_READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader", "supervisor"}
READERS = FULL_READERS | {"school_user"}
FIELD_USERS = {"supervisor", "outsider"}  # the cast's supervisors with a supervisor record


@pytest.fixture
def field_world(cast, field):
    done = submitted_visit(cast.supervisor, cast.A1, refused=True, refusal_note="拒绝提供收费台账原件",
                           latitude=None, longitude=None)
    done.narrative = "叙述只给督导室看"
    done.latitude, done.longitude, done.location_status, done.distance_m = Decimal("28.252"), Decimal("112.551"), "ok", 321
    done.save()
    mine = draft_visit(cast.supervisor, cast.A2, narrative="草稿里的叙述")
    theirs = draft_visit(cast.outsider, cast.C1, narrative="浏阳的草稿")
    return {"done": done, "mine": mine, "theirs": theirs}


def _refused(status: int) -> bool:
    return status in (403, 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_field_pages_as_every_persona(cast, client, field_world, persona):
    client.force_login(getattr(cast, persona))
    mine = field_world["mine"]
    home = client.get(reverse("visits:field_home"))
    assert home.status_code == (200 if persona in FIELD_USERS else 403), persona
    if persona == "outsider":
        page = home.content.decode()
        assert cast.A1.name not in page and cast.A2.name not in page and cast.C1.name in page

    form = client.get(reverse("visits:field_form", args=[mine.client_id]))
    if persona == "supervisor":
        assert form.status_code == 200 and "草稿里的叙述" in form.content.decode()
    else:
        assert _refused(form.status_code), (persona, form.status_code)
        assert "草稿里的叙述" not in form.content.decode()
    if persona == "outsider":
        assert form.status_code == 404  # another supervisor's draft: its existence is not disclosed


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p != "supervisor"])
def test_writes_to_someone_elses_draft_are_refused(cast, client, field_world, persona):
    client.force_login(getattr(cast, persona))
    mine = field_world["mine"]
    photo = mine.photos.get()
    key = str(mine.client_id)
    posts = {
        "visits:field_autosave": (reverse("visits:field_autosave", args=[key]), {"narrative": "改掉"}),
        "visits:field_submit": (reverse("visits:field_submit", args=[key]), {"narrative": "改掉"}),
        "visits:photo_upload": (reverse("visits:photo_upload", args=[key]), None),
        "visits:draft_discard": (reverse("visits:draft_discard", args=[key]), {}),
        "visits:photo_remove": (reverse("visits:photo_remove", args=[photo.client_id]), {}),
    }
    for name, (url, body) in posts.items():
        if body is None:
            response = client.post(url, {"client_id": str(uuid.uuid4()), "file": _upload()})
        else:
            response = client.post(url, json.dumps(body), content_type="application/json")
        assert _refused(response.status_code), (name, persona, response.status_code)
    mine.refresh_from_db()
    assert mine.status == VisitStatus.DRAFT and mine.narrative == "草稿里的叙述"
    assert list(mine.photos.all()) == [photo]


def _upload():
    from django.core.files.uploadedfile import SimpleUploadedFile

    return SimpleUploadedFile("x.jpg", jpeg(320, 240), content_type="image/jpeg")


@pytest.mark.parametrize("persona", PERSONAS)
def test_start_only_at_own_assigned_schools(cast, client, field_world, persona):
    client.force_login(getattr(cast, persona))
    before = Visit.objects.count()
    for key in ("A1", "C1", "B1"):
        school = getattr(cast, key)
        response = client.post(reverse("visits:field_start"), {"school": school.pk, "client_id": str(uuid.uuid4())})
        allowed = (persona, key) in {("supervisor", "A1"), ("outsider", "C1")}
        if allowed:
            assert response.status_code == 302 and "/visits/field/" in response["Location"], (persona, key)
        else:
            assert _refused(response.status_code), (persona, key, response.status_code)
    expected = before + (1 if persona in FIELD_USERS else 0)
    assert Visit.objects.count() == expected


@pytest.mark.parametrize("persona", PERSONAS)
def test_photos_only_for_full_readers(cast, client, field_world, persona):
    client.force_login(getattr(cast, persona))
    done_photo = field_world["done"].photos.get()
    draft_photo = field_world["mine"].photos.get()
    theirs_photo = field_world["theirs"].photos.get()
    response = client.get(reverse("visits:photo", args=[done_photo.pk]))
    assert response.status_code == (200 if persona in FULL_READERS else 404), (persona, response.status_code)
    if response.status_code == 200:
        assert response["Content-Type"] == "image/jpeg" and b"".join(response.streaming_content)[:2] == b"\xff\xd8"
    assert client.get(reverse("visits:photo", args=[draft_photo.pk])).status_code == (200 if persona == "supervisor" else 404)
    assert client.get(reverse("visits:photo", args=[theirs_photo.pk])).status_code == (200 if persona == "outsider" else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_detail_shows_feedback_to_the_school_and_everything_to_the_office(cast, client, field_world, persona):
    client.force_login(getattr(cast, persona))
    done = field_world["done"]
    response = client.get(reverse("visits:detail", args=[done.pk]))
    assert response.status_code == (200 if persona in READERS else 404), (persona, response.status_code)
    page = response.content.decode()
    if persona in READERS:
        assert "建议加强课后服务管理" in page and "作业公示栏未更新" in page and "一周内更新公示" in page
        full = persona in FULL_READERS
        assert ("叙述只给督导室看" in page) == full
        assert ("拒绝提供收费台账原件" in page) == full
        assert ("321" in page) == full
        assert (reverse("visits:photo", args=[done.photos.get().pk]) in page) == full
    else:
        assert "建议加强课后服务管理" not in page
    draft = client.get(reverse("visits:detail", args=[field_world["mine"].pk]))
    assert draft.status_code == (200 if persona == "supervisor" else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_service_worker_is_a_static_script(cast, client, persona):
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("visits:field_sw"))
    assert response.status_code == 200 and response["Content-Type"].startswith("text/javascript")
    assert b"caches" in response.content


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_reads_as_every_persona(cast, client, field_world, persona):
    client.force_login(getattr(cast, persona))
    done, mine = field_world["done"], field_world["mine"]
    listed = {v["id"]: v for v in client.get(reverse("api-1:list_visits")).json()["items"]}
    assert (done.pk in listed) == (persona in READERS), persona
    assert (mine.pk in listed) == (persona == "supervisor"), persona
    assert field_world["theirs"].pk in listed if persona == "outsider" else field_world["theirs"].pk not in listed
    response = client.get(reverse("api-1:get_visit", kwargs={"visit_id": done.pk}))
    assert response.status_code == (200 if persona in READERS else 404), persona
    if persona in READERS:
        data = response.json()
        full = persona in FULL_READERS
        assert data["full"] == full and data["opinions"] == "建议加强课后服务管理。" and len(data["problems"]) == 1
        assert (data["narrative"] == "叙述只给督导室看") == full and (data["refusal_note"] is not None) == full
        assert bool(data["photos"]) == full and (data["distance_m"] == 321) == full
    assert client.get(reverse("api-1:get_visit", kwargs={"visit_id": mine.pk})).status_code == (200 if persona == "supervisor" else 404)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_writes_as_every_persona(cast, client, field_world, persona):
    client.force_login(getattr(cast, persona))
    before = Visit.objects.count()
    for key in ("A1", "C1"):
        body = {"client_id": str(uuid.uuid4()), "school_id": getattr(cast, key).pk, "submit": False}
        response = client.post(reverse("api-1:create_visit"), json.dumps(body), content_type="application/json")
        allowed = (persona, key) in {("supervisor", "A1"), ("outsider", "C1")}
        assert response.status_code == (201 if allowed else response.status_code), (persona, key)
        if not allowed:
            assert _refused(response.status_code), (persona, key, response.status_code)
    assert Visit.objects.count() == before + (1 if persona in FIELD_USERS else 0)
    photos = VisitPhoto.objects.count()
    url = reverse("api-1:add_visit_photo", kwargs={"client_id": field_world["mine"].client_id})
    response = client.post(url, {"photo_client_id": str(uuid.uuid4()), "file": _upload()})
    if persona == "supervisor":
        assert response.status_code == 201 and VisitPhoto.objects.count() == photos + 1
    else:
        assert _refused(response.status_code) and VisitPhoto.objects.count() == photos, (persona, response.status_code)
