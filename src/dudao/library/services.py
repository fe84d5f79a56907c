"""Policy library and 通知公告: every change goes through here (docs/library.md).

Who acts: the staff of an office (not leaders) and admins keep their office's library entries and send
its notices (`access.can_manage_office`); built-in entries are read-only for everyone.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import can_manage_office
from dudao.library.models import Announcement, AnnouncementReceipt, Audience, Policy, PolicyStatus
from dudao.library.search import index_text
from dudao.people.models import Role, RoleGrant

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

POLICY_FIELDS = ("title", "number", "issuer", "category", "issued_on", "issued_year", "effective_on", "status",
                 "summary", "full_text", "source")
ATTACHMENT_KINDS = {"pdf", "docx", "xlsx", "jpg", "png", "webp"}
MAX_FULL_TEXT = 500_000  # characters: a long regulation is ~50,000


# --- the policy library ----------------------------------------------------------------------------------
def may_keep_policies(user: User, office: Office) -> bool:
    return can_manage_office(user, office)


def may_edit_policy(user: User, policy: Policy) -> bool:
    return policy.office_id is not None and can_manage_office(user, policy.office)


def _index(policy: Policy) -> None:
    policy.search_text = index_text([policy.title, policy.number, policy.issuer, policy.summary, policy.full_text])


def _validate(data: dict[str, Any]) -> None:
    errors: dict[str, str] = {}
    if not str(data.get("title", "")).strip():
        errors["title"] = _("请填写标题。")
    if not str(data.get("issuer", "")).strip():
        errors["issuer"] = _("请填写发布机关。")
    issued, effective = data.get("issued_on"), data.get("effective_on")
    if issued and effective and effective < issued:
        errors["effective_on"] = _("施行日期不能早于发布日期。")
    if issued and issued > timezone.localdate():
        errors["issued_on"] = _("发布日期不能晚于今天。")
    if len(data.get("full_text") or "") > MAX_FULL_TEXT:
        errors["full_text"] = _("全文过长（最多 %(n)s 字）。") % {"n": MAX_FULL_TEXT}
    if errors:
        raise ValidationError(errors)


def _attach(policy_or_notice: Policy | Announcement, upload: UploadedFile | None) -> None:
    """The ledger's upload checks (findings.services.upload_check: ≤ 10 MB, type from the bytes, images
    re-encoded without metadata)."""
    if upload is None:
        return
    from dudao.findings.services import upload_check

    checked = upload_check(upload)
    if checked.kind not in ATTACHMENT_KINDS:
        raise ValidationError({"attachment": _("附件只支持 PDF、Word（docx）、Excel（xlsx）和图片。")})
    policy_or_notice.attachment.save(f"{checked.sha256[:16]}.{checked.kind}", ContentFile(checked.content), save=False)
    policy_or_notice.attachment_name = checked.original_name
    policy_or_notice.attachment_type = checked.content_type
    if isinstance(policy_or_notice, Policy):
        policy_or_notice.attachment_sha256 = checked.sha256


@transaction.atomic
def policy_create(*, by: User, office: Office, data: dict[str, Any], upload: UploadedFile | None = None) -> Policy:
    if not may_keep_policies(by, office):
        raise PermissionDenied(_("只有本督导室的工作人员可以录入政策法规。"))
    fields = {k: v for k, v in data.items() if k in POLICY_FIELDS}
    if fields.get("issued_on"):
        fields["issued_year"] = fields["issued_on"].year
    _validate(fields)
    policy = Policy(office=office, created_by=by, **fields)
    _attach(policy, upload)
    _index(policy)
    policy.save()
    return policy


@transaction.atomic
def policy_update(*, by: User, policy: Policy, data: dict[str, Any], upload: UploadedFile | None = None) -> Policy:
    if policy.is_builtin:
        raise ValidationError(_("内置的国家法规条目只读。"))
    if not may_edit_policy(by, policy):
        raise PermissionDenied(_("只有本督导室的工作人员可以修改政策法规。"))
    fields = {k: v for k, v in data.items() if k in POLICY_FIELDS}
    if fields.get("issued_on"):
        fields["issued_year"] = fields["issued_on"].year
    _validate({**{k: getattr(policy, k) for k in POLICY_FIELDS}, **fields})
    for key, value in fields.items():
        setattr(policy, key, value)
    _attach(policy, upload)
    _index(policy)
    policy.save()
    return policy


def policy_reindex(policies: Iterable[Policy] | None = None) -> int:
    """Rebuild `search_text` (after a jieba upgrade or a dictionary change)."""
    count = 0
    for policy in policies if policies is not None else Policy.objects.all().iterator():
        _index(policy)
        policy.save(update_fields=["search_text", "updated_at"])
        count += 1
    return count


def policy_years(queryset) -> list[int]:
    return sorted({y for y in queryset.values_list("issued_year", flat=True) if y}, reverse=True)


# --- 通知公告 ---------------------------------------------------------------------------------------------
def may_send(user: User, office: Office) -> bool:
    return can_manage_office(user, office)


def audience_users(office: Office, audience: str) -> dict[int, str]:
    """The accounts a notice of `office` reaches, with the unit shown in its receipt list: the staff and
    leaders of the offices below (not the sender's own office), the supervisors and the school accounts
    of the subtree, and — for "all" — the government units' accounts of the subtree."""
    code = office.region.code
    grants = RoleGrant.objects.select_related("user", "office").prefetch_related("schools")
    wanted: list[Q] = []
    if audience in (Audience.ALL, Audience.OFFICES):
        wanted.append(Q(role__in=(Role.OFFICE_STAFF, Role.OFFICE_LEADER), office__region__code__startswith=code)
                      & ~Q(office=office))
    if audience in (Audience.ALL, Audience.SUPERVISORS):
        wanted.append(Q(role=Role.SUPERVISOR) & (Q(office__region__code__startswith=code)
                                                  | Q(schools__region_code__startswith=code)))
    if audience in (Audience.ALL, Audience.SCHOOLS):
        wanted.append(Q(role=Role.SCHOOL_USER, schools__region_code__startswith=code))
    if audience == Audience.ALL:
        wanted.append(Q(role=Role.GOVERNMENT_USER, government_unit__region__code__startswith=code))
    if not wanted:
        return {}
    query = wanted[0]
    for part in wanted[1:]:
        query |= part
    users: dict[int, str] = {}
    for grant in grants.filter(query).filter(user__is_active=True).distinct():
        if grant.role in (Role.OFFICE_STAFF, Role.OFFICE_LEADER) and grant.office:
            unit = grant.office.name
        elif grant.role == Role.SCHOOL_USER:
            unit = "、".join(s.name for s in grant.schools.all()[:3])
        elif grant.role == Role.SUPERVISOR:
            unit = _("责任督学")
        else:
            unit = str(grant.government_unit) if grant.government_unit_id else ""
        users.setdefault(grant.user_id, unit)
    return users


def _validate_notice(title: str, body: str) -> None:
    errors = {}
    if not title.strip():
        errors["title"] = _("请填写标题。")
    if not body.strip():
        errors["body"] = _("请填写正文。")
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def notice_save(*, by: User, office: Office, title: str, body: str, audience: str = Audience.ALL,
                pinned: bool = False, upload: UploadedFile | None = None,
                notice: Announcement | None = None) -> Announcement:
    """A new notice (a draft), or changes to a draft. A published notice is not edited: withdraw it and
    send a corrected one, so every reader has read the same text."""
    if not may_send(by, office if notice is None else notice.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以发布通知公告。"))
    if notice is not None and notice.published_at:
        raise ValidationError(_("已发布的通知不能修改；如需更正，请撤回后重新发布。"))
    if audience not in Audience.values:
        raise ValidationError({"audience": _("请选择发送范围。")})
    _validate_notice(title, body)
    notice = notice or Announcement(office=office, created_by=by)
    notice.title, notice.body, notice.audience, notice.pinned = title.strip(), body.strip(), audience, pinned
    _attach(notice, upload)
    notice.save()
    return notice


@transaction.atomic
def notice_publish(*, by: User, notice: Announcement) -> int:
    """Publish: the readers are fixed now (receipts), each told by a notification. Returns how many."""
    given, notice = notice, Announcement.objects.select_for_update().get(pk=notice.pk)
    if not may_send(by, notice.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以发布通知公告。"))
    if notice.published_at:
        raise ValidationError(_("该通知已发布。"))
    readers = audience_users(notice.office, notice.audience)
    readers.pop(by.pk, None)
    if not readers:
        raise ValidationError(_("发送范围内没有账号，无法发布。"))
    notice.published_at = given.published_at = timezone.now()
    notice.save(update_fields=["published_at", "updated_at"])
    AnnouncementReceipt.objects.bulk_create(
        [AnnouncementReceipt(announcement=notice, user_id=uid, unit=unit[:200]) for uid, unit in readers.items()])
    from dudao.notifications.services import notify
    from dudao.people.models import User as UserModel

    url = reverse("library:notice", args=[notice.pk])
    for user in UserModel.objects.filter(pk__in=readers):
        notify(recipient=user, title=_("通知公告：%(t)s") % {"t": notice.title}, url=url,
               dedupe_key=f"library-notice-{notice.pk}")
    return len(readers)


@transaction.atomic
def notice_withdraw(*, by: User, notice: Announcement) -> Announcement:
    if not may_send(by, notice.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以撤回通知公告。"))
    if not notice.is_live:
        raise ValidationError(_("只有已发布的通知可以撤回。"))
    notice.withdrawn_at = timezone.now()
    notice.save(update_fields=["withdrawn_at", "updated_at"])
    return notice


def notice_mark_read(*, by: User, notice: Announcement) -> bool:
    """The reader's receipt, once (the first time stays). False when the person is not a reader."""
    return bool(AnnouncementReceipt.objects.filter(announcement=notice, user=by, read_at__isnull=True).update(
        read_at=timezone.now()))


def notice_remind(*, by: User, notice: Announcement, today: date | None = None) -> int:
    """Remind the readers who have not read it, at most once a day per notice."""
    if not may_send(by, notice.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以催阅。"))
    if not notice.is_live:
        raise ValidationError(_("只有已发布的通知可以催阅。"))
    from dudao.notifications.services import notify

    day = (today or timezone.localdate()).isoformat()
    url = reverse("library:notice", args=[notice.pk])
    sent = 0
    for receipt in notice.receipts.filter(read_at__isnull=True).select_related("user"):
        if notify(recipient=receipt.user, title=_("请阅读通知：%(t)s") % {"t": notice.title}, url=url,
                  dedupe_key=f"library-remind-{notice.pk}-{day}"):
            sent += 1
    return sent


def receipt_counts(notice: Announcement) -> tuple[int, int]:
    """(read, total) of a published notice."""
    rows = notice.receipts.all()
    return rows.filter(read_at__isnull=False).count(), rows.count()


def unread_for(user: User) -> int:
    return AnnouncementReceipt.objects.filter(user=user, read_at__isnull=True, announcement__withdrawn_at__isnull=True,
                                              announcement__published_at__isnull=False).count()


def policy_repeal(*, by: User, policy: Policy, status: str = PolicyStatus.REPEALED) -> Policy:
    return policy_update(by=by, policy=policy, data={"status": status})
