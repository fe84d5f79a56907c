"""Writing an office's own time limits and escalation ladder (the settings page).

The ledger's history depends on the ladder: an EscalationRecord points to the step that was
done, and "never twice" is "one record per finding and step". So a step that already has records
is never changed in meaning: saving the same (days overdue, action) keeps its row; a step
removed from the ladder is switched off (kept for the records) or deleted when nothing used it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from dudao.findings.models import EscalationAction, EscalationStep, FindingPolicy

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

PARKED = 1000  # orders are unique per office: existing steps move out of the way while renumbering


@transaction.atomic
def finding_policy_save(*, by: User, office: Office, remind_days_before: str, dispute_answer_days: int,
                        default_deadline_days: int, source: str = "") -> FindingPolicy:
    """The office's own time limits (domain-rules §1.8 gives the local defaults). The caller has
    checked `can_manage_office`."""
    policy, _created = FindingPolicy.objects.update_or_create(office=office, defaults={
        "remind_days_before": remind_days_before, "dispute_answer_days": dispute_answer_days,
        "default_deadline_days": default_deadline_days, "source": source.strip()[:200]})
    return policy


@transaction.atomic
def escalation_ladder_save(*, by: User, office: Office, steps: list[dict]) -> list[EscalationStep]:
    """Replace the office's ladder with `steps` (dicts of days_overdue, action, source, is_active),
    in order of days overdue. The caller has checked `can_manage_office`."""
    days = [int(s["days_overdue"]) for s in steps]
    if days != sorted(days):
        raise ValidationError(_("升级步骤应按逾期天数从少到多排列。"))
    if any(s["action"] not in EscalationAction.values for s in steps):
        raise ValidationError(_("请选择升级措施。"))
    existing = list(EscalationStep.objects.select_for_update().filter(office=office).order_by("order"))
    for step in existing:
        step.order += PARKED
        step.save(update_fields=["order", "updated_at"])
    used: set[int] = set()
    saved: list[EscalationStep] = []
    for order, data in enumerate(steps, start=1):
        match = next((s for s in existing if s.pk not in used and s.days_overdue == int(data["days_overdue"])
                      and s.action == data["action"]), None)
        if match is None:
            match = EscalationStep(office=office, days_overdue=int(data["days_overdue"]), action=data["action"])
        else:
            used.add(match.pk)
        match.order = order
        match.source = (data.get("source") or "").strip()[:200]
        match.is_active = bool(data.get("is_active"))
        match.save()
        saved.append(match)
    order = len(steps)
    for step in existing:
        if step.pk in used:
            continue
        if step.records.exists():
            order += 1
            step.order, step.is_active = order, False
            step.save(update_fields=["order", "is_active", "updated_at"])
        else:
            step.delete()
    return saved
