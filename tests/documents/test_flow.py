"""The life of a document (documents/services.py): draft → 送审 → 审核 → 签发 with the 发文字号, the frozen
version and its SHA-256, read receipts and who may do what (docs/documents.md)."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dudao.documents import services
from dudao.documents.models import Document, DocumentStatus, DocumentVersion
from dudao.regions.models import Office

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(cast):
    return Office.objects.get(region__code="430182")


def _draft(cast, office, **kw):
    return services.create_draft(
        by=cast.county_staff, office=office, kind="notice", title="关于开展秋季开学工作专项督导的通知",
        body=[{"type": "h1", "text": "一、督导内容"}, {"type": "p", "text": "检查开学准备情况。"}],
        addressee="各中小学校", recipients=[{"school": cast.A1, "name": cast.A1.name}], **kw)


def _issued(cast, office):
    doc = _draft(cast, office)
    services.submit(doc, by=cast.county_staff)
    services.check(doc, by=cast.admin)
    return services.issue(doc, by=cast.county_leader, code="宁教督")


def test_numbers_follow_one_another_per_series_and_year(cast, office):
    first, second = _issued(cast, office), _issued(cast, office)
    year = first.issued_on.year
    assert (first.number, second.number) == (f"宁教督〔{year}〕1号", f"宁教督〔{year}〕2号")
    assert first.status == DocumentStatus.ISSUED and first.signed_by == cast.county_leader


def test_the_issued_version_is_frozen_with_its_hash(cast, office):
    doc = _issued(cast, office)
    version = doc.versions.get()
    pdf = version.pdf.read()
    assert pdf.startswith(b"%PDF") and hashlib.sha256(pdf).hexdigest() == version.sha256
    assert version.snapshot["number"] == doc.number
    version.reason = "changed"
    with pytest.raises(ValueError):
        version.save()
    later = services.new_version(doc, by=cast.county_staff, reason="更正错字", title="更正后的标题")
    assert later.version == 2 and DocumentVersion.objects.filter(document=doc).count() == 2
    assert Document.objects.get(pk=doc.pk).number == doc.number  # a new version keeps the number


def test_the_drafter_cannot_check_and_staff_cannot_sign(cast, office):
    doc = _draft(cast, office)
    services.submit(doc, by=cast.county_staff)
    with pytest.raises(PermissionDenied):
        services.check(doc, by=cast.county_staff)
    services.check(doc, by=cast.county_leader)
    with pytest.raises(PermissionDenied):
        services.issue(doc, by=cast.county_staff)
    with pytest.raises(ValidationError):
        services.return_to_draft(doc, by=cast.county_leader, reason=" ")
    services.return_to_draft(doc, by=cast.county_leader, reason="第二段表述不准确")
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.DRAFT
    assert not Document.objects.get(pk=doc.pk).number


def test_units_read_it_once_issued_and_the_receipt_records_the_school(cast, office):
    doc = _draft(cast, office)
    assert not Document.objects.visible_to(cast.school_user).exists()
    services.submit(doc, by=cast.county_staff)
    services.check(doc, by=cast.admin)
    services.issue(doc, by=cast.county_leader)
    assert list(Document.objects.visible_to(cast.school_user)) == [doc]
    assert not Document.objects.visible_to(cast.outsider).exists()
    assert services.mark_read(doc, by=cast.supervisor) == 0  # a supervisor reads the school, not for it
    assert services.mark_read(doc, by=cast.school_user) == 1
    assert services.mark_read(doc, by=cast.school_user) == 0
    receipt = doc.recipients.get()
    assert receipt.read_by == cast.school_user and receipt.read_at
