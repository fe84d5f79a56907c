"""Scope of the library app: every URL as every persona (tests/personas.py) and anonymously. Named in
tests/access/coverage_library.py. Outside what the person reads 404; read but not theirs to change 403.

Who reads: the built-in national entries — everyone with a role; 宁乡's handbook — the offices of 宁乡
and above and those whose schools are in 宁乡 (supervisor, school_user, multi via A3); 宁乡's published
notice — its office side (staff and leaders of 宁乡 and above, admins) and its readers (the 宁乡
supervisors and school accounts); a draft notice — the office side only. Who changes: the staff of
宁乡 and above, admins (never leaders, never 望城's staff).
"""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from dudao.library import services
from dudao.library.models import Policy
from tests.personas import PERSONAS

OFFICE_SIDE = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
MANAGERS = {"admin", "province_staff", "city_staff", "county_staff"}
STAFF_SOMEWHERE = MANAGERS | {"multi"}
NINGXIANG_READERS = OFFICE_SIDE | {"supervisor", "school_user", "multi"}
WITH_ROLE = set(PERSONAS) - {"nobody"}


def _expect(persona: str, *, readers: set[str], writers: set[str]) -> int:
    if persona in writers:
        return 200
    return 403 if persona in readers else 404


@pytest.fixture
def world(cast, library):
    pdf = SimpleUploadedFile("手册.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    handbook = services.policy_update(by=cast.county_staff, policy=library["handbook"], data={}, upload=pdf)
    notice = library["notice"]
    notice.attachment.save("n.pdf", SimpleUploadedFile("n.pdf", b"%PDF-1.4\n%%EOF\n"), save=True)
    notice.attachment_name, notice.attachment_type = "附件.pdf", "application/pdf"
    notice.save()
    return {**library, "handbook": handbook, "builtin": Policy.objects.get(title="教育督导条例")}


@pytest.mark.parametrize("persona", PERSONAS)
def test_policy_pages(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("library:index")).status_code == 200
    handbook, builtin, local = world["handbook"], world["builtin"], world["local"]
    assert client.get(reverse("library:policy", args=[builtin.pk])).status_code == (200 if persona in WITH_ROLE else 404)
    assert client.get(reverse("library:policy", args=[handbook.pk])).status_code == (
        200 if persona in NINGXIANG_READERS else 404)
    assert client.get(reverse("library:policy_file", args=[handbook.pk])).status_code == (
        200 if persona in NINGXIANG_READERS else 404)
    wangcheng_readers = {"admin", "province_staff", "city_staff", "multi", "evaluator"}
    assert client.get(reverse("library:policy", args=[local.pk])).status_code == (
        200 if persona in wangcheng_readers else 404)
    assert client.get(reverse("library:policy_create")).status_code == (200 if persona in STAFF_SOMEWHERE else 403)
    edit = client.get(reverse("library:policy_edit", args=[handbook.pk]))
    assert edit.status_code == _expect(persona, readers=NINGXIANG_READERS, writers=MANAGERS)
    builtin_edit = client.get(reverse("library:policy_edit", args=[builtin.pk]))
    assert builtin_edit.status_code == (403 if persona in WITH_ROLE else 404)
    changed = client.post(reverse("library:policy_edit", args=[handbook.pk]), {
        "title": "改过的标题", "issuer": "宁乡市人民政府教育督导室", "category": "handbook", "status": "valid",
        "full_text": handbook.full_text})
    assert changed.status_code == (302 if persona in MANAGERS else 403 if persona in NINGXIANG_READERS else 404)
    assert Policy.objects.filter(title="改过的标题").exists() == (persona in MANAGERS)
    listing = client.get(reverse("library:index"), {"q": "逾期 约谈"}).content.decode()
    assert (handbook.title in listing or "改过的标题" in listing) == (persona in NINGXIANG_READERS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_notice_pages(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    notice, draft = world["notice"], world["draft"]
    listing = client.get(reverse("library:notices"))
    assert listing.status_code == 200
    assert (notice.title in listing.content.decode()) == (persona in NINGXIANG_READERS)
    assert (draft.title in listing.content.decode()) == (persona in OFFICE_SIDE)
    assert client.get(reverse("library:notice", args=[notice.pk])).status_code == (
        200 if persona in NINGXIANG_READERS else 404)
    assert client.get(reverse("library:notice_file", args=[notice.pk])).status_code == (
        200 if persona in NINGXIANG_READERS else 404)
    assert client.get(reverse("library:notice", args=[draft.pk])).status_code == (200 if persona in OFFICE_SIDE else 404)
    assert client.get(reverse("library:notice_create")).status_code == (200 if persona in STAFF_SOMEWHERE else 403)
    assert client.get(reverse("library:notice_edit", args=[draft.pk])).status_code == _expect(
        persona, readers=OFFICE_SIDE, writers=MANAGERS)
    assert client.get(reverse("library:notice_receipts", args=[notice.pk])).status_code == _expect(
        persona, readers=NINGXIANG_READERS, writers=OFFICE_SIDE)
    for name in ("library:notice_remind", "library:notice_withdraw"):
        page = client.post(reverse(name, args=[notice.pk]))
        assert page.status_code == (302 if persona in MANAGERS else 403 if persona in NINGXIANG_READERS else 404), name
    page = client.post(reverse("library:notice_publish", args=[draft.pk]))
    assert page.status_code == (302 if persona in MANAGERS else 403 if persona in OFFICE_SIDE else 404)
    draft.refresh_from_db()
    assert (draft.published_at is not None) == (persona in MANAGERS)


def test_anonymous_is_sent_to_login(client, world):
    pk = world["notice"].pk
    for name, args in [("library:index", []), ("library:policy_create", []), ("library:policy", [pk]),
                       ("library:policy_edit", [pk]), ("library:policy_file", [pk]), ("library:notices", []),
                       ("library:notice_create", []), ("library:notice", [pk]), ("library:notice_edit", [pk]),
                       ("library:notice_file", [pk]), ("library:notice_receipts", [pk])]:
        page = client.get(reverse(name, args=args))
        assert page.status_code == 302 and "/accounts/login/" in page["Location"], name
    for name in ("library:notice_publish", "library:notice_withdraw", "library:notice_remind"):
        page = client.post(reverse(name, args=[pk]))
        assert page.status_code == 302 and "/accounts/login/" in page["Location"], name
