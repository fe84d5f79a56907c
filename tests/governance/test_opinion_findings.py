"""The 督导意见书 (drafted, edited, printed, PDF), findings owned by the government unit registered exactly
once in the one ledger, the unit's report through the findings flow, and re-inspection (复查)."""

from __future__ import annotations

import datetime as dt
import hashlib

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import translation

from dudao.documents import services as document_services
from dudao.documents.models import Document
from dudao.findings.models import Finding
from dudao.findings.services import finding_transition
from dudao.governance import services
from dudao.governance.models import Opinion, Recheck, UnitFinding
from tests.governance.conftest import move, png_upload


@pytest.fixture
def scored(cast, gov):
    """Unit A scored on site: B1 2 (of 6, a problem: below 60 %), B2 否 (veto, a problem), B3 好."""
    move(gov, "onsite")
    i = gov.items
    services.onsite_save(by=cast.supervisor, entry=gov.entry_a, answers={
        i["B1"].pk: services.AnswerIn(value="2", note="经费未按时拨付"), i["B2"].pk: services.AnswerIn(choice="no"),
        i["B3"].pk: services.AnswerIn(choice="好")})
    move(gov, "preliminary")
    return gov


def test_opinion_drafted_from_the_results(cast, scored):
    draft = services.opinion_draft(scored.entry_a)
    assert "核查总分 12 分，等级：不合格" in draft.overall  # 2 + 0 + 10 = 12, veto failed
    assert "一票否决项未达标：B2" in draft.overall
    assert draft.problems.startswith("1. B1 经费投入：核查得分 2（满分 6）。经费未按时拨付")
    assert "2. B2 教师工资不低于公务员：核查得分 0（满分 4），一票否决项未达标" in draft.problems
    assert draft.strengths == "1. B3 均衡发展"
    assert draft.deadline == dt.date(2026, 12, 31)


def test_office_edits_prints_and_gets_the_pdf(cast, scored, client):
    c, e = scored.campaign, scored.entry_a
    client.force_login(cast.county_staff)
    url = reverse("governance:opinion", args=[c.pk, e.pk])
    assert "核查总分 12 分" in client.get(url).content.decode()
    # before anything is saved the PDF is the engine's preview of the drafted text
    preview = client.get(reverse("governance:opinion_pdf", args=[c.pk, e.pk]))
    assert preview.status_code == 200 and preview.content.startswith(b"%PDF")
    assert not Document.objects.exists()
    form = {"basis": "依据", "process": "过程", "overall": "总体", "strengths": "成绩",
            "problems": "问题一", "requirements": "整改要求", "deadline": "2026-12-31"}
    assert client.post(url, {**form, "deadline": ""}).status_code == 400
    assert client.post(url, form).status_code == 302
    opinion = Opinion.objects.get(entry=e)
    assert opinion.updated_by == cast.county_staff
    # saving drafts the document on the engine, to the unit; the number comes at 签发, not from the form
    doc = Document.objects.get(source=f"governance.CampaignUnit:{e.pk}")
    assert doc.kind == "opinion" and doc.status == "draft" and doc.number == "" and doc.addressee == scored.unit_a.name
    assert [r.government_unit_id for r in doc.recipients.all()] == [scored.unit_a.pk]
    assert [b["text"] for b in doc.body][:3] == ["依据", "一、督导概况", "过程"]
    assert "整改期限：2026年12月31日。" in [b["text"] for b in doc.body]
    printed = client.get(reverse("governance:opinion_print", args=[c.pk, e.pk])).content.decode()
    assert "问题一" in printed and f"关于对{scored.unit_a.name}" in printed
    pdf = client.get(reverse("governance:opinion_pdf", args=[c.pk, e.pk]))
    assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
    assert pdf.content.startswith(b"%PDF")
    # saved again: the same draft, written again
    assert client.post(url, {**form, "problems": "问题二"}).status_code == 302
    assert Document.objects.count() == 1 and "问题二" in str(Document.objects.get().body)
    # the unit reads it from the preliminary opinion on; not another unit, not a school
    for user, status in ((scored.gov_a, 200), (scored.gov_b, 404), (cast.school_user, 404)):
        client.force_login(user)
        assert client.get(reverse("governance:opinion_print", args=[c.pk, e.pk])).status_code == status
    client.force_login(scored.gov_a)
    assert client.get(url).status_code == 403  # reads, never edits


def test_the_issued_opinion_is_the_frozen_pdf_and_locked(cast, scored, client):
    c, e = scored.campaign, scored.entry_a
    client.force_login(cast.county_staff)
    url = reverse("governance:opinion", args=[c.pk, e.pk])
    form = {"basis": "依据", "process": "过程", "overall": "总体", "strengths": "成绩",
            "problems": "问题一", "requirements": "整改要求", "deadline": "2026-12-31"}
    client.post(url, form)
    doc = Document.objects.get()
    document_services.submit(doc, by=cast.county_staff)
    document_services.check(doc, by=cast.admin)
    doc = document_services.issue(doc, by=cast.county_leader)
    assert doc.number == f"宁教督〔{doc.issued_on.year}〕1号"
    pdf = client.get(reverse("governance:opinion_pdf", args=[c.pk, e.pk]))
    assert hashlib.sha256(pdf.content).hexdigest() == doc.current_version.sha256
    # the form refuses changes once the document left the draft, and says where to go
    response = client.post(url, {**form, "problems": "改了"})
    assert response.status_code == 400 and "公文页面" in response.content.decode()
    assert 'data-testid="opinion-document"' in response.content.decode()
    assert "改了" not in str(Document.objects.get().body)


def test_an_english_drafter_gets_a_chinese_opinion(cast, scored):
    translation.activate("en")
    try:
        draft = services.opinion_draft(scored.entry_a)
    finally:
        translation.activate("zh-hans")
    assert "核查总分 12 分，等级：不合格" in draft.overall and "督导组" in draft.process


def test_findings_exactly_once_owned_by_the_unit(cast, scored, client):
    created, skipped = services.findings_register(by=cast.county_staff, entry=scored.entry_a)
    assert (len(created), skipped) == (2, 0)
    again, skipped = services.findings_register(by=cast.county_staff, entry=scored.entry_a)
    assert (again, skipped) == ([], 2)
    client.force_login(cast.county_staff)
    client.post(reverse("governance:findings_register", args=[scored.campaign.pk, scored.entry_a.pk]))
    findings = Finding.objects.filter(government_unit=scored.unit_a)
    assert findings.count() == 2 == UnitFinding.objects.count()
    veto = findings.get(source_data__code="B2")
    assert veto.school is None and veto.region == scored.unit_a.region and veto.unit_name == scored.unit_a.name
    assert veto.severity == "critical" and veto.source == "campaign"
    # who sees them: the unit, its office and those above; never another unit, a school or a supervisor
    for user, n in ((scored.gov_a, 2), (scored.gov_b, 0), (cast.county_staff, 2), (cast.city_staff, 2),
                    (cast.school_user, 0), (cast.supervisor, 0), (cast.outsider, 0)):
        assert Finding.objects.visible_to(user).filter(government_unit=scored.unit_a).count() == n, user
    with pytest.raises(PermissionDenied):
        services.findings_register(by=scored.gov_a, entry=scored.entry_a)


def test_the_unit_reports_and_the_office_rechecks(cast, scored, client):
    created, _ = services.findings_register(by=cast.county_staff, entry=scored.entry_a)
    first, second = created
    for f in created:
        finding_transition(by=cast.county_staff, finding=f, action="notify")
    # the unit rectifies through the existing findings flow, with its evidence
    client.force_login(scored.gov_a)
    assert client.get(reverse("findings:detail", args=[first.pk])).status_code == 200
    finding_transition(by=scored.gov_a, finding=first, action="report", note="已足额拨付", files=[png_upload()])
    finding_transition(by=scored.gov_a, finding=second, action="report", note="已补发", files=[png_upload("b.png")])
    with pytest.raises(PermissionDenied):
        finding_transition(by=scored.gov_b, finding=first, action="start")
    problem_1 = UnitFinding.objects.get(finding=first)
    problem_2 = UnitFinding.objects.get(finding=second)
    with pytest.raises(ValidationError, match="复查情况"):
        services.recheck_record(by=cast.county_staff, problem=problem_1, result="passed", note="")
    services.recheck_record(by=cast.county_staff, problem=problem_1, result="passed", note="查阅拨付凭证，已到位")
    client.force_login(cast.county_staff)
    response = client.post(reverse("governance:recheck", args=[scored.campaign.pk, scored.entry_a.pk, problem_2.pk]),
                           {"result": "returned", "note": "仍有两所学校未补发"})
    assert response.status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.state == "closed" and second.state == "returned"
    assert Recheck.objects.count() == 2
    # a finding not yet reported cannot be rechecked
    with pytest.raises(ValidationError, match="尚未报送"):
        services.recheck_record(by=cast.county_staff, problem=problem_2, result="passed", note="再看")
