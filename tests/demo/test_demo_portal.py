"""Issue [11] item 4: the demo's public portal — a 公示 of 宁乡's supervisor appointments open today, and
published documents on /public/ that anyone reads without signing in (the PDF too)."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from dudao.demo.portal import PUBLICITY_TITLE, build_ningxiang_portal
from dudao.documents.models import Document
from dudao.portal.models import Publicity


def test_an_open_appointment_notice_and_published_documents(demo_city, db):
    notice = Publicity.objects.get(title=PUBLICITY_TITLE)
    assert notice.state() == "open" and notice.office.region.code == "430182"
    published = list(Document.objects.published())
    assert published and all(d.versions.exists() for d in published)
    client = Client()
    index = client.get(reverse("portal:index")).content.decode()
    assert PUBLICITY_TITLE in index and published[0].title in index
    doc = published[0]
    assert client.get(reverse("portal:document_pdf", args=[doc.pk])).status_code == 200
    if doc.school_id:
        assert doc.title in client.get(reverse("portal:school", args=[doc.school.code])).content.decode()
    before = (Publicity.objects.count(), Document.objects.count())
    build_ningxiang_portal()  # idempotent
    assert (Publicity.objects.count(), Document.objects.count()) == before
