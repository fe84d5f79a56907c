"""Draft review (征求意见, issue [11] item 2) and the units' side of documents (收文, read receipts).

The office sends a draft to its units (`send_for_review`) with a deadline in working days
(core/workdays.py; the office's default in `ReviewSettings`, 5 if it set none). Until the end of
the deadline day, and while the document is still a draft, each unit's own accounts comment on or
contest a paragraph (by the body block's stable key) or the whole draft (`add_comment`). The office
answers every comment (`answer_comment`); `services.submit` refuses 送审 while `open_comments` is not
empty. Who acts for a unit: documents/access.answered_recipients. docs/documents.md.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import can_manage_office, get_scope
from dudao.core.workdays import add_workdays
from dudao.documents import access, services
from dudao.documents.models import (
    AnswerKind,
    CommentKind,
    Document,
    DocumentRecipient,
    DocumentStatus,
    DraftReview,
    ReviewComment,
    ReviewSettings,
)
from dudao.documents.models_review import DEFAULT_REVIEW_DAYS
from dudao.documents.models_review import open_comments as open_comments  # noqa: F401 - review.open_comments

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

MAX_DAYS = 30
COMMENTABLE = ("h2", "h3", "p", "table")  # blocks a unit may comment on (not level-1 headings, page breaks)


def chinese_date(day: date | None) -> str:
    return f"{day.year}年{day.month}月{day.day}日" if day else ""


# --- settings ------------------------------------------------------------------------------------------
def review_days(office: Office) -> int:
    """The office's default period for comments, in working days."""
    found = ReviewSettings.objects.filter(office=office).values_list("days", flat=True).first()
    return found or DEFAULT_REVIEW_DAYS


def set_review_days(office: Office, *, by: User, days: int) -> ReviewSettings:
    if not can_manage_office(by, office):
        raise PermissionDenied(_("只有本督导室的工作人员可以修改征求意见期限。"))
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("征求意见期限须在 1 到 %(n)s 个工作日之间。") % {"n": MAX_DAYS}})
    row, _created = ReviewSettings.objects.update_or_create(office=office, defaults={"days": days})
    return row


def deadline_for(start: date, days: int) -> date:
    """The last day for comments: the `days`-th working day after the day the draft was sent."""
    return add_workdays(start, days)


# --- sending -------------------------------------------------------------------------------------------
def current_review(document: Document) -> DraftReview | None:
    return document.reviews.order_by("-round").first()


def is_open(review: DraftReview | None, *, today: date | None = None) -> bool:
    """Comments are taken until the end of the deadline day, while the document is still a draft."""
    if review is None or review.document.status != DocumentStatus.DRAFT:
        return False
    return (today or timezone.localdate()) <= review.deadline


def unit_accounts(recipient: DocumentRecipient) -> QuerySet[User]:
    """Who is told for a unit: a school's own accounts, a 政府单位用户 of the unit, the people of the
    region's office (active accounts only)."""
    from dudao.people.models import Role, User
    from dudao.people.selectors import office_staff
    from dudao.regions.models import Office

    if recipient.school_id:
        return User.objects.filter(is_active=True, role_grants__role=Role.SCHOOL_USER,
                                   role_grants__schools=recipient.school_id).distinct().order_by("pk")
    if recipient.government_unit_id:
        return User.objects.filter(is_active=True, role_grants__role=Role.GOVERNMENT_USER,
                                   role_grants__government_unit_id=recipient.government_unit_id).distinct().order_by("pk")
    if recipient.region_id is None:
        return User.objects.none()
    return office_staff(Office.objects.filter(region_id=recipient.region_id).first())


def _tell_units(recipients, *, title: str, body: str, url: str, dedupe_key: str = "") -> int:
    from dudao.notifications.services import notify

    told = 0
    for recipient in recipients:
        for user in unit_accounts(recipient):
            if notify(recipient=user, title=title, body=body, url=url, dedupe_key=dedupe_key):
                told += 1
    return told


@transaction.atomic
def send_for_review(document: Document, *, by: User, days: int | None = None, note: str = "",
                    today: date | None = None) -> DraftReview:
    """征求意见: open the draft to its units for comments until the deadline, and tell them."""
    if not access.may_edit(by, document):
        raise PermissionDenied(_("只有本督导室的工作人员可以就草稿征求意见。"))
    days = review_days(document.office) if days is None else days
    if not 1 <= days <= MAX_DAYS:
        raise ValidationError({"days": _("征求意见期限须在 1 到 %(n)s 个工作日之间。") % {"n": MAX_DAYS}})
    if not document.recipients.exists():
        raise ValidationError(_("请先选择收文单位，再征求意见。"))
    start = today or timezone.localdate()
    last = document.reviews.order_by("-round").values_list("round", flat=True).first() or 0
    review = DraftReview.objects.create(document=document, round=last + 1, days=days,
                                        deadline=deadline_for(start, days), note=note.strip()[:500], sent_by=by)
    services.share(document, by=by)
    url = reverse("documents:inbox_document", kwargs={"pk": document.pk})
    _tell_units(document.recipients.all(), title=_("征求意见：%(title)s") % {"title": document.title},
                body=_("%(office)s 就《%(title)s》（征求意见稿）征求意见，请于 %(day)s 前反馈。") % {
                    "office": document.office.name, "title": document.title, "day": chinese_date(review.deadline)},
                url=url)
    return review


# --- comments ------------------------------------------------------------------------------------------
def commentable_blocks(document: Document) -> list[dict]:
    return [b for b in document.body if b.get("type") in COMMENTABLE and b.get("key")]


def block_label(block: dict) -> str:
    if block.get("type") == "table":
        return _("表格：%(header)s") % {"header": "、".join(str(h) for h in block.get("header") or [])[:60]}
    return str(block.get("text") or "")


@transaction.atomic
def add_comment(document: Document, *, by: User, text: str, kind: str = CommentKind.OPINION, block_key: str = "",
                recipient: DocumentRecipient | None = None, today: date | None = None) -> ReviewComment:
    """A unit's 意见 or 异议 on one paragraph (`block_key`) or on the whole draft (no key)."""
    review = current_review(document)
    if review is None:
        raise ValidationError(_("这份公文没有在征求意见。"))
    units = access.answered_recipients(by, document, write=True)
    if not units:
        raise PermissionDenied(_("只有收文单位的账号可以提出意见。"))
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError(_("征求意见已结束，公文已进入审核签发程序，不能再提出意见。"))
    if not is_open(review, today=today):
        raise ValidationError(_("征求意见已于 %(day)s 截止，不能再提出意见。如有问题请与督导室联系。")
                              % {"day": chinese_date(review.deadline)})
    if recipient is not None and recipient.pk not in {u.pk for u in units}:
        raise PermissionDenied(_("您不能代表该单位提出意见。"))
    unit = recipient or units[0]
    if kind not in CommentKind.values:
        raise ValidationError({"kind": _("请选择意见或异议。")})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"text": _("请填写意见内容。")})
    if len(text) > 2000:
        raise ValidationError({"text": _("意见内容不能超过 2000 字。")})
    block_text = ""
    if block_key:
        block = next((b for b in commentable_blocks(document) if b["key"] == block_key), None)
        if block is None:
            raise ValidationError({"block_key": _("该段落已不存在，请刷新页面后重试。")})
        block_text = block_label(block)
    comment = ReviewComment.objects.create(
        review=review, document=document, recipient=unit, unit_name=unit.name, block_key=block_key,
        block_text=block_text, kind=kind, text=text, by=by)
    from dudao.notifications.services import notify_office_staff

    notify_office_staff(
        office=document.office,
        title=_("%(unit)s 对《%(title)s》提出了%(kind)s") % {"unit": unit.name, "title": document.title,
                                                          "kind": comment.get_kind_display()},
        body=text[:200], url=reverse("documents:review", kwargs={"pk": document.pk}))
    return comment


@transaction.atomic
def answer_comment(comment: ReviewComment, *, by: User, answer: str, explanation: str = "") -> ReviewComment:
    """The office's answer: 采纳, 部分采纳 or 不采纳, with the reason (required unless adopted).
    An answer may be changed while the document is a draft."""
    document = comment.document
    if not can_manage_office(by, document.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以答复意见。"))
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError(_("公文已送审，不能再修改答复。"))
    if answer not in AnswerKind.values:
        raise ValidationError({"answer": _("请选择处理结果。")})
    explanation = (explanation or "").strip()
    if answer != AnswerKind.ADOPTED and not explanation:
        raise ValidationError({"explanation": _("部分采纳或不采纳时，请说明理由。")})
    if len(explanation) > 2000:
        raise ValidationError({"explanation": _("处理说明不能超过 2000 字。")})
    comment.answer, comment.explanation = answer, explanation
    comment.answered_by, comment.answered_at = by, timezone.now()
    comment.save()
    return comment


# --- what the pages show ----------------------------------------------------------------------------------
@dataclass
class UnitRow:
    recipient: DocumentRecipient
    comments: int


def review_units(document: Document, review: DraftReview | None) -> list[UnitRow]:
    """Each unit and how many comments it made in this round."""
    counts: dict[int, int] = {}
    if review is not None:
        for rid in review.comments.values_list("recipient_id", flat=True):
            counts[rid] = counts.get(rid, 0) + 1
    return [UnitRow(r, counts.get(r.pk, 0)) for r in document.recipients.all()]


def history(document: Document) -> list[dict]:
    """Every round with its comments and answers, in order: the printable record."""
    comments = list(document.review_comments.select_related("by", "answered_by").order_by("created_at", "id"))
    return [{"review": review, "comments": [c for c in comments if c.review_id == review.pk]}
            for review in document.reviews.select_related("sent_by").order_by("round")]


# --- the units' inbox and read receipts -------------------------------------------------------------------
def _mine_q(user: User, prefix: str = "") -> Q | None:
    """Q over DocumentRecipient (through `prefix`) for the units the person answers for; None: no unit."""
    scope = get_scope(user)
    parts = []
    schools = access.own_school_ids(user)
    if schools:
        parts.append(Q(**{f"{prefix}school_id__in": sorted(schools)}))
    if scope.government_unit_ids:
        parts.append(Q(**{f"{prefix}government_unit_id__in": sorted(scope.government_unit_ids)}))
    for code in scope.region_codes:
        parts.append(Q(**{f"{prefix}region__code__startswith": code})
                     & ~Q(**{f"{prefix}document__office__region__code__startswith": code}))
    return reduce(or_, parts) if parts else None


def inbox(user: User) -> QuerySet[Document]:
    """Documents sent to the person's units (for review or issued), through the one scope
    (`visible_to`); annotated `unread` (issued, and no receipt yet for one of the person's units) and
    `reviewing` (a draft out for comments); those first, then newest."""
    mine = _mine_q(user)
    nobody = mine is None
    if mine is None:
        mine = Q(pk__in=[])
    own = DocumentRecipient.objects.filter(mine, document=OuterRef("pk"))
    ids = DocumentRecipient.objects.filter(mine).values("document_id")
    documents = (Document.objects.visible_to(user).filter(shared_at__isnull=False, pk__in=ids)
            .annotate(unread=Exists(own.filter(read_at__isnull=True)) & Q(status=DocumentStatus.ISSUED),
                      reviewing=Q(status=DocumentStatus.DRAFT))
            .select_related("office").order_by("-reviewing", "-unread", "-shared_at", "-pk"))
    return documents.none() if nobody else documents


@dataclass
class Receipts:
    rows: list[DocumentRecipient]
    total: int
    read: int

    @property
    def unread(self) -> int:
        return self.total - self.read


def receipts(document: Document, *, unread_only: bool = False) -> Receipts:
    rows = list(document.recipients.select_related("read_by").order_by("read_at", "id"))
    read = sum(1 for r in rows if r.read_at)
    shown = [r for r in rows if not r.read_at] if unread_only else rows
    return Receipts(shown, len(rows), read)


def remind_key(document: Document, day: date | None = None) -> str:
    return f"documents.remind:{document.pk}:{(day or timezone.localdate()).isoformat()}"


def reminded_today(document: Document) -> bool:
    from dudao.notifications.models import Notification

    return Notification.objects.filter(dedupe_key=remind_key(document)).exists()


def remind_unread(document: Document, *, by: User) -> int:
    """Tell the accounts of the units that have not read the issued document — once a day per document
    (the notification's dedupe key); returns how many people were told."""
    if not can_manage_office(by, document.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以催阅。"))
    if not document.is_issued or document.shared_at is None:
        raise ValidationError(_("只有已印发并送达的公文可以催阅。"))
    unread = document.recipients.filter(read_at__isnull=True)
    return _tell_units(unread, title=_("请阅读：%(title)s") % {"title": document.title},
                       body=_("%(office)s 印发的《%(title)s》（%(number)s）贵单位尚未阅读，请及时阅读。") % {
                           "office": document.office.name, "title": document.title, "number": document.number},
                       url=reverse("documents:inbox_document", kwargs={"pk": document.pk}),
                       dedupe_key=remind_key(document))


def reads_as_office(user: User, document: Document) -> bool:
    """The office's side of a document (comments of all units, receipts): its office and those above."""
    scope = get_scope(user)
    return scope.everything or any(document.office.region.code.startswith(c) for c in scope.region_codes)


def commented_on(when: datetime | None) -> str:
    return timezone.localtime(when).strftime("%Y-%m-%d %H:%M") if when else ""


def remind_before_deadline(today: date | None = None) -> dict[str, int]:
    """Daily job (documents/schedule.py): on the last working day before a review's deadline, tell the
    units that have not commented in that round. Once per review and account (dedupe key): running
    it again, or on the weekend before a Monday deadline, tells nobody twice."""
    today = today or timezone.localdate()
    due = DraftReview.objects.filter(deadline=add_workdays(today, 1), document__status=DocumentStatus.DRAFT)
    told = reviews = 0
    for row in due.select_related("document__office"):
        if row.document.reviews.filter(round__gt=row.round).exists():
            continue  # a later round replaced it
        commented = set(row.comments.values_list("recipient_id", flat=True))
        reviews += 1
        told += _tell_units(row.document.recipients.exclude(pk__in=commented),
                            title=_("征求意见即将截止：%(title)s") % {"title": row.document.title},
                            body=_("《%(title)s》（征求意见稿）的反馈将于 %(day)s 截止，贵单位尚未反馈意见。") % {
                                "title": row.document.title, "day": chinese_date(row.deadline)},
                            url=reverse("documents:inbox_document", kwargs={"pk": row.document_id}),
                            dedupe_key=f"documents.review_due:{row.pk}")
    return {"reviews": reviews, "told": told}
