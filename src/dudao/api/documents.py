"""公文 over the same selectors and rules as the pages (docs/documents.md, "API").

- `GET /documents` — the documents the person reads (`Document.objects.visible_to`), filtered like
  the list page (kind, status incl. "todo", year, q on title/文号), 30 a page;
- `GET /documents/{id}` — one document: its fields, body blocks, recipients with read receipts and
  its versions with their SHA-256;
- `GET /documents/{id}/pdf` — the PDF of the current issued version (the frozen file whose SHA-256
  the detail lists); a document not issued answers 409.

Outside what the person reads: 404, in the one error shape of api/errors.py.
"""

from __future__ import annotations

from datetime import date, datetime

from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from dudao.api.errors import ErrorOut, problem
from dudao.api.rows import MappedRows
from dudao.core.downloads import stored_file_response
from dudao.documents import selectors
from dudao.documents.models import Document

router = Router(tags=["公文 documents"])


class DocumentOut(Schema):
    id: int
    kind: str
    kind_label: str
    status: str
    status_label: str
    title: str
    number: str
    office: str
    office_id: int
    issued_on: date | None
    published: bool
    created_at: datetime


class VersionOut(Schema):
    version: int
    sha256: str
    docx_sha256: str
    reason: str
    created_at: datetime


class RecipientOut(Schema):
    name: str
    read_at: datetime | None


class DocumentDetailOut(DocumentOut):
    masthead: str
    addressee: str
    body: list[dict]
    attachments: list[str]
    signatory: str
    cc: str
    printer: str
    upward: bool
    signer_name: str
    shared_at: datetime | None
    published_at: datetime | None
    recipients: list[RecipientOut]
    versions: list[VersionOut]


def _out(d: Document) -> dict:
    return {"id": d.pk, "kind": d.kind, "kind_label": str(d.get_kind_display()), "status": d.status,
            "status_label": str(d.get_status_display()), "title": d.title, "number": d.number,
            "office": d.office.name, "office_id": d.office_id, "issued_on": d.issued_on,
            "published": d.published_at is not None, "created_at": d.created_at}


@router.get("", response=list[DocumentOut], summary="公文列表（按权限范围；筛选：文种、状态、年份、标题或文号）")
@paginate(PageNumberPagination, page_size=30)
def list_documents(request, kind: str = "", status: str = "", year: str = "", q: str = ""):
    chosen = selectors.DocumentFilters.from_params({"kind": kind, "status": status, "year": year, "q": q})
    return MappedRows(selectors.document_list(request.user, chosen), _out)


@router.get("/{document_id}", response=DocumentDetailOut, summary="公文详情（正文、收文单位与阅读回执、版本及 SHA-256）")
def get_document(request, document_id: int):
    d = selectors.access_document(request.user, document_id)
    return {**_out(d), "masthead": d.masthead, "addressee": d.addressee, "body": d.body,
            "attachments": list(d.attachments), "signatory": d.signatory, "cc": d.cc, "printer": d.printer,
            "upward": d.upward, "signer_name": d.signer_name, "shared_at": d.shared_at,
            "published_at": d.published_at,
            "recipients": [{"name": r.name, "read_at": r.read_at} for r in d.recipients.all()],
            "versions": [{"version": v.version, "sha256": v.sha256, "docx_sha256": v.docx_sha256, "reason": v.reason,
                          "created_at": v.created_at} for v in d.versions.order_by("version")]}


@router.get("/{document_id}/pdf", response={200: None, 409: ErrorOut}, summary="下载已印发公文的 PDF（当前版本）")
def document_pdf(request, document_id: int):
    d = selectors.access_document(request.user, document_id)
    version = d.current_version if d.is_issued else None
    if version is None:
        return problem(409, _("公文尚未印发，没有正式文件。"), code="conflict")
    return stored_file_response(version.pdf, "application/pdf", filename=f"{(d.number or d.title)[:80]}-v{version.version}.pdf",
                                inline=False, nosniff=True)
