"""Drafting a monthly summary: one per office and month, never for a month in the future, regenerated
only while a draft; the page, the Excel file and the document say the same."""

from __future__ import annotations

import io
from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.documents import services as documents
from dudao.documents.models import Document, DocumentStatus
from dudao.monthly import services, writing
from dudao.monthly.models import MonthlySummary
from dudao.regions.models import Office
from tests.monthly.conftest import MONTH, TODAY, YEAR

pytestmark = pytest.mark.django_db


def _draft(cast, world, **kw):
    return services.draft_summary(by=cast.county_staff, office=world.office, year=YEAR, month=MONTH, today=TODAY, **kw)


def test_a_draft_is_a_monthly_document_of_the_office(cast, world):
    summary, created = _draft(cast, world)
    doc = summary.document
    assert created and doc.kind == "monthly" and doc.status == DocumentStatus.DRAFT and doc.office == world.office
    assert doc.title == f"{world.office.name}2026年10月工作月报"
    assert doc.addressee == Office.objects.get(region__code="4301").name  # the office above
    texts = [b["text"] for b in doc.body if b["type"] == "p"]
    assert "本月共开展经常性督导3次，覆盖学校2所，占责任区学校3所的66.7%；1所学校本月尚未督导；1所学校未达到督导次数要求，共差1次；2名督学未完成本月督导任务。" in texts
    assert "本月新发现问题2个，整改销号1个；截至10月31日，尚未整改完成2个，其中逾期1个。" in texts
    assert "本月受理群众反映1件，答复1件，其中经核实属实、立案整改1件；尚未答复0件。" in texts
    assert "本月共组织督学培训1场、8学时，参训督学2人次，累计16学时。" in texts
    assert any(t.startswith("截至10月31日，在岗督学2人，其中专职督学1人、兼职督学1人，较上月末增加1人，本月新聘（任）督学1人（乙督学）") for t in texts)
    assert [b["type"] for b in doc.body].count("chart") == 1
    assert all(b.get("key") for b in doc.body)
    headings = [b["text"] for b in doc.body if b["type"] == "h1"]
    assert headings[0] == "一、督学队伍建设" and headings[-1] == "八、下月工作打算"


def test_one_summary_per_office_and_month(cast, world):
    first, created = _draft(cast, world)
    again, created_again = _draft(cast, world)
    assert created and not created_again and again.pk == first.pk
    assert MonthlySummary.objects.count() == 1 and Document.objects.filter(kind="monthly").count() == 1


def test_a_month_in_the_future_is_refused(cast, world):
    with pytest.raises(ValidationError):
        services.draft_summary(by=cast.county_staff, office=world.office, year=2026, month=12, today=TODAY)
    with pytest.raises(ValidationError):
        services.draft_summary(by=cast.county_staff, office=world.office, year=2027, month=1, today=TODAY)
    summary, created = services.draft_summary(by=cast.county_staff, office=world.office, year=2026, month=11, today=TODAY)
    assert created and not summary.figures["complete"]


@pytest.mark.parametrize("who", ["county_leader", "supervisor", "school_user", "multi", "outsider", "nobody"])
def test_only_the_office_staff_draft(cast, world, who):
    with pytest.raises(PermissionDenied):
        services.draft_summary(by=getattr(cast, who), office=world.office, year=YEAR, month=MONTH, today=TODAY)
    assert not MonthlySummary.objects.exists()


def test_regenerate_replaces_the_draft_and_is_locked_once_sent(cast, world):
    from dudao.findings.models import Finding

    summary, _created = _draft(cast, world)
    Finding.objects.filter(found_on=date(2026, 10, 25)).update(found_on=date(2026, 10, 26), state="closed",
                                                                closed_at=summary.generated_at.replace(year=2026, month=10, day=27))
    summary = services.regenerate(by=cast.county_staff, summary=summary, today=TODAY)
    assert summary.figures["findings"]["closed"] == 2
    assert "本月新发现问题2个，整改销号2个；截至10月31日，尚未整改完成1个，其中逾期1个。" in [
        b.get("text") for b in Document.objects.get(pk=summary.document_id).body]
    with pytest.raises(PermissionDenied):
        services.regenerate(by=cast.county_leader, summary=summary, today=TODAY)
    documents.submit(summary.document, by=cast.county_staff)
    with pytest.raises(ValidationError):
        services.regenerate(by=cast.county_staff, summary=summary, today=TODAY)
    documents.check(summary.document, by=cast.admin)
    documents.issue(summary.document, by=cast.county_leader)
    summary.refresh_from_db()
    assert summary.is_locked and summary.document.number.endswith("1号")


def test_page_excel_and_document_say_the_same(cast, world, client):
    summary, _created = _draft(cast, world)
    client.force_login(cast.county_staff)
    page = client.get(reverse("monthly:detail", args=[summary.pk])).content.decode()
    doc = Document.objects.get(pk=summary.document_id)
    paragraphs = [b["text"] for b in doc.body if b["type"] == "p" and b["text"] != writing.PLAN_PLACEHOLDER]
    for text in paragraphs:
        assert text in page
    response = client.get(reverse("monthly:export", args=[summary.pk]))
    assert response.status_code == 200
    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    sheet = lambda name: book.get_sheet_by_name(name).to_python()  # noqa: E731
    data = {(row[0], row[1]): row[2] for row in sheet("数据")[1:]}
    f = summary.figures
    assert data[("经常性督导", "督导次数")] == f["visits"]["visits"] == 3
    assert data[("经常性督导", "已督导学校（所）")] == 2 and data[("问题整改", "逾期")] == 1
    assert data[("群众反映", "属实")] == 1 and data[("督学培训", "累计学时")] == 16
    notes = " ".join(str(c) for row in sheet("说明") for c in row if c)
    for text in paragraphs[1:]:  # every section's sentence (the first paragraph is the opening line)
        assert text in notes
    zones = sheet("经常性督导")[1:]
    assert sum(r[1] for r in zones) == 3 and sum(r[2] for r in zones) == 2
    assert f"{doc.number}" in page or not doc.number


def test_the_document_renders_to_pdf(cast, world):
    from dudao.documents.render import render_pdf

    summary, _created = _draft(cast, world)
    assert render_pdf(summary.document).startswith(b"%PDF")


def test_draft_form_refuses_the_future_and_opens_the_existing(cast, world, client, settings):
    client.force_login(cast.county_staff)
    url = reverse("monthly:draft")
    assert client.get(url).status_code == 200
    future = client.post(url, {"office": world.office.pk, "month": "2099-01"})
    assert future.status_code == 200 and "不能为尚未开始的月份起草工作月报" in future.content.decode()
    assert 'value="2099-01"' in future.content.decode()  # the form keeps what was typed
    bad = client.post(url, {"office": world.office.pk, "month": "2026-13"})
    assert "月份格式应为" in bad.content.decode()
    first = client.post(url, {"office": world.office.pk, "month": "2026-10"})
    summary = MonthlySummary.objects.get()
    assert first.status_code == 302 and first.url == reverse("monthly:detail", args=[summary.pk])
    second = client.post(url, {"office": world.office.pk, "month": "2026-10"}, follow=True)
    assert MonthlySummary.objects.count() == 1 and "已经起草，已为您打开" in second.content.decode()


def test_index_lists_the_months_with_their_state(cast, world, client):
    summary, _created = _draft(cast, world)
    client.force_login(cast.county_leader)
    page = client.get(reverse("monthly:index")).content.decode()
    assert reverse("monthly:detail", args=[summary.pk]) in page and "草稿" in page
    assert "起草工作月报" not in page  # a leader reads, signs off on the document page, never drafts
    client.force_login(cast.county_staff)
    page = client.get(reverse("monthly:index")).content.decode()
    assert "起草工作月报" in page and "未起草" in page
