"""Creating findings (one, many, from a submitted visit) and attaching evidence checked by content."""

from __future__ import annotations

import io
import uuid
import zipfile
from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import Finding, FindingEvidence
from dudao.findings.services import (
    MAX_EVIDENCE_BYTES,
    evidence_add,
    finding_create,
    finding_from_visit_problem,
    findings_bulk_create,
)
from dudao.notifications.models import Notification
from tests.findings.conftest import jpeg_bytes, png_bytes


def test_create_at_a_school_takes_its_region_name_and_responsible_supervisor(ledger):
    cast = ledger.cast
    finding = ledger.make(by=cast.county_staff, severity="serious")
    assert (finding.region_id, finding.unit_name, finding.supervisor_id) == (cast.A1.region_id, cast.A1.name, ledger.wang.pk)
    assert finding.responsible_unit == cast.A1.name and finding.state == "open" and finding.created_by == cast.county_staff
    event = finding.events.get()
    assert (event.action, event.to_state, event.actor_id) == ("created", "open", cast.county_staff.pk)
    assert set(Notification.objects.filter(title__contains=cast.A1.name).values_list("recipient__username", flat=True)) == {
        "t_school", "t_supervisor"}
    # A3 has no responsible supervisor: the finding has none rather than a wrong one.
    assert ledger.make(cast.A3).supervisor is None


def test_create_for_a_government_unit(ledger):
    from dudao.regions.models import Region

    region = Region.objects.get(code="430182")
    finding = finding_create(by=ledger.cast.city_staff, office=ledger.changsha, source="evaluation", category="facilities",
                             description="县域小学生均教学用房差异系数 0.62，超过 0.50", requirement="制定改扩建计划",
                             deadline=timezone.localdate() + timedelta(days=180), region=region, unit_name="宁乡市人民政府")
    assert finding.school is None and finding.unit_name == "宁乡市人民政府" and finding.region == region
    with pytest.raises(ValidationError) as excinfo:
        finding_create(by=None, office=ledger.changsha, source="evaluation", category="facilities", description="x",
                       requirement="y", deadline=timezone.localdate(), region=None, unit_name="")
    assert set(excinfo.value.message_dict) == {"unit_name", "region"}


def test_create_validates_in_chinese(ledger):
    cast = ledger.cast
    with pytest.raises(ValidationError) as excinfo:
        finding_create(by=None, office=ledger.ningxiang, school=cast.B1, source="nowhere", category="nonsense",
                       description=" ", requirement="", deadline=timezone.localdate() - timedelta(days=1), severity="x")
    errors = excinfo.value.message_dict
    assert errors["category"] == ["请选择问题类别。"]
    assert errors["description"] == ["请填写问题描述。"] and errors["requirement"] == ["请填写整改要求。"]
    assert "不能早于发现日期" in errors["deadline"][0]
    assert errors["school"] == [f"{cast.B1.name} 不在{ledger.ningxiang.name}的管辖范围内。"]
    assert set(errors) == {"source", "severity", "category", "description", "requirement", "deadline", "school"}
    assert not Finding.objects.exists()


def test_who_may_create(ledger):
    cast = ledger.cast
    ledger.make(by=cast.supervisor)  # 王 is responsible for A1
    ledger.make(by=cast.province_staff)
    for user in (cast.county_leader, cast.school_user, cast.outsider, cast.multi, cast.nobody):
        with pytest.raises(PermissionDenied):
            ledger.make(by=user)
    with pytest.raises(PermissionDenied):  # a supervisor, but not of A3
        ledger.make(cast.A3, by=cast.supervisor)


def test_bulk_create_is_all_or_nothing(ledger):
    cast = ledger.cast
    due = timezone.localdate() + timedelta(days=60)
    common = {"requirement": "大班额须在本学期内消除", "deadline": due, "source": "monitoring", "source_label": "大班额预警"}
    items = [{"office": ledger.ningxiang, "school": s, "category": "conduct", "description": f"{s.name} 存在 56 人以上班级"}
             for s in (cast.A1, cast.A2)]
    with pytest.raises(ValidationError) as excinfo:
        findings_bulk_create(by=cast.county_staff, items=[*items, {"office": ledger.ningxiang, "school": cast.A3,
                                                                   "category": "bad", "description": "x"}], **common)
    assert excinfo.value.messages == ["第 3 条：请选择问题类别。"]
    assert not Finding.objects.exists()
    made = findings_bulk_create(by=cast.county_staff, items=items, **common)
    assert [f.school for f in made] == [cast.A1, cast.A2]
    assert {(f.requirement, f.deadline, f.source, f.source_label) for f in made} == {
        ("大班额须在本学期内消除", due, "monitoring", "大班额预警")}
    with pytest.raises(PermissionDenied):
        findings_bulk_create(by=cast.county_leader, items=items, **common)


# --- visits -------------------------------------------------------------------------------------
def _visit_input(school, problems):
    from dudao.visits.services import ProblemInput, VisitInput

    return VisitInput(client_id=uuid.uuid4(), school=school, methods=["patrol"], topics=["supervision_item:6"],
                      narrative="巡视校园", problems=[ProblemInput(**p) for p in problems])


def test_submitting_a_visit_makes_each_problem_a_finding_once(ledger):
    from dudao.visits.services import visit_save

    cast = ledger.cast
    due = timezone.localdate() + timedelta(days=20)
    data = _visit_input(cast.A1, [
        {"category": "safety", "description": "消防栓被遮挡", "requirement": "清除遮挡物", "deadline": due},
        {"category": "hygiene", "description": "食堂留样不全", "requirement": "按规定留样", "deadline": due},
    ])
    visit, _ = visit_save(by=cast.supervisor, data=data, submit=False)  # a draft makes no finding
    assert not Finding.objects.exists()
    visit, _ = visit_save(by=cast.supervisor, data=data, submit=True)
    findings = list(Finding.objects.order_by("id"))
    assert [(f.description, f.source, f.visit_problem.visit_id, f.office, f.supervisor) for f in findings] == [
        ("消防栓被遮挡", "visit", visit.pk, ledger.ningxiang, ledger.wang),
        ("食堂留样不全", "visit", visit.pk, ledger.ningxiang, ledger.wang),
    ]
    assert findings[0].found_on == visit.visit_date and findings[0].source_data == {"visit_id": visit.pk}
    assert findings[0].source_label.startswith(visit.visit_date.isoformat())
    assert findings[0].source_url == reverse("visits:detail", args=[visit.pk])
    # A resubmit (a retried request) or a second call never makes two.
    visit_save(by=cast.supervisor, data=data, submit=True)
    finding_from_visit_problem(visit.problems.first())
    assert Finding.objects.count() == 2
    assert Finding.objects.get(visit_problem=visit.problems.first()).events.filter(action="created").count() == 1


def test_a_failed_submit_leaves_no_finding(ledger):
    """The findings are made in the submit's transaction: a refused submit leaves none behind."""
    from dudao.visits.services import visit_save

    cast = ledger.cast
    data = _visit_input(cast.A1, [{"category": "safety", "description": "问题", "requirement": "要求",
                                   "deadline": timezone.localdate() + timedelta(days=3)}])
    data.narrative = ""
    with pytest.raises(ValidationError):
        visit_save(by=cast.supervisor, data=data, submit=True)
    assert not Finding.objects.exists()


# --- evidence -----------------------------------------------------------------------------------
def _docx() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as z:
        z.writestr("[Content_Types].xml", "<Types/>")
        z.writestr("word/document.xml", "<w:document/>")
    return out.getvalue()


def _pdf() -> bytes:
    return b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.mark.parametrize(("raw", "name", "kind"), [
    (png_bytes(), "照片.jpg", "image/png"),  # the name says jpg, the bytes say png: the bytes win
    (jpeg_bytes(), "scan.bin", "image/jpeg"),
    (_pdf(), "整改报告", "application/pdf"),
    (_docx(), "报告.pdf", "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
])
def test_evidence_type_is_read_from_the_content(ledger, raw, name, kind):
    finding = ledger.make()
    evidence = evidence_add(by=ledger.cast.school_user, finding=finding, upload=SimpleUploadedFile(name, raw))
    assert evidence.content_type == kind and evidence.original_name == name
    assert len(evidence.content_hash) == 64
    assert evidence.file.name.rsplit(".", 1)[-1] in {"png", "jpg", "pdf", "docx"}
    with evidence.file.open("rb") as fh:
        stored = fh.read()
    assert evidence.size == len(stored)
    if kind.startswith("image/"):  # re-encoded from the pixels (core/images.py), same picture
        from PIL import Image

        with Image.open(io.BytesIO(stored)) as a, Image.open(io.BytesIO(raw)) as b:
            assert a.size == b.size and a.format == b.format
    else:
        assert stored == raw  # documents are kept as uploaded


@pytest.mark.parametrize(("raw", "name"), [
    (b"MZ\x90\x00 this is a program", "photo.jpg"),
    (b"PK\x03\x04 not really a zip", "report.docx"),
    (b"\x89PNG\r\n\x1a\n broken png", "x.png"),
    (b"%PDF-1.4 truncated", "x.pdf"),
    (b"<html><script>alert(1)</script>", "x.pdf"),
])
def test_evidence_refuses_what_is_not_what_it_claims(ledger, raw, name):
    finding = ledger.make()
    with pytest.raises(ValidationError) as excinfo:
        evidence_add(by=ledger.cast.school_user, finding=finding, upload=SimpleUploadedFile(name, raw))
    assert "只支持" in excinfo.value.messages[0]
    assert not FindingEvidence.objects.exists()


def test_evidence_size_duplicates_and_rights(ledger):
    cast = ledger.cast
    finding = ledger.make()
    big = png_bytes() + b"\0" * (MAX_EVIDENCE_BYTES + 1 - len(png_bytes()))
    with pytest.raises(ValidationError) as excinfo:
        evidence_add(by=cast.school_user, finding=finding, upload=SimpleUploadedFile("big.png", big))
    assert "10 MB" in excinfo.value.messages[0]
    first = evidence_add(by=cast.school_user, finding=finding, upload=SimpleUploadedFile("a.png", png_bytes()))
    again = evidence_add(by=cast.supervisor, finding=finding, upload=SimpleUploadedFile("b.png", png_bytes()))
    assert again.pk == first.pk and finding.evidence.count() == 1
    for user in (cast.county_leader, cast.outsider, cast.evaluator, cast.nobody):
        with pytest.raises(PermissionDenied):
            evidence_add(by=user, finding=finding, upload=SimpleUploadedFile("c.png", png_bytes("#0f0")))


def test_evidence_uploaded_first_counts_for_the_report(ledger):
    """The API uploads files one by one, then reports: the report takes them as its evidence."""
    from dudao.findings.services import finding_transition

    cast = ledger.cast
    finding = ledger.make()
    finding_transition(by=cast.supervisor, finding=finding, action="notify")
    evidence = evidence_add(by=cast.school_user, finding=finding, upload=SimpleUploadedFile("a.png", png_bytes()))
    finding = finding_transition(by=cast.school_user, finding=finding, action="report", note="已整改")
    evidence.refresh_from_db()
    assert evidence.event == finding.events.get(action="report")
