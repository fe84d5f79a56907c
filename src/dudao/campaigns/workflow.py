"""A campaign's life as one explicit table: which step leads from which states to which, who may
take it, and what it needs. `services.campaign_transition`, the detail page's buttons and the API
all read this table, so a button is shown exactly when the step would be accepted.

Roles are relative to one campaign (`role_of`):

- "office"  office staff of the owning office or of an office above it, and admins (`may_manage_campaign`);
- "leader"  an office leader (Role.OFFICE_LEADER) of the owning office or above: approves or returns
            the plan (审批); nobody else does, not even the system administrator.

Procedure (issue [9] item 2, frameworks.md §4): the office drafts the 实施方案 and submits it (送审);
a leader approves it or returns it to draft with a reason; only then does the notice go out (发布通知)
and the schools inspect themselves (自查自纠) until the deadline; the teams inspect on site; the
office gives the preliminary opinion (初步意见), hears the unit's defence (申辩), gives the final
opinion (最终意见); the units rectify, are re-inspected (复查) and the office writes the summary.
A campaign may be cancelled (撤销) with a reason at any time before it is closed.

Self-inspection is skipped for a campaign without a self-inspection deadline and for 暗访
(`Campaign.has_self_inspection`): after approval such a campaign goes straight to the on-site phase
(`condition` "no_self").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from dudao.campaigns.models import CampaignState

if TYPE_CHECKING:
    from dudao.campaigns.models import Campaign
    from dudao.people.models import User

OFFICE, LEADER = "office", "leader"
ROLE_LABELS = {OFFICE: _("督导室工作人员"), LEADER: _("督导室领导")}

S = CampaignState
FINISHED = (S.CLOSED, S.CANCELLED)
UNFINISHED = tuple(s for s in S.values if s not in FINISHED)
# dates a step needs: field name -> label (the error names the label)
DATE_LABELS = {
    "self_deadline": _("自查截止"), "onsite_start": _("实地督导开始"), "onsite_end": _("实地督导结束"),
    "defence_deadline": _("申辩截止"), "rectification_deadline": _("整改期限"),
}


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    from_states: tuple[str, ...]
    to_state: str
    roles: frozenset[str]
    needs_note: bool = False
    note_label: str = ""
    needs_dates: tuple[str, ...] = ()
    # "self": only for a campaign with self-inspection; "no_self": only for one without; "": any
    condition: str = ""
    needs_schools: bool = False  # the scope must hold at least one school

    def applies_to(self, campaign: Campaign) -> bool:
        if campaign.state not in self.from_states:
            return False
        if self.condition == "self":
            return campaign.has_self_inspection
        if self.condition == "no_self":
            return not campaign.has_self_inspection
        return True


def _t(name, label, from_states, to_state, roles, **kwargs) -> Transition:
    return Transition(name, label, tuple(str(s) for s in from_states), str(to_state), frozenset(roles), **kwargs)


ONSITE_DATES = ("onsite_start", "onsite_end")
ACTIONS: dict[str, Transition] = {t.name: t for t in [
    _t("submit", _("送审"), [S.DRAFT], S.SUBMITTED, {OFFICE}, needs_schools=True),
    _t("approve", _("审批通过"), [S.SUBMITTED], S.APPROVED, {LEADER}, note_label=_("审批意见")),
    _t("return", _("退回修改"), [S.SUBMITTED], S.DRAFT, {LEADER}, needs_note=True, note_label=_("退回原因")),
    _t("notify", _("发布通知"), [S.APPROVED], S.SELF_INSPECTION, {OFFICE}, condition="self", needs_schools=True,
       needs_dates=("self_deadline", *ONSITE_DATES)),
    _t("start_onsite", _("开始实地督导"), [S.SELF_INSPECTION], S.ONSITE, {OFFICE}, needs_dates=ONSITE_DATES),
    # no self-inspection (none planned, or 暗访): from approval straight to the on-site phase
    _t("start_onsite_direct", _("开始实地督导"), [S.APPROVED], S.ONSITE, {OFFICE}, condition="no_self",
       needs_schools=True, needs_dates=ONSITE_DATES),
    _t("preliminary", _("反馈初步意见"), [S.ONSITE], S.PRELIMINARY, {OFFICE}, needs_dates=("defence_deadline",),
       note_label=_("说明")),
    _t("open_defence", _("受理申辩"), [S.PRELIMINARY], S.DEFENCE, {OFFICE}),
    _t("final", _("反馈最终意见"), [S.DEFENCE], S.FINAL, {OFFICE}),
    _t("rectify", _("进入整改"), [S.FINAL], S.RECTIFICATION, {OFFICE}, needs_dates=("rectification_deadline",)),
    _t("reinspect", _("开始复查"), [S.RECTIFICATION], S.REINSPECTION, {OFFICE}),
    _t("summarize", _("进入总结"), [S.REINSPECTION], S.SUMMARY, {OFFICE}),
    _t("close", _("结束项目"), [S.SUMMARY], S.CLOSED, {OFFICE}),
    _t("cancel", _("撤销项目"), UNFINISHED, S.CANCELLED, {OFFICE}, needs_note=True, note_label=_("撤销原因")),
]}
# The order of the phases, for the detail page's timeline: (state, the date field that plans it)
PHASES: list[tuple[str, str]] = [
    (S.DRAFT, ""), (S.SUBMITTED, ""), (S.APPROVED, "notice_date"), (S.SELF_INSPECTION, "self_deadline"),
    (S.ONSITE, "onsite_start"), (S.PRELIMINARY, "preliminary_date"), (S.DEFENCE, "defence_deadline"),
    (S.FINAL, "final_date"), (S.RECTIFICATION, "rectification_deadline"), (S.REINSPECTION, "reinspection_date"),
    (S.SUMMARY, "summary_date"), (S.CLOSED, ""),
]
# A campaign's plan (实施方案, scope, dates) may be edited only while it is a draft (new or returned).
EDITABLE_STATES = (S.DRAFT,)


def role_of(user: User, campaign: Campaign) -> set[str]:
    from dudao.campaigns.access import may_approve_campaign, may_manage_campaign

    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return set()
    roles: set[str] = set()
    if may_manage_campaign(user, campaign):
        roles.add(OFFICE)
    if may_approve_campaign(user, campaign):
        roles.add(LEADER)
    return roles


def missing_requirements(campaign: Campaign, transition: Transition) -> dict[str, list[str]]:
    """What the campaign still lacks for the step (dates of the plan, schools in scope), by field, in
    Chinese: the service refuses with exactly these messages, the page shows them on a disabled button."""
    from django.utils.translation import gettext

    missing: dict[str, list[str]] = {
        name: [gettext("请先在实施方案中填写%(what)s日期。") % {"what": DATE_LABELS[name]}]
        for name in transition.needs_dates if getattr(campaign, name) is None}
    if transition.needs_schools and campaign.is_government:
        # 督政: the scope is government units (governance.CampaignUnit, reached through the relation)
        if not campaign.units.exists():
            missing["scope"] = [gettext("督导范围内还没有政府单位，请先确定督政对象。")]
    elif transition.needs_schools and not campaign.schools.exists():
        missing["scope"] = [gettext("督导范围内还没有学校，请先确定督导范围。")]
    return missing


def _steps(user: User, campaign: Campaign) -> list[Transition]:
    roles = role_of(user, campaign)
    return [t for t in ACTIONS.values() if t.applies_to(campaign) and roles & t.roles]


def allowed_actions(user: User, campaign: Campaign) -> list[Transition]:
    """The steps this user may take on the campaign now, in table order (drives the buttons): the
    state and the user's role allow it and the plan has what it needs. Only a required reason
    (退回原因, 撤销原因) is left to the form."""
    return [t for t in _steps(user, campaign) if not missing_requirements(campaign, t)]


def blocked_actions(user: User, campaign: Campaign) -> list[tuple[Transition, list[str]]]:
    """Steps the user could take in this state but for missing dates or schools, with the reasons
    (shown as disabled buttons, so the office sees what to fill in)."""
    blocked = []
    for t in _steps(user, campaign):
        missing = missing_requirements(campaign, t)
        if missing:
            blocked.append((t, [m for messages in missing.values() for m in messages]))
    return blocked


def table() -> list[dict]:
    """The transition table in readable form (docs, the help page)."""
    return [{"name": t.name, "label": str(t.label), "from": [str(S(s).label) for s in t.from_states],
             "to": str(S(t.to_state).label), "roles": [str(ROLE_LABELS[r]) for r in sorted(t.roles)],
             "dates": [str(DATE_LABELS[d]) for d in t.needs_dates], "note": t.needs_note} for t in ACTIONS.values()]
