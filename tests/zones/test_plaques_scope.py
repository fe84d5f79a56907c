"""Every plaques URL as every persona (tests/personas.py): outside the scope 404, visible but not
allowed 403. The plaque carries full phone numbers, so seeing a school is not enough to print it.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.zones.models import PlaqueBatch, PlaqueBatchStatus
from dudao.zones.plaques import plaque_batch_create, plaque_batch_run
from dudao.zones.services import zone_add_schools, zone_create
from tests.personas import EXPECTED, PERSONAS

SCHOOLS = ("A1", "A2", "A3", "B1", "B2", "C1", "D1")
# The school plaques each persona may download ("zones:plaque_school"): the office and above (and
# admins), and supervisor or school accounts for the schools their grant lists. The evaluator sees
# B1 and B2 but may not print them (403).
PRINTS = {
    "admin": set(SCHOOLS),
    "province_staff": {"A1", "A2", "A3", "B1", "B2", "C1"},
    "city_staff": {"A1", "A2", "A3", "B1", "B2", "C1"},
    "county_staff": {"A1", "A2", "A3"},
    "county_leader": {"A1", "A2", "A3"},
    "supervisor": {"A1", "A2"},
    "school_user": {"A1"},
    "evaluator": set(),
    "outsider": {"C1"},
    "multi": {"A3", "B1", "B2"},
    "nobody": set(),
}
# Who may print 宁乡's zone and office batches ("zones:plaque_zone", "zones:plaque_office").
OFFICE_READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}


@pytest.fixture
def ningxiang_zone(team, cast):
    zone = zone_create(office=team.office, name="玉潭责任区")
    zone_add_schools(zone=zone, schools=[cast.A1, cast.A2])
    return zone


@pytest.mark.parametrize("persona", PERSONAS)
def test_school_plaque(cast, team, client, persona):
    client.force_login(getattr(cast, persona))
    for key in SCHOOLS:
        school = getattr(cast, key)
        response = client.get(reverse("zones:plaque_school", args=[school.pk]))
        expected = 200 if key in PRINTS[persona] else 403 if key in EXPECTED[persona] else 404
        assert response.status_code == expected, (persona, key, response.status_code)
        if expected != 200:
            assert school.name not in response.content.decode(errors="ignore")


@pytest.mark.parametrize("persona", PERSONAS)
def test_zone_and_office_batches(cast, team, ningxiang_zone, client, persona):
    client.force_login(getattr(cast, persona))
    for name, pk in (("zones:plaque_zone", ningxiang_zone.pk), ("zones:plaque_office", team.office.pk)):
        response = client.post(reverse(name, args=[pk]))
        if persona in OFFICE_READERS:
            batch = PlaqueBatch.objects.filter(created_by=getattr(cast, persona)).latest("created_at")
            assert response["Location"] == reverse("zones:plaque_batch", args=[batch.pk]), (name, persona)
        else:
            assert response.status_code in (403, 404), (name, persona, response.status_code)
    if persona not in OFFICE_READERS:
        assert not PlaqueBatch.objects.exists(), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_batch_only_for_its_creator_and_admins(cast, team, client, persona):
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡公示牌", schools=[cast.A1])
    plaque_batch_run(batch_id=batch.pk)
    client.force_login(getattr(cast, persona))
    for name in ("zones:plaque_batch", "zones:plaque_batch_download"):
        response = client.get(reverse(name, args=[batch.pk]))
        assert response.status_code == (200 if persona in {"admin", "county_staff"} else 404), (name, persona)


@pytest.mark.parametrize("persona", [None, *PERSONAS])
def test_public_page_is_open_to_everyone(cast, team, client, persona):
    if persona:
        client.force_login(getattr(cast, persona))
    for key in SCHOOLS:
        assert client.get(reverse("public:school", args=[getattr(cast, key).code])).status_code == 200, (persona, key)


def test_anonymous_is_sent_to_login(cast, team, ningxiang_zone, client):
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡公示牌", schools=[cast.A1])
    urls = {
        "zones:plaque_school": ("get", reverse("zones:plaque_school", args=[cast.A1.pk])),
        "zones:plaque_zone": ("post", reverse("zones:plaque_zone", args=[ningxiang_zone.pk])),
        "zones:plaque_office": ("post", reverse("zones:plaque_office", args=[team.office.pk])),
        "zones:plaque_batch": ("get", reverse("zones:plaque_batch", args=[batch.pk])),
        "zones:plaque_batch_download": ("get", reverse("zones:plaque_batch_download", args=[batch.pk])),
    }
    for name, (method, url) in urls.items():
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert PlaqueBatch.objects.count() == 1


# --- the plaque API (/api/v1/plaques/…, api/plaques.py): the same rules as the pages -----------------------
@pytest.mark.parametrize("persona", PERSONAS)
def test_api_listed_schools_follow_the_plaque_rule(cast, team, client, persona):
    client.force_login(getattr(cast, persona))
    for key in SCHOOLS:
        response = client.post(reverse("api-1:create_plaque_batch"), {"school_ids": [getattr(cast, key).pk]}, content_type="application/json")
        expected = 201 if key in PRINTS[persona] else 403 if key in EXPECTED[persona] else 404
        assert response.status_code == expected, (persona, key, response.status_code)
    assert PlaqueBatch.objects.count() == len(PRINTS[persona])


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_zone_and_office_batches_for_office_readers_only(cast, team, ningxiang_zone, client, persona):
    client.force_login(getattr(cast, persona))
    for body in ({"zone_id": ningxiang_zone.pk}, {"office_id": team.office.pk}):
        response = client.post(reverse("api-1:create_plaque_batch"), body, content_type="application/json")
        if persona in OFFICE_READERS:
            assert response.status_code == 201, (persona, body)
        else:
            assert response.status_code in (403, 404), (persona, body, response.status_code)
    assert PlaqueBatch.objects.exists() == (persona in OFFICE_READERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_status_and_download_only_for_creator_and_admins(cast, team, client, persona):
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡公示牌", schools=[cast.A1])
    plaque_batch_run(batch_id=batch.pk)
    assert PlaqueBatch.objects.get().status == PlaqueBatchStatus.SUCCEEDED
    client.force_login(getattr(cast, persona))
    allowed = persona in {"admin", "county_staff"}
    for url in (reverse("api-1:get_plaque_batch", args=[batch.pk]), reverse("api-1:download_plaque_batch", args=[batch.pk])):
        response = client.get(url)
        assert response.status_code == (200 if allowed else 404), (url, persona)
        if not allowed:
            assert "宁乡公示牌" not in response.content.decode(errors="ignore")
    assert client.get(reverse("api-1:get_plaque_address")).status_code == 200
