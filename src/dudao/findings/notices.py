"""整改通知书: the rectification notice of one finding, as PDF (WeasyPrint) and DOCX (python-docx).

domain-rules §8: the notice carries the problem, the requirement and the deadline, and goes from
the office (or the responsible supervisor, locally) to the unit. Both files are built from the same
`NoticeText`, so they say the same thing; the layout follows GB/T 9704 as far as each format
allows. The DOCX names the official fonts (方正小标宋简体, 仿宋_GB2312, 黑体) so that Word/WPS print
it in them where installed; the PDF maps them to free fonts (docs: stack.md). The official
template engine comes with the document templates of a later issue; this is the interim form.

The 文号 (document number) is the one the office typed when it issued the notice (the "notify"
step's event), or a blank to be filled in by hand.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date

from django.template.loader import render_to_string
from django.utils import timezone

from dudao.core.documents import (
    HEADING_FONT,
    RED,
    TITLE_FONT,
    docx_bytes,
    docx_document,
    docx_paragraph,
    docx_red_rule,
    docx_run,
    html_to_pdf,
)
from dudao.findings.models import Finding, FindingSource

NUMBER_BLANK = "〔　　　〕　　号"


def chinese_date(day: date) -> str:
    return f"{day.year}年{day.month}月{day.day}日"


@dataclass(frozen=True)
class NoticeText:
    office: str
    number: str
    addressee: str
    unit: str
    opening: str
    problem: str
    requirement: str
    deadline: str
    supervisor: str
    contact: str
    date: str
    reference: str
    source: str
    photos: tuple[bytes, ...] = ()  # 附件: the visit photos filed with the problem (督导现场照片)


def _issue(finding: Finding) -> dict:
    """The notice data stored by the "notify" step (the latest one), if it was issued."""
    event = finding.events.filter(action="notify").order_by("-created_at", "-id").first()
    return (event.data or {}).get("notice", {}) if event else {}


def notice_text(finding: Finding) -> NoticeText:
    issue = _issue(finding)
    issued_on = date.fromisoformat(issue["issued_on"]) if issue.get("issued_on") else timezone.localdate()
    source = finding.source_label or FindingSource(finding.source).label
    supervisor = finding.supervisor.name if finding.supervisor_id else ""
    contact_parts = []
    if supervisor:
        phone = finding.supervisor.phone
        contact_parts.append(f"责任督学 {supervisor}" + (f"，电话 {phone}" if phone else ""))
    if finding.office.phone:
        contact_parts.append(f"{finding.office.name}，电话 {finding.office.phone}")
    return NoticeText(
        office=finding.office.name,
        number=issue.get("number") or NUMBER_BLANK,
        addressee=finding.responsible_unit or finding.unit_name,
        unit=finding.unit_name,
        opening=f"{chinese_date(finding.found_on)}，我室在{source}中发现你单位存在以下问题，现通知如下，请认真整改。",
        problem=finding.description,
        requirement=finding.requirement,
        deadline=chinese_date(finding.deadline),
        supervisor=supervisor,
        contact="；".join(contact_parts),
        date=chinese_date(issued_on),
        reference=f"整改台账第 {finding.pk} 号",
        source=str(source),
        photos=site_photos(finding),
    )


MAX_NOTICE_PHOTOS = 6


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


def _load(finding: Finding) -> Finding:
    return Finding.objects.select_related("office", "supervisor", "school").get(pk=finding.pk)


def notice_html(finding: Finding) -> str:
    import base64

    n = notice_text(_load(finding))
    uris = [f"data:image/jpeg;base64,{base64.b64encode(raw).decode()}" for raw in n.photos]
    return render_to_string("findings/notice_pdf.html", {"n": n, "photo_uris": uris})


def notice_pdf(finding: Finding) -> bytes:
    return html_to_pdf(notice_html(finding))


def notice_filename(finding: Finding, ext: str) -> str:
    return f"整改通知书-{finding.unit_name}-{finding.pk}.{ext}"


# --- DOCX (core/documents.py: GB/T 9704 paragraphs, runs and the red rule) ---------------------------
def notice_docx(finding: Finding) -> bytes:
    from docx.enum.text import WD_ALIGN_PARAGRAPH
    from docx.shared import Mm

    n = notice_text(_load(finding))
    doc = docx_document(title=f"整改通知书 {n.unit}", author=n.office)

    center, right = WD_ALIGN_PARAGRAPH.CENTER, WD_ALIGN_PARAGRAPH.RIGHT
    docx_paragraph(doc, n.office, align=center, indent=False, font=TITLE_FONT, size=30, bold=True, color=RED, space_before=12)
    number = docx_paragraph(doc, n.number, align=center, indent=False, space_before=18)
    docx_red_rule(number)
    docx_paragraph(doc, "整改通知书", align=center, indent=False, font=TITLE_FONT, size=22, space_before=24, space_after=12)
    docx_paragraph(doc, f"{n.addressee}：", indent=False)
    docx_paragraph(doc, n.opening)
    for heading, text in (("一、存在问题", n.problem), ("二、整改要求", n.requirement)):
        docx_paragraph(doc, heading, font=HEADING_FONT)
        for line in text.splitlines() or [""]:
            docx_paragraph(doc, line)
    docx_paragraph(doc, "三、整改期限", font=HEADING_FONT)
    also = f"，同时告知责任督学{n.supervisor}" if n.supervisor else ""
    docx_paragraph(doc, f"请于{n.deadline}前完成整改，并将整改情况（附佐证材料）书面报送{n.office}{also}。"
                    "逾期未整改或整改不到位的，将按有关规定予以通报、约谈直至提请问责。")
    docx_paragraph(doc, f"如对上述问题有异议，可在整改期限内向{n.office}提出申辩，并提供相关材料。")
    if n.contact:
        docx_paragraph(doc, f"联系人：{n.contact}")
    if n.photos:
        docx_paragraph(doc, f"附件：督导现场照片（{len(n.photos)}张）")
    docx_paragraph(doc, n.office, align=right, indent=False, space_before=48)
    docx_paragraph(doc, n.date, align=right, indent=False)
    docx_paragraph(doc, "（印章）", align=right, indent=False, size=12, color=(0x77, 0x77, 0x77))
    if n.photos:
        from docx.enum.text import WD_BREAK

        heading = docx_paragraph(doc, indent=False, font=HEADING_FONT)
        heading.add_run().add_break(WD_BREAK.PAGE)
        docx_run(heading, "附件", font=HEADING_FONT)
        docx_paragraph(doc, "督导现场照片", align=center, indent=False, font=TITLE_FONT, size=22, space_after=12)
        for raw in n.photos:
            picture = doc.add_paragraph()
            picture.alignment = center
            picture.add_run().add_picture(io.BytesIO(raw), width=Mm(120))
    docx_paragraph(doc, f"编号：{n.reference}　来源：{n.source}", indent=False, size=14, space_before=36)
    return docx_bytes(doc)
