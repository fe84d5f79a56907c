"""Scope of the documents app: every URL (tests/access/coverage_documents.py) as every persona and
anonymous, and the rules: the drafter cannot check their own draft; only leaders (or admins) sign;
staff of a sibling office get 404; a school reads only documents sent to it.

Who reads a draft of the 宁乡 office: the office and those above (admin, province, city, county staff,
county leader). Once issued and sent to A1, also those who read A1 (its supervisor, the school account).
Who changes: the staff of 宁乡 and above, admins (the leader reads, and signs). Outside: 404; read but
not theirs: 403 (docs/documents.md).
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.documents.models import Document, DocumentTemplate
from tests.personas import PERSONAS

OFFICE = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
STAFF = {"admin", "province_staff", "city_staff", "county_staff"}
A1_READERS = OFFICE | {"supervisor", "school_user"}
A2_READERS = OFFICE | {"supervisor"}
OFFICE_USERS = OFFICE | {"multi"}  # staff or leaders of some office: the templates and series pages
CHECKERS = {"admin", "province_staff", "city_staff", "county_leader"}  # not county_staff: the drafter
SIGNERS = {"admin", "county_leader"}


def _expect(persona: str, *, reads: bool, may: bool, ok: int = 200) -> int:
    if not reads:
        return 404
    return ok if may else 403


@pytest.fixture
def own_template(docs, cast):
    from dudao.documents import wording

    return wording.template_copy(by=cast.county_staff, office=docs.office, kind="notice")


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_url(cast, docs, own_template, client, persona):
    from tests.documents.conftest import make_draft, to_signing

    returned = to_signing(cast, make_draft(cast, docs.office, title="待签发：退回"))
    client.force_login(getattr(cast, persona))
    d, c, s, i, o = docs.draft.pk, docs.checking.pk, docs.signing.pk, docs.issued.pk, docs.other.pk
    office = persona in OFFICE
    body = {"title": "改后的标题", "masthead": "宁乡市人民政府教育督导室", "addressee": "各中小学校",
            "body": "一、督导内容\n改后的段落。\n" + _marker(docs.draft), "attachments": "", "signatory": "宁乡市人民政府教育督导室",
            "note": "", "cc": "", "printer": "宁乡市人民政府教育督导室", "signer_name": ""}
    checks = [
        ("get", "documents:list", {}, None, 200),
        ("get", "documents:create", {}, None, 200 if persona in STAFF | {"multi"} else 403),
        ("get", "documents:templates", {}, None, 200 if persona in OFFICE_USERS else 403),
        ("post", "documents:template_copy", {}, {"office": docs.office.pk, "kind": "report"},
         302 if persona in STAFF else 403),
        ("get", "documents:template_edit", {"pk": own_template.pk}, None,
         _expect(persona, reads=office, may=True) if persona in OFFICE_USERS else 403),
        ("post", "documents:template_edit", {"pk": own_template.pk},
         {"name": "本室督导通知书", "title": "关于{{ school.name }}的通知", "masthead": "", "code": "宁教督", "body": "正文"},
         _expect(persona, reads=office, may=persona in STAFF, ok=302) if persona in OFFICE_USERS else 403),
        ("get", "documents:series", {}, None, 200 if persona in OFFICE_USERS else 403),
        ("post", "documents:series", {}, {"office": docs.office.pk, "code": "宁教督函"},
         302 if persona in STAFF else 400 if persona == "multi" else 403),
        ("get", "documents:detail", {"pk": d}, None, 200 if office else 404),
        ("get", "documents:detail", {"pk": i}, None, 200 if persona in A1_READERS else 404),
        ("get", "documents:detail", {"pk": o}, None, 200 if persona in A2_READERS else 404),
        ("get", "documents:history", {"pk": d}, None, 200 if office else 404),
        ("get", "documents:history", {"pk": i}, None, 200 if persona in A1_READERS else 404),
        ("get", "documents:draft_pdf", {"pk": d}, None, 200 if office else 404),
        ("get", "documents:draft_pdf", {"pk": i}, None, 302 if persona in A1_READERS else 404),
        ("get", "documents:version_file", {"pk": i, "version": 1, "fmt": "pdf"}, None, 200 if persona in A1_READERS else 404),
        ("get", "documents:version_file", {"pk": i, "version": 1, "fmt": "docx"}, None, 200 if persona in A1_READERS else 404),
        ("get", "documents:version_file", {"pk": d, "version": 1, "fmt": "pdf"}, None, 404),
        ("get", "documents:edit", {"pk": d}, None, _expect(persona, reads=office, may=persona in STAFF)),
        ("get", "documents:edit", {"pk": i}, None, _expect(persona, reads=persona in A1_READERS, may=False)),
        ("post", "documents:edit", {"pk": d}, body, _expect(persona, reads=office, may=persona in STAFF, ok=302)),
        ("post", "documents:check", {"pk": c}, {}, _expect(persona, reads=office, may=persona in CHECKERS, ok=302)),
        ("post", "documents:sign", {"pk": s}, {"code": "宁教督"}, _expect(persona, reads=office, may=persona in SIGNERS, ok=302)),
        ("post", "documents:return", {"pk": returned.pk}, {"reason": "请补充督导时间"},
         _expect(persona, reads=office, may=persona in SIGNERS, ok=302)),
        ("get", "documents:revise", {"pk": i}, None, _expect(persona, reads=persona in A1_READERS, may=persona in STAFF)),
        ("post", "documents:revise", {"pk": i}, {**body, "body": "一、督导内容\n更正。\n" + _marker(docs.issued), "reason": "更正错字"},
         _expect(persona, reads=persona in A1_READERS, may=persona in STAFF, ok=302)),
        ("post", "documents:publish", {"pk": i}, {"public": "1"}, _expect(persona, reads=persona in A1_READERS, may=persona in STAFF, ok=302)),
        ("post", "documents:share", {"pk": d}, {}, _expect(persona, reads=office, may=persona in STAFF, ok=302)),
        ("post", "documents:submit", {"pk": d}, {}, _expect(persona, reads=office, may=persona in STAFF, ok=302)),
        ("post", "documents:template_reset", {"pk": own_template.pk}, {},
         _expect(persona, reads=office, may=persona in STAFF, ok=302) if persona in OFFICE_USERS else 403),
    ]
    for method, name, kwargs, data, expected in checks:
        url = reverse(name, kwargs=kwargs or None)
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == expected, (persona, name, kwargs, response.status_code)


def _marker(document: Document) -> str:
    from dudao.documents.editing import marker

    return next(marker(b) for b in Document.objects.get(pk=document.pk).body if b["type"] == "table")


def test_anonymous_is_sent_to_the_login_page(docs, client):
    names = [("documents:list", {}), ("documents:create", {}), ("documents:templates", {}), ("documents:series", {}),
             ("documents:detail", {"pk": docs.issued.pk}), ("documents:history", {"pk": docs.issued.pk}),
             ("documents:draft_pdf", {"pk": docs.draft.pk}), ("documents:edit", {"pk": docs.draft.pk}),
             ("documents:revise", {"pk": docs.issued.pk}),
             ("documents:version_file", {"pk": docs.issued.pk, "version": 1, "fmt": "pdf"}),
             ("documents:template_edit", {"pk": DocumentTemplate.objects.first().pk})]
    for name, kwargs in names:
        response = client.get(reverse(name, kwargs=kwargs or None))
        assert response.status_code == 302 and "/login" in response["Location"], name
    posts = [("documents:submit", {"pk": docs.draft.pk}), ("documents:check", {"pk": docs.checking.pk}),
             ("documents:return", {"pk": docs.checking.pk}), ("documents:sign", {"pk": docs.signing.pk}),
             ("documents:publish", {"pk": docs.issued.pk}), ("documents:share", {"pk": docs.draft.pk}),
             ("documents:template_copy", {}), ("documents:template_reset", {"pk": DocumentTemplate.objects.first().pk})]
    for name, kwargs in posts:
        response = client.post(reverse(name, kwargs=kwargs or None), {})
        assert response.status_code == 302 and "/login" in response["Location"], name
    assert client.get(reverse("api-1:list_documents")).status_code == 401
    assert client.get(reverse("api-1:get_document", kwargs={"document_id": docs.issued.pk})).status_code == 401
    assert client.get(reverse("api-1:document_pdf", kwargs={"document_id": docs.issued.pk})).status_code == 401


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_api_endpoint(cast, docs, client, persona):
    client.force_login(getattr(cast, persona))
    listing = client.get(reverse("api-1:list_documents"))
    assert listing.status_code == 200
    expected = set()
    if persona in OFFICE:
        expected = {docs.draft.pk, docs.checking.pk, docs.signing.pk, docs.issued.pk, docs.other.pk}
    elif persona in A1_READERS:
        expected = {docs.issued.pk} | ({docs.other.pk} if persona in A2_READERS else set())
    elif persona in A2_READERS:
        expected = {docs.other.pk}
    assert {r["id"] for r in listing.json()["items"]} == expected, persona
    for doc, reads in ((docs.draft, persona in OFFICE), (docs.issued, persona in A1_READERS),
                       (docs.other, persona in A2_READERS)):
        detail = client.get(reverse("api-1:get_document", kwargs={"document_id": doc.pk}))
        pdf = client.get(reverse("api-1:document_pdf", kwargs={"document_id": doc.pk}))
        if not reads:
            assert detail.status_code == pdf.status_code == 404, persona
            assert set(detail.json()) == {"code", "detail", "field", "errors"} and detail.json()["code"] == "not_found"
            continue
        assert detail.status_code == 200, persona
        if doc.is_issued:
            assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
            import hashlib

            assert hashlib.sha256(b"".join(pdf.streaming_content)).hexdigest() == detail.json()["versions"][0]["sha256"]
        else:
            assert pdf.status_code == 409 and pdf.json()["code"] == "conflict"


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_list_holds_only_what_the_person_reads(cast, docs, client, persona):
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("documents:list")).content.decode()
    assert (docs.draft.title in page) == (persona in OFFICE), persona
    assert (docs.issued.title in page) == (persona in A1_READERS), persona
    assert (docs.other.title in page) == (persona in A2_READERS), persona


# --- the rules ------------------------------------------------------------------------------------------------
def test_the_drafter_cannot_check_their_own_draft(cast, docs, client):
    client.force_login(cast.county_staff)
    assert client.post(reverse("documents:check", args=[docs.checking.pk])).status_code == 403
    assert Document.objects.get(pk=docs.checking.pk).status == "checking"
    page = client.get(reverse("documents:detail", args=[docs.checking.pk])).content.decode()
    assert 'data-testid="check"' not in page and "拟稿人不能审核自己的稿件" in page
    client.force_login(cast.city_staff)  # another member of staff (above) checks it
    assert client.post(reverse("documents:check", args=[docs.checking.pk])).status_code == 302
    assert Document.objects.get(pk=docs.checking.pk).status == "signing"


def test_only_a_leader_or_an_admin_signs(cast, docs, client):
    for who in ("county_staff", "city_staff", "province_staff"):
        client.force_login(getattr(cast, who))
        assert client.post(reverse("documents:sign", args=[docs.signing.pk]), {"code": "宁教督"}).status_code == 403, who
    assert not Document.objects.get(pk=docs.signing.pk).number
    client.force_login(cast.county_leader)
    page = client.get(reverse("documents:detail", args=[docs.signing.pk])).content.decode()
    assert 'data-testid="sign"' in page
    response = client.post(reverse("documents:sign", args=[docs.signing.pk]), {"code": "宁教督"})
    assert response.status_code == 302
    signed = Document.objects.get(pk=docs.signing.pk)
    assert signed.number == f"宁教督〔{signed.issued_on.year}〕3号" and signed.status == "issued"  # after the fixture's 1 and 2


def test_a_sibling_office_gets_404(cast, docs, client):
    """望城's staff (multi) read none of 宁乡's documents, and cannot draft for 宁乡."""
    client.force_login(cast.multi)
    for doc in (docs.draft, docs.checking, docs.signing, docs.issued, docs.other):
        assert client.get(reverse("documents:detail", args=[doc.pk])).status_code == 404
        assert client.post(reverse("documents:submit", args=[doc.pk])).status_code == 404
    response = client.post(reverse("documents:create"), {"office": docs.office.pk, "kind": "notice"})
    assert response.status_code == 400 and not Document.objects.filter(office=docs.office, created_by=cast.multi).exists()


def test_the_school_reads_only_what_was_sent_to_it(cast, docs, client):
    client.force_login(cast.school_user)
    assert client.get(reverse("documents:detail", args=[docs.draft.pk])).status_code == 404  # addressed, not sent
    assert client.get(reverse("documents:detail", args=[docs.other.pk])).status_code == 404  # sent to A2
    response = client.get(reverse("documents:detail", args=[docs.issued.pk]))
    assert response.status_code == 200
    receipt = docs.issued.recipients.get()
    receipt.refresh_from_db()
    assert receipt.read_by == cast.school_user  # opening it is the read receipt
    history = client.get(reverse("documents:history", args=[docs.issued.pk])).content.decode()
    assert "签发印发" in history and "审核通过" not in history and "送审" not in history  # not the office's internal steps
    from dudao.documents import services

    services.share(docs.draft, by=cast.county_staff)  # sent as a draft for review: now the school reads it
    assert client.get(reverse("documents:detail", args=[docs.draft.pk])).status_code == 200
    assert client.get(reverse("documents:edit", args=[docs.draft.pk])).status_code == 403


# draft review and units' inbox (review helper): walked in "tests/documents/test_review_scope.py"
REVIEW_URLS = ("documents:inbox", "documents:inbox_document", "documents:inbox_download", "documents:comment_add",
               "documents:review", "documents:review_send", "documents:comment_answer", "documents:review_print",
               "documents:review_pdf", "documents:receipts", "documents:receipts_remind", "documents:review_settings")
