"""整改通知书: the rectification notice of one finding, an official document of the document engine.

domain-rules §8: the notice carries the problem, the requirement and the deadline, and goes from the
office (or the responsible supervisor, locally) to the unit. When the "notify" step is taken
(services.finding_transition), `issue_notice` drafts a `documents.Document` of kind "rectification"
(source "findings.Finding:<pk>", recipient the school) and issues it at once: the 发文字号 is the next
of the office's series (no hand-typed number), the 成文日期 the day of issue, the PDF and DOCX frozen
with their SHA-256. The finding's downloads serve those frozen files, byte for byte.

Before the notice is issued the downloads show a draft (no number, no date, marked 草稿); a finding
notified before the engine existed keeps the number that was typed then (rendered by the engine with
that number and the day it was notified).
"""

from __future__ import annotations

import base64
from dataclasses import dataclass
from datetime import date
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from dudao.findings.models import Finding, FindingSource

if TYPE_CHECKING:
    from dudao.documents.models import Document
    from dudao.people.models import User

KIND = "rectification"
TITLE = "整改通知书"
MAX_NOTICE_PHOTOS = 6
PHOTO_SIDE = 1200  # px: sharp at 120 mm on paper, a few hundred KB in the document


def chinese_date(day: date) -> str:
    """2026年3月5日 (GB/T 9704 7.3.5.4); the 督导意见书 of governance uses it too."""
    return f"{day.year}年{day.month}月{day.day}日"


def source_key(finding: Finding) -> str:
    return f"findings.Finding:{finding.pk}"


@dataclass(frozen=True)
class NoticeText:
    office: str
    addressee: str
    unit: str
    opening: str
    problem: str
    requirement: str
    deadline: str
    supervisor: str
    contact: str
    reference: str
    source: str
    photos: tuple[bytes, ...] = ()  # 附件: the visit photos filed with the problem (督导现场照片)


def notice_text(finding: Finding) -> NoticeText:
    source = finding.source_label or FindingSource(finding.source).label
    supervisor = finding.supervisor.name if finding.supervisor_id else ""
    contact_parts = []
    if supervisor:
        phone = finding.supervisor.phone
        contact_parts.append(f"责任督学{supervisor}" + (f"，电话{phone}" if phone else ""))
    if finding.office.phone:
        contact_parts.append(f"{finding.office.name}，电话{finding.office.phone}")
    return NoticeText(
        office=finding.office.name,
        addressee=finding.responsible_unit or finding.unit_name,
        unit=finding.unit_name,
        opening=f"{chinese_date(finding.found_on)}，我室在{source}中发现你单位存在以下问题，现通知如下，请认真整改。",
        problem=finding.description,
        requirement=finding.requirement,
        deadline=chinese_date(finding.deadline),
        supervisor=supervisor,
        contact="；".join(contact_parts),
        reference=f"整改台账第{finding.pk}号",
        source=str(source),
        photos=site_photos(finding),
    )


def site_photos(finding: Finding) -> tuple[bytes, ...]:
    """The photos the supervisor took of the problem on the visit (filed with the "created" step),
    at most six, as JPEG bytes: the notice shows the unit what was seen."""
    out = []
    for item in finding.evidence.filter(event__action="created", content_type="image/jpeg").order_by("created_at", "id")[
            :MAX_NOTICE_PHOTOS]:
        try:
            with item.file.open("rb") as handle:
                out.append(handle.read())
        except (FileNotFoundError, ValueError, OSError):
            continue
    return tuple(out)


def _small(raw: bytes) -> bytes:
    """A photo re-encoded at most PHOTO_SIDE px wide/high (the document stores it in its body)."""
    from django.core.exceptions import ValidationError

    from dudao.core.images import image_clean

    try:
        return image_clean(raw, max_side=PHOTO_SIDE, quality=80).content
    except (ValidationError, OSError):
        return raw


def _paragraphs(text: str) -> list[dict[str, str]]:
    return [{"type": "p", "text": line.strip()} for line in text.splitlines() if line.strip()] or [
        {"type": "p", "text": "（无）"}]


def notice_fields(finding: Finding) -> dict[str, Any]:
    """The document's title, 主送, body (with the photos as 附件), 附件说明 and 附注 for a finding."""
    n = notice_text(finding)
    also = f"，同时告知责任督学{n.supervisor}" if n.supervisor else ""
    body: list[dict[str, Any]] = [
        {"type": "p", "text": n.opening},
        {"type": "h1", "text": "一、存在问题"}, *_paragraphs(n.problem),
        {"type": "h1", "text": "二、整改要求"}, *_paragraphs(n.requirement),
        {"type": "h1", "text": "三、整改期限"},
        {"type": "p", "text": f"请于{n.deadline}前完成整改，并将整改情况（附佐证材料）书面报送{n.office}{also}。"
                              "逾期未整改或整改不到位的，将按有关规定予以通报、约谈直至提请问责。"},
        {"type": "p", "text": f"如对上述问题有异议，可在整改期限内向{n.office}提出申辩，并提供相关材料。"},
    ]
    attachments = []
    if n.photos:
        attachments = [f"督导现场照片（{len(n.photos)}张）"]
        body.append({"type": "attachment", "text": "督导现场照片"})
        body += [{"type": "image", "data": base64.b64encode(_small(raw)).decode(), "caption": f"照片{i}"}
                 for i, raw in enumerate(n.photos, 1)]
    note = "；".join(part for part in (f"联系人：{n.contact}" if n.contact else "", f"{n.reference}，来源：{n.source}") if part)
    return {"title": TITLE, "addressee": n.addressee, "body": body, "attachments": attachments,
            "signatory": n.office, "printer": n.office, "note": note[:200]}


def _load(finding: Finding) -> Finding:
    return Finding.objects.select_related("office__region", "supervisor", "school").get(pk=finding.pk)


def notice_document(finding: Finding) -> Document | None:
    """The issued 整改通知书 of the finding, if the engine issued one."""
    from dudao.documents.models import Document, DocumentStatus

    return (Document.objects.filter(source=source_key(finding), kind=KIND, status=DocumentStatus.ISSUED)
            .order_by("-created_at", "-id").first())


def issue_notice(finding: Finding, *, by: User, issued_on: date | None = None) -> Document:
    """Draft and issue the notice (call inside the "notify" transaction, after the workflow checked that
    `by` may notify): the next number of the office's series, dated `issued_on` (today), frozen."""
    from dudao.documents import services as documents

    finding = _load(finding)
    template = documents.template_for(KIND, finding.office)
    fields = notice_fields(finding)
    if template is not None and template.masthead:
        fields["masthead"] = template.masthead
    recipients = [{"school": finding.school, "name": finding.school.name}] if finding.school_id else []
    document = documents.create_draft(
        by=by, office=finding.office, kind=KIND, recipients=recipients, source=source_key(finding),
        school=finding.school, region=finding.region, template=template, check=False, **fields)
    return documents.issue(document, by=by, code=notice_code(finding, template),
                           issued_on=issued_on or timezone.localdate(), check_rules=False)


def notice_code(finding: Finding, template) -> str:
    """The 机关代字 of the notices: the office's 整改通知书 template's, else a series of their own
    (宁教督改〔2026〕N号). Notices are issued by the hundred on site (frameworks.md §3.5: "often a form,
    serial no."), so they never use up the numbers of the office's 通知 and 通报."""
    from dudao.documents.services import default_code

    if template is not None and template.code:
        return template.code
    return f"{default_code(finding.office)}改"


def _legacy_issue(finding: Finding) -> dict:
    """The notice data a "notify" step stored before the engine (a typed 文号), if any."""
    event = finding.events.filter(action="notify").order_by("-created_at", "-id").first()
    return (event.data or {}).get("notice", {}) if event else {}


def _unsaved(finding: Finding) -> Document:
    """The notice as the engine would print it now: a draft, or a legacy notice with its typed number."""
    from dudao.documents.models import Document, DocumentStatus

    legacy = _legacy_issue(finding)
    document = Document(office=finding.office, kind=KIND, masthead=finding.office.name, school=finding.school,
                        source=source_key(finding), **notice_fields(finding))
    if legacy:
        document.status = DocumentStatus.ISSUED
        document.number = legacy.get("number", "")
        document.issued_on = date.fromisoformat(legacy["issued_on"]) if legacy.get("issued_on") else None
    return document


def notice_pdf(finding: Finding) -> bytes:
    """The issued notice's frozen PDF (the same bytes every time), else the engine's rendering."""
    document = notice_document(finding)
    if document is not None and (version := document.current_version) is not None:
        with version.pdf.open("rb") as handle:
            return handle.read()
    from dudao.documents.render import render_pdf

    return render_pdf(_unsaved(_load(finding)))


def notice_docx(finding: Finding) -> bytes:
    document = notice_document(finding)
    if document is not None and (version := document.current_version) is not None and version.docx:
        with version.docx.open("rb") as handle:
            return handle.read()
    from dudao.documents.docx import render_docx

    return render_docx(_unsaved(_load(finding)))


def notice_filename(finding: Finding, ext: str) -> str:
    return f"整改通知书-{finding.unit_name}-{finding.pk}.{ext}"
