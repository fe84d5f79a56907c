"""Every write of the evaluations app: create a dossier, refresh its computed items, enter an item,
upload or remove evidence, take a step of the review chain, name the province's verification.

Each service asks the workflow table (`workflow.py`) whether the person may act: the county edits
only while it holds the dossier (state "draft"), a step only at the level the table names.
Errors are Chinese `ValidationError` / `PermissionDenied`.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.evaluations import workflow
from dudao.evaluations.computed import COMPUTATIONS
from dudao.evaluations.items import JUDGEMENT, VETO, DossierKind, item_def, item_defs
from dudao.evaluations.models import Dossier, DossierEvent, DossierEvidence, DossierItem, DossierState
from dudao.evaluations.verdict import measured_met

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from dudao.campaigns.models import Campaign
    from dudao.people.models import User
    from dudao.regions.models import Region

MAX_EVIDENCE_PER_ITEM = 20


def _log(dossier: Dossier, by: User | None, action: str, comment: str = "", *, from_state: str = "", to_state: str = "") -> None:
    DossierEvent.objects.create(dossier=dossier, by=by, action=action, comment=comment, from_state=from_state,
                                to_state=to_state)


def _require_edit(by: User, dossier: Dossier) -> None:
    if not workflow.may_edit(by, dossier):
        if workflow.COUNTY in workflow.levels_of(by, dossier):
            raise PermissionDenied(_("申报材料已提交，县级不能再修改（退回后可修改）。"))
        raise PermissionDenied(_("只有县级督导室在准备阶段可以修改申报材料。"))


@transaction.atomic
def dossier_create(*, by: User, region: Region, kind: str, year: int, basic_passed_on: date | None = None,
                   survey_year: int | None = None) -> Dossier:
    """A new dossier of the county (its county office, or an admin), with the computed items filled."""
    if region.level != "county":
        raise ValidationError({"region": [_("申报单位必须是县（市、区）。")]})
    if kind not in DossierKind.values:
        raise ValidationError({"kind": [_("请选择评估类型。")]})
    probe = Dossier(region=region, kind=kind, year=year)
    if workflow.COUNTY not in workflow.levels_of(by, probe):
        raise PermissionDenied(_("只有本县（市、区）督导室可以建立申报材料。"))
    if Dossier.objects.filter(region=region, kind=kind, year=year).exists():
        raise ValidationError({"year": [_("该县该年度已有同类申报材料。")]})
    dossier = Dossier.objects.create(region=region, kind=kind, year=year, basic_passed_on=basic_passed_on,
                                     survey_year=survey_year, created_by=by)
    _log(dossier, by, "created", to_state=DossierState.DRAFT)
    dossier_refresh(by=by, dossier=dossier, log=False)
    return dossier


@transaction.atomic
def dossier_refresh(*, by: User, dossier: Dossier, log: bool = True) -> int:
    """Recompute the items the base data decide (computed.py). An item the data cannot fill (no rows)
    keeps what the county typed in. Returns the number of items written."""
    _require_edit(by, dossier)
    written = 0
    for item in item_defs(dossier.kind):
        function = COMPUTATIONS.get(item.computed)
        if function is None:
            continue
        result = function(dossier)
        entry = DossierItem.objects.filter(dossier=dossier, code=item.code).first()
        if result.value is None and result.met is None and entry is not None and not entry.computed:
            continue  # typed in because the data have nothing
        entry = entry or DossierItem(dossier=dossier, code=item.code)
        entry.value, entry.value2, entry.met, entry.detail = result.value, result.value2, result.met, result.detail
        entry.computed = result.value is not None
        entry.entered_by = by
        entry.save()
        written += 1
    dossier.computed_at = timezone.now()
    dossier.save(update_fields=["computed_at", "updated_at"])
    if log:
        _log(dossier, by, "refreshed")
    return written


@transaction.atomic
def item_save(*, by: User, dossier: Dossier, code: str, value: Decimal | None = None, value2: Decimal | None = None,
              met: bool | None = None, note: str = "", basic_passed_on: date | None = None) -> DossierItem:
    """Enter one item. A measured item's judgement follows from its number(s); a judgement item takes
    `met`; a veto item takes `met` = the situation exists. An item the base data computed keeps its
    computed value (correct the base data instead): only its note is saved."""
    _require_edit(by, dossier)
    try:
        item = item_def(dossier.kind, code)
    except KeyError:
        raise ValidationError(_("没有这一项：%(code)s") % {"code": code}) from None
    if item.computed == "recognition":
        raise ValidationError(_("该项由问卷调查结果判定，无需填报。"))
    if item.code == "C1":
        dossier.basic_passed_on = basic_passed_on
        dossier.save(update_fields=["basic_passed_on", "updated_at"])
    entry = DossierItem.objects.filter(dossier=dossier, code=code).first() or DossierItem(dossier=dossier, code=code)
    entry.note = note.strip()
    entry.entered_by = by
    if item.computed:
        result = COMPUTATIONS[item.computed](dossier)
        if result.value is not None or item.code == "C1":  # the data decide: the number is not typed in
            entry.value, entry.value2, entry.met, entry.detail = result.value, result.value2, result.met, result.detail
            entry.computed = True
            entry.save()
            return entry
    if item.rule in (JUDGEMENT, VETO):
        if met is None:
            raise ValidationError({"met": [_("请选择“是”或“否”。")]})
        entry.value = entry.value2 = None
        entry.met = met
    else:
        if value is None:
            raise ValidationError({"value": [_("请填写%(what)s。") % {"what": item.measure}]})
        if item.second is not None and value2 is None:
            raise ValidationError({"value2": [_("请填写%(what)s。") % {"what": item.second.label}]})
        entry.value, entry.value2 = value, value2 if item.second is not None else None
        entry.met = measured_met(item, entry.value, entry.value2)
    entry.computed = False
    entry.detail = {}
    entry.save()
    return entry


@transaction.atomic
def evidence_add(*, by: User, dossier: Dossier, code: str, upload: UploadedFile) -> DossierEvidence:
    """Attach a document to an item ("" = the dossier as a whole), with the findings ledger's upload
    checks (type read from the bytes, ≤ 10 MB, images re-encoded, SHA-256); the same file twice on
    the same item is kept once."""
    from dudao.findings.services import upload_check

    _require_edit(by, dossier)
    if code:
        try:
            item_def(dossier.kind, code)
        except KeyError:
            raise ValidationError(_("没有这一项：%(code)s") % {"code": code}) from None
    checked = upload_check(upload)
    same = dossier.evidence.filter(code=code, content_hash=checked.sha256).first()
    if same is not None:
        return same
    if dossier.evidence.filter(code=code).count() >= MAX_EVIDENCE_PER_ITEM:
        raise ValidationError(_("每一项最多上传 %(n)s 个材料。") % {"n": MAX_EVIDENCE_PER_ITEM})
    evidence = DossierEvidence(dossier=dossier, code=code, original_name=checked.original_name,
                               content_type=checked.content_type, size=len(checked.content),
                               content_hash=checked.sha256, uploaded_by=by)
    evidence.file.save(f"{dossier.pk}-{checked.sha256[:16]}.{checked.kind}", ContentFile(checked.content), save=False)
    evidence.save()
    return evidence


@transaction.atomic
def evidence_delete(*, by: User, evidence: DossierEvidence) -> None:
    _require_edit(by, evidence.dossier)
    evidence.file.delete(save=False)
    evidence.delete()


@transaction.atomic
def dossier_step(*, by: User, dossier: Dossier, name: str, note: str = "") -> Dossier:
    """Take one step of the review chain (workflow.STEPS), logged with who, when and the comment."""
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("region__parent").get(pk=dossier.pk)
    step = workflow.STEPS.get(name)
    if step is None:
        raise ValidationError(_("没有这一步骤。"))
    if step.level not in workflow.levels_of(by, dossier):
        raise PermissionDenied(_("您无权执行此步骤：%(step)s。") % {"step": step.label})
    if dossier.state != step.from_state:
        raise ValidationError(_("申报材料当前为“%(state)s”，不能执行“%(step)s”。") % {
            "state": dossier.get_state_display(), "step": step.label})
    note = (note or "").strip()
    if step.needs_note and not note:
        raise ValidationError({"note": [_("请填写%(what)s。") % {"what": step.note_label}]})
    if name == "apply":
        dossier_refresh(by=by, dossier=dossier, log=False)
    missing = workflow.missing_for(dossier, step)
    if missing:
        raise ValidationError(missing)
    from_state = dossier.state
    dossier.state = step.to_state
    fields = ["state", "updated_at"]
    if name == "apply":
        dossier.applied_at = timezone.now()
        fields.append("applied_at")
    dossier.save(update_fields=fields)
    _log(dossier, by, name, note, from_state=from_state, to_state=step.to_state)
    _tell_holder(dossier, step.label, note)
    return dossier


def _holder_office(dossier: Dossier):
    """The office whose turn it is (county, city above it, or province), if it exists."""
    from dudao.regions.models import Office

    level = workflow.HOLDER.get(dossier.state, "")
    parent = dossier.region.parent
    code = {workflow.COUNTY: dossier.region.code,
            workflow.CITY: parent.code if parent is not None and len(parent.code) == 4 else dossier.region.code[:2],
            workflow.PROVINCE: dossier.region.code[:2]}.get(level)
    return Office.objects.filter(region__code=code).first() if code else None


def _tell_holder(dossier: Dossier, what: str, note: str) -> None:
    """Notify the staff of the office that now holds the dossier (the next step is theirs)."""
    from django.urls import reverse

    from dudao.notifications.services import notify_office_staff

    office = _holder_office(dossier)
    if office is None:
        return
    title = _("%(county)s%(year)s年%(kind)s申报材料：%(what)s") % {
        "county": dossier.region.name, "year": dossier.year, "kind": dossier.get_kind_display(), "what": what}
    notify_office_staff(office=office, title=title, body=note, url=reverse("evaluations:detail", kwargs={"pk": dossier.pk}))


@transaction.atomic
def dossier_set_campaign(*, by: User, dossier: Dossier, campaign: Campaign | None) -> Dossier:
    """The province names its on-site verification (a 督政 campaign) while it evaluates the dossier."""
    dossier = Dossier.objects.select_for_update(of=("self",)).select_related("region__parent").get(pk=dossier.pk)
    if workflow.PROVINCE not in workflow.levels_of(by, dossier):
        raise PermissionDenied(_("只有省级督导室可以关联实地核查项目。"))
    if dossier.state != DossierState.PROVINCE_REVIEW:
        raise ValidationError(_("只有省级评估阶段可以关联实地核查项目。"))
    dossier.campaign = campaign
    dossier.save(update_fields=["campaign", "updated_at"])
    _log(dossier, by, "campaign", campaign.name if campaign is not None else _("取消关联"))
    return dossier
