"""Writes of the portal: 公示 (create, edit, withdraw). Published documents are written by the
documents app (`documents.services.publish`); the portal only reads them.

Who: office staff of the notice's office or above, and admins (`access.can_manage_office`); leaders
read the staff pages but change nothing. Every rule is checked here, so a page and any later API agree.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.access import can_manage_office
from dudao.core.workdays import add_workdays, is_covered, workdays_between
from dudao.portal import rules
from dudao.portal.models import Publicity, PublicityAttachment

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from dudao.people.models import User
    from dudao.regions.models import Office

MAX_ATTACHMENTS = 5


def earliest_end(kind: str, starts_on: date) -> date:
    """The first end date that gives the kind's minimum of working days (the start day counts when it
    is a working day)."""
    return add_workdays(starts_on - timedelta(days=1), rules.MIN_WORKDAYS[kind])


def check_period(kind: str, starts_on: date, ends_on: date) -> None:
    """The period holds at least the kind's minimum of working days, both ends included; Chinese
    messages that say how many there are and which end date would do."""
    if ends_on < starts_on:
        raise ValidationError({"ends_on": _("结束日期不能早于开始日期。")})
    if (ends_on - starts_on).days + 1 > rules.MAX_DAYS:
        raise ValidationError({"ends_on": _("公示期不能超过 %(n)s 天。") % {"n": rules.MAX_DAYS}})
    need = rules.MIN_WORKDAYS[kind]
    have = len(workdays_between(starts_on, ends_on))
    if have < need:
        label = rules.PublicityKind(kind).label
        message = _("%(kind)s公示期不少于 %(need)s 个工作日：%(start)s 至 %(end)s 只有 %(have)s 个工作日"
                    "（周末和法定节假日不计），结束日期最早为 %(earliest)s。") % {
            "kind": label, "need": need, "have": have, "start": starts_on.isoformat(), "end": ends_on.isoformat(),
            "earliest": earliest_end(kind, starts_on).isoformat()}
        if not (is_covered(starts_on) and is_covered(ends_on)):
            message += _("（该年度的节假日安排尚未公布，只扣除了周末。）")
        raise ValidationError({"ends_on": message})


def _check_files(files: Sequence[UploadedFile], keep: int) -> None:
    if keep + len(files) > MAX_ATTACHMENTS:
        raise ValidationError({"attachments": _("附件最多 %(n)s 个。") % {"n": MAX_ATTACHMENTS}})
    for f in files:
        ext = os.path.splitext(f.name or "")[1].lower().lstrip(".")
        if ext not in rules.ATTACHMENT_EXTENSIONS:
            raise ValidationError({"attachments": _("附件“%(name)s”的格式不支持，请上传 PDF、Word、Excel 或图片。")
                                   % {"name": f.name}})
        if (f.size or 0) > rules.ATTACHMENT_MAX_BYTES:
            raise ValidationError({"attachments": _("附件“%(name)s”超过 %(mb)s MB。")
                                   % {"name": f.name, "mb": rules.ATTACHMENT_MAX_BYTES // 1048576}})


def _add_files(publicity: Publicity, files: Sequence[UploadedFile]) -> None:
    for f in files:
        name = os.path.basename(f.name or "附件")[:200]
        attachment = PublicityAttachment(publicity=publicity, name=name, size=f.size or 0)
        ext = os.path.splitext(name)[1].lower()
        attachment.file.save(f"{timezone.now():%Y%m%d%H%M%S}-{len(name)}{ext}", f, save=False)
        attachment.save()


def _require(by: User, office: Office) -> None:
    if not can_manage_office(by, office):
        raise PermissionDenied(_("只有本督导室（或上级督导室）的工作人员可以管理公示。"))


@transaction.atomic
def publicity_create(*, by: User, office: Office, kind: str, title: str, body: str, starts_on: date, ends_on: date,
                     contact: str = "", files: Sequence[UploadedFile] = ()) -> Publicity:
    """A new 公示; it appears on the portal on its start date (today at the earliest)."""
    _require(by, office)
    if kind not in rules.PublicityKind.values:
        raise ValidationError({"kind": _("请选择公示事项。")})
    if not title.strip():
        raise ValidationError({"title": _("请填写标题。")})
    if not body.strip():
        raise ValidationError({"body": _("请填写公示内容。")})
    if starts_on < timezone.localdate():
        raise ValidationError({"starts_on": _("开始日期不能早于今天。")})
    check_period(kind, starts_on, ends_on)
    _check_files(files, 0)
    publicity = Publicity.objects.create(office=office, kind=kind, title=title.strip(), body=body.strip(),
                                         starts_on=starts_on, ends_on=ends_on, contact=contact.strip(), created_by=by)
    _add_files(publicity, files)
    return publicity


@transaction.atomic
def publicity_update(publicity: Publicity, *, by: User, kind: str, title: str, body: str, starts_on: date,
                     ends_on: date, contact: str = "", files: Sequence[UploadedFile] = (),
                     remove: Sequence[int] = ()) -> Publicity:
    """Change a 公示 that is scheduled or open. Once it has started its start date stays (the public has
    read it since), and the period may be extended but never below the kind's minimum."""
    publicity = Publicity.objects.select_for_update().get(pk=publicity.pk)
    _require(by, publicity.office)
    state = publicity.state()
    if state in ("withdrawn", "ended"):
        raise ValidationError(_("已撤回或已结束的公示不能修改。"))
    if kind not in rules.PublicityKind.values:
        raise ValidationError({"kind": _("请选择公示事项。")})
    if not title.strip():
        raise ValidationError({"title": _("请填写标题。")})
    if not body.strip():
        raise ValidationError({"body": _("请填写公示内容。")})
    if state == "open" and starts_on != publicity.starts_on:
        raise ValidationError({"starts_on": _("公示已开始，开始日期不能修改。")})
    if state == "scheduled" and starts_on < timezone.localdate():
        raise ValidationError({"starts_on": _("开始日期不能早于今天。")})
    check_period(kind, starts_on, ends_on)
    if ends_on < timezone.localdate():
        raise ValidationError({"ends_on": _("结束日期不能早于今天。")})
    kept = publicity.attachments.exclude(pk__in=list(remove))
    _check_files(files, kept.count())
    publicity.attachments.filter(pk__in=list(remove)).delete()
    publicity.kind, publicity.title, publicity.body = kind, title.strip(), body.strip()
    publicity.starts_on, publicity.ends_on, publicity.contact = starts_on, ends_on, contact.strip()
    publicity.save()
    _add_files(publicity, files)
    return publicity


@transaction.atomic
def publicity_withdraw(publicity: Publicity, *, by: User, reason: str) -> Publicity:
    """撤回: the notice leaves the portal at once (its page answers 404); the reason is kept."""
    publicity = Publicity.objects.select_for_update().get(pk=publicity.pk)
    _require(by, publicity.office)
    if publicity.withdrawn_at:
        raise ValidationError(_("这条公示已经撤回。"))
    if not reason.strip():
        raise ValidationError({"reason": _("请填写撤回原因。")})
    publicity.withdrawn_at, publicity.withdrawn_by, publicity.withdrawn_reason = timezone.now(), by, reason.strip()[:200]
    publicity.save(update_fields=["withdrawn_at", "withdrawn_by", "withdrawn_reason", "updated_at"])
    return publicity
