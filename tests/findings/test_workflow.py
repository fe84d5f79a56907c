"""The transition table, step by step, as every persona: allowed exactly for the roles in the table,
refused (403) for everyone else, refused with a Chinese message in a wrong state; each step an event."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import timezone

from dudao.access import finding_roles
from dudao.findings import workflow
from dudao.findings.models import Finding, FindingEvent, FindingState
from dudao.findings.services import finding_transition
from tests.findings.conftest import photo
from tests.personas import PERSONAS

# Roles each persona holds on a finding at A1 (宁乡 office, supervisor 王 = the cast's "supervisor").
ROLES_AT_A1 = {
    "admin": {"office"},
    "province_staff": {"office"},
    "city_staff": {"office"},
    "county_staff": {"office"},
    "county_leader": {"leader"},
    "supervisor": {"supervisor"},
    "school_user": {"unit"},
    "evaluator": set(),
    "outsider": set(),
    "multi": set(),
    "nobody": set(),
}


def _args(action: str) -> dict:
    t = workflow.ACTIONS[action]
    args: dict = {"note": "说明理由" if t.needs_note else ""}
    if t.needs_evidence:
        args["files"] = [photo()]
    if action == "extend":
        args["data"] = {"deadline": (timezone.localdate() + timedelta(days=90)).isoformat()}
    return args


def test_roles_of_every_persona(ledger):
    finding = ledger.make()
    for name, user in ledger.cast.personas().items():
        assert finding_roles(user, finding) == ROLES_AT_A1[name], name


def test_roles_of_a_user_holding_two(ledger):
    """Office staff who is also the finding's supervisor holds both roles; a leader above is a leader."""
    from dudao.people.models import Role
    from dudao.people.services import role_grant_add

    cast = ledger.cast
    role_grant_add(user=cast.supervisor, role=Role.OFFICE_STAFF, office=ledger.ningxiang, schools=[])
    from dudao.access import clear_scope_cache

    clear_scope_cache(cast.supervisor)
    finding = ledger.make()
    assert finding_roles(cast.supervisor, finding) == {"office", "supervisor"}
    # A finding at 望城 (B1): the county leader of 宁乡 has no role there at all.
    other = ledger.make(cast.B1, office=ledger.wangcheng)
    assert finding_roles(cast.county_leader, other) == set()
    assert finding_roles(cast.multi, other) == {"office"}


@pytest.mark.parametrize("action", list(workflow.ACTIONS))
def test_every_action_as_every_persona(ledger, action):
    transition = workflow.ACTIONS[action]
    start = transition.from_states[0]
    for name in PERSONAS:
        user = getattr(ledger.cast, name)
        finding = ledger.make()
        Finding.objects.filter(pk=finding.pk).update(state=start)
        finding.refresh_from_db()
        events_before = finding.events.count()
        may = bool(ROLES_AT_A1[name] & transition.roles)
        assert (transition in workflow.allowed_actions(user, finding)) is may, (action, name)
        if may:
            done = finding_transition(by=user, finding=finding, action=action, **_args(action))
            assert done.state == transition.target(start), (action, name)
            event = done.events.order_by("-id").first()
            assert (event.action, event.from_state, event.to_state, event.actor_id) == (
                action, start, done.state, user.pk)
            assert finding.events.count() == events_before + 1
        else:
            with pytest.raises(PermissionDenied) as excinfo:
                finding_transition(by=user, finding=finding, action=action, **_args(action))
            assert "无权" in str(excinfo.value)
            finding.refresh_from_db()
            assert finding.state == start and finding.events.count() == events_before, (action, name)


@pytest.mark.parametrize("action", list(workflow.ACTIONS))
def test_every_action_refused_in_every_other_state(ledger, action):
    transition = workflow.ACTIONS[action]
    role = sorted(transition.roles)[0]
    user = {"office": ledger.cast.county_staff, "supervisor": ledger.cast.supervisor, "unit": ledger.cast.school_user}[role]
    finding = ledger.make()
    for state in FindingState.values:
        if state in transition.from_states:
            continue
        Finding.objects.filter(pk=finding.pk).update(state=state)
        finding.refresh_from_db()
        assert transition not in workflow.allowed_actions(user, finding)
        with pytest.raises(ValidationError) as excinfo:
            finding_transition(by=user, finding=finding, action=action, **_args(action))
        assert "不能" in " ".join(excinfo.value.messages), (action, state)
        finding.refresh_from_db()
        assert finding.state == state


def test_finished_findings_offer_no_step(ledger):
    finding = ledger.make()
    for state in (FindingState.CLOSED, FindingState.CANCELLED):
        Finding.objects.filter(pk=finding.pk).update(state=state)
        finding.refresh_from_db()
        for user in ledger.cast.personas().values():
            assert workflow.allowed_actions(user, finding) == []


def test_reasons_are_required_in_chinese(ledger):
    cast = ledger.cast
    finding = ledger.make()
    finding_transition(by=cast.supervisor, finding=finding, action="notify")
    with pytest.raises(ValidationError) as excinfo:
        finding_transition(by=cast.school_user, finding=finding, action="dispute", note="  ")
    assert excinfo.value.message_dict["note"] == ["请填写申辩理由。"]
    with pytest.raises(ValidationError) as excinfo:
        finding_transition(by=cast.school_user, finding=finding, action="report", note="已清理")
    assert excinfo.value.message_dict["files"] == ["请上传整改佐证材料（照片或文件）。"]
    with pytest.raises(ValidationError) as excinfo:
        finding_transition(by=cast.county_staff, finding=finding, action="cancel")
    assert excinfo.value.message_dict["note"] == ["请填写撤销原因。"]
    with pytest.raises(ValidationError) as excinfo:
        finding_transition(by=cast.county_staff, finding=finding, action="no_such_step")
    assert excinfo.value.messages == ["未知的操作。"]
    assert finding.events.count() == 2  # created, notified — nothing for the refused attempts


def test_the_whole_road_to_closure(ledger):
    """notify → start → report → return → report → verify, each step an event with its actor."""
    cast = ledger.cast
    finding = ledger.make()
    finding = finding_transition(by=cast.supervisor, finding=finding, action="notify")
    assert finding.notified_at is not None
    finding = finding_transition(by=cast.school_user, finding=finding, action="start")
    finding = finding_transition(by=cast.school_user, finding=finding, action="report", note="已清理通道",
                                 files=[photo("a.png"), photo("b.png", "#3c3")])
    assert finding.state == "reported" and finding.reported_at is not None
    assert finding.evidence.count() == 2
    report_event = finding.events.get(action="report")
    assert set(finding.evidence.values_list("event_id", flat=True)) == {report_event.pk}
    finding = finding_transition(by=cast.supervisor, finding=finding, action="return", note="照片看不出通道已清理")
    assert finding.state == "returned" and finding.reported_at is None
    finding = finding_transition(by=cast.county_staff, finding=finding, action="report", note="补充照片",
                                 files=[photo("c.png", "#33c")])
    finding = finding_transition(by=cast.supervisor, finding=finding, action="verify", note="现场核查已整改")
    assert finding.state == "closed" and finding.closed_at is not None and finding.is_finished
    steps = list(finding.events.values_list("action", "to_state", "actor__username"))
    assert steps == [
        ("created", "open", None),
        ("notify", "notified", "t_supervisor"),
        ("start", "in_progress", "t_school"),
        ("report", "reported", "t_school"),
        ("return", "returned", "t_supervisor"),
        ("report", "reported", "t_county"),
        ("verify", "closed", "t_supervisor"),
    ]
    notice = finding.events.get(action="notify").data["notice"]
    # the number comes from the office's series (documents.DocumentSeries), never typed
    assert notice["number"].endswith(f"〔{notice['issued_on'][:4]}〕1号") and notice["deadline"] == finding.deadline.isoformat()


def test_dispute_gets_an_answer_due_date_from_the_policy(ledger):
    from dudao.findings.models import FindingPolicy

    FindingPolicy.objects.create(office=ledger.ningxiang, dispute_answer_days=20, source="宁乡本地规定")
    cast = ledger.cast
    today = timezone.localdate()
    finding = ledger.make()
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    finding = finding_transition(by=cast.school_user, finding=finding, action="dispute", note="该通道非本校管理")
    assert finding.state == "disputed" and finding.dispute_due == today + timedelta(days=20)
    assert finding.events.get(action="dispute").data["answer_days"] == 20
    with pytest.raises(PermissionDenied):  # the supervisor does not answer a dispute: the office does
        finding_transition(by=cast.supervisor, finding=finding, action="dispute_uphold", note="维持")
    finding = finding_transition(by=cast.county_staff, finding=finding, action="dispute_uphold", note="经核实，通道属本校")
    assert finding.state == "notified" and finding.dispute_due is None
    finding = finding_transition(by=cast.school_user, finding=finding, action="dispute", note="再次申辩")
    finding = finding_transition(by=cast.city_staff, finding=finding, action="dispute_accept", note="采纳")
    assert finding.state == "cancelled"


def test_dispute_without_policy_uses_the_default_row_or_30_days(ledger):
    from dudao.findings.models import FindingPolicy

    cast = ledger.cast
    finding = ledger.make()
    finding_transition(by=cast.county_staff, finding=finding, action="notify")
    finding = finding_transition(by=cast.school_user, finding=finding, action="dispute", note="理由")
    assert finding.dispute_due == timezone.localdate() + timedelta(days=30)  # §1.8 [L] model default
    FindingPolicy.objects.create(office=None, dispute_answer_days=25)
    FindingPolicy.objects.create(office=ledger.changsha, dispute_answer_days=10)  # the city's row reaches 宁乡
    other = ledger.make()
    finding_transition(by=cast.county_staff, finding=other, action="notify")
    other = finding_transition(by=cast.school_user, finding=other, action="dispute", note="理由")
    assert other.dispute_due == timezone.localdate() + timedelta(days=10)


def test_extend_moves_the_deadline_forward_only(ledger):
    cast = ledger.cast
    finding = ledger.make()
    old = finding.deadline
    with pytest.raises(ValidationError) as excinfo:
        finding_transition(by=cast.county_staff, finding=finding, action="extend", note="天气",
                           data={"deadline": (old - timedelta(days=1)).isoformat()})
    assert "须晚于原期限" in excinfo.value.messages[0]
    with pytest.raises(ValidationError):
        finding_transition(by=cast.county_staff, finding=finding, action="extend", note="天气", data={"deadline": "明天"})
    new = old + timedelta(days=14)
    finding = finding_transition(by=cast.county_staff, finding=finding, action="extend", note="施工周期长",
                                 data={"deadline": new.isoformat()})
    assert finding.deadline == new and finding.state == "open"
    assert finding.events.get(action="extend").data == {"old_deadline": old.isoformat(), "deadline": new.isoformat()}


def test_steps_notify_the_next_people_not_the_actor(ledger):
    from dudao.notifications.models import Notification

    cast = ledger.cast
    finding = ledger.make()
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"t_school", "t_supervisor"}
    Notification.objects.all().delete()
    finding_transition(by=cast.supervisor, finding=finding, action="notify")
    assert list(Notification.objects.values_list("recipient__username", flat=True)) == ["t_school"]
    Notification.objects.all().delete()
    finding_transition(by=cast.school_user, finding=finding, action="report", note="已整改", files=[photo()])
    assert set(Notification.objects.values_list("recipient__username", flat=True)) == {"t_supervisor", "t_county"}
    Notification.objects.all().delete()
    finding_transition(by=cast.supervisor, finding=finding, action="return", note="不合格")
    note = Notification.objects.get()
    assert note.recipient == cast.school_user and "不合格" in note.body and note.level == "warning"


def test_table_is_readable():
    rows = {row["name"]: row for row in workflow.table()}
    assert rows["verify"]["to"] == "已销号"
    assert set(rows["report"]["roles"]) == {"督导室", "被督导单位"}
    assert FindingEvent._meta.get_field("action").max_length >= max(len(a) for a in workflow.ACTIONS)
