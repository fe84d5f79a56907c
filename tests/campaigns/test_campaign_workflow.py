"""The campaign workflow table (campaigns/workflow.py) through the service, for every persona.

Who acts on the 宁乡 county office's campaign: office staff of 宁乡 or an office above it (county,
city, province staff) and admins take the office's steps; only an office leader of 宁乡 or above
approves or returns the plan — not staff, not the system admin. Everyone else is refused (403).
A step shown as a button (`allowed_actions`) is exactly a step the service accepts.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from dudao.campaigns import workflow
from dudao.campaigns.models import SCHOOLS_NOTIFIED, Campaign, CampaignEvent, CampaignState
from dudao.campaigns.services import campaign_transition, campaign_update
from dudao.notifications.models import Notification
from dudao.people.models import Role
from dudao.people.services import role_grant_add
from dudao.regions.models import Office
from tests.personas import PERSONAS

OFFICE = {"admin", "province_staff", "city_staff", "county_staff"}
LEADER = {"county_leader"}
ALL_DATES = {"preliminary_date": dt.date(2026, 10, 15), "defence_deadline": dt.date(2026, 10, 20),
             "final_date": dt.date(2026, 10, 25), "rectification_deadline": dt.date(2026, 11, 30)}


class Rollback(Exception):
    pass


def _attempt(user, campaign, action, state, *, note="理由") -> str:
    """Take the step from `state` in a savepoint that is rolled back: "ok", "403" or "400"."""
    try:
        with transaction.atomic():
            Campaign.objects.filter(pk=campaign.pk).update(state=state)
            campaign.refresh_from_db()
            try:
                campaign_transition(by=user, campaign=campaign, action=action, note=note)
            except PermissionDenied:
                return "403"
            except ValidationError:
                return "400"
            raise Rollback
    except Rollback:
        return "ok"


@pytest.fixture
def full_campaign(county_campaign):
    Campaign.objects.filter(pk=county_campaign.pk).update(**ALL_DATES)
    county_campaign.refresh_from_db()
    return county_campaign


@pytest.mark.parametrize("persona", PERSONAS)
def test_each_step_is_allowed_exactly_to_its_roles_and_buttons_agree(cast, full_campaign, persona):
    user = getattr(cast, persona)
    for state in CampaignState.values:
        Campaign.objects.filter(pk=full_campaign.pk).update(state=state)
        full_campaign.refresh_from_db()
        shown = {t.name for t in workflow.allowed_actions(user, full_campaign)}
        accepted = set()
        for name, transition in workflow.ACTIONS.items():
            outcome = _attempt(user, full_campaign, name, state)
            if outcome == "ok":
                accepted.add(name)
            elif transition.applies_to(full_campaign):
                assert outcome == "403", (persona, state, name, outcome)  # refused for the role, nothing else
        assert shown == accepted, (persona, state)
        roles = {"office"} if persona in OFFICE else {"leader"} if persona in LEADER else set()
        expected = {n for n, t in workflow.ACTIONS.items() if t.applies_to(full_campaign) and t.roles & roles}
        assert accepted == expected, (persona, state)


def test_the_table_by_hand(cast, full_campaign):
    """Hand-picked rows: what follows what, and who may take it."""
    staff, leader = cast.county_staff, cast.county_leader
    assert _attempt(staff, full_campaign, "submit", "draft") == "ok"
    assert _attempt(leader, full_campaign, "submit", "draft") == "403"  # the leader reads, approves; drafts no plan
    assert _attempt(staff, full_campaign, "approve", "submitted") == "403"
    assert _attempt(cast.admin, full_campaign, "approve", "submitted") == "403"
    assert _attempt(leader, full_campaign, "approve", "submitted") == "ok"
    assert _attempt(leader, full_campaign, "approve", "draft") == "400"
    assert _attempt(staff, full_campaign, "notify", "submitted") == "400"  # the notice only after approval
    assert _attempt(staff, full_campaign, "notify", "approved") == "ok"
    # with self-inspection the on-site phase follows it, never straight from approval
    assert _attempt(staff, full_campaign, "start_onsite_direct", "approved") == "400"
    assert _attempt(staff, full_campaign, "start_onsite", "self_inspection") == "ok"
    assert _attempt(staff, full_campaign, "final", "preliminary") == "400"  # the defence comes first
    assert _attempt(staff, full_campaign, "cancel", "closed") == "400"
    assert _attempt(staff, full_campaign, "cancel", "onsite") == "ok"
    assert _attempt(cast.multi, full_campaign, "cancel", "onsite") == "403"  # 望城 staff: beside, not above


def test_a_leader_above_approves_a_leader_beside_does_not(cast, full_campaign):
    city_leader = cast.nobody
    role_grant_add(user=city_leader, role=Role.OFFICE_LEADER, office=Office.objects.get(region__code="4301"))
    assert _attempt(city_leader, full_campaign, "approve", "submitted") == "ok"
    beside = cast.outsider
    role_grant_add(user=beside, role=Role.OFFICE_LEADER, office=Office.objects.get(region__code="430112"))
    assert _attempt(beside, full_campaign, "approve", "submitted") == "403"


def test_return_needs_a_reason_and_goes_back_to_draft(cast, full_campaign):
    Campaign.objects.filter(pk=full_campaign.pk).update(state="submitted")
    with pytest.raises(ValidationError) as err:
        campaign_transition(by=cast.county_leader, campaign=full_campaign, action="return", note="  ")
    assert err.value.message_dict["note"] == ["请填写退回原因。"]
    campaign = campaign_transition(by=cast.county_leader, campaign=full_campaign, action="return", note="经费测算不全")
    assert campaign.state == "draft"
    event = CampaignEvent.objects.filter(campaign=campaign).last()
    assert (event.action, event.from_state, event.to_state, event.note, event.actor) == (
        "return", "submitted", "draft", "经费测算不全", cast.county_leader)
    # a returned plan is editable again
    campaign_update(by=cast.county_staff, campaign=campaign, data={"purpose": "补充经费测算"})
    campaign.refresh_from_db()
    assert campaign.purpose == "补充经费测算"


def test_refusals_name_the_missing_dates_and_schools(cast, county_campaign):
    Campaign.objects.filter(pk=county_campaign.pk).update(state="approved", onsite_end=None)
    with pytest.raises(ValidationError) as err:
        campaign_transition(by=cast.county_staff, campaign=county_campaign, action="notify")
    assert err.value.message_dict == {"onsite_end": ["请先在实施方案中填写实地督导结束日期。"]}
    Campaign.objects.filter(pk=county_campaign.pk).update(state="onsite")
    with pytest.raises(ValidationError) as err:
        campaign_transition(by=cast.county_staff, campaign=county_campaign, action="preliminary")
    assert err.value.message_dict == {"defence_deadline": ["请先在实施方案中填写申辩截止日期。"]}
    Campaign.objects.filter(pk=county_campaign.pk).update(state="draft")
    county_campaign.schools.all().delete()
    with pytest.raises(ValidationError) as err:
        campaign_transition(by=cast.county_staff, campaign=county_campaign, action="submit")
    assert err.value.message_dict == {"scope": ["督导范围内还没有学校，请先确定督导范围。"]}
    with pytest.raises(PermissionDenied) as denied:
        campaign_transition(by=cast.county_leader, campaign=county_campaign, action="submit")
    assert "只有组织督导室（或上级督导室）的工作人员可以执行" in str(denied.value)


def test_edit_only_in_draft(cast, county_campaign):
    Campaign.objects.filter(pk=county_campaign.pk).update(state="approved")
    with pytest.raises(ValidationError) as err:
        campaign_update(by=cast.county_staff, campaign=county_campaign, data={"purpose": "x"})
    assert "只有草拟（含退回修改）的项目可以修改" in err.value.messages[0]
    Campaign.objects.filter(pk=county_campaign.pk).update(state="draft")
    with pytest.raises(PermissionDenied):
        campaign_update(by=cast.county_leader, campaign=county_campaign, data={"purpose": "x"})


def _walk(campaign, user, *steps):
    for action in steps:
        note = "理由" if workflow.ACTIONS[action].needs_note else ""
        campaign = campaign_transition(by=user, campaign=campaign, action=action, note=note)
    return campaign


def test_every_step_is_logged_in_order(cast, full_campaign):
    staff, leader = cast.county_staff, cast.county_leader
    campaign = _walk(full_campaign, staff, "submit")
    campaign = _walk(campaign, leader, "approve")
    campaign = _walk(campaign, staff, "notify", "start_onsite", "preliminary", "open_defence", "final", "rectify",
                     "reinspect", "summarize", "close")
    assert campaign.state == "closed" and campaign.approved_by == leader
    steps = list(CampaignEvent.objects.filter(campaign=campaign).exclude(action=SCHOOLS_NOTIFIED)
                 .values_list("from_state", "to_state"))
    assert steps == [("draft", "submitted"), ("submitted", "approved"), ("approved", "self_inspection"),
                     ("self_inspection", "onsite"), ("onsite", "preliminary"), ("preliminary", "defence"),
                     ("defence", "final"), ("final", "rectification"), ("rectification", "reinspection"),
                     ("reinspection", "summary"), ("summary", "closed")]


def _visible(user, campaign) -> bool:
    return Campaign.objects.visible_to(user).filter(pk=campaign.pk).exists()


def test_announced_campaign_tells_the_leader_then_the_schools_at_the_notice(cast, full_campaign):
    _walk(full_campaign, cast.county_staff, "submit")
    assert Notification.objects.filter(recipient=cast.county_leader, url=f"/campaigns/{full_campaign.pk}/").count() == 1
    _walk(full_campaign, cast.county_leader, "approve")
    assert Notification.objects.filter(recipient=cast.county_staff, title__contains="审批通过").exists()
    assert not Notification.objects.filter(recipient=cast.school_user).exists()
    assert not _visible(cast.school_user, full_campaign)
    _walk(full_campaign, cast.county_staff, "notify")
    told = Notification.objects.get(recipient=cast.school_user)
    assert told.title == "督导通知：测试宁乡综合督导"
    assert "2026-09-15 前完成学校自查" in told.body
    assert _visible(cast.school_user, full_campaign)


def test_unannounced_campaign_tells_the_schools_only_after_the_onsite_phase(cast, full_campaign):
    """暗访: no self-inspection; from approval straight on site; the schools are told with the
    preliminary opinion and read nothing of the campaign before."""
    with pytest.raises(ValidationError) as err:
        campaign_update(by=cast.county_staff, campaign=full_campaign, data={"unannounced": True})
    assert err.value.message_dict["self_deadline"] == ["暗访不提前通知学校，不安排学校自查，请清空自查截止日期。"]
    campaign_update(by=cast.county_staff, campaign=full_campaign, data={"unannounced": True, "self_deadline": None})
    full_campaign.refresh_from_db()
    _walk(full_campaign, cast.county_staff, "submit")
    full_campaign = _walk(full_campaign, cast.county_leader, "approve")
    assert [t.name for t in workflow.allowed_actions(cast.county_staff, full_campaign)] == [
        "start_onsite_direct", "cancel"]
    with pytest.raises(ValidationError):
        campaign_transition(by=cast.county_staff, campaign=full_campaign, action="notify")
    campaign = _walk(full_campaign, cast.county_staff, "start_onsite_direct")
    assert campaign.state == "onsite"
    assert not Notification.objects.filter(recipient=cast.school_user).exists()
    assert not CampaignEvent.objects.filter(campaign=campaign, action=SCHOOLS_NOTIFIED).exists()
    assert not _visible(cast.school_user, campaign)
    campaign = _walk(campaign, cast.county_staff, "preliminary")
    assert Notification.objects.filter(recipient=cast.school_user).count() == 1
    assert _visible(cast.school_user, campaign)


def test_announced_campaign_without_self_inspection_tells_schools_when_onsite_starts(cast, full_campaign):
    campaign_update(by=cast.county_staff, campaign=full_campaign, data={"self_deadline": None})
    full_campaign.refresh_from_db()
    _walk(full_campaign, cast.county_staff, "submit")
    _walk(full_campaign, cast.county_leader, "approve")
    assert not _visible(cast.school_user, full_campaign)
    _walk(full_campaign, cast.county_staff, "start_onsite_direct")
    assert Notification.objects.filter(recipient=cast.school_user).count() == 1
    assert _visible(cast.school_user, full_campaign)


def test_cancel_needs_a_reason_from_any_unfinished_state(cast, full_campaign):
    assert set(workflow.ACTIONS["cancel"].from_states) == set(CampaignState.values) - {"closed", "cancelled"}
    with pytest.raises(ValidationError) as err:
        campaign_transition(by=cast.county_staff, campaign=full_campaign, action="cancel")
    assert err.value.message_dict["note"] == ["请填写撤销原因。"]
    campaign = campaign_transition(by=cast.county_staff, campaign=full_campaign, action="cancel", note="上级统一部署取消")
    assert campaign.state == "cancelled"
    assert workflow.allowed_actions(cast.county_staff, campaign) == []


def test_a_step_missing_dates_is_shown_disabled_with_the_reason(cast, county_campaign, client):
    from django.urls import reverse

    Campaign.objects.filter(pk=county_campaign.pk).update(state="approved", onsite_end=None)
    county_campaign.refresh_from_db()
    assert "notify" not in {t.name for t in workflow.allowed_actions(cast.county_staff, county_campaign)}
    assert [(t.name, reasons) for t, reasons in workflow.blocked_actions(cast.county_staff, county_campaign)] == [
        ("notify", ["请先在实施方案中填写实地督导结束日期。"])]
    assert workflow.blocked_actions(cast.county_leader, county_campaign) == []
    client.force_login(cast.county_staff)
    page = client.get(reverse("campaigns:detail", kwargs={"pk": county_campaign.pk})).content.decode()
    assert 'data-testid="act-notify"' not in page and 'data-testid="blocked-notify"' in page
    assert "请先在实施方案中填写实地督导结束日期。" in page


def test_without_a_leader_of_its_own_the_nearest_leaders_above_are_asked(cast, full_campaign):
    from dudao.people.models import RoleGrant

    RoleGrant.objects.filter(user=cast.county_leader).delete()
    city_leader = cast.nobody
    role_grant_add(user=city_leader, role=Role.OFFICE_LEADER, office=Office.objects.get(region__code="4301"))
    _walk(full_campaign, cast.county_staff, "submit")
    assert Notification.objects.filter(recipient=city_leader, title__contains="送审").count() == 1
    assert not Notification.objects.filter(recipient=cast.county_leader).exists()


def test_team_members_hear_of_the_notice_and_told_schools_of_a_cancellation(cast, full_campaign):
    from dudao.campaigns.models import MemberKind, Team, TeamMember

    team = Team.objects.create(campaign=full_campaign, name="第一组")
    TeamMember.objects.create(team=team, user=cast.supervisor, kind=MemberKind.SUPERVISOR, is_leader=True)
    _walk(full_campaign, cast.county_staff, "submit")
    _walk(full_campaign, cast.county_leader, "approve")
    assert not Notification.objects.filter(recipient=cast.supervisor).exists()
    _walk(full_campaign, cast.county_staff, "notify")
    assert Notification.objects.filter(recipient=cast.supervisor, title__contains="发布通知").count() == 1
    campaign_transition(by=cast.county_staff, campaign=full_campaign, action="cancel", note="上级统一部署取消")
    for user in (cast.supervisor, cast.school_user):
        cancelled = Notification.objects.get(recipient=user, title__contains="撤销项目")
        assert cancelled.body == "上级统一部署取消" and cancelled.level == "warning"
    assert not Notification.objects.filter(recipient=cast.county_staff, title__contains="撤销项目").exists()  # not the actor
