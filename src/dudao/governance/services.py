"""Every write of 督政 (docs/governance.md): units, a campaign's units and teams, the self-assessment,
on-site scores, results, the 督导意见书, findings and re-inspection.

Scoring is campaigns/scoring.py's pure functions (`evaluate_school`, through `results.load_tree`):
a government unit is scored exactly as a school is, with the campaign's aggregation rule, threshold
and the pinned framework version's bands and veto items. Findings go to the one ledger through
findings.services, once per (unit, indicator) (`UnitFinding` is unique on it).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.db import transaction
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from dudao.access import can_manage_office
from dudao.campaigns import scoring
from dudao.campaigns.models import Campaign, CampaignEvent, ScoreKind, Team
from dudao.campaigns.results import DEFAULT_RECTIFICATION_DAYS, is_problem, load_tree
from dudao.governance import access
from dudao.governance.models import (
    REPORT_SECTIONS,
    CampaignUnit,
    GovernmentUnit,
    Opinion,
    Recheck,
    RecheckResult,
    SelfState,
    UnitEvidence,
    UnitFinding,
    UnitKind,
    UnitScore,
)

if TYPE_CHECKING:
    from django.core.files.uploadedfile import UploadedFile

    from dudao.findings.models import Finding
    from dudao.people.models import User
    from dudao.regions.models import Office, Region

MAX_EVIDENCE_PER_UNIT = 60
FINDING_CATEGORY = "management"  # problem_category dictionary: 管理与制度执行 (the campaigns' default)


# --- government units -------------------------------------------------------------------------------
def government_name(region: Region) -> str:
    """The government of a region as it signs: 宁乡市人民政府, 煤炭坝镇人民政府; a 街道 has an 办事处."""
    if region.name.endswith("街道"):
        return f"{region.name}办事处"
    return f"{region.name}人民政府"


def units_from_regions(*, by: User | None, office: Office) -> int:
    """Create the governments of the office's region and of the regions directly below it (a county
    office: the county and its townships; a city office: the city and its counties), skipping those
    that exist. Answers how many were created."""
    from dudao.regions.models import Region

    if by is not None and not can_manage_office(by, office):
        raise PermissionDenied(_("只有本督导室工作人员可以生成政府单位。"))
    root = office.region
    regions = [root, *Region.objects.filter(parent=root).order_by("code")]
    created = 0
    with transaction.atomic():
        for region in regions:
            _unit, made = GovernmentUnit.objects.get_or_create(
                region=region, name=government_name(region), defaults={"kind": UnitKind.GOVERNMENT})
            created += made
    return created


def unit_save(*, by: User, unit: GovernmentUnit | None, region: Region, name: str, kind: str,
              parent: GovernmentUnit | None = None, contact: str = "", phone: str = "",
              active: bool = True) -> GovernmentUnit:
    """Add or edit a unit (a department of a government, a renamed government). Staff of an office
    whose subtree holds the region."""
    from dudao.access import may_act_on_area

    errors: dict[str, list[str]] = {}
    name = (name or "").strip()
    if not name:
        errors["name"] = [_("请填写单位名称。")]
    if kind not in UnitKind.values:
        errors["kind"] = [_("请选择单位类别。")]
    if not may_act_on_area(by, region.code):
        raise PermissionDenied(_("该区划不在您的管辖范围内。"))
    if parent is not None and (parent.pk == getattr(unit, "pk", None) or not region.code.startswith(parent.region.code)):
        errors["parent"] = [_("所属政府须是本单位所在区划或上级区划的政府。")]
    if kind == UnitKind.DEPARTMENT and parent is None:
        errors["parent"] = [_("政府部门须指定所属政府。")]
    clash = GovernmentUnit.objects.filter(region=region, name=name)
    if unit is not None:
        clash = clash.exclude(pk=unit.pk)
    if name and clash.exists():
        errors["name"] = [_("该区划下已有同名单位。")]
    if errors:
        raise ValidationError(errors)
    unit = unit or GovernmentUnit()
    unit.region, unit.name, unit.kind, unit.parent = region, name, kind, parent
    unit.contact, unit.phone, unit.active = contact.strip()[:50], phone.strip()[:30], active
    unit.save()
    return unit


# --- a 督政 campaign's units and teams -------------------------------------------------------------------
def _check_manager(by: User, campaign: Campaign) -> None:
    from dudao.campaigns.access import may_manage_campaign

    if not campaign.is_government:
        raise ValidationError(_("该督导项目不是督政项目。"))
    if not may_manage_campaign(by, campaign):
        raise PermissionDenied(_("只有组织督导室（或上级督导室）的工作人员可以进行此操作。"))


def campaign_units_set(*, by: User, campaign: Campaign, units: list[GovernmentUnit]) -> int:
    """The units in scope (督政对象), while the plan is a draft: added and removed to match `units`
    (each inside the campaign's office area). Answers the count."""
    _check_manager(by, campaign)
    if campaign.state != "draft":
        raise ValidationError(_("只有草拟（含退回修改）的项目可以调整督政对象。"))
    outside = [u.name for u in units if not u.region.code.startswith(campaign.office.region.code)]
    if outside:
        raise ValidationError(_("以下单位不在%(office)s的管辖范围内：%(names)s") % {
            "office": campaign.office.name, "names": "、".join(outside)})
    wanted = {u.pk for u in units}
    with transaction.atomic():
        CampaignUnit.objects.filter(campaign=campaign).exclude(unit_id__in=wanted).delete()
        have = set(CampaignUnit.objects.filter(campaign=campaign).values_list("unit_id", flat=True))
        CampaignUnit.objects.bulk_create([CampaignUnit(campaign=campaign, unit_id=pk) for pk in sorted(wanted - have)])
        CampaignEvent.objects.create(campaign=campaign, actor=by, action="units_set",
                                     note=_("督政对象 %(n)s 个") % {"n": len(wanted)})
    return len(wanted)


def unit_team_set(*, by: User, entry: CampaignUnit, team: Team | None) -> CampaignUnit:
    """Allocate a unit to a team of the same campaign (or none)."""
    _check_manager(by, entry.campaign)
    if team is not None and team.campaign_id != entry.campaign_id:
        raise ValidationError(_("督查组不属于本督导项目。"))
    entry.team = team
    entry.save(update_fields=["team", "updated_at"])
    return entry


# --- the self-assessment report (自评报告) ---------------------------------------------------------------
@dataclass
class AnswerIn:
    value: str | None = None
    choice: str = ""
    note: str = ""


def _locked(entry: CampaignUnit) -> CampaignUnit:
    return CampaignUnit.objects.select_for_update().select_related("campaign", "unit").get(pk=entry.pk)


def _check_self_open(by: User, entry: CampaignUnit) -> None:
    if not access.is_unit_user(by, entry):
        raise PermissionDenied(_("只有本单位的政府单位用户可以填报自评报告。"))
    if entry.campaign.state != "self_inspection":
        raise ValidationError(_("本次督政当前不在自评阶段。"))
    if entry.self_state == SelfState.SUBMITTED:
        raise ValidationError(_("自评报告已提交，不能再修改。"))


def _answers_store(entry: CampaignUnit, tree: scoring.Tree, answers: dict[int, AnswerIn], *, kind: str,
                   rater: User | None) -> dict[str, list[str]]:
    """Validate every answer (strictly: `scoring.answer_check`) and store the valid ones; answers the
    errors by field (`value_<id>`), Chinese."""
    errors: dict[str, list[str]] = {}
    for indicator_id, given in answers.items():
        item = tree.items.get(indicator_id)
        if item is None:
            continue
        blank = not (given.value or "").strip() and not given.choice
        if blank:
            UnitScore.objects.filter(entry=entry, indicator_id=indicator_id, kind=kind, rater=rater).delete()
            continue
        try:
            answer = scoring.answer_check(item, value=given.value, choice=given.choice)
        except scoring.AnswerError as exc:
            errors[f"value_{indicator_id}"] = [str(exc)]
            continue
        UnitScore.objects.update_or_create(entry=entry, indicator_id=indicator_id, kind=kind, rater=rater,
                                           defaults={"value": answer.value, "choice": answer.choice,
                                                     "note": (given.note or "").strip()[:2000]})
    return errors


def self_save(*, by: User, entry: CampaignUnit, answers: dict[int, AnswerIn], sections: dict[str, str]) -> dict:
    """Save the draft: the report by section and the self-score per indicator. Valid answers are kept
    even when others are refused (the form shows what was typed); answers the errors."""
    with transaction.atomic():
        entry = _locked(entry)
        _check_self_open(by, entry)
        for name, _heading in REPORT_SECTIONS:
            if name in sections:
                setattr(entry, name, (sections[name] or "").strip()[:20000])
        entry.self_state = SelfState.DRAFT
        tree = load_tree(entry.campaign.framework_version)
        errors = _answers_store(entry, tree, answers, kind=ScoreKind.SELF, rater=None)
        entry.save()
    return errors


def self_submit(*, by: User, entry: CampaignUnit) -> CampaignUnit:
    """Submit: every indicator self-scored and the report written. Late submissions are accepted and
    shown on the office's late list."""
    with transaction.atomic():
        entry = _locked(entry)
        _check_self_open(by, entry)
        tree = load_tree(entry.campaign.framework_version)
        answered = set(UnitScore.objects.filter(entry=entry, kind=ScoreKind.SELF).values_list("indicator_id", flat=True))
        missing = [item.code for item in tree.items.values() if item.id not in answered]
        errors: list[str] = []
        if missing:
            errors.append(_("以下指标尚未自评：%(codes)s") % {"codes": "、".join(missing[:20])})
        if not any(getattr(entry, name).strip() for name, _h in REPORT_SECTIONS):
            errors.append(_("请填写自评报告。"))
        if errors:
            raise ValidationError(errors)
        entry.self_state = SelfState.SUBMITTED
        entry.submitted_at, entry.submitted_by = timezone.now(), by
        entry.save()
        result_refresh(entry)
    return entry


def evidence_add(*, by: User, entry: CampaignUnit, upload: UploadedFile, indicator_id: int | None = None) -> UnitEvidence:
    """The ledger's upload checks (type from the bytes, ≤ 10 MB, images re-encoded), SHA-256; the same
    file twice for one indicator is kept once."""
    from dudao.findings.services import upload_check

    with transaction.atomic():
        entry = _locked(entry)
        _check_self_open(by, entry)
        if indicator_id is not None and indicator_id not in load_tree(entry.campaign.framework_version).items:
            raise ValidationError(_("指标不属于本次督政的指标体系。"))
        checked = upload_check(upload)
        mine = UnitEvidence.objects.filter(entry=entry)
        same_item = mine.filter(indicator_id=indicator_id) if indicator_id is not None else mine.filter(indicator__isnull=True)
        same = same_item.filter(sha256=checked.sha256).first()
        if same is not None:
            return same
        if mine.count() >= MAX_EVIDENCE_PER_UNIT:
            raise ValidationError(_("每个单位最多上传 %(n)s 个佐证材料。") % {"n": MAX_EVIDENCE_PER_UNIT})
        evidence = UnitEvidence(entry=entry, indicator_id=indicator_id, original_name=checked.original_name,
                                content_type=checked.content_type, size=len(checked.content), sha256=checked.sha256,
                                uploaded_by=by)
        evidence.file.save(f"{checked.sha256[:16]}.{checked.kind}", ContentFile(checked.content), save=False)
        evidence.save()
    return evidence


@dataclass
class LateRow:
    entry: CampaignUnit
    days_late: int


def late_list(campaign: Campaign, today: date | None = None) -> list[LateRow]:
    """Units that had not submitted by the deadline (still missing, or submitted late), most late
    first; empty before the deadline has passed."""
    today = today or timezone.localdate()
    deadline = campaign.self_deadline
    if deadline is None or today <= deadline:
        return []
    rows = []
    for entry in CampaignUnit.objects.filter(campaign=campaign).select_related("unit__region").order_by("unit__region__code"):
        submitted = entry.submitted_at if entry.self_state == SelfState.SUBMITTED else None
        if submitted is not None and timezone.localdate(submitted) <= deadline:
            continue
        end = timezone.localdate(submitted) if submitted is not None else today
        rows.append(LateRow(entry, (end - deadline).days))
    rows.sort(key=lambda r: (r.entry.submitted_at is not None, -r.days_late))
    return rows


# --- on-site verification and results --------------------------------------------------------------------
def onsite_save(*, by: User, entry: CampaignUnit, answers: dict[int, AnswerIn], reconcile: bool = False) -> dict:
    """One team member's scores of the unit (kind onsite, one row per indicator and rater), or the team
    leader's reconciled scores (`reconcile`). The result is recomputed at once."""
    with transaction.atomic():
        entry = _locked(entry)  # the campaign's state as it is now
        allowed = access.may_reconcile(by, entry) if reconcile else access.may_score(by, entry)
        if not allowed:
            raise PermissionDenied(_("只有该单位所在督查组的成员在实地督导阶段可以评分（核定由组长进行）。"))
        tree = load_tree(entry.campaign.framework_version)
        errors = _answers_store(entry, tree, answers, kind=ScoreKind.RECONCILED if reconcile else ScoreKind.ONSITE,
                                rater=None if reconcile else by)
        result_refresh(entry, tree)
    return errors


def _answers_of(entry: CampaignUnit) -> tuple[dict, dict, dict, dict, dict[int, list[str]]]:
    own: dict[int, scoring.Answer] = {}
    raters: dict[int, list[scoring.Answer]] = {}
    reconciled: dict[int, scoring.Answer] = {}
    again: dict[int, scoring.Answer] = {}
    notes: dict[int, list[str]] = {}
    for s in UnitScore.objects.filter(entry=entry).order_by("id"):
        answer = scoring.Answer(value=s.value, choice=s.choice)
        if s.kind == ScoreKind.SELF:
            own[s.indicator_id] = answer
        elif s.kind == ScoreKind.ONSITE:
            raters.setdefault(s.indicator_id, []).append(answer)
            if s.note:
                notes.setdefault(s.indicator_id, []).append(s.note)
        elif s.kind == ScoreKind.RECONCILED:
            reconciled[s.indicator_id] = answer
            if s.note:
                notes.setdefault(s.indicator_id, []).append(s.note)
        elif s.kind == ScoreKind.REINSPECTION:
            again[s.indicator_id] = answer
    return own, raters, reconciled, again, notes


def outcome(entry: CampaignUnit, tree: scoring.Tree | None = None) -> tuple[scoring.SchoolOutcome, dict[int, list[str]]]:
    """The unit's outcome by campaigns/scoring.py (`evaluate_school`: the same rules as a school's)."""
    tree = tree or load_tree(entry.campaign.framework_version)
    own, raters, reconciled, again, notes = _answers_of(entry)
    result = scoring.evaluate_school(tree, self_answers=own, rater_answers=raters, reconciled=reconciled,
                                     reinspection=again, rule=entry.campaign.aggregation,
                                     threshold=entry.campaign.discrepancy_threshold)
    return result, notes


def result_refresh(entry: CampaignUnit, tree: scoring.Tree | None = None) -> CampaignUnit:
    result, _notes = outcome(entry, tree)
    entry.self_total, entry.verified_total = result.self_total, result.verified_total
    entry.grade, entry.vetoed, entry.computed_at = result.grade, result.vetoed, timezone.now()
    entry.save(update_fields=["self_total", "verified_total", "grade", "vetoed", "computed_at", "updated_at"])
    return entry


@dataclass
class Problem:
    item: scoring.Item
    verified: Decimal
    notes: list[str]
    veto: bool


def problems(entry: CampaignUnit, tree: scoring.Tree | None = None) -> list[Problem]:
    """Indicators that lost marks the way campaigns/results.is_problem defines it (否, a failed veto,
    below 60 %, or described by a rater)."""
    tree = tree or load_tree(entry.campaign.framework_version)
    result, notes = outcome(entry, tree)
    found = []
    for row in result.items:
        if is_problem(row.item, row.verified, notes.get(row.item.id, [])):
            assert row.verified is not None
            found.append(Problem(row.item, row.verified, notes.get(row.item.id, []),
                                 row.item.is_veto and row.verified == scoring.ZERO))
    return found


def _points(value: Decimal | None) -> str:
    return "—" if value is None else f"{value.normalize():f}"


def _describe(problem: Problem) -> str:
    top = problem.item.max_score
    text = _("%(code)s %(text)s：核查得分 %(score)s") % {"code": problem.item.code, "text": problem.item.text,
                                                      "score": _points(problem.verified)}
    if top is not None:
        text += _("（满分 %(max)s）") % {"max": _points(top)}
    if problem.veto:
        text += _("，一票否决项未达标")
    if problem.notes:
        text += "。" + "；".join(problem.notes)
    return text


# --- the 督导意见书 ---------------------------------------------------------------------------------------
def opinion_draft(entry: CampaignUnit) -> Opinion:
    """The opinion's fields drafted from the plan, the team and the result (not saved): the office edits
    it before it is printed. In Chinese whatever the drafter's language: it is the text of an
    official document (governance/documents.py)."""
    with translation.override("zh-hans"):
        return _opinion_draft(entry)


def _opinion_draft(entry: CampaignUnit) -> Opinion:
    campaign = entry.campaign
    tree = load_tree(campaign.framework_version)
    result, _notes = outcome(entry, tree)
    found = problems(entry, tree)
    team = ""
    if entry.team is not None:
        names = [m.user.display_name for m in entry.team.members.select_related("user")]
        team = _("%(team)s（%(names)s）") % {"team": entry.team.name, "names": "、".join(names)}
    window = ""
    if campaign.onsite_start and campaign.onsite_end:
        window = _("%(a)s至%(b)s，") % {"a": campaign.onsite_start.isoformat(), "b": campaign.onsite_end.isoformat()}
    process = _("%(window)s督导组%(team)s通过听取汇报、查阅资料、实地查看、座谈访谈等方式，对%(unit)s履行教育职责情况进行了督导。") % {
        "window": window, "team": team, "unit": entry.unit.name}
    if result.verified_total is not None:
        overall = _("核查总分 %(total)s 分，等级：%(grade)s。") % {"total": _points(result.verified_total),
                                                           "grade": result.grade or "—"}
        if result.vetoed:
            overall += _("一票否决项未达标：%(codes)s。") % {"codes": "、".join(result.veto_codes)}
    else:
        overall = _("尚未完成核查评分。")
    full = [row.item for row in result.items
            if row.verified is not None and row.item.max_score is not None and row.verified >= row.item.max_score]
    strengths = "\n".join(f"{i}. {item.code} {item.text}" for i, item in enumerate(full[:8], start=1))
    problem_text = "\n".join(f"{i}. {_describe(p)}" for i, p in enumerate(found, start=1))
    deadline = campaign.rectification_deadline or timezone.localdate() + timedelta(days=DEFAULT_RECTIFICATION_DAYS)
    requirements = _("请对照本意见书，制定整改方案，落实整改责任，逐项整改上述问题，于%(day)s前将整改情况书面报告%(office)s。"
                     "%(office)s将适时进行复查。") % {"day": deadline.isoformat(), "office": campaign.office.name}
    return Opinion(entry=entry, basis=campaign.basis or _("根据《教育督导条例》及本次督政实施方案。"), process=process,
                   overall=overall, strengths=strengths, problems=problem_text, requirements=requirements,
                   deadline=deadline)


# The 发文字号 and 成文日期 are the document engine's, given at 签发 (governance/documents.py).
OPINION_FIELDS = ("basis", "process", "overall", "strengths", "problems", "requirements", "deadline")


def opinion_save(*, by: User, entry: CampaignUnit, data: dict) -> Opinion:
    """Create (from the draft) or edit the opinion: the office's staff. Its document on the engine
    (kind "opinion") is drafted or written again with it; refused once that left the draft."""
    from dudao.governance import documents

    _check_manager(by, entry.campaign)
    if documents.opinion_locked(entry):
        raise ValidationError(_("督导意见书已送审或印发，不能再修改；印发后的修订请在公文页面进行。"))
    errors: dict[str, list[str]] = {}
    if not (data.get("problems") or "").strip() and not (data.get("overall") or "").strip():
        errors["overall"] = [_("请填写总体评价或存在问题。")]
    if data.get("deadline") is None:
        errors["deadline"] = [_("请填写整改期限。")]
    if errors:
        raise ValidationError(errors)
    opinion = Opinion.objects.filter(entry=entry).first() or Opinion(entry=entry)
    for name in OPINION_FIELDS:
        value = data.get(name)
        setattr(opinion, name, value.strip() if isinstance(value, str) else value)
    opinion.updated_by = by
    with transaction.atomic():
        opinion.save()
        documents.opinion_sync(by=by, entry=entry, opinion=opinion)
    return opinion


# --- findings and re-inspection -------------------------------------------------------------------------
def findings_register(*, by: User, entry: CampaignUnit) -> tuple[list[Finding], int]:
    """Each problem of the unit becomes one finding owned by the government unit, in the one ledger
    (source = the campaign); a problem already registered is skipped (`UnitFinding` is unique per unit
    and indicator), so pressing the button twice never makes a second. Answers (created, skipped)."""
    from dudao.findings.models import FindingSeverity, FindingSource
    from dudao.findings.services import finding_create

    _check_manager(by, entry.campaign)
    with transaction.atomic():
        entry = _locked(entry)  # a second click waits here, then sees the first one's rows
        campaign = entry.campaign
        found = problems(entry)
        done = set(UnitFinding.objects.filter(entry=entry).values_list("indicator_id", flat=True))
        opinion = Opinion.objects.filter(entry=entry).first()
        deadline = (opinion.deadline if opinion and opinion.deadline else None) or campaign.rectification_deadline or (
            timezone.localdate() + timedelta(days=DEFAULT_RECTIFICATION_DAYS))
        requirement = (opinion.requirements if opinion and opinion.requirements else "") or _(
            "按督导意见书逐项整改，并在期限内报送整改情况。")
        url = reverse("governance:entry", args=[campaign.pk, entry.pk])
        created = []
        for p in found:
            if p.item.id in done:
                continue
            finding = finding_create(
                by=by, office=campaign.office, source=FindingSource.CAMPAIGN, category=FINDING_CATEGORY,
                description=_describe(p), requirement=requirement, deadline=deadline, government_unit=entry.unit,
                severity=FindingSeverity.CRITICAL if p.veto else FindingSeverity.NORMAL,
                source_label=campaign.name[:200], source_url=url,
                source_data={"campaign": campaign.pk, "unit": entry.unit_id, "indicator": p.item.id,
                             "code": p.item.code, "verified": str(p.verified)})
            UnitFinding.objects.create(entry=entry, indicator_id=p.item.id, finding=finding)
            created.append(finding)
        if created:
            CampaignEvent.objects.create(campaign=campaign, actor=by, action="findings_created",
                                         note=_("%(unit)s：登记整改问题 %(n)s 条") % {"unit": entry.unit.name,
                                                                              "n": len(created)})
    return created, len(found) - len(created)


def recheck_record(*, by: User, problem: UnitFinding, result: str, note: str,
                   checked_on: date | None = None) -> Recheck:
    """复查 of one finding: recorded, and the finding closed (销号) or returned through the findings
    workflow — which needs the unit's report first (state 已报送整改情况)."""
    from dudao.findings.models import FindingState
    from dudao.findings.services import finding_transition

    _check_manager(by, problem.entry.campaign)
    note = (note or "").strip()
    if result not in RecheckResult.values:
        raise ValidationError({"result": [_("请选择复查结论。")]})
    if not note:
        raise ValidationError({"note": [_("请填写复查情况。")]})
    with transaction.atomic():
        finding = problem.finding
        if finding.state != FindingState.REPORTED:
            raise ValidationError(_("该问题尚未报送整改情况，不能复查。"))
        recheck = Recheck.objects.create(problem=problem, result=result, note=note,
                                         checked_on=checked_on or timezone.localdate(), by=by)
        finding_transition(by=by, finding=finding, action="verify" if result == RecheckResult.PASSED else "return",
                           note=_("复查：%(note)s") % {"note": note})
    return recheck
