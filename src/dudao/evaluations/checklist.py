"""The evidence checklist of a dossier: what it must contain, per part, and what is still missing.

Read from the verdict (`verdict.dossier_verdict`) so the checklist and the verdict never disagree:
an item is missing when it is not entered (or its base data cannot decide), and an entered item is
missing its evidence when `ItemDef.evidence` names documents and none was uploaded (items computed
from base data need no upload: the yearly data are the evidence).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from dudao.evaluations.items import Part
from dudao.evaluations.verdict import DossierVerdict


@dataclass
class CheckRow:
    code: str
    label: str
    required: list[str]
    have: int
    missing: list[str] = field(default_factory=list)
    item: bool = False  # an item the county enters (the page links to its form)

    @property
    def complete(self) -> bool:
        return not self.missing


@dataclass
class CheckPart:
    part: str
    label: str
    rows: list[CheckRow]

    @property
    def missing(self) -> int:
        return sum(1 for r in self.rows if r.missing)


def dossier_checklist(verdict: DossierVerdict, *, basic_passed_on=None) -> list[CheckPart]:
    parts = []
    for part in verdict.parts:
        rows: list[CheckRow] = []
        if part.part == Part.RESOURCES:
            for stage in part.stages:
                missing = [] if stage.verdict else [_("没有该年度的均衡发展监测结果")]
                rows.append(CheckRow(stage.stage, _("%(stage)s资源配置监测结果") % {"stage": stage.label},
                                     [_("年度基础数据及均衡发展监测结果（平台计算）")], 1 if stage.verdict else 0, missing))
        elif part.part == Part.RECOGNITION:
            rec = part.recognition
            missing = []
            if rec is None or not rec.surveys:
                missing.append(_("本年度还没有问卷调查"))
            elif rec.valid == 0:
                missing.append(_("还没有有效答卷"))
            elif rec.target and rec.valid < rec.target:
                missing.append(_("有效答卷 %(valid)s 份，未达到样本目标 %(target)s 份") % {"valid": rec.valid, "target": rec.target})
            rows.append(CheckRow("", part.label, [_("问卷调查结果（平台统计）")], len(rec.surveys) if rec else 0, missing))
        for result in part.items:
            item = result.item
            if item.computed == "recognition":
                continue
            missing = []
            entry = result.entry
            computed_ok = entry is not None and entry.computed and entry.met is not None
            if item.code == "C1" and basic_passed_on is None:
                missing.append(_("未填写基本均衡认定日期"))
            elif result.met is None and not computed_ok:
                missing.append(_("尚未填报") if entry is None or entry.met is None and entry.value is None
                               else _("需人工核实"))
            needs_upload = bool(item.evidence) and (not computed_ok or item.computed == "since_basic")  # a date needs its document
            if needs_upload and result.evidence == 0:
                missing.append(_("缺少佐证材料：%(what)s") % {"what": "、".join(item.evidence)})
            rows.append(CheckRow(item.code, item.label, list(item.evidence), result.evidence, missing, item=True))
        parts.append(CheckPart(part.part, part.label, rows))
    return parts


def missing_count(checklist: list[CheckPart]) -> int:
    return sum(p.missing for p in checklist)
