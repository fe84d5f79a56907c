"""Issue [11]: the demo's 公文 — the built-in templates and 宁乡's documents in every state, drafted by
nx_office and signed by nx_leader; the 通报 issued with its number and published, the report revised."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from dudao.demo.documents import build_ningxiang_documents
from dudao.documents.models import Document, DocumentKind, DocumentTemplate
from dudao.people.models import User


def test_every_state_and_the_numbers(demo_city, db):
    docs = Document.objects.filter(office__region__code="430182", source="demo:documents")
    assert set(docs.values_list("status", flat=True)) == {"draft", "checking", "signing", "issued"}
    assert set(DocumentTemplate.objects.filter(office=None).values_list("kind", flat=True)) == set(DocumentKind.values)
    bulletin = docs.get(kind="bulletin")
    year = bulletin.issued_on.year
    assert bulletin.number == f"宁教督〔{year}〕1号" and bulletin.published_at and bulletin.shared_at
    assert bulletin.signed_by.username == "nx_leader" and bulletin.created_by.username == "nx_office"
    assert any(b["type"] == "table" for b in bulletin.body)
    report = docs.get(kind="report")
    assert report.number == f"宁教督〔{year}〕2号" and report.upward and report.versions.count() == 2
    assert build_ningxiang_documents() == 0  # idempotent


def test_nx_leader_sees_what_waits_for_signing(demo_city, db):
    client = Client()
    client.force_login(User.objects.get(username="nx_leader"))
    page = client.get(reverse("documents:list"))
    assert page.status_code == 200 and page.context["counts"]["todo"] >= 1
    waiting = Document.objects.get(source="demo:documents", status="signing")
    assert 'data-testid="sign"' in client.get(reverse("documents:detail", args=[waiting.pk])).content.decode()
