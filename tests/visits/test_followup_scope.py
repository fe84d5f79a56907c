"""The 随访·视导 URLs as every persona (claimed through tests/visits/test_scope.py): the page and the
start open to office staff (and admins) and to active supervisors; a follow-up starts only at a
school the person reads — 404-like refusal (not found) outside, 403 for one's own 挂牌 school — and
nobody's list shows another person's follow-ups."""

from __future__ import annotations

import uuid

import pytest
from django.urls import reverse

from dudao.visits.models import Visit, VisitBasis
from tests.personas import PERSONAS

STARTERS = {"admin", "province_staff", "city_staff", "county_staff", "multi"}  # office staff (multi: 望城)
WITH_RECORD = {"supervisor", "outsider"}  # the `field` fixture gives them active records (挂牌 A1, A2 / C1)


def _start(client, code: str):
    return client.post(reverse("visits:followup_start"), {"client_id": str(uuid.uuid4()), "school_code": code})


@pytest.mark.parametrize("persona", PERSONAS)
def test_followup_pages_as_every_persona(cast, client, field, persona):
    # someone else's follow-up at A3, by the county office: never listed for another person
    client.force_login(cast.county_staff)
    assert _start(client, cast.A3.code).status_code == 302
    theirs = Visit.objects.get()
    client.force_login(getattr(cast, persona))
    home = client.get(reverse("visits:followup_home"))
    may = persona in STARTERS | WITH_RECORD
    assert home.status_code == (200 if may else 403), (persona, home.status_code)
    if may and persona != "county_staff":
        assert str(theirs.client_id) not in home.content.decode() and cast.A3.name not in home.content.decode()
    response = _start(client, cast.A3.code)  # 宁乡's A3
    reads_a3 = persona in {"admin", "province_staff", "city_staff", "county_staff"}
    if not may:
        assert response.status_code == 403
    elif reads_a3:
        assert response.status_code == 302, (persona, response.status_code)
    elif persona == "multi":  # 望城 staff who reads A3 through a supervisor grant, without a record
        assert response.status_code == 403 and "不在您所在督导室的辖区内" in response.content.decode()
    else:  # a 浏阳 supervisor, 谢彩飞 without a zone: A3 is not theirs to find
        assert response.status_code == 400, (persona, response.status_code)
    own = _start(client, cast.A1.code)
    if persona == "supervisor":  # 挂牌 at A1: their visit there is routine
        assert own.status_code == 403
    made = Visit.objects.filter(basis=VisitBasis.FOLLOWUP, created_by=getattr(cast, persona)).count()
    assert made == (2 if reads_a3 and persona != "county_staff" else 3 if persona == "county_staff" else 0), persona


def test_anonymous_is_sent_to_login(client):
    for response in (client.get(reverse("visits:followup_home")), client.post(reverse("visits:followup_start"), {})):
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
