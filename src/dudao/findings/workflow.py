"""The rectification workflow as one explicit table: which step leads from which states to which,
and who may take it. Services (`finding_transition`), pages and the API all read this table, so
a button is shown exactly when the step would be accepted.

Roles are relative to one finding (`dudao.access.finding_roles`, the one copy of the rule):

- "office"      staff of the finding's office or of an office above it (`can_manage_office`), admins;
- "supervisor"  the finding's responsible supervisor (their account);
- "unit"        a school account of the finding's school (the unit that must rectify);
- "leader"      leaders of the office or above: they read, they take no step.

Procedure (domain-rules §1.6, §8): the office or the supervisor issues a 整改通知书 (notify); the
unit rectifies and reports with evidence; the supervisor or the office verifies (核查) and closes
it (销号) or returns it with reasons. The unit may argue its case (申辩) and the office answers
within the configured time (§1.8, FindingPolicy.dispute_answer_days).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext_lazy as _

from dudao.access import FINDING_LEADER, FINDING_OFFICE, FINDING_SUPERVISOR, FINDING_UNIT, finding_roles
from dudao.findings.models import FINISHED_STATES, FindingAction, FindingState

if TYPE_CHECKING:
    from dudao.findings.models import Finding
    from dudao.people.models import User

OFFICE, SUPERVISOR, UNIT, LEADER = FINDING_OFFICE, FINDING_SUPERVISOR, FINDING_UNIT, FINDING_LEADER
ROLE_LABELS = {OFFICE: _("督导室"), SUPERVISOR: _("责任督学"), UNIT: _("被督导单位"), LEADER: _("领导（只读）")}

S = FindingState
A = FindingAction  # the steps' names and labels live on the model
UNFINISHED = tuple(s for s in S.values if s not in FINISHED_STATES)


@dataclass(frozen=True)
class Transition:
    name: str
    label: str
    from_states: tuple[str, ...]
    to_state: str | None  # None: the state does not change (延期)
    roles: frozenset[str]
    needs_note: bool = False
    needs_evidence: bool = False
    note_label: str = ""  # what the note is called on the form ("退回原因")

    def target(self, current: str) -> str:
        return self.to_state or current


def _t(name, label, from_states, to_state, roles, *, needs_note=False, needs_evidence=False, note_label=""):
    # the plain string as the name: it is a dict key, a form prefix and a URL part
    return Transition(str(name), label, tuple(from_states), to_state, frozenset(roles), needs_note, needs_evidence,
                      note_label or "")


ACTIONS: dict[str, Transition] = {t.name: t for t in [
    _t(A.NOTIFY, A.NOTIFY.label, [S.OPEN], S.NOTIFIED, {OFFICE, SUPERVISOR}),
    _t(A.START, A.START.label, [S.NOTIFIED, S.RETURNED], S.IN_PROGRESS, {UNIT}),
    _t(A.REPORT, A.REPORT.label, [S.NOTIFIED, S.IN_PROGRESS, S.RETURNED], S.REPORTED, {UNIT, OFFICE},
       needs_note=True, needs_evidence=True, note_label=_("整改情况")),
    _t(A.VERIFY, A.VERIFY.label, [S.REPORTED], S.CLOSED, {SUPERVISOR, OFFICE}, note_label=_("核查意见")),
    _t(A.RETURN, A.RETURN.label, [S.REPORTED], S.RETURNED, {SUPERVISOR, OFFICE}, needs_note=True, note_label=_("退回原因")),
    _t(A.DISPUTE, A.DISPUTE.label, [S.NOTIFIED, S.IN_PROGRESS], S.DISPUTED, {UNIT}, needs_note=True, note_label=_("申辩理由")),
    _t(A.DISPUTE_UPHOLD, A.DISPUTE_UPHOLD.label, [S.DISPUTED], S.NOTIFIED, {OFFICE}, needs_note=True,
       note_label=_("答复意见")),
    _t(A.DISPUTE_ACCEPT, A.DISPUTE_ACCEPT.label, [S.DISPUTED], S.CANCELLED, {OFFICE}, note_label=_("答复意见")),
    _t(A.EXTEND, A.EXTEND.label, UNFINISHED, None, {OFFICE}, needs_note=True, note_label=_("延期理由")),
    _t(A.CANCEL, A.CANCEL.label, UNFINISHED, S.CANCELLED, {OFFICE}, needs_note=True, note_label=_("撤销原因")),
]}


def allowed_actions(user: User, finding: Finding) -> list[Transition]:
    """The steps this user may take on the finding now, in table order (drives the buttons)."""
    roles = finding_roles(user, finding)
    return [t for t in ACTIONS.values() if finding.state in t.from_states and roles & t.roles]


def table() -> list[dict]:
    """The transition table in readable form (docs, the help page)."""
    return [{"name": t.name, "label": str(t.label), "from": [str(S(s).label) for s in t.from_states],
             "to": str(S(t.to_state).label) if t.to_state else str(_("（不变）")),
             "roles": [str(ROLE_LABELS[r]) for r in sorted(t.roles)]} for t in ACTIONS.values()]
