"""The daily job: reminders before and after the deadline, the escalation ladder climbed in order and
never twice, office ladders over the default, weekends, dispute answers overdue."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from dudao.findings.escalation import (
    DEFAULT_LADDER,
    effective_deadline,
    findings_daily,
    findings_install_defaults,
    ladder_for,
)
from dudao.findings.models import EscalationRecord, EscalationStep, Finding, FindingPolicy
from dudao.findings.services import finding_transition
from dudao.notifications.models import Notification

MONDAY = date(2031, 3, 3)
assert MONDAY.weekday() == 0


@pytest.fixture
def defaults(ledger):
    findings_install_defaults()
    return ledger


def _notified(ledger, *, deadline: date, school=None, **extra) -> Finding:
    finding = ledger.make(school, found_on=deadline - timedelta(days=30), deadline=deadline, **extra)
    return finding_transition(by=ledger.cast.city_staff, finding=finding, action="notify")


def _to(username: str) -> list[str]:
    return list(Notification.objects.filter(recipient__username=username).order_by("id").values_list("title", flat=True))


def test_defaults_install_once_with_their_sources(ledger):
    assert findings_install_defaults() == 1 + len(DEFAULT_LADDER)
    assert findings_install_defaults() == 0
    policy = FindingPolicy.objects.get(office__isnull=True)
    assert policy.dispute_answer_days == 30 and "地方规定" in policy.source and "§" not in policy.source
    steps = list(EscalationStep.objects.filter(office__isnull=True).values_list("order", "days_overdue", "action"))
    assert steps == [(1, 0, "notify_county_head"), (2, 15, "notify_city_office"), (3, 30, "summons"), (4, 60, "bulletin"),
                     (5, 90, "accountability")]
    assert all("本地默认值" in s.source for s in EscalationStep.objects.filter(office__isnull=True))


def test_trigger_categories_are_a_builtin_dictionary(db):
    from dudao.system.models import DictionaryItem

    triggers = DictionaryItem.objects.filter(dict_type="accountability_trigger", is_builtin=True)
    assert triggers.count() == 6 and all("问责办法" in t.source for t in triggers)


def test_reminders_before_the_deadline_once(defaults):
    ledger = defaults
    finding = _notified(ledger, deadline=MONDAY + timedelta(days=7))
    Notification.objects.all().delete()
    assert findings_daily(MONDAY)["reminded_before"] == 1
    assert _to("t_school") == [f"整改期限还有 7 天：{finding.unit_name}"] and len(_to("t_supervisor")) == 1
    assert findings_daily(MONDAY)["reminded_before"] == 0  # a rerun the same day sends nothing
    assert len(_to("t_school")) == 1 and finding.events.filter(action="remind").count() == 1
    assert findings_daily(MONDAY + timedelta(days=1))["reminded_before"] == 0  # 6 days left: not a reminder day
    assert findings_daily(MONDAY + timedelta(days=4))["reminded_before"] == 1  # 3 days left
    assert finding.events.filter(action="remind").count() == 2


def test_office_policy_decides_the_reminder_days(defaults):
    ledger = defaults
    FindingPolicy.objects.create(office=ledger.ningxiang, remind_days_before="5，0", source="宁乡")
    finding = _notified(ledger, deadline=MONDAY + timedelta(days=7))
    assert findings_daily(MONDAY)["reminded_before"] == 0
    assert findings_daily(MONDAY + timedelta(days=2))["reminded_before"] == 1
    assert findings_daily(finding.deadline)["reminded_before"] == 1  # "0" = on the day
    assert _to("t_school")[-1] == f"整改期限今天到期：{finding.unit_name}"


def test_deadline_today_is_not_overdue(defaults):
    ledger = defaults
    finding = _notified(ledger, deadline=MONDAY)
    result = findings_daily(MONDAY)
    assert result["escalated"] == 0 and result["reminded_overdue"] == 0
    assert not finding.escalations.exists()
    result = findings_daily(MONDAY + timedelta(days=1))
    assert result["escalated"] == 1 and result["reminded_overdue"] == 1
    assert _to("t_school")[-1].startswith("整改已逾期 1 天")


def test_a_deadline_in_a_public_holiday_runs_to_the_next_working_day():
    # 国庆、中秋 2025: 10月1日至8日放假；9月28日（周日）、10月11日（周六）上班
    assert effective_deadline(date(2025, 10, 3)) == date(2025, 10, 9)
    assert effective_deadline(date(2025, 10, 11)) == date(2025, 10, 11)  # a Saturday worked in lieu
    assert effective_deadline(date(2025, 9, 28)) == date(2025, 9, 28)


def test_a_deadline_on_a_weekend_runs_to_monday(defaults):
    ledger = defaults
    saturday = MONDAY - timedelta(days=2)
    assert effective_deadline(saturday) == MONDAY and effective_deadline(MONDAY) == MONDAY
    finding = _notified(ledger, deadline=saturday)
    assert findings_daily(saturday + timedelta(days=1))["escalated"] == 0  # Sunday
    assert findings_daily(MONDAY)["escalated"] == 0
    assert finding.is_overdue(MONDAY)  # the ledger still shows it red: deadline < today
    assert findings_daily(MONDAY + timedelta(days=1))["escalated"] == 1
    assert list(finding.escalations.values_list("action", flat=True)) == ["notify_county_head"]


def test_the_ladder_is_climbed_in_order_and_never_twice(defaults):
    ledger = defaults
    finding = _notified(ledger, deadline=MONDAY - timedelta(days=40))  # the job first runs 40 days late
    assert findings_daily(MONDAY)["escalated"] == 3
    records = list(finding.escalations.order_by("id").values_list("action", "step__order"))
    assert records == [("notify_county_head", 1), ("notify_city_office", 2), ("summons", 3)]
    finding.refresh_from_db()
    assert finding.escalation_level == 3
    assert findings_daily(MONDAY)["escalated"] == 0  # rerun: idempotent
    assert findings_daily(MONDAY + timedelta(days=5))["escalated"] == 0
    assert findings_daily(MONDAY + timedelta(days=20))["escalated"] == 1  # 60 days: 通报
    assert findings_daily(MONDAY + timedelta(days=50))["escalated"] == 1  # 90 days: 问责
    assert findings_daily(MONDAY + timedelta(days=51))["escalated"] == 0
    assert finding.escalations.count() == 5 and finding.events.filter(action="escalate").count() == 5
    summons = finding.escalations.get(action="summons").data
    assert summons["subject_class"] == "school" and summons["days_overdue"] == 40
    accountability = finding.escalations.get(action="accountability").data
    assert accountability["subject_class"] == "school" and accountability["subject_class_label"] == "学校及其他教育机构"
    assert accountability["trigger"] == "safety" and accountability["trigger_label"] == "安全问题多发或拒不接受教育督导"
    assert accountability["method"] == "" and "约谈" in accountability["method_options"]
    assert accountability["aggravating"]  # summoned and bulletined before, still not rectified
    assert accountability["investigation_due"] == (MONDAY + timedelta(days=50 + 60)).isoformat()


def test_an_extension_does_not_repeat_steps_already_done(defaults):
    ledger = defaults
    finding = _notified(ledger, deadline=MONDAY - timedelta(days=3))  # a Friday
    assert findings_daily(MONDAY)["escalated"] == 1
    finding = finding_transition(by=ledger.cast.county_staff, finding=finding, action="extend", note="暴雨停工",
                                 data={"deadline": (MONDAY + timedelta(days=10)).isoformat()})  # a Thursday
    assert findings_daily(MONDAY + timedelta(days=5))["escalated"] == 0  # not late any more
    assert findings_daily(MONDAY + timedelta(days=12))["escalated"] == 0  # late again: step 1 was done already
    assert findings_daily(MONDAY + timedelta(days=25))["escalated"] == 1  # 15 days after the new deadline: step 2
    assert list(EscalationRecord.objects.filter(finding=finding).values_list("step__order", flat=True)) == [1, 2]


def test_who_hears_of_each_step(defaults):
    from dudao.people.models import Role
    from dudao.people.services import role_grant_add

    ledger = defaults
    _notified(ledger, deadline=MONDAY - timedelta(days=31))
    Notification.objects.all().delete()
    findings_daily(MONDAY)
    assert any("提醒县级督导室负责人" in t for t in _to("t_leader"))  # the county head (leader)
    assert any("报告市级督导室" in t for t in _to("t_city"))  # the city office
    assert any("约谈" in t for t in _to("t_school"))  # the unit learns it is summoned
    assert not _to("t_outsider") and not _to("t_multi") and not _to("t_evaluator")
    # Without a leader account, the county office's staff hear the first step.
    role_grant_add(user=ledger.cast.nobody, role=Role.OFFICE_STAFF, office=ledger.wangcheng, schools=[])
    other = _notified(ledger, school=ledger.cast.B1, office=ledger.wangcheng, deadline=MONDAY - timedelta(days=3))
    findings_daily(MONDAY)
    assert any("提醒县级督导室负责人" in t and other.unit_name in t for t in _to("t_multi"))


def test_an_office_ladder_overrides_the_default(defaults):
    ledger = defaults
    EscalationStep.objects.create(office=ledger.ningxiang, order=1, days_overdue=5, action="summons", source="宁乡规定")
    EscalationStep.objects.create(office=ledger.changsha, order=1, days_overdue=1, action="bulletin", source="长沙规定")
    assert [s.action for s in ladder_for(ledger.ningxiang)] == ["summons"]  # nearest office wins
    assert [s.action for s in ladder_for(ledger.wangcheng)] == ["bulletin"]  # the city's ladder reaches 望城
    assert [s.action for s in ladder_for(ledger.hunan)] == [a for _, _, a, _ in DEFAULT_LADDER]
    finding = _notified(ledger, deadline=MONDAY - timedelta(days=3))
    assert findings_daily(MONDAY)["escalated"] == 0
    assert findings_daily(MONDAY + timedelta(days=2))["escalated"] == 1
    assert list(finding.escalations.values_list("action", flat=True)) == ["summons"]
    # An office that switched its ladder off escalates nothing (it does not fall back to the default).
    EscalationStep.objects.filter(office=ledger.ningxiang).update(is_active=False)
    assert ladder_for(ledger.ningxiang) == []


def test_only_findings_the_unit_must_act_on_escalate(defaults):
    ledger = defaults
    cast = ledger.cast
    reported = _notified(ledger, deadline=MONDAY - timedelta(days=20))
    from tests.findings.conftest import photo

    finding_transition(by=cast.school_user, finding=reported, action="report", note="已整改", files=[photo()])
    never_notified = ledger.make(found_on=MONDAY - timedelta(days=40), deadline=MONDAY - timedelta(days=21))
    closed = _notified(ledger, deadline=MONDAY - timedelta(days=20))
    finding_transition(by=cast.county_staff, finding=closed, action="cancel", note="重复登记")
    Notification.objects.all().delete()
    result = findings_daily(MONDAY)
    assert result["escalated"] == 0 and not EscalationRecord.objects.exists()
    # The finding never notified reminds the office on its weekly day (21 days late), not the unit.
    assert result["reminded_overdue"] == 1
    assert _to("t_county") == [f"问题已超过整改期限仍未下发整改通知：{never_notified.unit_name}"]
    assert not _to("t_school")


def test_dispute_answer_overdue_reminds_the_office(defaults):
    ledger = defaults
    cast = ledger.cast
    finding = _notified(ledger, deadline=MONDAY + timedelta(days=60))
    finding = finding_transition(by=cast.school_user, finding=finding, action="dispute", note="非本校责任")
    due = finding.dispute_due
    Notification.objects.all().delete()
    assert findings_daily(due)["dispute_reminded"] == 0
    assert findings_daily(due + timedelta(days=1))["dispute_reminded"] == 1
    assert findings_daily(due + timedelta(days=1))["dispute_reminded"] == 0
    assert findings_daily(due + timedelta(days=3))["dispute_reminded"] == 0
    assert findings_daily(due + timedelta(days=7))["dispute_reminded"] == 1
    assert len(_to("t_county")) == 2 and len(_to("t_leader")) == 2 and not _to("t_school")
    assert "申辩答复已逾期 1 天" in _to("t_county")[0]


def test_without_any_ladder_nothing_escalates_but_reminders_go(ledger):
    finding = _notified(ledger, deadline=MONDAY + timedelta(days=1))
    result = findings_daily(MONDAY + timedelta(days=2))
    assert result["escalated"] == 0 and result["reminded_overdue"] == 1
    assert finding.events.filter(action="remind").count() == 1


def test_the_daily_job_is_registered():
    from dudao.core.schedule import get_job

    job = get_job("findings.daily")
    assert job is not None and job.load() is findings_daily
