"""The 督导意见书 of a government unit on the one document engine (documents.services): the opinion's
fields (governance.Opinion, drafted from the results by `services.opinion_draft` and edited by the
office) become the body of a `Document` of kind "opinion" for the unit entry (source
"governance.CampaignUnit:<pk>"), which is then 审核, 签发 with its 发文字号 and frozen like every other
document. The document's text is Chinese whatever the drafter's language.

While the document is a draft, saving the opinion writes it again; once it is sent for checking
the opinion is the document's (a change after issuing is a new version on the document's page).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from dudao.documents import services as docs
from dudao.documents.models import Document, DocumentEvent, DocumentKind, DocumentStatus
from dudao.documents.render import chinese_date

if TYPE_CHECKING:
    from dudao.governance.models import CampaignUnit, Opinion
    from dudao.people.models import User

HEADINGS = (("process", "一、督导概况"), ("overall", "二、总体评价"), ("strengths", "三、主要成绩"),
            ("problems", "四、存在问题"), ("requirements", "五、整改要求和建议"))


def source_of(entry: CampaignUnit) -> str:
    return f"governance.CampaignUnit:{entry.pk}"


def opinion_document(entry: CampaignUnit) -> Document | None:
    """The entry's 督导意见书 on the engine, if drafted."""
    return Document.objects.filter(source=source_of(entry), kind=DocumentKind.OPINION).order_by("-created_at").first()


def _lines(text: str) -> list[dict]:
    return [{"type": "p", "text": line.strip()} for line in (text or "").splitlines() if line.strip()]


def opinion_fields(entry: CampaignUnit, opinion: Opinion) -> dict:
    """The document's fields from the opinion's (the layout of frameworks.md §4.2)."""
    campaign, office = entry.campaign, entry.campaign.office
    body = _lines(opinion.basis)
    for name, heading in HEADINGS:
        body.append({"type": "h1", "text": heading})
        body += _lines(getattr(opinion, name)) or [{"type": "p", "text": "（无）"}]
    if opinion.deadline:
        body.append({"type": "p", "text": f"整改期限：{chinese_date(opinion.deadline)}。"})
    body.append({"type": "p", "text": f"如对本意见书有异议，可自收到之日起15日内向{office.name}提出申辩，并提供相关材料。"})
    return {"title": f"关于对{entry.unit.name}{campaign.name}的督导意见书", "addressee": entry.unit.name,
            "body": body, "signatory": office.name}


def preview(entry: CampaignUnit, opinion: Opinion) -> Document:
    """An unsaved document of the opinion (not drafted yet): what the PDF would look like."""
    office = entry.campaign.office
    fields = opinion_fields(entry, opinion)
    return Document(office=office, kind=DocumentKind.OPINION, masthead=office.name, printer=office.name,
                    region=entry.unit.region, **{**fields, "body": docs.keyed(fields["body"])})


def opinion_sync(*, by: User | None, entry: CampaignUnit, opinion: Opinion) -> Document:
    """Create or write again the draft document of the opinion; refused once it left the draft."""
    document = opinion_document(entry)
    fields = opinion_fields(entry, opinion)
    recipients = [{"government_unit_id": entry.unit_id, "name": entry.unit.name}]
    if document is None:
        office = entry.campaign.office
        return docs.create_draft(by=by, office=office, kind=DocumentKind.OPINION, source=source_of(entry),
                                 region=entry.unit.region, recipients=recipients, check=False, **fields)
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError(_("督导意见书已送审或印发，不能再修改；印发后的修订请在公文页面进行。"))
    for key, value in fields.items():
        setattr(document, key, docs.keyed(value) if key == "body" else value)
    document.save()
    docs.set_recipients(document, recipients)
    DocumentEvent.objects.create(document=document, action=DocumentEvent.Action.EDITED, by=by, note="修改督导意见书")
    return document


def opinion_locked(entry: CampaignUnit) -> bool:
    document = opinion_document(entry)
    return document is not None and document.status != DocumentStatus.DRAFT


def opinion_pdf(entry: CampaignUnit, opinion: Opinion) -> bytes:
    """The PDF the unit and the office read: the frozen PDF once issued, else the draft's preview."""
    from dudao.documents.render import render_pdf

    document = opinion_document(entry)
    if document is not None and document.is_issued:
        version = document.current_version
        if version is not None:
            with version.pdf.open("rb") as f:
                return f.read()
    return render_pdf(document or preview(entry, opinion))


def opinion_html(entry: CampaignUnit, opinion: Opinion) -> str:
    from dudao.documents.render import render_html

    return render_html(opinion_document(entry) or preview(entry, opinion))
