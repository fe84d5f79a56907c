"""Every URL of the framework library as every persona (tests/personas.py): outside what the person
reads 404, read but not theirs to change 403. Claimed as "own" by tests/access/coverage_frameworks.py.

Who reads (docs/access.md, "Frameworks"): built-ins everyone signed in with a role; an office's
frameworks its staff and leaders, the offices above and below; published ones also the supervisors
and school accounts of schools under that office (they answer them). Who writes: the owning
office's staff and admins; creating and copying, staff into their own office.
"""

from __future__ import annotations

import tempfile

import pytest
from django.urls import reverse

from dudao.frameworks import services
from dudao.frameworks.models import FrameworkShape, Weighting
from tests.personas import PERSONAS

OFFICE_READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
ANSWERERS = {"supervisor", "school_user", "multi"}  # through 宁乡 schools (multi: A3)
OWNERS = {"admin", "county_staff"}
WRITERS = {"admin", "province_staff", "city_staff", "county_staff", "multi"}  # staff of some office


@pytest.fixture
def library(cast, county_office, builtins):
    """宁乡's published framework, 宁乡's draft-only framework (valid, one indicator) and a built-in."""
    published = services.framework_create(by=None, owner=county_office, name="宁乡已发布", shape=FrameworkShape.CHECKLIST,
                                          weighting=Weighting.NONE)
    services.indicator_add(by=None, version=published.versions.get(), code="1", text="是否按时开学", scoring="yes_no")
    services.version_publish(by=None, version=published.versions.get())
    draft = services.framework_create(by=None, owner=county_office, name="宁乡草稿", shape=FrameworkShape.CHECKLIST,
                                      weighting=Weighting.NONE)
    node = services.indicator_add(by=None, version=draft.versions.get(), code="1", text="是否按时返校", scoring="yes_no")
    return {"published": published, "draft": draft, "node": node, "builtin": builtins["shitang"]}


def _reads(persona: str, which: str) -> bool:
    if persona == "nobody":
        return False
    if which == "builtin":
        return True
    if which == "published":
        return persona in OFFICE_READERS | ANSWERERS
    return persona in OFFICE_READERS  # drafts: the office and those above


def _expected_read(persona: str, which: str) -> int:
    return 200 if _reads(persona, which) else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_reading(cast, client, library, persona):
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("frameworks:list")).status_code == 200
    assert client.get(reverse("api-1:list_frameworks")).status_code == 200
    for which in ("builtin", "published", "draft"):
        pk = library[which].pk
        expected = _expected_read(persona, which)
        for name in ("frameworks:detail", "frameworks:export", "api-1:get_framework", "api-1:export_framework"):
            kwargs = {"framework_id": pk} if name.startswith("api") else {"pk": pk}
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == expected, (name, which, persona, response.status_code)
    listed = client.get(reverse("api-1:list_frameworks")).json()
    names = {f["name"] for f in listed}
    assert ("宁乡已发布" in names) == _reads(persona, "published"), persona
    assert ("宁乡草稿" in names) == _reads(persona, "draft"), persona


def _write_status(persona: str) -> set[int]:
    if persona in OWNERS:
        return {200, 302}
    return {403} if _reads(persona, "draft") else {404}


@pytest.mark.parametrize("persona", PERSONAS)
def test_editing_the_draft(cast, client, library, persona):
    client.force_login(getattr(cast, persona))
    pk, node = library["draft"].pk, library["node"]
    expected = _write_status(persona)
    for name, kwargs in (("frameworks:edit", {"pk": pk}), ("frameworks:indicator_add", {"pk": pk}),
                         ("frameworks:indicator_edit", {"pk": pk, "indicator_pk": node.pk}),
                         ("frameworks:import", {"pk": pk})):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code in expected, (name, persona, response.status_code)
    for name, kwargs in (("frameworks:active", {"pk": pk}), ("frameworks:new_draft", {"pk": pk}),
                         ("frameworks:indicator_delete", {"pk": pk, "indicator_pk": node.pk})):
        response = client.post(reverse(name, kwargs=kwargs), {"active": "1"})
        assert response.status_code in expected, (name, persona, response.status_code)
    indicators = library["draft"].versions.get().indicators
    assert indicators.exists() == (persona not in OWNERS)  # the owners deleted it, nobody else could


@pytest.mark.parametrize("persona", PERSONAS)
def test_publishing(cast, client, library, persona):
    client.force_login(getattr(cast, persona))
    pk = library["draft"].pk
    page = client.post(reverse("frameworks:publish", kwargs={"pk": pk}))
    assert page.status_code in _write_status(persona), (persona, page.status_code)
    api = client.post(reverse("api-1:publish_framework", kwargs={"framework_id": pk}))
    if persona in OWNERS:  # published by the page: nothing left to publish
        assert api.status_code == 400 and api.json()["detail"] == "没有可发布的草稿版本。"
        assert library["draft"].versions.get().state == "published"
    else:
        assert api.status_code == min(_write_status(persona)), (persona, api.status_code)
        assert library["draft"].versions.get().state == "draft"


@pytest.mark.parametrize("persona", PERSONAS)
def test_creating_and_copying(cast, client, library, county_office, persona):
    user = getattr(cast, persona)
    client.force_login(user)
    writer = persona in WRITERS
    assert client.get(reverse("frameworks:create")).status_code == (200 if writer else 403)
    copy_page = client.get(reverse("frameworks:copy", kwargs={"pk": library["builtin"].pk}))
    assert copy_page.status_code == (200 if writer else 404 if persona == "nobody" else 403), persona
    owner = {"owner_id": county_office.pk} if persona == "admin" else {}
    created = client.post(reverse("api-1:create_framework"), {"name": f"{persona}新建", "shape": "checklist", **owner},
                          content_type="application/json")
    assert created.status_code == (201 if writer else 403), (persona, created.status_code)
    copied = client.post(reverse("api-1:copy_framework", kwargs={"framework_id": library["builtin"].pk}), owner,
                         content_type="application/json")
    assert copied.status_code == (201 if writer else 404 if persona == "nobody" else 403), (persona, copied.status_code)
    # a county's staff may not write into the county: create with another office's id is refused
    if persona in {"city_staff", "multi"}:
        refused = client.post(reverse("api-1:create_framework"),
                              {"name": "越权", "shape": "checklist", "owner_id": county_office.pk},
                              content_type="application/json")
        assert refused.status_code == 403


@pytest.mark.parametrize("persona", PERSONAS)
def test_importing_through_the_api(cast, client, library, persona):
    """The API's import: the owners import (a new draft of the published framework), readers 403, others 404."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from dudao.frameworks.excel import write_version

    client.force_login(getattr(cast, persona))
    published = library["published"]
    with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
        write_version(tmp.name, published.versions.get())
        data = open(tmp.name, "rb").read()
    response = client.post(reverse("api-1:import_framework", kwargs={"framework_id": published.pk}),
                           {"file": SimpleUploadedFile("宁乡.xlsx", data)})
    if persona in OWNERS:
        assert response.status_code == 200 and response.json()["version"]["number"] == 2
    else:
        assert response.status_code == (403 if _reads(persona, "published") else 404), (persona, response.status_code)
        assert published.versions.count() == 1


def test_anonymous_is_sent_to_login(cast, client, library):
    pk = library["draft"].pk
    for name, kwargs in (("frameworks:list", {}), ("frameworks:create", {}), ("frameworks:detail", {"pk": pk}),
                         ("frameworks:copy", {"pk": pk}), ("frameworks:export", {"pk": pk})):
        response = client.get(reverse(name, kwargs=kwargs))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    assert client.get(reverse("api-1:get_framework", kwargs={"framework_id": pk})).status_code == 401
