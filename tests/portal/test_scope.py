"""Scope of the portal app: every URL as every persona (tests/personas.py) and anonymous (named in
tests/access/coverage_portal.py).

The public portal needs no account and shows the same to everyone: a published document (宁乡's, and
望城's) answers 200, every unpublished one 404 — whoever asks, even the office that wrote it (they read
it in the documents app, not here). 公示管理: staff and leaders of the office or an office above (and
admins) read the 宁乡 office's notices; staff (not leaders) change them; 望城's staff (multi) do not see
them (404); supervisors, schools, evaluators and people without a role have no staff pages (403);
anonymous visitors are sent to sign in.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.portal.models import Publicity, PublicityAttachment
from dudao.regions.models import Office
from tests.personas import PERSONAS
from tests.portal.conftest import HIDDEN, SHOWN

pytestmark = pytest.mark.django_db

EVERYONE = [*PERSONAS, "anonymous"]
READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}  # 宁乡's notices
WRITERS = {"admin", "province_staff", "city_staff", "county_staff"}
OFFICE_PEOPLE = READERS | {"multi"}  # staff or leaders of some office: the list page
STAFF_SOMEWHERE = WRITERS | {"multi"}  # may create a notice for some office


def _notice(title: str, *, days_ago: int = 1) -> Publicity:
    today = timezone.localdate()
    item = Publicity.objects.create(office=Office.objects.get(region__code="430182"), kind="supervisor_appointment",
                                    title=title, body="张三", starts_on=today - timedelta(days=days_ago),
                                    ends_on=today + timedelta(days=14))
    attachment = PublicityAttachment(publicity=item, name="名单.pdf", size=10)
    attachment.file.save("list.pdf", SimpleUploadedFile("list.pdf", b"%PDF-1.4 x"), save=False)
    attachment.save()
    return item


@pytest.mark.parametrize("persona", EVERYONE)
def test_public_pages_show_only_what_was_published_to_everyone(world, cast, client, persona):
    if persona != "anonymous":
        client.force_login(getattr(cast, persona))
    notice = _notice("宁乡市拟聘任责任督学公示")
    scheduled = _notice("明天开始的公示", days_ago=-1)
    file_pk = notice.attachments.get().pk
    for name in ("portal:index", "portal:search", "portal:data", "portal:publicity_list"):
        response = client.get(reverse(name), {"q": "督导"} if name == "portal:search" else {})
        assert response.status_code == 200, (persona, name)
        text = response.content.decode()
        assert not [k for k in HIDDEN if world[k].title in text], (persona, name)
    for name in ("portal:export_csv", "portal:export_xlsx"):
        assert client.get(reverse(name)).status_code == 200, (persona, name)
    for key in SHOWN:
        assert client.get(reverse("portal:document", args=[world[key].pk])).status_code == 200, (persona, key)
        assert client.get(reverse("portal:document_pdf", args=[world[key].pk])).status_code == 200, (persona, key)
    for key in HIDDEN:
        assert client.get(reverse("portal:document", args=[world[key].pk])).status_code == 404, (persona, key)
        assert client.get(reverse("portal:document_pdf", args=[world[key].pk])).status_code == 404, (persona, key)
    assert client.get(reverse("portal:school", args=[cast.A1.code])).status_code == 200
    assert client.get(reverse("portal:publicity", args=[notice.pk])).status_code == 200
    assert client.get(reverse("portal:publicity_attachment", args=[notice.pk, file_pk])).status_code == 200
    assert client.get(reverse("portal:publicity", args=[scheduled.pk])).status_code == 404
    scheduled_file = scheduled.attachments.get().pk
    assert client.get(reverse("portal:publicity_attachment", args=[scheduled.pk, scheduled_file])).status_code == 404
    assert client.get(reverse("portal:publicity_attachment", args=[notice.pk, scheduled_file])).status_code == 404


def _expect(persona: str, *, may: bool, ok: int = 200) -> int:
    if persona not in OFFICE_PEOPLE:
        return 403
    if persona not in READERS:
        return 404
    return ok if may else 403


@pytest.mark.parametrize("persona", EVERYONE)
def test_staff_pages_follow_the_office_subtree(cast, client, persona):
    notice = _notice("宁乡市拟聘任责任督学公示")
    if persona == "anonymous":
        for name, kwargs in (("portal:manage", {}), ("portal:create", {}), ("portal:edit", {"pk": notice.pk})):
            response = client.get(reverse(name, kwargs=kwargs))
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
        response = client.post(reverse("portal:withdraw", args=[notice.pk]), {"reason": "x"})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
        assert Publicity.objects.get(pk=notice.pk).withdrawn_at is None
        return
    client.force_login(getattr(cast, persona))
    listing = client.get(reverse("portal:manage"))
    assert listing.status_code == (200 if persona in OFFICE_PEOPLE else 403), persona
    if listing.status_code == 200:
        assert ("宁乡市拟聘任责任督学公示" in listing.content.decode()) == (persona in READERS), persona
    assert client.get(reverse("portal:create")).status_code == (200 if persona in STAFF_SOMEWHERE else 403), persona
    assert client.get(reverse("portal:edit", args=[notice.pk])).status_code == _expect(
        persona, may=persona in WRITERS), persona
    response = client.post(reverse("portal:withdraw", args=[notice.pk]), {"reason": "名单有误"})
    assert response.status_code == _expect(persona, may=persona in WRITERS, ok=302), persona
    assert (Publicity.objects.get(pk=notice.pk).withdrawn_at is not None) == (persona in WRITERS), persona


def test_multi_creates_only_for_its_own_office(cast, client):
    """望城's staff choose among their own offices: 宁乡's is not offered, and a posted 宁乡 id is refused."""
    client.force_login(cast.multi)
    form = client.get(reverse("portal:create"))
    offices = [o.region.code for o in form.context["form"].fields["office"].queryset]
    assert offices == ["430112"]
    today = timezone.localdate()
    response = client.post(reverse("portal:create"), {
        "office": Office.objects.get(region__code="430182").pk, "kind": "other", "title": "越权公示", "body": "x",
        "starts_on": today.isoformat(), "ends_on": (today + timedelta(days=20)).isoformat()})
    assert response.status_code == 200 and not Publicity.objects.filter(title="越权公示").exists()
