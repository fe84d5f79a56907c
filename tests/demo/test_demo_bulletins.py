"""Issue [11] item 3: the demo's 通报 on 宁乡's autumn 开学工作专项督导 — issued to the campaign's schools
with a 宁教督 number, read by the demo school and four more, published on the portal."""

from __future__ import annotations

from django.test import Client
from django.urls import reverse

from dudao.bulletins.models import Bulletin
from dudao.bulletins.services import counts_of
from dudao.campaigns.models import CampaignSchool
from dudao.demo.bulletins import build_ningxiang_bulletins
from dudao.documents.models import Document
from dudao.people.models import User


def test_the_autumn_bulletin_is_issued_read_and_published(demo_city, db):
    bulletin = Bulletin.objects.select_related("document", "campaign").get(campaign__name__contains="秋季开学")
    document = bulletin.document
    assert document.status == "issued" and document.number.startswith("宁教督〔") and document.published_at
    schools = CampaignSchool.objects.filter(campaign=bulletin.campaign).count()
    assert counts_of(bulletin.figures)["schools"] == schools == document.recipients.count()
    assert document.recipients.filter(read_at__isnull=False).count() == 5
    assert [e for e in bulletin.examples if not e["picked"]]  # the review step unticked one
    assert build_ningxiang_bulletins() == 0  # idempotent
    assert Document.objects.visible_to(User.objects.get(username="nx_school")).filter(pk=document.pk).exists()
    office = Client()
    office.force_login(User.objects.get(username="nx_office"))
    assert "已阅 5 / " in office.get(reverse("bulletins:list")).content.decode()
