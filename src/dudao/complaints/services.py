"""Receiving and handling complaints (受理、核实投诉, 挂牌办法 Art 3 duty 3). Every write is here.

Routing: a complaint goes to the school's responsible supervisor on the day it arrives
(`zones.selectors.responsible_on`) and to the office whose zones cover the school (county, or
city for city-level schools; the nearest existing office up the chain otherwise), with a
response deadline from the office's ComplaintPolicy. Both are notified.

Who handles: the assigned supervisor, the staff of that office or an office above
(`access.can_manage_office`; leaders read only) and system admins. The public form and API do their
abuse checks (complaints/abuse.py) before calling `complaint_submit`.
"""

from __future__ import annotations

import hashlib
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao import access
from dudao.complaints import rules
from dudao.complaints.models import (
    CATEGORY_DICTIONARY,
    CLOSE_FROM,
    OUTCOME_STATE,
    TRIAGE_FROM,
    Complaint,
    ComplaintAction,
    ComplaintChannel,
    ComplaintEvent,
    ComplaintOutcome,
    ComplaintPhoto,
    ComplaintPolicy,
    ComplaintState,
    ReplyMethod,
)
from dudao.core.workdays import add_workdays

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor

PHONE_RE = re.compile(r"^(1[3-9]\d{9}|0\d{2,3}-?\d{7,8}(-\d{1,6})?)$")


# --- reads used by the writes (and by selectors) ------------------------------------------------------
def complaint_office(school: School) -> Office | None:
    """The office whose zones cover the school, else the nearest office up the region chain."""
    from dudao.regions.selectors import offices_above
    from dudao.zones.selectors import covering_offices

    offices = covering_offices(school)
    if offices:
        return offices[0]
    return next(iter(offices_above(school.region_code, down_to=6)), None)


def policy_for(office: Office | None) -> ComplaintPolicy:
    """The office's own row, else the shipped default row, else an unsaved default."""
    if office is not None:
        own = ComplaintPolicy.objects.filter(office=office).first()
        if own is not None:
            return own
    default = ComplaintPolicy.objects.filter(office__isnull=True).first()
    return default or ComplaintPolicy(office=None, response_days=rules.DEFAULT_RESPONSE_DAYS, working_days=True,
                                      source=rules.DEFAULT_RESPONSE_SOURCE)


def add_days(start: date, days: int, *, working: bool) -> date:
    """`days` after `start`; with `working`, only working days count: weekends and public holidays
    are skipped and the weekend days worked in lieu (调休) count (core/workdays.py)."""
    if not working:
        return start + timedelta(days=days)
    return add_workdays(start, days)


def response_due_for(office: Office | None, received: date) -> date:
    policy = policy_for(office)
    return add_days(received, policy.response_days, working=policy.working_days)


def active_categories() -> dict[str, str]:
    from dudao.system.models import DictionaryItem

    return dict(DictionaryItem.objects.filter(dict_type=CATEGORY_DICTIONARY, is_active=True)
                .order_by("order", "code").values_list("code", "label"))


# --- receiving -----------------------------------------------------------------------------------------
def _new_code() -> str:
    return "".join(secrets.choice(rules.CODE_ALPHABET) for _i in range(rules.CODE_LENGTH))


def normalise_code(raw: str) -> str:
    """What a person types: lower case, spaces, dashes → the stored code."""
    return re.sub(r"[^0-9A-Z]", "", (raw or "").upper())[: rules.CODE_LENGTH + 2]


@dataclass
class PhotoIn:
    raw: bytes
    name: str = ""


def _photo_facts(photo: PhotoIn, n: int):
    from dudao.visits.services import photo_facts

    limit = rules.max_photo_bytes()
    if len(photo.raw) > limit:
        raise ValidationError(_("第 %(n)s 张照片过大（%(mb).1f MB），单张不超过 %(max)s MB。")
                              % {"n": n, "mb": len(photo.raw) / 1048576, "max": limit // 1048576})
    try:
        return photo_facts(photo.raw)
    except ValidationError as exc:
        raise ValidationError(_("第 %(n)s 张照片：%(error)s") % {"n": n, "error": "".join(exc.messages)}) from exc


def _validate_input(*, category: str, text: str, phone: str, contact_name: str, anonymous: bool, channel: str,
                    photos: Sequence[PhotoIn]) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = {}
    if category not in active_categories():
        errors["category"] = [_("请选择反映类别。")]
    n = len(text.strip())
    if n < rules.MIN_TEXT:
        errors["text"] = [_("请把情况写清楚一些（至少 %(n)s 个字）。") % {"n": rules.MIN_TEXT}]
    elif n > rules.MAX_TEXT:
        errors["text"] = [_("反映内容不超过 %(max)s 字，目前 %(n)s 字。") % {"max": rules.MAX_TEXT, "n": n}]
    if phone and not PHONE_RE.match(phone):
        errors["phone"] = [_("请填写正确的手机号（11 位）或带区号的固定电话，如 0731-87654321。")]
    if len(contact_name) > 30:
        errors["contact_name"] = [_("称呼不超过 30 个字。")]
    if anonymous and (phone or contact_name):
        errors["anonymous"] = [_("选择匿名反映时请不要填写称呼和电话；如希望督学回电，请取消“匿名反映”。")]
    if channel not in ComplaintChannel.values:
        errors["channel"] = [_("请选择来源渠道。")]
    if len(photos) > rules.MAX_PHOTOS:
        errors["photos"] = [_("最多上传 %(n)s 张照片。") % {"n": rules.MAX_PHOTOS}]
    return errors


@transaction.atomic
def complaint_submit(*, school: School, category: str, text: str, phone: str = "", contact_name: str = "",
                     anonymous: bool = False, photos: Sequence[PhotoIn] = (), channel: str = ComplaintChannel.ONLINE,
                     ip_hash: str = "", user_agent: str = "", by: User | None = None,
                     received_at: datetime | None = None) -> Complaint:
    """Receive a complaint: check it, route it, give it a tracking code, notify the handlers.

    From the public form `by` is None (the caller has done the abuse checks); staff recording a
    call or a letter pass `by` and the channel, and must be allowed to (`access.may_register_complaint`)."""
    phone = re.sub(r"[\s()（）]", "", phone or "")
    contact_name = (contact_name or "").strip()
    text = (text or "").strip()
    if by is not None and not access.may_register_complaint(by, school):
        raise PermissionDenied(_("只有负责该校的督导室工作人员和责任督学可以登记群众反映。"))
    if not school.is_active:
        raise ValidationError({"school": [_("该学校已撤并或停办，不能受理反映。")]})
    errors = _validate_input(category=category, text=text, phone=phone, contact_name=contact_name, anonymous=anonymous,
                             channel=channel, photos=photos)
    now = timezone.now()
    received_at = received_at or now
    if received_at > now + timedelta(minutes=5):
        errors.setdefault("received_at", []).append(_("受理时间不能晚于现在。"))
    facts = []
    for n, photo in enumerate(photos, start=1):
        try:
            facts.append((photo, _photo_facts(photo, n)))
        except ValidationError as exc:
            errors.setdefault("photos", []).extend(exc.messages)
    if errors:
        raise ValidationError(errors)

    from dudao.zones.selectors import responsible_on

    office = complaint_office(school)
    day = timezone.localdate(received_at)
    responsible = responsible_on(school=school, day=day)
    complaint = Complaint(
        school=school, office=office, supervisor=responsible[0] if responsible else None, channel=channel,
        category=category, text=text, contact_name=contact_name, phone=phone, anonymous=anonymous,
        received_at=received_at, response_due=response_due_for(office, day), ip_hash=ip_hash[:64],
        user_agent=user_agent[:120], created_by=by,
    )
    for _attempt in range(5):
        complaint.tracking_code = _new_code()
        try:
            with transaction.atomic():
                complaint.save()
            break
        except IntegrityError:  # the same code drawn twice: draw again
            complaint.pk = None
    else:  # pragma: no cover - 31**10 codes
        raise ValidationError(_("系统繁忙，请稍后再试。"))
    for photo, f in facts:
        digest = hashlib.sha256(photo.raw).hexdigest()
        if complaint.photos.filter(content_hash=digest).exists():
            continue
        item = ComplaintPhoto(complaint=complaint, content_hash=digest, width=f.width, height=f.height,
                              original_bytes=len(photo.raw))
        item.image.save(f"{complaint.tracking_code}-{digest[:12]}.jpg", ContentFile(f.content), save=False)
        item.save()
    _event(complaint, ComplaintAction.RECEIVED, by=by, to_state=complaint.state,
           data={"channel": channel, "supervisor": complaint.supervisor.name if complaint.supervisor else ""})
    pk = complaint.pk
    transaction.on_commit(lambda: _notify_new(pk))
    return complaint


def _event(complaint: Complaint, action: str, *, by: User | None, from_state: str = "", to_state: str = "",
           note: str = "", data: dict | None = None) -> ComplaintEvent:
    return ComplaintEvent.objects.create(complaint=complaint, action=action, actor=by, from_state=from_state,
                                         to_state=to_state, note=note, data=data or {})


def handlers_of(complaint: Complaint) -> list[User]:
    """Who is told: the assigned supervisor and the office's staff; without an office, the admins."""
    from dudao.people.models import Role, RoleGrant
    from dudao.people.selectors import office_staff

    users: dict[int, User] = {}
    supervisor_user = complaint.supervisor.user if complaint.supervisor is not None else None
    if supervisor_user is not None:
        users[supervisor_user.pk] = supervisor_user
    if complaint.office_id:
        staff = list(office_staff(complaint.office, [Role.OFFICE_STAFF]))
    else:
        staff = [g.user for g in RoleGrant.objects.filter(role=Role.SYSTEM_ADMIN).select_related("user") if g.user.is_active]
    for user in staff:
        users.setdefault(user.pk, user)
    return list(users.values())


def _notify_new(complaint_id: int) -> None:
    from dudao.notifications.models import NotificationLevel
    from dudao.notifications.services import notify

    complaint = Complaint.objects.select_related("school", "supervisor__user", "office").get(pk=complaint_id)
    label = active_categories().get(complaint.category, complaint.category)
    for user in handlers_of(complaint):
        notify(recipient=user, level=NotificationLevel.WARNING,
               title=_("新的群众反映：%(school)s（%(category)s）") % {"school": complaint.school.name, "category": label},
               body=_("%(text)s\n请在 %(due)s 前答复。") % {"text": complaint.text[:120], "due": complaint.response_due},
               url=reverse("complaints:detail", args=[complaint.pk]), dedupe_key=f"complaint:{complaint.pk}:new")


# --- handling ------------------------------------------------------------------------------------------
@dataclass
class FindingIn:
    """What the rectification ledger needs when a complaint holds (findings.services.finding_create)."""

    category: str
    description: str
    requirement: str
    deadline: date | None
    severity: str = "normal"


def _locked(complaint: Complaint) -> Complaint:
    # No select_related: PostgreSQL refuses FOR UPDATE on the nullable side of an outer join.
    return Complaint.objects.select_for_update().get(pk=complaint.pk)


@transaction.atomic
def complaint_triage(*, by: User, complaint: Complaint, outcome: str, public_answer: str,
                     reply_method: str = ReplyMethod.ONLINE, note: str = "", referred_to: str = "",
                     verified_on: date | None = None, verification_method: str = "", verification_note: str = "",
                     finding: FindingIn | None = None) -> Complaint:
    """Decide what the complaint is and answer the complainant (the public answer is required:
    every contact gets a reply). Investigated → a Finding (source "complaint") is created in the
    same transaction and linked; kept for the next visit → it can be triaged again later."""
    complaint = _locked(complaint)
    if not access.may_handle_complaint(by, complaint):
        raise PermissionDenied(_("只有该校的责任督学、负责的督导室工作人员和管理员可以处理群众反映。"))
    if complaint.state not in TRIAGE_FROM:
        raise ValidationError(_("该反映当前状态为“%(state)s”，不能再分流处理。") % {"state": complaint.get_state_display()})
    errors: dict[str, list[str]] = {}
    if outcome not in OUTCOME_STATE:
        errors["outcome"] = [_("请选择处理结果。")]
    public_answer = (public_answer or "").strip()
    if not public_answer:
        errors["public_answer"] = [_("请填写给反映人的答复（反映人凭查询码可以看到）。")]
    if reply_method not in ReplyMethod.values:
        errors["reply_method"] = [_("请选择答复方式。")]
    if outcome == ComplaintOutcome.REFERRED and not referred_to.strip():
        errors["referred_to"] = [_("请填写转办的部门或单位。")]
    if outcome in (ComplaintOutcome.UNFOUNDED, ComplaintOutcome.INVESTIGATED) and not verification_note.strip():
        errors["verification_note"] = [_("请填写核实情况。")]
    if verified_on and verified_on > timezone.localdate():
        errors["verified_on"] = [_("核实日期不能晚于今天。")]
    if outcome == ComplaintOutcome.INVESTIGATED:
        if finding is None:
            errors["requirement"] = [_("请填写整改要求和整改期限。")]
        else:
            if not finding.description.strip():
                errors["description"] = [_("请填写问题描述。")]
            if not finding.requirement.strip():
                errors["requirement"] = [_("请填写整改要求。")]
            if finding.deadline is None:
                errors["deadline"] = [_("请填写整改期限。")]
            elif finding.deadline < timezone.localdate():
                errors["deadline"] = [_("整改期限不能早于今天。")]
            if complaint.office is None:
                errors["outcome"] = [_("该校没有负责的督导室，不能转入整改台账。")]
    if errors:
        raise ValidationError(errors)

    from_state = complaint.state
    if outcome == ComplaintOutcome.INVESTIGATED:
        assert finding is not None  # refused above (请填写整改要求和整改期限)
        complaint.finding = _finding_for(by=by, complaint=complaint, finding=finding)
    now = timezone.now()
    complaint.outcome = outcome
    complaint.state = OUTCOME_STATE[outcome]
    complaint.public_answer = public_answer
    complaint.reply_method = reply_method
    complaint.answered_at = complaint.answered_at or now
    complaint.referred_to = referred_to.strip()[:100] if outcome == ComplaintOutcome.REFERRED else complaint.referred_to
    complaint.verified_on = verified_on or (timezone.localdate() if verification_note.strip() else complaint.verified_on)
    complaint.verification_method = verification_method.strip()[:100] or complaint.verification_method
    complaint.verification_note = verification_note.strip() or complaint.verification_note
    complaint.handling_note = note.strip() or complaint.handling_note
    complaint.handled_by = by
    complaint.save()
    _event(complaint, ComplaintAction.TRIAGED, by=by, from_state=from_state, to_state=complaint.state, note=note.strip(),
           data={"outcome": outcome, "public_answer": public_answer, "referred_to": complaint.referred_to,
                 "finding_id": complaint.finding_id})
    return complaint


def _finding_for(*, by: User, complaint: Complaint, finding: FindingIn):
    """The rectification ledger's row for a complaint that holds (findings.services.finding_create)."""
    from dudao.findings.services import finding_create

    # complaint_triage refused a complaint without an office and a finding without a deadline
    assert complaint.office is not None and finding.deadline is not None
    try:
        return finding_create(
            by=by, office=complaint.office, source="complaint", category=finding.category,
            description=finding.description.strip(), requirement=finding.requirement.strip(), deadline=finding.deadline,
            school=complaint.school, severity=finding.severity or "normal", supervisor=complaint.supervisor,
            # No tracking code and nothing about the complainant: the school reads its findings.
            source_label=_("群众反映 #%(pk)s") % {"pk": complaint.pk},
            source_url=reverse("complaints:detail", args=[complaint.pk]),
            source_data={"complaint_id": complaint.pk, "category": complaint.category},
        )
    except PermissionDenied as exc:  # e.g. a supervisor handed the complaint without the school in scope
        raise ValidationError({"outcome": [str(exc) or _("您无权为该校登记整改问题。")]}) from exc


@transaction.atomic
def complaint_close(*, by: User | None, complaint: Complaint, note: str = "", public_answer: str = "") -> Complaint:
    """办结. An investigated complaint closes once its finding is closed (销号): a problem that
    holds is not done while the school has not fixed it. A new public answer replaces the old one."""
    complaint = _locked(complaint)
    if by is not None and not access.may_handle_complaint(by, complaint):
        raise PermissionDenied(_("只有该校的责任督学、负责的督导室工作人员和管理员可以办结群众反映。"))
    if complaint.state not in CLOSE_FROM:
        raise ValidationError(_("该反映当前状态为“%(state)s”，不能办结。") % {"state": complaint.get_state_display()})
    finding = complaint.finding if complaint.finding_id and complaint.state == ComplaintState.INVESTIGATING else None
    if finding is not None:
        from dudao.findings.models import FindingState

        if finding.state != FindingState.CLOSED and finding.state != FindingState.CANCELLED:
            raise ValidationError(_("关联的整改问题尚未销号（当前：%(state)s），暂不能办结。")
                                  % {"state": finding.get_state_display()})
    from_state = complaint.state
    public_answer = (public_answer or "").strip()
    old_answer = complaint.public_answer
    if public_answer:
        complaint.public_answer = public_answer
    complaint.state = ComplaintState.CLOSED
    complaint.closed_at = timezone.now()
    complaint.save()
    _event(complaint, ComplaintAction.CLOSED, by=by, from_state=from_state, to_state=complaint.state, note=note.strip(),
           data={"public_answer": public_answer, "previous_answer": old_answer if public_answer else ""})
    return complaint


@transaction.atomic
def complaint_note_add(*, by: User, complaint: Complaint, note: str) -> ComplaintEvent:
    """An internal note (a call made, a document asked for): never shown to the public."""
    complaint = _locked(complaint)
    if not access.may_handle_complaint(by, complaint):
        raise PermissionDenied(_("只有该校的责任督学、负责的督导室工作人员和管理员可以添加备注。"))
    if not note.strip():
        raise ValidationError({"note": [_("请填写备注内容。")]})
    return _event(complaint, ComplaintAction.NOTE, by=by, note=note.strip()[:2000])


@transaction.atomic
def complaint_assign(*, by: User, complaint: Complaint, supervisor: Supervisor) -> Complaint:
    """The office hands the complaint to another of its supervisors (the responsible one is away,
    or the school has none); the new supervisor is notified."""
    from dudao.supervisors.models import SupervisorStatus

    complaint = _locked(complaint)
    if not access.may_reassign_complaint(by, complaint):
        raise PermissionDenied(_("只有负责的督导室工作人员和管理员可以改派责任督学。"))
    if complaint.state == ComplaintState.CLOSED:
        raise ValidationError(_("已办结的反映不能改派。"))
    if supervisor.status != SupervisorStatus.ACTIVE or (complaint.office and supervisor.office_id != complaint.office_id):
        raise ValidationError({"supervisor": [_("请选择本督导室在岗的督学。")]})
    before = complaint.supervisor.name if complaint.supervisor else ""
    complaint.supervisor = supervisor
    complaint.save(update_fields=["supervisor", "updated_at"])
    _event(complaint, ComplaintAction.ASSIGNED, by=by, data={"from": before, "to": supervisor.name})
    user = supervisor.user
    if user is not None:
        from dudao.notifications.services import notify

        pk, school = complaint.pk, complaint.school.name
        transaction.on_commit(lambda: notify(
            recipient=user, title=_("群众反映改派给您：%(school)s") % {"school": school},
            url=reverse("complaints:detail", args=[pk]), dedupe_key=f"complaint:{pk}:assigned:{user.pk}"))
    return complaint


@transaction.atomic
def complaint_policy_set(*, by: User, office: Office, response_days: int, working_days: bool, source: str = "") -> ComplaintPolicy:
    if not access.can_manage_office(by, office):
        raise PermissionDenied(_("只有督导室工作人员和管理员可以修改答复时限。"))
    if not 1 <= int(response_days) <= 60:
        raise ValidationError({"response_days": [_("答复期限应在 1 到 60 天之间。")]})
    policy, _created = ComplaintPolicy.objects.update_or_create(
        office=office, defaults={"response_days": response_days, "working_days": working_days, "source": source.strip()[:200]})
    return policy


# --- the daily job ---------------------------------------------------------------------------------------
def complaints_daily(today: date | None = None) -> dict:
    """Remind the handlers of complaints past their response deadline (once per complaint), and
    close investigated complaints whose finding has been closed (销号). Idempotent."""
    from dudao.findings.models import FindingState
    from dudao.notifications.models import NotificationLevel
    from dudao.notifications.services import notify

    today = today or timezone.localdate()
    reminded = closed = 0
    overdue = Complaint.objects.overdue(today).select_related("school", "supervisor__user", "office")
    for complaint in overdue:
        sent = 0
        for user in handlers_of(complaint):
            sent += notify(recipient=user, level=NotificationLevel.URGENT,
                           title=_("群众反映逾期未答复：%(school)s") % {"school": complaint.school.name},
                           body=_("答复期限 %(due)s 已过，请尽快处理。") % {"due": complaint.response_due},
                           url=reverse("complaints:detail", args=[complaint.pk]),
                           dedupe_key=f"complaint:{complaint.pk}:overdue") is not None
        if sent:
            _event(complaint, ComplaintAction.REMINDED, by=None, data={"recipients": sent, "day": today.isoformat()})
            reminded += 1
    done = Complaint.objects.filter(state=ComplaintState.INVESTIGATING, finding__state=FindingState.CLOSED)
    for complaint in done:
        complaint_close(by=None, complaint=complaint, note=_("关联的整改问题已销号，自动办结。"),
                        public_answer=_("%(answer)s\n\n经责任督学核查，学校已完成整改。感谢您的监督。")
                        % {"answer": complaint.public_answer})
        closed += 1
    return {"reminded": reminded, "closed": closed}
