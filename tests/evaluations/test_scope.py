"""Scope of the evaluations app: every URL as every persona (named in tests/access/coverage_evaluations.py).

A 宁乡市 dossier is read by the offices of 宁乡, 长沙市 and 湖南省 (staff and leaders) and admins —
the office region subtree — and by nobody else (404: not disclosed): not 望城's office beside it
("multi"), not supervisors, schools or evaluators of 宁乡's schools. The county edits it (403 for
the other readers); once applied, the county too gets 403.
"""

from __future__ import annotations

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image

from dudao.evaluations import services
from dudao.regions.models import Region
from tests.personas import PERSONAS

READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
EDITORS = {"admin", "county_staff"}
PROVINCE = {"admin", "province_staff"}


def _png() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(out, "PNG")
    return out.getvalue()


@pytest.fixture
def dossier(cast):
    d = services.dossier_create(by=cast.county_staff, region=Region.objects.get(code="430182"), kind="quality", year=2025)
    services.item_save(by=cast.county_staff, dossier=d, code="G1", met=True)
    ev = services.evidence_add(by=cast.county_staff, dossier=d, code="G1",
                               upload=SimpleUploadedFile("规划.png", _png(), content_type="image/png"))
    return d, ev


def _read(persona):
    return 200 if persona in READERS else 404


def _write(persona):
    return {200, 302} if persona in EDITORS else ({403} if persona in READERS else {404})


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading(cast, client, dossier, persona):
    d, ev = dossier
    client.force_login(getattr(cast, persona))
    listed = client.get(reverse("evaluations:list"))
    assert listed.status_code == 200
    assert (f'data-dossier="{d.pk}"' in listed.content.decode()) == (persona in READERS)
    api_list = client.get(reverse("api-1:list_dossiers"))
    assert api_list.status_code == 200 and ({x["id"] for x in api_list.json()} == {d.pk}) == (persona in READERS)
    for name in ("evaluations:detail", "evaluations:checklist", "evaluations:export"):
        assert client.get(reverse(name, kwargs={"pk": d.pk})).status_code == _read(persona), (name, persona)
    assert client.get(reverse("evaluations:evidence", kwargs={"pk": ev.pk})).status_code == _read(persona)
    for name in ("api-1:get_dossier", "api-1:get_checklist"):
        assert client.get(reverse(name, kwargs={"dossier_id": d.pk})).status_code == _read(persona), (name, persona)


@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_while_the_county_holds_it(cast, client, dossier, persona):
    d, ev = dossier
    client.force_login(getattr(cast, persona))
    expected = _write(persona)
    assert client.get(reverse("evaluations:item", kwargs={"pk": d.pk, "code": "G2"})).status_code in expected
    assert client.post(reverse("evaluations:item", kwargs={"pk": d.pk, "code": "G2"}), {"met": "1"}).status_code in expected
    assert client.post(reverse("evaluations:refresh", kwargs={"pk": d.pk})).status_code in expected
    upload = SimpleUploadedFile("四统一.png", _png(), content_type="image/png")
    assert client.post(reverse("evaluations:evidence_upload", kwargs={"pk": d.pk}), {"code": "G2", "file": upload}).status_code in expected
    assert client.post(reverse("evaluations:evidence_delete", kwargs={"pk": d.pk, "evidence_pk": ev.pk})).status_code in expected
    assert d.items.filter(code="G2").exists() == (persona in EDITORS)
    assert d.evidence.filter(pk=ev.pk).exists() == (persona not in EDITORS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating(cast, client, persona):
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("evaluations:create"))
    county_offices = EDITORS | {"multi"}  # multi: staff of 望城's county office, for 望城 only
    assert page.status_code == (200 if persona in county_offices else 403), persona
    county = Region.objects.get(code="430182")
    made = client.post(reverse("evaluations:create"), {"region": county.pk, "kind": "basic", "year": "2025"})
    assert made.status_code == (302 if persona in EDITORS else 400 if persona == "multi" else 403), persona


@pytest.mark.parametrize("persona", PERSONAS)
def test_steps(cast, client, dossier, persona):
    d, _ev = dossier
    client.force_login(getattr(cast, persona))
    applied = client.post(reverse("evaluations:step", kwargs={"pk": d.pk, "step": "apply"}), {"note": ""})
    assert applied.status_code in _write(persona), persona
    d.refresh_from_db()
    assert (d.state == "city_review") == (persona in EDITORS)
    api = client.post(reverse("api-1:take_step", kwargs={"dossier_id": d.pk, "step": "city_return"}), {"note": "材料不全"},
                      content_type="application/json")
    city = {"admin", "city_staff"}
    if persona in EDITORS:
        assert api.status_code == (200 if persona in city else 403), (persona, api.status_code)
    else:  # still a draft: a city step is refused (403 for those without the level, 400 for the city)
        assert api.status_code == (400 if persona in city else 403 if persona in READERS else 404), (persona, api.status_code)
    # the province names its verification only while it evaluates
    linked = client.post(reverse("evaluations:campaign", kwargs={"pk": d.pk}), {"campaign": ""})
    assert linked.status_code == (302 if persona in PROVINCE else 403 if persona in READERS else 404), persona


def test_each_level_sees_below_not_sideways(cast, client):
    from dudao.people.models import Role
    from dudao.people.services import role_grant_add
    from dudao.regions.models import Office

    wangcheng = services.dossier_create(by=cast.admin, region=Region.objects.get(code="430112"), kind="quality", year=2025)
    ningxiang = services.dossier_create(by=cast.county_staff, region=Region.objects.get(code="430182"), kind="quality", year=2025)
    liuyang_staff = cast.outsider  # a 浏阳 supervisor; give them the 浏阳 office as well
    role_grant_add(user=liuyang_staff, role=Role.OFFICE_STAFF, office=Office.objects.get(region__code="430181"))
    seen = {}
    for name in ("county_staff", "multi", "city_staff", "outsider"):
        client.force_login(getattr(cast, name))
        seen[name] = {x["id"] for x in client.get(reverse("api-1:list_dossiers")).json()}
    assert seen == {"county_staff": {ningxiang.pk}, "multi": {wangcheng.pk}, "city_staff": {ningxiang.pk, wangcheng.pk},
                    "outsider": set()}
