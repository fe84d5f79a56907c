"""The life of a document: 拟稿 → 送审 → 审核 → 签发 (印发, with its 发文字号) → new versions, 送达, 公开.

Every step checks its rule (documents/access.py) and writes a `DocumentEvent`. Issuing takes the next
number of the series under a row lock, renders the files and freezes them as version 1 in the same
transaction: if rendering fails nothing is issued and no number is used, so numbers have no gaps and
no duplicates even when two leaders sign at once (tests/documents/test_numbering.py).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.template import Context, Engine
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.documents import access
from dudao.documents.models import (
    Document,
    DocumentEvent,
    DocumentKind,
    DocumentRecipient,
    DocumentSeries,
    DocumentStatus,
    DocumentTemplate,
    DocumentVersion,
)

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

Action = DocumentEvent.Action
# Fields a draft edit (or a new version of an issued document) may change.
EDITABLE = ("title", "masthead", "addressee", "body", "attachments", "signatory", "note", "cc", "printer",
            "upward", "signer_name")
# The fields frozen into a version's snapshot.
SNAPSHOT = (*EDITABLE, "number", "kind", "issued_on")


def keyed(blocks: Iterable[dict]) -> list[dict]:
    """Every block with a stable `key` (kept across edits): draft-review comments point at it."""
    import uuid

    return [{**b, "key": b.get("key") or uuid.uuid4().hex[:10]} for b in blocks]


def _event(document: Document, action: str, by: User | None, note: str = "") -> DocumentEvent:
    return DocumentEvent.objects.create(document=document, action=action, by=by, note=note[:500])


def default_code(office: Office) -> str:
    """The 机关代字 when the office has set none: the region's short name + 教督 (宁乡市 → 宁教督)."""
    name = office.region.name
    return f"{name[:1]}教督" if name else "教督"


def template_for(kind: str, office: Office) -> DocumentTemplate | None:
    """The office's own wording of `kind`, else the nearest office above with a copy, else the built-in."""
    from dudao.regions.codes import ancestor_codes

    chain = list(reversed(ancestor_codes(office.region.code)))  # the office's own region first
    own = {t.office.region.code: t for t in DocumentTemplate.objects.filter(
        kind=kind, office__region__code__in=chain).select_related("office__region") if t.office is not None}
    for code in chain:
        if code in own:
            return own[code]
    return DocumentTemplate.objects.filter(kind=kind, office__isnull=True).first()


_ENGINE = Engine(autoescape=False)


def fill(text: str, data: dict[str, Any]) -> str:
    """An office's template text with the builder's data (Django template language, no HTML escaping:
    the output is document text, escaped again where it is rendered)."""
    return _ENGINE.from_string(text).render(Context(data))


def text_to_blocks(text: str) -> list[dict[str, str]]:
    """Template text → body blocks: "一、" lines are level-1 headings, "（一）" level 2, the rest paragraphs
    (GB/T 9704 7.3.3 层次序数); blank lines separate nothing."""
    import re

    blocks = []
    for line in (s.strip() for s in text.splitlines()):
        if not line:
            continue
        if re.match(r"^[一二三四五六七八九十]+、", line):
            blocks.append({"type": "h1", "text": line})
        elif re.match(r"^（[一二三四五六七八九十]+）", line):
            blocks.append({"type": "h2", "text": line})
        else:
            blocks.append({"type": "p", "text": line})
    return blocks


@transaction.atomic
def create_draft(*, by: User | None, office: Office, kind: str, title: str, body: Sequence[dict] = (),
                 addressee: str = "", recipients: Iterable[dict] = (), source: str = "", school=None, region=None,
                 template: DocumentTemplate | None = None, check: bool = True, **fields: Any) -> Document:
    """A new draft. `recipients`: dicts with one of school / government_unit_id / region, and name.
    `check=False` for drafts the system writes itself (the demo, a scheduled monthly summary)."""
    if kind not in DocumentKind.values:
        raise ValidationError(_("未知的文种。"))
    if check and (by is None or not access.may_draft(by, office)):
        raise PermissionDenied(_("只有本督导室的工作人员可以拟稿。"))
    if not title.strip():
        raise ValidationError({"title": _("请填写标题。")})
    unknown = set(fields) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown document fields: {sorted(unknown)}")
    fields.setdefault("masthead", (template.masthead if template and template.masthead else "")
                      or f"{office.name}")
    fields.setdefault("signatory", office.name)
    fields.setdefault("printer", office.name)
    document = Document.objects.create(
        office=office, kind=kind, template=template, title=title.strip(), body=keyed(body), addressee=addressee,
        source=source, school=school, region=region or (school.region if school is not None else office.region),
        created_by=by, **fields)
    set_recipients(document, recipients)
    _event(document, Action.DRAFTED, by)
    return document


def draft_from_template(*, by: User | None, office: Office, kind: str, data: dict[str, Any], **kwargs: Any) -> Document:
    """A draft in the office's wording of `kind` (template_for) filled with `data`; extra blocks the
    builder computes (tables, charts) come in `kwargs["body"]` and follow the template's text."""
    template = template_for(kind, office)
    title = kwargs.pop("title", "") or (fill(template.title, data) if template and template.title else "")
    blocks = text_to_blocks(fill(template.body, data)) if template and template.body else []
    blocks.extend(kwargs.pop("body", ()))
    return create_draft(by=by, office=office, kind=kind, title=str(title or DocumentKind(kind).label), body=blocks,
                        template=template, **kwargs)


def set_recipients(document: Document, recipients: Iterable[dict]) -> None:
    document.recipients.all().delete()
    DocumentRecipient.objects.bulk_create([DocumentRecipient(document=document, **r) for r in recipients])


@transaction.atomic
def edit_draft(document: Document, *, by: User, **changes: Any) -> Document:
    if not access.may_edit(by, document):
        raise PermissionDenied(_("只有草稿可以修改，且须由本督导室的工作人员修改。"))
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown document fields: {sorted(unknown)}")
    if "title" in changes and not str(changes["title"]).strip():
        raise ValidationError({"title": _("请填写标题。")})
    if "body" in changes:
        changes["body"] = keyed(changes["body"])
    for key, value in changes.items():
        setattr(document, key, value)
    document.save()
    _event(document, Action.EDITED, by)
    return document


def _move(document: Document, *, to: str, by: User, action: str, note: str = "", **extra: Any) -> Document:
    document.status = to
    for key, value in extra.items():
        setattr(document, key, value)
    document.save()
    _event(document, action, by, note)
    return document


@transaction.atomic
def submit(document: Document, *, by: User) -> Document:
    """送审: the drafter hands the draft to a checker — not while a unit's comment on the draft is
    unanswered (draft review, documents/review.py)."""
    from dudao.documents.models_review import open_comments

    if not access.may_edit(by, document):
        raise PermissionDenied(_("只有草稿可以送审。"))
    unanswered = open_comments(document).count()
    if unanswered:
        raise ValidationError(_("还有 %(n)s 条征求意见未答复，请逐条答复后再送审。") % {"n": unanswered})
    return _move(document, to=DocumentStatus.CHECKING, by=by, action=Action.SUBMITTED)


@transaction.atomic
def check(document: Document, *, by: User, note: str = "") -> Document:
    """审核通过: on to the leader for 签发."""
    if not access.may_check(by, document):
        raise PermissionDenied(_("您不能审核这份公文（拟稿人不能审核自己的稿件）。"))
    return _move(document, to=DocumentStatus.SIGNING, by=by, action=Action.CHECKED, note=note,
                 checked_by=by, checked_at=timezone.now())


@transaction.atomic
def return_to_draft(document: Document, *, by: User, reason: str) -> Document:
    """退回修改, at 审核 or at 签发, with the reason."""
    if not (access.may_check(by, document) or access.may_sign(by, document)):
        raise PermissionDenied(_("您不能退回这份公文。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写退回理由。")})
    return _move(document, to=DocumentStatus.DRAFT, by=by, action=Action.RETURNED, note=reason)


def take_number(office: Office, code: str, year: int) -> tuple[DocumentSeries, int]:
    """The next number of the series under a row lock (call inside the issuing transaction)."""
    series, _created = DocumentSeries.objects.get_or_create(office=office, code=code, year=year)
    series = DocumentSeries.objects.select_for_update().get(pk=series.pk)
    series.last_number += 1
    series.save(update_fields=["last_number", "updated_at"])
    return series, series.last_number


def snapshot(document: Document) -> dict[str, Any]:
    data = {key: getattr(document, key) for key in SNAPSHOT}
    data["issued_on"] = document.issued_on.isoformat() if document.issued_on else ""
    return data


def _freeze(document: Document, *, by: User | None, reason: str = "") -> DocumentVersion:
    from dudao.documents.docx import render_docx
    from dudao.documents.render import render_pdf

    pdf, docx = render_pdf(document), render_docx(document)
    number = (document.versions.order_by("-version").values_list("version", flat=True).first() or 0) + 1
    version = DocumentVersion(document=document, version=number, sha256=hashlib.sha256(pdf).hexdigest(),
                              docx_sha256=hashlib.sha256(docx).hexdigest(), snapshot=snapshot(document),
                              reason=reason, created_by=by)
    stem = f"{document.pk}-v{number}"
    version.pdf.save(f"{stem}.pdf", ContentFile(pdf), save=False)
    version.docx.save(f"{stem}.docx", ContentFile(docx), save=False)
    version.save()
    return version


@transaction.atomic
def issue(document: Document, *, by: User, code: str = "", issued_on: date | None = None,
          share: bool = True, check_rules: bool = True) -> Document:
    """签发 and 印发: the next 发文字号, the 成文日期 (today unless given), version 1 frozen with its
    SHA-256, then sent to the units (read receipts) unless `share=False`."""
    document = Document.objects.select_for_update().get(pk=document.pk)
    if check_rules and not access.may_sign(by, document):
        raise PermissionDenied(_("只有督导室领导可以签发待签发的公文。"))
    series, sequence = take_number(document.office, (code or default_code(document.office)).strip(),
                                   (issued_on or timezone.localdate()).year)
    document.series, document.sequence = series, sequence
    document.number = series.number_text(sequence)
    document.issued_on = issued_on or timezone.localdate()
    document.status = DocumentStatus.ISSUED
    document.signed_by, document.signed_at = by, timezone.now()
    if share and document.recipients.exists():
        document.shared_at = timezone.now()
    document.save()
    _freeze(document, by=by)
    _event(document, Action.ISSUED, by, document.number)
    return document


@transaction.atomic
def new_version(document: Document, *, by: User, reason: str, **changes: Any) -> DocumentVersion:
    """A change to an issued document: never in place — the fields change and a new version is frozen
    beside the old ones (the number stays; the reason is recorded)."""
    if not (document.is_issued and access.may_publish(by, document)):
        raise PermissionDenied(_("只有本督导室的工作人员可以修订已印发的公文。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写修改说明。")})
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ValueError(f"unknown document fields: {sorted(unknown)}")
    if "body" in changes:
        changes["body"] = keyed(changes["body"])
    for key, value in changes.items():
        setattr(document, key, value)
    document.save()
    version = _freeze(document, by=by, reason=reason)
    _event(document, Action.VERSION, by, f"v{version.version}：{reason}")
    return version


@transaction.atomic
def share(document: Document, *, by: User) -> Document:
    """送达: open the document to its units (draft review, or an issued document sent later)."""
    if not access.may_publish(by, document) and not access.may_edit(by, document):
        raise PermissionDenied(_("您不能送达这份公文。"))
    if not document.recipients.exists():
        raise ValidationError(_("请先选择收文单位。"))
    document.shared_at = timezone.now()
    document.save(update_fields=["shared_at", "updated_at"])
    _event(document, Action.SHARED, by)
    return document


@transaction.atomic
def publish(document: Document, *, by: User, public: bool = True) -> Document:
    """公开 on the portal (/public/), or withdraw it; only issued documents."""
    if not access.may_publish(by, document):
        raise PermissionDenied(_("只有已印发的公文可以公开，且须由本督导室的工作人员操作。"))
    document.published_at = timezone.now() if public else None
    document.save(update_fields=["published_at", "updated_at"])
    _event(document, Action.PUBLISHED if public else Action.UNPUBLISHED, by)
    return document


def mark_read(document: Document, *, by: User) -> int:
    """The read receipt of the recipients the person answers for (access.answered_recipients) — a
    school's own accounts (学校用户, not the supervisors who also read the school), a 政府单位用户 for
    their unit, an office for a region of its subtree (not the sender itself) — once: the first
    reader and time stay."""
    if not Document.objects.filter(pk=document.pk, shared_at__isnull=False).exists():
        return 0
    mine = [r.pk for r in access.answered_recipients(by, document) if r.read_at is None]
    return DocumentRecipient.objects.filter(pk__in=mine, read_at__isnull=True).update(
        read_at=timezone.now(), read_by=by)
