"""自查自纠: a school answers the campaign's framework itself by the self-inspection deadline.

- The school's own account (学校用户 of a school in the campaign) answers item by item — answer or
  score and a note (`Score` rows of kind self, no rater) — uploads evidence (`CampaignEvidence`,
  checked and hashed by the ledger's upload checks) and writes a self-report; saving keeps a
  draft, submitting makes it read-only. Only the campaign's office (staff) may reopen a submitted
  self-inspection, with a reason (logged as a `CampaignEvent`, the school told).
- Answers are accepted while the campaign is in self-inspection or on site (a late school may
  still submit; it stays on the late list with its delay).
- Reminders (`self_inspection_reminders`, a daily job in campaigns/schedule.py): the schools that
  have not submitted are told 7, 3 and 1 days before the deadline and on the day; after it, on
  days 1, 3 and 7, and the office receives the late list on day 1.

Every write asks the rule itself (`may_fill`, `may_manage_campaign`), so the page and the API agree.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.campaigns import scoring
from dudao.campaigns.access import may_manage_campaign, school_account_schools
from dudao.campaigns.models import (
    Campaign,
    CampaignEvent,
    CampaignEvidence,
    CampaignSchool,
    CampaignState,
    Score,
    ScoreKind,
    SelfInspection,
    SelfInspectionState,
)
from dudao.campaigns.results import load_tree

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from dudao.people.models import User
    from dudao.schools.models import School

OPEN_STATES = (CampaignState.SELF_INSPECTION, CampaignState.ONSITE)
MAX_EVIDENCE_PER_SCHOOL = 200
REMIND_BEFORE = (7, 3, 1, 0)  # days before the deadline (0: the day itself)
REMIND_AFTER = (1, 3, 7)  # days after it


def reminder_phase(days_left: int) -> str | None:
    """"before" or "after" on a reminder day (`days_left` = deadline − today), else None: one rule for
    the schools' 自查 and the government units' 自评 reminders."""
    if days_left in REMIND_BEFORE:
        return "before"
    if -days_left in REMIND_AFTER:
        return "after"
    return None


# --- rules ------------------------------------------------------------------------------------------------
def is_school_account(user: User, school_id: int) -> bool:
    return school_id in school_account_schools(user)


def may_fill(user: User, campaign: Campaign, school_id: int) -> bool:
    """The school's own account, for a school in the campaign (an unannounced campaign, 暗访, has no
    self-inspection: the school is not told of it before the visit)."""
    return (not campaign.unannounced and is_school_account(user, school_id)
            and CampaignSchool.objects.filter(campaign=campaign, school_id=school_id).exists())


def self_inspection_schools(user: User, campaign: Campaign) -> list[int]:
    """The user's own schools in this campaign (a school account has one, rarely more)."""
    mine = school_account_schools(user)
    if not mine:
        return []
    return list(CampaignSchool.objects.filter(campaign=campaign, school_id__in=mine)
                .order_by("school_id").values_list("school_id", flat=True))


def _inspection_url(campaign: Campaign) -> str:
    try:
        return reverse("campaigns:self_form", args=[campaign.pk])
    except NoReverseMatch:
        return ""


# --- reading ---------------------------------------------------------------------------------------------
@dataclass
class SelfSheet:
    """One school's self-inspection as the form shows it: the items and the school's answers."""

    inspection: SelfInspection
    tree: scoring.Tree
    answers: dict[int, Score]
    evidence: dict[int | None, list[CampaignEvidence]]

    @property
    def read_only(self) -> bool:
        return self.inspection.state == SelfInspectionState.SUBMITTED

    @property
    def missing(self) -> list[str]:
        return [item.code for item in self.tree.items.values() if item.id not in self.answers]


def self_sheet(campaign: Campaign, school_id: int) -> SelfSheet:
    """Four queries whatever the size of the framework (no N+1)."""
    inspection = SelfInspection.objects.filter(campaign=campaign, school_id=school_id).first()
    if inspection is None:
        inspection = SelfInspection(campaign=campaign, school_id=school_id)
    tree = load_tree(campaign.framework_version)
    answers = {s.indicator_id: s for s in Score.objects.filter(campaign=campaign, school_id=school_id,
                                                               kind=ScoreKind.SELF, rater__isnull=True)}
    evidence: dict[int | None, list[CampaignEvidence]] = {}
    for e in CampaignEvidence.objects.filter(campaign=campaign, school_id=school_id, kind=ScoreKind.SELF).order_by("id"):
        evidence.setdefault(e.indicator_id, []).append(e)
    return SelfSheet(inspection, tree, answers, evidence)


# --- writing ---------------------------------------------------------------------------------------------
def _locked_inspection(campaign: Campaign, school_id: int) -> SelfInspection:
    inspection, _created = SelfInspection.objects.get_or_create(campaign=campaign, school_id=school_id)
    return SelfInspection.objects.select_for_update().get(pk=inspection.pk)


def _check_open(by: User, campaign: Campaign, school_id: int, inspection: SelfInspection | None = None) -> None:
    if not may_fill(by, campaign, school_id):
        raise PermissionDenied(_("只有参加本次督导的学校本校账号可以填报自查。"))
    if campaign.state not in OPEN_STATES:
        raise ValidationError(_("本次督导当前不在学校自查阶段（%(state)s），不能填报。") % {
            "state": campaign.state_label})
    if inspection is not None and inspection.state == SelfInspectionState.SUBMITTED:
        raise ValidationError(_("自查已提交，不能再修改；如需修改，请联系督导室退回。"))


@dataclass(frozen=True)
class AnswerIn:
    value: Decimal | str | None = None
    choice: str = ""
    note: str = ""
    client_id: uuid.UUID | None = None  # the phone's id of this answer: a retry is not applied twice


@transaction.atomic
def self_answers_save(*, by: User, campaign: Campaign, school_id: int, answers: Mapping[int, AnswerIn],
                      report: str | None = None) -> SelfInspection:
    """Save a draft: the given items' answers (an empty answer clears the item) and the report.

    All or nothing: one wrong answer, nothing saved (ValidationError by item code). An answer
    whose `client_id` is already stored is a retry (the phone resent it) and is not applied again."""
    inspection = _locked_inspection(campaign, school_id)
    _check_open(by, campaign, school_id, inspection)
    ids = [a.client_id for a in answers.values() if a.client_id is not None]
    seen = set(Score.objects.filter(client_id__in=ids).values_list("client_id", flat=True)) if ids else set()
    answers = {k: a for k, a in answers.items() if a.client_id is None or a.client_id not in seen}
    tree = load_tree(campaign.framework_version)
    errors: dict[str, list[str]] = {}
    checked: dict[int, tuple[scoring.Answer | None, str, uuid.UUID | None]] = {}
    for indicator_id, given in answers.items():
        item = tree.items.get(indicator_id)
        if item is None:
            errors.setdefault("__all__", []).append(_("指标不属于本次督导的指标体系。"))
            continue
        note = (given.note or "").strip()
        empty = (given.value is None or str(given.value).strip() == "") and not (given.choice or "").strip()
        if empty:
            checked[indicator_id] = (None, note, given.client_id)
            continue
        try:
            checked[indicator_id] = (scoring.answer_check(item, value=given.value, choice=given.choice), note,
                                     given.client_id)
        except scoring.AnswerError as exc:
            errors.setdefault(item.code, []).append(str(exc))
    if errors:
        raise ValidationError(errors)
    existing = {s.indicator_id: s for s in Score.objects.filter(campaign=campaign, school_id=school_id,
                                                                kind=ScoreKind.SELF, rater__isnull=True,
                                                                indicator_id__in=list(checked))}
    new, changed, cleared = [], [], []
    for indicator_id, (answer, note, client_id) in checked.items():
        row = existing.get(indicator_id)
        if answer is None and not note:
            if row is not None:
                cleared.append(row.pk)
            continue
        if row is None:
            row = Score(campaign=campaign, school_id=school_id, indicator_id=indicator_id, kind=ScoreKind.SELF)
            new.append(row)
        else:
            changed.append(row)
        row.value = answer.value if answer else None
        row.choice = answer.choice if answer else ""
        row.note = note
        row.updated_at = timezone.now()
        if client_id is not None:
            row.client_id = client_id
    Score.objects.bulk_create(new)
    Score.objects.bulk_update(changed, ["value", "choice", "note", "client_id", "updated_at"])
    if cleared:
        Score.objects.filter(pk__in=cleared).delete()
    if report is not None:
        inspection.report = report.strip()
    inspection.self_total = _self_total(campaign, school_id, tree)
    inspection.save()
    return inspection


def _self_total(campaign: Campaign, school_id: int, tree: scoring.Tree) -> Decimal | None:
    rows = Score.objects.filter(campaign=campaign, school_id=school_id, kind=ScoreKind.SELF, rater__isnull=True)
    scores = {indicator: scoring.item_score(tree.items[indicator], scoring.Answer(value, choice))
              for indicator, value, choice in rows.values_list("indicator_id", "value", "choice")
              if indicator in tree.items}
    if not any(v is not None for v in scores.values()):
        return None
    return scoring.totals(tree, scores)


@transaction.atomic
def self_inspection_submit(*, by: User, campaign: Campaign, school_id: int) -> SelfInspection:
    """Submit: every item answered and a self-report written; then read-only."""
    inspection = _locked_inspection(campaign, school_id)
    _check_open(by, campaign, school_id, inspection)
    sheet = self_sheet(campaign, school_id)
    errors: dict[str, list[str]] = {}
    if sheet.missing:
        errors["__all__"] = [_("还有 %(n)s 项未填写：%(codes)s。") % {"n": len(sheet.missing),
                                                                "codes": "、".join(sheet.missing[:20])}]
    if not inspection.report.strip():
        errors["report"] = [_("请填写自查报告。")]
    if errors:
        raise ValidationError(errors)
    inspection.state = SelfInspectionState.SUBMITTED
    inspection.submitted_at = timezone.now()
    inspection.submitted_by = by
    inspection.self_total = _self_total(campaign, school_id, sheet.tree)
    inspection.save()
    CampaignEvent.objects.create(campaign=campaign, actor=by, action="self_submitted",
                                 note=_("%(school)s 提交自查") % {"school": inspection.school.name})
    return inspection


@transaction.atomic
def self_inspection_reopen(*, by: User, campaign: Campaign, school_id: int, reason: str) -> SelfInspection:
    """The office sends a submitted self-inspection back to the school, with a reason."""
    from dudao.notifications.services import notify

    if not may_manage_campaign(by, campaign):
        raise PermissionDenied(_("只有组织督导室的工作人员可以退回学校自查。"))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("请填写退回原因。")]})
    inspection = SelfInspection.objects.select_for_update().filter(campaign=campaign, school_id=school_id).first()
    if inspection is None or inspection.state != SelfInspectionState.SUBMITTED:
        raise ValidationError(_("该校自查尚未提交，无需退回。"))
    inspection.state = SelfInspectionState.DRAFT
    inspection.save()
    CampaignEvent.objects.create(campaign=campaign, actor=by, action="self_reopened",
                                 note=_("%(school)s：%(reason)s") % {"school": inspection.school.name, "reason": reason})
    for user in _school_users(inspection.school_id):
        notify(recipient=user, title=_("自查已退回：%(campaign)s") % {"campaign": campaign.name},
               body=_("退回原因：%(reason)s") % {"reason": reason}, url=_inspection_url(campaign), level="warning")
    return inspection


@transaction.atomic
def self_evidence_add(*, by: User, campaign: Campaign, school_id: int, upload: UploadedFile,
                      indicator_id: int | None = None) -> CampaignEvidence:
    """Attach a file to the self-inspection (or one of its items): the ledger's checks (type from
    the bytes, ≤ 10 MB, images re-encoded), SHA-256; the same file twice for one item is kept once."""
    from dudao.findings.services import upload_check

    inspection = _locked_inspection(campaign, school_id)
    _check_open(by, campaign, school_id, inspection)
    if indicator_id is not None and indicator_id not in load_tree(campaign.framework_version).items:
        raise ValidationError(_("指标不属于本次督导的指标体系。"))
    checked = upload_check(upload)
    mine = CampaignEvidence.objects.filter(campaign=campaign, school_id=school_id, kind=ScoreKind.SELF)
    same_item = mine.filter(indicator_id=indicator_id) if indicator_id is not None else mine.filter(indicator__isnull=True)
    same = same_item.filter(sha256=checked.sha256).first()
    if same is not None:
        return same
    if mine.count() >= MAX_EVIDENCE_PER_SCHOOL:
        raise ValidationError(_("每所学校最多上传 %(n)s 个佐证材料。") % {"n": MAX_EVIDENCE_PER_SCHOOL})
    evidence = CampaignEvidence(campaign=campaign, school_id=school_id, indicator_id=indicator_id, kind=ScoreKind.SELF,
                                original_name=checked.original_name, content_type=checked.content_type,
                                size=len(checked.content), sha256=checked.sha256, uploaded_by=by)
    evidence.file.save(f"{checked.sha256[:16]}.{checked.kind}", ContentFile(checked.content), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def self_evidence_delete(*, by: User, evidence: CampaignEvidence) -> None:
    campaign = evidence.campaign
    inspection = _locked_inspection(campaign, evidence.school_id)
    _check_open(by, campaign, evidence.school_id, inspection)
    evidence.file.delete(save=False)
    evidence.delete()


# --- the late list and reminders --------------------------------------------------------------------------
@dataclass(frozen=True)
class LateRow:
    school: School
    state: str  # "" (not started), draft, submitted
    submitted_at: Any
    days_late: int


def late_list(campaign: Campaign, today: date | None = None) -> list[LateRow]:
    """Schools that had not submitted by the deadline (still missing, or submitted late), most
    late first. Two queries. Empty before the deadline has passed."""
    today = today or timezone.localdate()
    deadline = campaign.self_deadline
    if deadline is None or today <= deadline:
        return []
    inspections = {i.school_id: i for i in SelfInspection.objects.filter(campaign=campaign)}
    rows = []
    for entry in CampaignSchool.objects.filter(campaign=campaign).select_related("school").order_by("school__name"):
        inspection = inspections.get(entry.school_id)
        submitted = inspection.submitted_at if inspection and inspection.state == SelfInspectionState.SUBMITTED else None
        if submitted is not None and timezone.localdate(submitted) <= deadline:
            continue
        end = timezone.localdate(submitted) if submitted is not None else today
        rows.append(LateRow(entry.school, inspection.state if inspection else "", submitted, (end - deadline).days))
    rows.sort(key=lambda r: (r.submitted_at is not None, -r.days_late))
    return rows


def _school_users(school_id: int) -> list[User]:
    from dudao.people.models import Role, User

    return list(User.objects.filter(is_active=True, role_grants__role=Role.SCHOOL_USER,
                                    role_grants__schools=school_id).distinct())


def self_inspection_reminders(today: date | None = None) -> dict[str, int]:
    """The daily job: remind the schools that have not submitted, and tell the office the late list.
    Idempotent (each notification has a dedupe key per campaign, school and day)."""
    from dudao.notifications.services import notify, notify_office_staff
    from dudao.people.models import Role, User

    today = today or timezone.localdate()
    sent = {"before": 0, "after": 0, "office": 0}
    campaigns = (Campaign.objects.filter(state__in=OPEN_STATES, self_deadline__isnull=False, unannounced=False)
                 .select_related("office"))
    for campaign in campaigns:
        deadline = campaign.self_deadline
        assert deadline is not None
        days = (deadline - today).days
        phase = reminder_phase(days)
        if phase is None:
            continue
        submitted = set(SelfInspection.objects.filter(campaign=campaign, state=SelfInspectionState.SUBMITTED)
                        .values_list("school_id", flat=True))
        waiting = set(CampaignSchool.objects.filter(campaign=campaign).values_list("school_id", flat=True)) - submitted
        users = (User.objects.filter(is_active=True, role_grants__role=Role.SCHOOL_USER,
                                     role_grants__schools__in=waiting)
                 .values_list("pk", "role_grants__schools").distinct())
        by_user: dict[int, User] = User.objects.in_bulk({pk for pk, _school in users})
        url = _inspection_url(campaign)
        for pk, school_id in users:
            if school_id not in waiting:
                continue
            if phase == "before":
                title = _("自查截止提醒：%(campaign)s") % {"campaign": campaign.name}
                body = (_("今天是自查截止日（%(day)s），请尽快提交。") if days == 0
                        else _("距自查截止（%(day)s）还有 %(n)s 天，请按时提交。")) % {"day": deadline.isoformat(), "n": days}
                level = "info"
            else:
                title = _("自查已逾期：%(campaign)s") % {"campaign": campaign.name}
                body = _("自查已于 %(day)s 截止，已逾期 %(n)s 天，请立即提交。") % {"day": deadline.isoformat(), "n": -days}
                level = "warning"
            if notify(recipient=by_user[pk], title=title, body=body, url=url, level=level,
                      dedupe_key=f"campaign:{campaign.pk}:self:{school_id}:{today.isoformat()}"):
                sent[phase] += 1
        if phase == "after" and -days == REMIND_AFTER[0] and waiting:
            try:
                late_url = reverse("campaigns:self_late", args=[campaign.pk])
            except NoReverseMatch:
                late_url = ""
            sent["office"] += notify_office_staff(
                office=campaign.office, title=_("自查逾期学校 %(n)s 所：%(campaign)s") % {"n": len(waiting), "campaign": campaign.name},
                body=_("自查已于 %(day)s 截止。") % {"day": deadline.isoformat()}, url=late_url, level="warning",
                dedupe_key=f"campaign:{campaign.pk}:self_late:{today.isoformat()}")
    return sent


def self_deadline_passed(campaign: Campaign, today: date | None = None) -> bool:
    return campaign.self_deadline is not None and (today or timezone.localdate()) > campaign.self_deadline


def days_to_deadline(campaign: Campaign, today: date | None = None) -> int | None:
    if campaign.self_deadline is None:
        return None
    return (campaign.self_deadline - (today or timezone.localdate())).days
