"""Deadlines and escalation: the daily job (`findings_daily`) and the shipped defaults.

Once a day, for every unfinished finding:

1. **before the deadline** — the unit and the supervisor are reminded N days before it, for each N
   in the office's `FindingPolicy.remind_days_before` ("7,3,1");
2. **overdue** — reminded on the first day overdue and then weekly; a finding not yet notified
   reminds the office instead (the unit cannot be late for a notice it never got);
3. **escalation** — the office's ladder (EscalationStep rows: the nearest office up the tree that
   has a ladder, else the default ladder office=None) is climbed step by step: a step whose
   `days_overdue` has been reached is done once — an EscalationRecord, unique per finding and
   step, is the proof — so a rerun, a second worker or a missed day never escalates twice and a
   late run catches up in order;
4. **dispute answers** — a 申辩 not answered by `dispute_due` reminds the office (day one, then weekly).

Only findings the unit must act on escalate: notified, in progress, returned. A finding reported
(the unit did its part), disputed (the deadline waits for the answer) or not yet notified does not.

Weekends: a deadline that falls on a Saturday or Sunday runs to the following Monday before it
counts as missed (the usual rule for periods ending on a rest day; there is no 调休 calendar yet).
The ledger's red "overdue" flag stays the plain `deadline < today`.

Every reminder and step writes a FindingEvent (action "remind" / "escalate") once, so the history
shows what the system did and when.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta
from typing import TYPE_CHECKING

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.core.sources import DOCUMENTS, LEGACY, LOCAL_DEFAULT
from dudao.core.workdays import is_workday
from dudao.findings.models import (
    EscalationAction,
    EscalationRecord,
    EscalationStep,
    Finding,
    FindingEvent,
    FindingPolicy,
    FindingState,
)
from dudao.findings.services import office_users, policy_for, supervisor_users, tell, unit_users

if TYPE_CHECKING:
    from dudao.regions.models import Office

logger = logging.getLogger(__name__)

ACTIVE_STATES = (FindingState.NOTIFIED, FindingState.IN_PROGRESS, FindingState.RETURNED)  # the unit must act
REMIND_AGAIN_EVERY = 7  # overdue and dispute reminders: day one, then weekly

# --- shipped defaults (domain-rules §1.8 [L], §6.1 [S]); offices change them on the settings page ---
DEFAULT_POLICY = {
    "remind_days_before": "7,3,1",
    "dispute_answer_days": 30,
    "default_deadline_days": 30,
    "source": LEGACY["domain-rules §1.8 [L]：整改报告30日内报送、异议答复30日内作出（地方规定，作默认值，可修改）"],
}
LADDER_SOURCE = LOCAL_DEFAULT
DEFAULT_LADDER = [
    (1, 0, EscalationAction.NOTIFY_COUNTY_HEAD, LADDER_SOURCE + "：逾期即提醒县级督导室负责人"),
    (2, 15, EscalationAction.NOTIFY_CITY_OFFICE, LADDER_SOURCE + "：逾期15天报告市级督导室"),
    (3, 30, EscalationAction.SUMMONS, LADDER_SOURCE + "：逾期30天约谈（" + DOCUMENTS["问责办法"] + "规定的问责方式）"),
    (4, 60, EscalationAction.BULLETIN, LADDER_SOURCE + "：逾期60天督导通报（" + DOCUMENTS["问责办法"] + "规定的问责方式）"),
    (5, 90, EscalationAction.ACCOUNTABILITY, LADDER_SOURCE + "：逾期90天移交问责（" + DOCUMENTS["问责办法"] + "）"),
]

# 教育督导问责办法 (2021) §6.1: who is held accountable, and how (the committee decides the method).
TRIGGER_DICTIONARY = "accountability_trigger"
SUBJECT_CLASSES = {"government": "地方政府及有关部门", "school": "学校及其他教育机构", "person": "有关工作人员"}
UNIT_METHODS = ["公开批评", "约谈", "督导通报", "资源调整", "行政处罚"]
PERSON_METHODS = ["责令检查", "约谈", "通报批评", "组织处理", "处分", "移交监察机关或司法机关"]
INVESTIGATION_DAYS = 60  # 问责办法: investigation group within 60 days
# Problem category (problem_category dictionary) -> trigger category (accountability_trigger dictionary).
CATEGORY_TRIGGERS = {
    "conduct": "conduct", "fees": "conduct", "workload": "conduct", "curriculum": "conduct", "ethics": "conduct",
    "management": "conduct", "safety": "safety", "hygiene": "safety",
}


@transaction.atomic
def findings_install_defaults() -> int:
    """The default time-limit row and the default ladder (office=None); existing rows are kept."""
    created = 0
    if not FindingPolicy.objects.filter(office__isnull=True).exists():
        FindingPolicy.objects.create(office=None, **DEFAULT_POLICY)
        created += 1
    if not EscalationStep.objects.filter(office__isnull=True).exists():
        EscalationStep.objects.bulk_create([
            EscalationStep(office=None, order=order, days_overdue=days, action=action, source=source)
            for order, days, action, source in DEFAULT_LADDER
        ])
        created += len(DEFAULT_LADDER)
    return created


# --- dates ------------------------------------------------------------------------------------------
def effective_deadline(deadline: date) -> date:
    """A deadline on a rest day (a weekend, a public holiday) runs to the next working day, as
    deadlines do in Chinese administrative practice; a weekend day worked in lieu (调休) is a
    working day (core/workdays.py)."""
    while not is_workday(deadline):
        deadline += timedelta(days=1)
    return deadline


def days_overdue(finding: Finding, today: date) -> int:
    """Days since the (effective) deadline; 0 or less = not late."""
    return (today - effective_deadline(finding.deadline)).days


def remind_days(policy: FindingPolicy) -> set[int]:
    """"7,3,1" -> {7, 3, 1}; anything unreadable is ignored."""
    days: set[int] = set()
    for part in (policy.remind_days_before or "").replace("，", ",").split(","):
        part = part.strip()
        if part.isdigit() and int(part) <= 365:
            days.add(int(part))
    return days


def ladder_for(office: Office) -> list[EscalationStep]:
    """The active steps of the nearest office up the tree that has a ladder, else the default's."""
    from dudao.regions.selectors import offices_above

    chain = offices_above(office.region.code)
    steps = list(EscalationStep.objects.filter(office__in=chain).order_by("order"))
    for owner in chain:
        own = [s for s in steps if s.office_id == owner.pk]
        if own:
            return [s for s in own if s.is_active]
    return list(EscalationStep.objects.filter(office__isnull=True, is_active=True).order_by("order"))


def _upper_office(office: Office) -> Office | None:
    from dudao.regions.selectors import offices_above

    chain = offices_above(office.region.code)
    return chain[1] if len(chain) > 1 else None


# --- the daily job --------------------------------------------------------------------------------
class _Cache:
    def __init__(self) -> None:
        self.policies: dict[int, FindingPolicy] = {}
        self.ladders: dict[int, list[EscalationStep]] = {}

    def policy(self, office: Office) -> FindingPolicy:
        if office.pk not in self.policies:
            self.policies[office.pk] = policy_for(office)
        return self.policies[office.pk]

    def ladder(self, office: Office) -> list[EscalationStep]:
        if office.pk not in self.ladders:
            self.ladders[office.pk] = ladder_for(office)
        return self.ladders[office.pk]


def _remind_once(finding: Finding, *, key: str, kind: str, days: int, recipients, title: str, body: str,
                 level: str) -> bool:
    """One reminder event per key; notifications deduplicated per person by the same key."""
    if FindingEvent.objects.filter(finding=finding, action="remind", data__key=key).exists():
        return False
    with transaction.atomic():
        FindingEvent.objects.create(finding=finding, action="remind", from_state=finding.state, to_state=finding.state,
                                    note=title, data={"key": key, "kind": kind, "days": days})
        tell(recipients, finding=finding, title=title, body=body, level=level, dedupe_key=key)
    return True


def _before_deadline(today: date, cache: _Cache) -> int:
    horizon = today + timedelta(days=366)
    sent = 0
    qs = (Finding.objects.filter(state__in=ACTIVE_STATES, deadline__gte=today, deadline__lte=horizon)
          .select_related("office__region", "supervisor__user", "school"))
    for finding in qs.iterator(chunk_size=500):
        left = (finding.deadline - today).days
        if left not in remind_days(cache.policy(finding.office)):
            continue
        title = (_("整改期限今天到期：%(unit)s") if left == 0 else _("整改期限还有 %(n)s 天：%(unit)s")) % {
            "n": left, "unit": finding.unit_name}
        body = _("%(description)s\n整改期限：%(deadline)s") % {"description": finding.description[:200],
                                                          "deadline": finding.deadline.isoformat()}
        sent += _remind_once(finding, key=f"finding:{finding.pk}:due:{finding.deadline.isoformat()}:{left}", kind="before",
                             days=left, recipients=[*unit_users(finding), *supervisor_users(finding)], title=title,
                             body=body, level="warning" if left <= 3 else "info")
    return sent


def _repeats(days: int) -> bool:
    return days == 1 or (days > 0 and days % REMIND_AGAIN_EVERY == 0)


def _overdue(today: date) -> int:
    sent = 0
    qs = (Finding.objects.filter(state__in=(*ACTIVE_STATES, FindingState.OPEN), deadline__lt=today)
          .select_related("office__region", "supervisor__user", "school"))
    for finding in qs.iterator(chunk_size=500):
        late = days_overdue(finding, today)
        if not _repeats(late):
            continue
        if finding.state == FindingState.OPEN:
            title = _("问题已超过整改期限仍未下发整改通知：%(unit)s") % {"unit": finding.unit_name}
            recipients = [*office_users(finding.office), *supervisor_users(finding)]
        else:
            title = _("整改已逾期 %(n)s 天：%(unit)s") % {"n": late, "unit": finding.unit_name}
            recipients = [*unit_users(finding), *supervisor_users(finding)]
        body = _("%(description)s\n整改期限：%(deadline)s") % {"description": finding.description[:200],
                                                          "deadline": finding.deadline.isoformat()}
        sent += _remind_once(finding, key=f"finding:{finding.pk}:overdue:{finding.deadline.isoformat()}:{late}",
                             kind="overdue", days=late, recipients=recipients, title=title, body=body, level="urgent")
    return sent


def _dispute_answers(today: date) -> int:
    sent = 0
    qs = (Finding.objects.filter(state=FindingState.DISPUTED, dispute_due__lt=today)
          .select_related("office__region", "supervisor__user", "school"))
    for finding in qs.iterator(chunk_size=500):
        late = (today - finding.dispute_due).days
        if not _repeats(late):
            continue
        from dudao.people.models import Role

        title = _("申辩答复已逾期 %(n)s 天：%(unit)s") % {"n": late, "unit": finding.unit_name}
        body = _("答复期限：%(due)s。请尽快作出维持或采纳的答复。") % {"due": finding.dispute_due.isoformat()}
        sent += _remind_once(finding, key=f"finding:{finding.pk}:dispute:{finding.dispute_due.isoformat()}:{late}",
                             kind="dispute", days=late,
                             recipients=office_users(finding.office, [Role.OFFICE_STAFF, Role.OFFICE_LEADER]),
                             title=title, body=body, level="urgent")
    return sent


def _trigger(finding: Finding) -> tuple[str, str]:
    from dudao.system.models import DictionaryItem

    code = CATEGORY_TRIGGERS.get(finding.category, "duties") if finding.school_id else "duties"
    item = DictionaryItem.objects.filter(dict_type=TRIGGER_DICTIONARY, code=code).first()
    return code, item.label if item else ""


def _record_data(finding: Finding, step: EscalationStep, late: int, today: date) -> dict:
    data: dict = {"days_overdue": late, "deadline": finding.deadline.isoformat(), "state": finding.state}
    subject_class = "school" if finding.school_id else "government"
    if step.action in (EscalationAction.SUMMONS, EscalationAction.BULLETIN):
        data.update({"subject": finding.unit_name, "subject_class": subject_class,
                     "subject_class_label": SUBJECT_CLASSES[subject_class], "status": "to_arrange"})
    elif step.action == EscalationAction.ACCOUNTABILITY:
        code, label = _trigger(finding)
        earlier = set(finding.escalations.values_list("action", flat=True))
        aggravating = (["整改不力：已被约谈或通报后仍未整改"]
                       if earlier & {EscalationAction.SUMMONS, EscalationAction.BULLETIN} else [])
        data.update({
            "subject": finding.unit_name, "subject_class": subject_class,
            "subject_class_label": SUBJECT_CLASSES[subject_class],
            "trigger": code, "trigger_label": label,
            "basis": _("逾期 %(n)s 天未按整改通知书整改（《教育督导条例》第四章；《教育督导问责办法》）") % {"n": late},
            "method": "",  # decided by the supervision committee after the investigation (问责决定)
            "method_options": UNIT_METHODS, "person_method_options": PERSON_METHODS,
            "aggravating": aggravating,
            "investigation_due": (today + timedelta(days=INVESTIGATION_DAYS)).isoformat(),
            "status": "referred",
        })
    return data


def _step_recipients(finding: Finding, step: EscalationStep):
    from dudao.people.models import Role

    office = finding.office
    upper = _upper_office(office)
    if step.action == EscalationAction.NOTIFY_COUNTY_HEAD:
        heads = office_users(office, [Role.OFFICE_LEADER]) or office_users(office)
        return [*heads, *supervisor_users(finding)]
    if step.action == EscalationAction.NOTIFY_CITY_OFFICE:
        return office_users(upper, [Role.OFFICE_STAFF, Role.OFFICE_LEADER]) if upper else office_users(office)
    # 约谈 / 通报 / 问责: the office prepares it, the office above is told, the unit is informed.
    return [*office_users(office, [Role.OFFICE_STAFF, Role.OFFICE_LEADER]),
            *(office_users(upper) if upper else []), *unit_users(finding)]


def _escalate(finding_id: int, step: EscalationStep, today: date) -> bool:
    with transaction.atomic():
        finding = (Finding.objects.select_for_update(of=("self",))
                   .select_related("office__region", "supervisor__user", "school").get(pk=finding_id))
        late = days_overdue(finding, today)
        if finding.state not in ACTIVE_STATES or late < 1 or late < step.days_overdue:
            return False
        if EscalationRecord.objects.filter(finding=finding, step=step).exists():
            return False
        label = EscalationAction(step.action).label
        data = _record_data(finding, step, late, today)
        try:
            with transaction.atomic():
                record = EscalationRecord.objects.create(finding=finding, step=step, action=step.action, data=data,
                                                         note=_("逾期 %(n)s 天：%(action)s") % {"n": late, "action": label})
        except IntegrityError:  # another worker did this step first
            return False
        if step.order > finding.escalation_level:
            finding.escalation_level = step.order
            finding.save(update_fields=["escalation_level", "updated_at"])
        FindingEvent.objects.create(finding=finding, action="escalate", from_state=finding.state, to_state=finding.state,
                                    note=str(label), data={"step": step.pk, "order": step.order, "action": step.action,
                                                           "days_overdue": late, "record": record.pk})
        title = _("整改逾期升级（%(action)s）：%(unit)s") % {"action": label, "unit": finding.unit_name}
        body = _("%(description)s\n整改期限：%(deadline)s，已逾期 %(n)s 天。") % {
            "description": finding.description[:200], "deadline": finding.deadline.isoformat(), "n": late}
        tell(_step_recipients(finding, step), finding=finding, title=title, body=body,
             level="urgent" if step.order > 1 else "warning", dedupe_key=f"finding:{finding.pk}:escalation:{step.pk}")
    return True


def _escalations(today: date, cache: _Cache) -> int:
    done = 0
    qs = (Finding.objects.filter(state__in=ACTIVE_STATES, deadline__lt=today).select_related("office__region")
          .order_by("pk"))
    findings = list(qs.only("pk", "deadline", "office"))
    for start in range(0, len(findings), 500):  # the steps already done, one query per 500 findings
        chunk = findings[start:start + 500]
        recorded: dict[int, set[int]] = {}
        for finding_id, step_id in EscalationRecord.objects.filter(finding__in=[f.pk for f in chunk]).values_list(
                "finding_id", "step_id"):
            recorded.setdefault(finding_id, set()).add(step_id)
        for finding in chunk:
            late = days_overdue(finding, today)
            if late < 1:
                continue
            for step in cache.ladder(finding.office):  # in order: a late run catches up step by step
                if step.days_overdue <= late and step.pk not in recorded.get(finding.pk, set()):
                    done += _escalate(finding.pk, step, today)
    return done


def findings_daily(today: date | None = None) -> dict:
    """The daily job (scheduled in findings/schedule.py). Idempotent: running it again the same
    day, or on two workers, sends nothing twice and escalates nothing twice."""
    today = today or timezone.localdate()
    cache = _Cache()
    result = {
        "reminded_before": _before_deadline(today, cache),
        "reminded_overdue": _overdue(today),
        "escalated": _escalations(today, cache),
        "dispute_reminded": _dispute_answers(today),
    }
    logger.info("findings_daily %s: %s", today, result)
    return result
