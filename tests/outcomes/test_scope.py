"""Scope of the outcomes app: every URL as every persona and anonymous (named in
tests/access/coverage_outcomes.py).

The rules (outcomes/views.py): the office pages (sheet, Excel, PDF, overview) are for staff and leaders of
an office and above and admins — the 宁乡市 office (430182) is read by admin, province, city, county staff
and leader; those who see it only through a school of 宁乡 (supervisor, school account, multi through A3)
get 403, the others 404; without ?office= everyone who reads no office's figures gets 403 and multi reads
望城区. A school's sheet: 404
outside the school scope, 403 for a school seen but not as an office (the supervisor and the school
account at A1). Recording a decision: office staff whose region holds the school and admins; the
leader 403.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.outcomes.models import OutcomeDecision
from dudao.regions.models import Office
from tests.outcomes.world import build_world
from tests.personas import EXPECTED, PERSONAS

OFFICE_READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}  # of 宁乡市
OFFICE_USERS = OFFICE_READERS | {"multi"}  # read some office's figures
WRITERS = {"admin", "province_staff", "city_staff", "county_staff"}  # of 宁乡市's schools


@pytest.fixture
def world(cast):
    return build_world(cast)


def _office_status(persona: str) -> int:
    """The 宁乡市 office: read by its readers; seen (through a school of 宁乡) but not read: 403; not seen at
    all (the office's existence is not disclosed): 404."""
    if persona in OFFICE_READERS:
        return 200
    if persona in {"supervisor", "school_user", "multi"}:  # they see a 宁乡 school, hence its office
        return 403
    return 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_office_pages(world, cast, client, persona):
    client.force_login(getattr(cast, persona))
    ningxiang = world.ningxiang.pk
    for name in ("outcomes:index", "outcomes:export", "outcomes:pdf", "outcomes:cockpit"):
        response = client.get(reverse(name), {"office": ningxiang})
        assert response.status_code == _office_status(persona), (persona, name)
        if response.status_code == 200 and name in ("outcomes:index", "outcomes:cockpit"):
            html = response.content.decode()
            hidden = [s.name for s in cast.all_schools if s.name[:4] == "测试望城" or s.name[:4] == "测试北京"]
            assert not [n for n in hidden if n in html], (persona, name)
        # without ?office=: one's own office, or 403 for those who read none
        response = client.get(reverse(name))
        assert response.status_code == (200 if persona in OFFICE_USERS else 403), (persona, name)
    # a bad office parameter
    assert client.get(reverse("outcomes:index"), {"office": "x"}).status_code in (403, 404)


def test_multi_reads_only_wangcheng(world, cast, client):
    client.force_login(cast.multi)
    response = client.get(reverse("outcomes:index"))
    html = response.content.decode()
    assert cast.B1.name in html and cast.A3.name not in html and cast.A1.name not in html


@pytest.mark.parametrize("persona", PERSONAS)
def test_school_pages(world, cast, client, persona):
    client.force_login(getattr(cast, persona))
    for key in ("A1", "A3", "B1", "D1"):
        school = getattr(cast, key)
        sees = key in EXPECTED[persona]
        if not sees:
            expected = 404
        elif persona in OFFICE_USERS and not (persona == "multi" and key.startswith("A")):
            expected = 200
        else:
            expected = 403  # seen as a school, not as an office (supervisor, school account, multi at A3)
        for name in ("outcomes:school", "outcomes:school_pdf"):
            assert client.get(reverse(name, args=[school.pk])).status_code == expected, (persona, key, name)


@pytest.mark.parametrize("persona", PERSONAS)
def test_recording_a_decision(world, cast, client, persona):
    client.force_login(getattr(cast, persona))
    for key in ("A1", "B1"):
        school = getattr(cast, key)
        before = OutcomeDecision.objects.count()
        url = reverse("outcomes:decision_new", args=[school.pk])
        get = client.get(url)
        response = client.post(url, {"kind": "interview", "decided_on": "2026-01-05", "basis": "逾期未整改"})
        sees = key in EXPECTED[persona]
        writes = (key == "A1" and persona in WRITERS) or (key == "B1" and persona in {"admin", "province_staff",
                                                                                       "city_staff", "multi"})
        if not sees:
            expected = 404
        elif writes:
            expected = 302
        else:
            expected = 403
        assert response.status_code == expected, (persona, key)
        assert get.status_code == (200 if expected == 302 else expected), (persona, key)
        assert OutcomeDecision.objects.count() == before + (1 if expected == 302 else 0)


@pytest.mark.parametrize("persona", PERSONAS)
def test_anonymous_and_personas_never_see_others_decisions(world, cast, client, persona):
    OutcomeDecision.objects.create(school=cast.A1, principal_name="张校长", kind="interview", decided_on="2026-01-05",
                                   basis="约谈依据甲", office=Office.objects.get(region__code="430182"),
                                   decided_by=cast.county_staff)
    client.force_login(getattr(cast, persona))
    if "A1" in EXPECTED[persona]:
        html = client.get(reverse("schools:detail", args=[cast.A1.pk])).content.decode()
        assert ("约谈依据甲" in html) == (persona in OFFICE_READERS), persona


def test_anonymous(world, cast, client):
    for name, args in (("outcomes:index", []), ("outcomes:export", []), ("outcomes:pdf", []),
                       ("outcomes:cockpit", []), ("outcomes:school", [cast.A1.pk]),
                       ("outcomes:school_pdf", [cast.A1.pk]), ("outcomes:decision_new", [cast.A1.pk])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and "/login" in response["Location"], name
    assert client.post(reverse("outcomes:decision_new", args=[cast.A1.pk]),
                       {"kind": "interview", "decided_on": "2026-01-05", "basis": "x"}).status_code == 302
    assert not OutcomeDecision.objects.exists()
