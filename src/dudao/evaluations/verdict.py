"""The verdict of a county dossier: every part, pass / fail / undecided, and why.

County 优质均衡 passes when (domain-rules §9.4 c): the resources part passes (read from the stored
monitoring results: `AreaResult.verdict` of primary and junior — every school passes the per-school
rule and every CV is within its limit) ∧ all 15 guarantee items ∧ all 9 quality items ∧ social
recognition ≥ 85 % with its sample ∧ the entry conditions ∧ no veto item applies. 基本均衡: the
provincial basic standard ∧ resources (comprehensive CV) ∧ public satisfaction ≥ 85 %.

A part is False as soon as one of its items fails, None (undecided) while an item is not entered or
data are missing, True otherwise; the dossier likewise over its parts. Every "no" carries a reason
in Chinese that names the item and the distance to its threshold. Page, Excel and API all read
`dossier_verdict` — nothing else computes a verdict.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from dudao.evaluations.items import LT, MAX, MIN, PART_NOTES, PARTS, VETO, ItemDef, Part, _fmt, item_defs

if TYPE_CHECKING:
    from dudao.evaluations.models import Dossier, DossierItem
    from dudao.surveys.results import Recognition


@dataclass
class ItemResult:
    item: ItemDef
    entry: DossierItem | None
    met: bool | None  # for a veto item: True = the veto does NOT apply (the item is "passed")
    reason: str = ""
    evidence: int = 0

    @property
    def value(self) -> Decimal | None:
        return self.entry.value if self.entry is not None else None

    @property
    def value2(self) -> Decimal | None:
        return self.entry.value2 if self.entry is not None else None

    @property
    def computed(self) -> bool:
        return self.entry is not None and self.entry.computed

    @property
    def status(self) -> str:
        return {True: "pass", False: "fail", None: "open"}[self.met]


@dataclass
class StageResources:
    stage: str
    label: str
    verdict: str  # pass / fail / insufficient / "" (no stored result)
    school_count: int = 0
    schools_passing: int = 0
    failing_cvs: list[tuple[str, float, float]] = field(default_factory=list)  # (code, cv, limit)
    composite_cv: float | None = None
    composite_limit: float | None = None


@dataclass
class PartResult:
    part: str
    label: str
    passes: bool | None
    reasons: list[str] = field(default_factory=list)
    items: list[ItemResult] = field(default_factory=list)
    stages: list[StageResources] = field(default_factory=list)
    recognition: Recognition | None = None
    note: str = ""

    @property
    def status(self) -> str:
        return {True: "pass", False: "fail", None: "open"}[self.passes]


@dataclass
class DossierVerdict:
    passes: bool | None
    parts: list[PartResult]

    @property
    def reasons(self) -> list[str]:
        return [f"{p.label}：{r}" for p in self.parts if p.passes is not True for r in p.reasons]

    @property
    def status(self) -> str:
        return {True: "pass", False: "fail", None: "open"}[self.passes]

    def part(self, code: str) -> PartResult | None:
        return next((p for p in self.parts if p.part == code), None)


def combine(values: list[bool | None]) -> bool | None:
    """False if any is False, None if any is None, True otherwise (and for nothing to judge: None)."""
    if any(v is False for v in values):
        return False
    if not values or any(v is None for v in values):
        return None
    return True


def check(rule: str, value: Decimal | None, threshold: Decimal) -> bool | None:
    if value is None:
        return None
    if rule == MIN:
        return value >= threshold
    if rule == MAX:
        return value <= threshold
    if rule == LT:
        return value < threshold
    raise ValueError(rule)


def _gap(rule: str, value: Decimal, threshold: Decimal, unit: str) -> str:
    """How far a failing number is from its threshold, in words."""
    if rule == MIN:
        return _("低于标准 %(gap)s%(unit)s") % {"gap": _fmt(threshold - value), "unit": unit}
    return _("超出 %(gap)s%(unit)s") % {"gap": _fmt(value - threshold), "unit": unit}


def measured_met(item: ItemDef, value: Decimal | None, value2: Decimal | None) -> bool | None:
    """A measured item's judgement from its number(s)."""
    checks = [check(item.rule, value, item.threshold)]
    if item.second is not None:
        checks.append(check(item.second.rule, value2, item.second.threshold))
    return combine(checks)


def _item_reason(item: ItemDef, entry: DossierItem | None, met: bool | None) -> str:
    head = f"{item.code} {item.label}"
    if item.rule == VETO:
        if met is False:
            return _("%(item)s：存在该情形") % {"item": head}
        return _("%(item)s：尚未填报是否存在") % {"item": head} if met is None else ""
    if met is None:
        reason = (entry.detail or {}).get("reason") if entry is not None else ""
        return _("%(item)s：%(why)s") % {"item": head, "why": reason or _("尚未填报")}
    if met:
        return ""
    if not item.numeric:
        return _("%(item)s：未达标") % {"item": head}
    parts = []
    if entry.value is not None and check(item.rule, entry.value, item.threshold) is False:
        parts.append(_("%(what)s %(value)s%(unit)s（标准 %(standard)s），%(gap)s") % {
            "what": item.measure, "value": _fmt(entry.value), "unit": item.unit,
            "standard": f"{'≥' if item.rule == MIN else '≤' if item.rule == MAX else '<'} {_fmt(item.threshold)}{item.unit}",
            "gap": _gap(item.rule, entry.value, item.threshold, item.unit)})
    second = item.second
    if second is not None and entry.value2 is not None and check(second.rule, entry.value2, second.threshold) is False:
        parts.append(_("%(what)s %(value)s%(unit)s（标准 %(standard)s），%(gap)s") % {
            "what": second.label, "value": _fmt(entry.value2), "unit": second.unit,
            "standard": f"{'≥' if second.rule == MIN else '≤'} {_fmt(second.threshold)}{second.unit}",
            "gap": _gap(second.rule, entry.value2, second.threshold, second.unit)})
    return f"{head}：{'；'.join(parts) or _('未达标')}"


def recognition_for(dossier: Dossier):
    """社会认可度 / 公众满意度 of the county from the questionnaires (surveys.results)."""
    from dudao.surveys.models import SurveyKind
    from dudao.surveys.results import county_recognition

    kind = SurveyKind.RECOGNITION if dossier.kind == "quality" else SurveyKind.SATISFACTION
    return county_recognition(dossier.region, year=dossier.survey_year or dossier.year, kind=kind)


def _recognition_part(dossier: Dossier, recognition) -> PartResult:
    label = _("社会认可度") if dossier.kind == "quality" else _("公众满意度")
    part = PartResult(Part.RECOGNITION, label, None, recognition=recognition, note=PART_NOTES[Part.RECOGNITION])
    if recognition is None or recognition.rate is None:
        part.reasons.append(_("还没有有效答卷。"))
        return part
    part.passes = recognition.passes
    if recognition.passes is False:
        if recognition.rate < recognition.pass_line:
            part.reasons.append(_("认可比例 %(rate)s%%，低于 %(line)s%% 达标线 %(gap)s 个百分点") % {
                "rate": _fmt(recognition.rate), "line": _fmt(recognition.pass_line),
                "gap": _fmt(recognition.pass_line - recognition.rate)})
        if recognition.target and recognition.valid < recognition.target:
            part.reasons.append(_("有效答卷 %(valid)s 份，未达到样本目标 %(target)s 份") % {
                "valid": recognition.valid, "target": recognition.target})
        if not part.reasons:
            part.reasons.append(_("未达标"))
    elif recognition.passes is None:
        part.reasons.append(_("有效答卷 %(valid)s 份，样本目标 %(target)s 份，尚不能判定") % {
            "valid": recognition.valid, "target": recognition.target})
    return part


def resources_part(dossier: Dossier) -> PartResult:
    """The stored monitoring results of the county, per stage (never recomputed here)."""
    from dudao.monitoring.models import AreaResult
    from dudao.monitoring.standards import get_scheme

    scheme = get_scheme(dossier.scheme)
    stored = {r.stage: r for r in AreaResult.objects.filter(scheme=dossier.scheme, year=dossier.year, region=dossier.region)}
    part = PartResult(Part.RESOURCES, str(Part.RESOURCES.label), None, note=PART_NOTES[Part.RESOURCES])
    verdicts = []
    for stage, label in (("primary", _("小学")), ("junior", _("初中"))):
        result = stored.get(stage)
        if result is None:
            part.stages.append(StageResources(stage, label, ""))
            part.reasons.append(_("%(stage)s：没有 %(year)s 年的监测结果，请先计算均衡发展监测") % {"stage": label, "year": dossier.year})
            verdicts.append(None)
            continue
        limit = scheme.cv_limit_for(stage)
        failing = [(code, cv, limit) for code, cv in sorted((result.cv or {}).items())
                   if limit is not None and (result.cv_pass or {}).get(code) is False and cv is not None]
        row = StageResources(stage, label, result.verdict, result.school_count, result.schools_passing, failing,
                             result.composite_cv, scheme.composite_limit_for(stage))
        part.stages.append(row)
        verdicts.append({"pass": True, "fail": False}.get(result.verdict))
        if result.verdict == "pass":
            continue
        if result.verdict == "insufficient":
            part.reasons.append(_("%(stage)s：监测数据不足") % {"stage": label})
            continue
        if scheme.school_min_met and result.schools_passing < result.school_count:
            part.reasons.append(_("%(stage)s：%(n)s 所学校未达到单校标准（%(p)s/%(t)s 所达标）") % {
                "stage": label, "n": result.school_count - result.schools_passing, "p": result.schools_passing,
                "t": result.school_count})
        for code, cv, lim in failing:
            part.reasons.append(_("%(stage)s %(code)s 差异系数 %(cv).3f，超过限值 %(limit).2f（超出 %(gap).3f）") % {
                "stage": label, "code": code, "cv": cv, "limit": lim, "gap": cv - lim})
        if row.composite_limit is not None and result.composite_cv is not None and result.composite_cv > row.composite_limit:
            part.reasons.append(_("%(stage)s 综合差异系数 %(cv).3f，超过限值 %(limit).2f（超出 %(gap).3f）") % {
                "stage": label, "cv": result.composite_cv, "limit": row.composite_limit,
                "gap": result.composite_cv - row.composite_limit})
        if not part.reasons:
            part.reasons.append(_("%(stage)s：未达标") % {"stage": label})
    part.passes = combine(verdicts)
    return part


def dossier_verdict(dossier: Dossier, *, recognition=None) -> DossierVerdict:
    """Every part of the dossier judged, with the reasons (see the module docstring)."""
    entries = {e.code: e for e in dossier.items.all()}
    counts: dict[str, int] = {}
    for code in dossier.evidence.values_list("code", flat=True):
        counts[code] = counts.get(code, 0) + 1
    if recognition is None:
        recognition = recognition_for(dossier)
    parts = []
    for code in PARTS[dossier.kind]:
        if code == Part.RESOURCES:
            parts.append(resources_part(dossier))
            continue
        if code == Part.RECOGNITION:
            parts.append(_recognition_part(dossier, recognition))
            continue
        part = PartResult(code, str(Part(code).label), None, note=PART_NOTES[code])
        for item in item_defs(dossier.kind):
            if item.part != code:
                continue
            entry = entries.get(item.code)
            if item.computed == "recognition":
                rate_passes = recognition.passes if recognition is not None else None
                met = None if rate_passes is None else bool(rate_passes)
            elif item.rule == VETO:
                met = None if entry is None or entry.met is None else not entry.met
            else:
                met = entry.met if entry is not None else None
            result = ItemResult(item, entry, met, evidence=counts.get(item.code, 0))
            result.reason = _item_reason(item, entry, met)
            part.items.append(result)
        part.passes = combine([r.met for r in part.items])
        part.reasons = [r.reason for r in part.items if r.met is not True and r.reason]
        parts.append(part)
    return DossierVerdict(combine([p.passes for p in parts]), parts)
