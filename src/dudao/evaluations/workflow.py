"""The review chain of a county dossier as one explicit table (like campaigns/workflow.py): which
step leads from which state to which, who may take it and what it needs. `services.dossier_step`,
the dossier page's buttons and the API read this table.

The chain (issue [10] item 2): the county office prepares the dossier and applies (申报) → the city
office reviews it: returns it to the county with its reasons, or forwards it (审核通过，报省) → the
province evaluates, with its own on-site verification as a 督政 campaign (`Dossier.campaign`): it
returns the dossier to the city with reasons, or submits it for national recognition (报国家认定,
only when the verdict passes and the verification campaign is named) → the national decision is
recorded by the province: recognised (已认定), or sent back to the province's evaluation.

Roles are levels relative to one dossier (`levels_of`): "county" = staff of the dossier's county
office; "city" = staff of the city office above it (for a county of a municipality directly under
the central government, which has no city, the province acts as the city); "province" = staff of
the province office above it. System admins hold every level. Leaders read only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from dudao.evaluations.models import DossierState

if TYPE_CHECKING:
    from dudao.evaluations.models import Dossier
    from dudao.people.models import User

COUNTY, CITY, PROVINCE = "county", "city", "province"
LEVEL_LABELS = {COUNTY: _("县级督导室"), CITY: _("市级督导室"), PROVINCE: _("省级督导室")}
S = DossierState
# Who holds the dossier in each state (their turn to act); the county edits only while it holds it.
HOLDER: dict[str, str] = {S.DRAFT: COUNTY, S.CITY_REVIEW: CITY, S.PROVINCE_REVIEW: PROVINCE, S.NATIONAL: PROVINCE, S.RECOGNISED: ""}
EDITABLE_STATES = (S.DRAFT,)


@dataclass(frozen=True)
class Step:
    name: str
    label: str
    from_state: str
    to_state: str
    level: str
    needs_note: bool = False
    note_label: str = ""
    needs_pass: bool = False  # the verdict must pass
    needs_campaign: bool = False  # the province's on-site verification must be named
    style: str = "primary"


STEPS: dict[str, Step] = {s.name: s for s in [
    Step("apply", _("提交申报"), S.DRAFT, S.CITY_REVIEW, COUNTY, note_label=_("申报说明")),
    Step("city_return", _("退回县级修改"), S.CITY_REVIEW, S.DRAFT, CITY, needs_note=True, note_label=_("退回原因"),
         style="danger"),
    Step("city_forward", _("审核通过，报省级评估"), S.CITY_REVIEW, S.PROVINCE_REVIEW, CITY, note_label=_("审核意见")),
    Step("province_return", _("退回市级"), S.PROVINCE_REVIEW, S.CITY_REVIEW, PROVINCE, needs_note=True,
         note_label=_("退回原因"), style="danger"),
    Step("submit_national", _("报国家认定"), S.PROVINCE_REVIEW, S.NATIONAL, PROVINCE, note_label=_("省级评估意见"),
         needs_pass=True, needs_campaign=True),
    Step("recognise", _("登记国家认定通过"), S.NATIONAL, S.RECOGNISED, PROVINCE, note_label=_("认定文件文号")),
    Step("national_return", _("国家认定未通过，退回省级评估"), S.NATIONAL, S.PROVINCE_REVIEW, PROVINCE, needs_note=True,
         note_label=_("未通过原因"), style="danger"),
]}
# The order of the chain, for the page's timeline
CHAIN = [S.DRAFT, S.CITY_REVIEW, S.PROVINCE_REVIEW, S.NATIONAL, S.RECOGNISED]


def levels_of(user: User, dossier: Dossier) -> set[str]:
    """The levels the user acts at on this dossier (office staff of the county, of the city above it,
    of the province above it; admins all). Sideways offices and leaders: none."""
    from dudao.access import get_scope

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    scope = get_scope(user)
    if scope.write_everything:
        return {COUNTY, CITY, PROVINCE}
    code = dossier.region.code
    parent = dossier.region.parent
    city_code = parent.code if parent is not None and len(parent.code) == 4 else code[:2]
    levels: set[str] = set()
    for root in scope.write_region_codes:
        if root == code:
            levels.add(COUNTY)
        if root == city_code:
            levels.add(CITY)
        if root == code[:2]:
            levels.add(PROVINCE)
    return levels


def may_edit(user: User, dossier: Dossier) -> bool:
    """The county edits its dossier (items, evidence, conditions) only while it holds it."""
    return dossier.state in EDITABLE_STATES and COUNTY in levels_of(user, dossier)


def missing_for(dossier: Dossier, step: Step, verdict=None) -> list[str]:
    """What the dossier still lacks for the step, in Chinese (the service refuses with these)."""
    from django.utils.translation import gettext

    missing = []
    if step.needs_campaign and dossier.campaign_id is None:
        missing.append(gettext("请先关联省级实地核查的督政项目。"))
    if step.needs_pass:
        if verdict is None:
            from dudao.evaluations.verdict import dossier_verdict

            verdict = dossier_verdict(dossier)
        if verdict.passes is not True:
            missing.append(gettext("评估结论尚未达到认定要求，不能报国家认定。"))
    return missing


def steps_for(user: User, dossier: Dossier) -> list[Step]:
    """Steps the state and the user's level allow (requirements not checked)."""
    levels = levels_of(user, dossier)
    return [s for s in STEPS.values() if s.from_state == dossier.state and s.level in levels]
