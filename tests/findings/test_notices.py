"""整改通知书 on the document engine: the "notify" step issues a `documents.Document` (kind rectification)
numbered from the office's series and dated the day of issue; the finding's downloads serve its frozen files
(text read back with pdftotext, the DOCX opened again with python-docx)."""

from __future__ import annotations

import hashlib
import io
import shutil
import subprocess
from datetime import date

import pytest
from django.urls import reverse

from dudao.documents.models import Document, DocumentSeries
from dudao.findings.notices import notice_docx, notice_pdf, notice_text, source_key
from dudao.findings.services import finding_transition


def _pdf_text(raw: bytes) -> str:
    executable = shutil.which("pdftotext")
    if executable is None:
        pytest.fail("pdftotext (poppler-utils) is not installed: run `make system-deps`")
    out = subprocess.run([executable, "-layout", "-", "-"], input=raw, capture_output=True, check=True)
    return out.stdout.decode("utf-8")


def _today(monkeypatch, day: date) -> None:
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: day)


@pytest.fixture
def issued(ledger, monkeypatch):
    _today(monkeypatch, date(2031, 3, 5))
    finding = ledger.make(deadline=date(2031, 6, 30), description="学校食堂未落实食品留样制度",
                          requirement="建立留样台账，每餐留样不少于125克并保存48小时")
    return finding_transition(by=ledger.cast.county_staff, finding=finding, action="notify")


def test_notify_issues_a_numbered_document_for_the_finding(issued, ledger):
    doc = Document.objects.get(source=source_key(issued))
    assert (doc.kind, doc.status, doc.school, doc.issued_on) == ("rectification", "issued", ledger.cast.A1,
                                                                 date(2031, 3, 5))
    series = DocumentSeries.objects.get(office=issued.office, year=2031)
    assert doc.number == f"{series.code}〔2031〕1号" and doc.sequence == 1
    assert [r.school for r in doc.recipients.all()] == [ledger.cast.A1]
    notice = issued.events.get(action="notify").data["notice"]
    assert notice["number"] == doc.number and notice["document_id"] == doc.pk
    # the next notice of the office takes the next number
    other = finding_transition(by=ledger.cast.county_staff, finding=ledger.make(), action="notify")
    assert Document.objects.get(source=source_key(other)).number == f"{series.code}〔2031〕2号"


def test_pdf_carries_number_problem_deadline_and_the_date_of_issue(issued, monkeypatch):
    _today(monkeypatch, date(2031, 4, 20))  # downloaded weeks later: still the date of issue
    raw = notice_pdf(issued)
    assert raw.startswith(b"%PDF-")
    doc = Document.objects.get(source=source_key(issued))
    assert hashlib.sha256(raw).hexdigest() == doc.current_version.sha256 == hashlib.sha256(notice_pdf(issued)).hexdigest()
    text = "".join(_pdf_text(raw).split())  # CJK text may be spaced out by the layout
    for expected in (issued.office.name, doc.number, "整改通知书", "测试宁乡一小：", "学校食堂未落实食品留样制度",
                     "建立留样台账", "2031年6月30日", "王督学", "2031年3月5日"):
        assert expected in text, expected
    assert "2031年4月20日" not in text


def test_docx_is_the_frozen_one_and_says_the_same(issued):
    from docx import Document as Word

    raw = notice_docx(issued)
    doc = Document.objects.get(source=source_key(issued))
    assert hashlib.sha256(raw).hexdigest() == doc.current_version.docx_sha256
    word = Word(io.BytesIO(raw))
    texts = [p.text for p in word.paragraphs]
    body = "\n".join(texts)
    assert texts[0] == issued.office.name and doc.number in texts[1]
    assert "整改通知书" in texts and "测试宁乡一小：" in texts and "2031年3月5日" in texts
    for expected in ("学校食堂未落实食品留样制度", "每餐留样不少于125克", "请于2031年6月30日前完成整改"):
        assert expected in body
    masthead = word.paragraphs[0].runs[0]
    assert str(masthead.font.color.rgb) == "CC0000"
    assert 'w:color="CC0000"' in word.paragraphs[1]._p.xml  # the red separator
    assert abs(word.sections[0].top_margin.mm - 37) < 0.5


def test_unissued_notice_is_a_draft_without_number_or_date(ledger):
    finding = ledger.make()
    assert notice_text(finding).addressee == ledger.cast.A1.name
    text = "".join(_pdf_text(notice_pdf(finding)).split())
    assert "草稿" in text and "〔" not in text
    assert not Document.objects.filter(source=source_key(finding)).exists()
    assert notice_docx(finding)[:2] == b"PK"


def test_a_legacy_notice_keeps_its_typed_number_and_day(ledger):
    """Notified before the engine: the number typed then and the day of the step."""
    from dudao.findings.models import FindingEvent

    finding = ledger.make()
    FindingEvent.objects.create(finding=finding, action="notify", from_state="open", to_state="notified",
                                data={"notice": {"issued_on": "2025-11-03", "number": "宁督整〔2025〕7号"}})
    text = "".join(_pdf_text(notice_pdf(finding)).split())
    assert "宁督整〔2025〕7号" in text and "2025年11月3日" in text and "草稿" not in text


def test_the_download_serves_the_frozen_bytes(issued, ledger, client):
    client.force_login(ledger.cast.school_user)
    response = client.get(reverse("findings:notice_pdf", args=[issued.pk]))
    doc = Document.objects.get(source=source_key(issued))
    assert response.status_code == 200 and hashlib.sha256(response.content).hexdigest() == doc.current_version.sha256
