"""Scope of the bulletins app: every URL as every persona (named in tests/access/coverage_bulletins.py).

A bulletin of the 宁乡 office is read (figures, Excel) by its office — staff and leader — the offices
above and admins; it is written (examples picked, document drafted) by the staff of 宁乡 and above and
admins, never the leader (403). Everyone else gets 404 for it, whatever else they read (multi is
望城's staff: 404). The list and the drafting form are the offices' (403 for supervisors, schools,
evaluators, accounts without a role); the units read the issued document in their inbox (documents app).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.bulletins import services
from dudao.bulletins.models import Bulletin
from tests.bulletins.conftest import TODAY
from tests.personas import PERSONAS

pytestmark = pytest.mark.django_db

READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
WRITERS = {"admin", "province_staff", "city_staff", "county_staff"}
OFFICES = READERS | {"multi"}  # an office user of some office
DRAFTERS = WRITERS | {"multi"}  # office staff of some office


def _expect(persona: str, *, reads: bool, writes: bool, ok: int = 200) -> int:
    if not reads:
        return 404
    return ok if writes else 403


@pytest.fixture
def bulletin(cast, office, world):
    return services.compute(by=cast.county_staff, office=office, campaign=world, today=TODAY)


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url(cast, bulletin, client, persona):
    client.force_login(getattr(cast, persona))
    pk = bulletin.pk
    reads, writes = persona in READERS, persona in WRITERS
    checks = [
        ("get", "bulletins:list", {}, None, 200 if persona in OFFICES else 403),
        ("get", "bulletins:new", {}, None, 200 if persona in DRAFTERS else 403),
        ("get", "bulletins:detail", {"pk": pk}, None, _expect(persona, reads=reads, writes=True)),
        ("get", "bulletins:export", {"pk": pk}, None, _expect(persona, reads=reads, writes=True)),
        ("post", "bulletins:draft", {"pk": pk}, {"pick": []}, _expect(persona, reads=reads, writes=writes, ok=302)),
    ]
    for method, name, kwargs, data, expected in checks:
        response = getattr(client, method)(reverse(name, kwargs=kwargs), data or {})
        assert response.status_code == expected, (persona, name, response.status_code)
    bulletin.refresh_from_db()
    assert (bulletin.document is not None) == writes


def test_the_list_shows_only_the_bulletins_in_scope(cast, bulletin, client):
    for persona, sees in [("county_staff", True), ("county_leader", True), ("city_staff", True), ("multi", False)]:
        client.force_login(getattr(cast, persona))
        page = client.get(reverse("bulletins:list")).content.decode()
        assert (bulletin.subject in page) is sees, persona


def test_anonymous_is_sent_to_the_login_page(cast, bulletin, client):
    for name, kwargs, method in [("bulletins:list", {}, "get"), ("bulletins:new", {}, "get"),
                                 ("bulletins:detail", {"pk": bulletin.pk}, "get"),
                                 ("bulletins:export", {"pk": bulletin.pk}, "get"),
                                 ("bulletins:draft", {"pk": bulletin.pk}, "post")]:
        response = getattr(client, method)(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and "login" in response["Location"], name
    assert Bulletin.objects.get(pk=bulletin.pk).document is None
