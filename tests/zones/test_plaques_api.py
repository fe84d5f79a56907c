"""The plaque API (/api/v1/plaques/…): batch create from a zone, an office or listed schools; status;
PDF download; the QR address check — with the pages' scope, as every persona."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.people.models import ApiToken
from dudao.zones.models import PlaqueBatch
from dudao.zones.plaques import plaque_batch_create
from dudao.zones.services import zone_add_schools, zone_create
from tests.zones.plaques_helpers import page_count

BATCHES = "/api/v1/plaques/batches"


@pytest.fixture
def zone(team, cast):
    zone = zone_create(office=team.office, name="玉潭责任区")
    zone_add_schools(zone=zone, schools=[cast.A1, cast.A2])
    return zone


def test_zone_batch_end_to_end_with_a_token(cast, team, zone, client, settings):
    settings.DUDAO_PUBLIC_BASE_URL = "https://dudao.example.gov.cn"
    _token, key = ApiToken.issue(user=cast.county_staff, name="打印")
    auth = {"HTTP_AUTHORIZATION": f"Bearer {key}"}
    response = client.post(BATCHES, {"zone_id": zone.pk}, content_type="application/json", **auth)
    assert response.status_code == 201, response.content
    data = response.json()
    batch = PlaqueBatch.objects.get()
    assert (data["id"], data["status"], data["done"], data["total"], data["percent"]) == (batch.pk, "succeeded", 2, 2, 100)
    assert data["qr_base"] == "https://dudao.example.gov.cn" and data["qr_warning"] == ""
    assert data["title"] == f"{team.office.name} 玉潭责任区 公示牌"
    status = client.get(f"{BATCHES}/{batch.pk}", **auth).json()
    assert status["download_url"] == f"{BATCHES}/{batch.pk}/download"
    pdf = client.get(status["download_url"], **auth)
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert page_count(b"".join(pdf.streaming_content)) == 2  # one page per school


def test_listed_schools_and_the_loopback_warning(cast, team, client, settings):
    settings.DUDAO_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    client.force_login(cast.county_staff)
    data = client.post(BATCHES, {"school_ids": [cast.A1.pk, cast.A1.pk, cast.A3.pk], "title": "两所学校"},
                       content_type="application/json").json()
    assert (data["total"], data["title"]) == (2, "两所学校")
    assert "本机地址" in data["qr_warning"] and "请勿打印张贴" in data["message"]
    address = client.get("/api/v1/plaques/address").json()
    assert address == {"base": "http://127.0.0.1:8000", "example_url": "http://127.0.0.1:8000/s/学校标识码/",
                       "ok": False, "warning": address["warning"]} and "本机地址" in address["warning"]


def test_bad_requests_write_nothing(cast, team, zone, client):
    client.force_login(cast.county_staff)
    for body in ({}, {"zone_id": zone.pk, "office_id": team.office.pk}, {"school_ids": []}):
        response = client.post(BATCHES, body, content_type="application/json")
        assert response.status_code == 400, body
        assert response.json()["detail"]
    assert not PlaqueBatch.objects.exists()


def test_unfinished_batch_has_no_download(cast, team, client):
    batch = plaque_batch_create(by=cast.county_staff, title="待生成", schools=[cast.A1])
    client.force_login(cast.county_staff)
    assert client.get(f"{BATCHES}/{batch.pk}").json()["download_url"] is None
    assert client.get(f"{BATCHES}/{batch.pk}/download").status_code == 404


def test_anonymous_is_refused(cast, team, zone, client):
    batch = plaque_batch_create(by=cast.county_staff, title="宁乡公示牌", schools=[cast.A1])
    assert client.post(BATCHES, {"zone_id": zone.pk}, content_type="application/json").status_code == 401
    for url in (f"{BATCHES}/{batch.pk}", f"{BATCHES}/{batch.pk}/download", "/api/v1/plaques/address"):
        assert client.get(url).status_code == 401
    assert reverse("api-1:get_plaque_batch", args=[batch.pk]) == f"{BATCHES}/{batch.pk}"
