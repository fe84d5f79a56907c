"""Team services: members and their kinds, one leader, one team per person per campaign, 回避
refusals with their Chinese messages, the allocation stored, who may act."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from dudao.campaigns import teams as svc
from dudao.campaigns.models import Campaign, CampaignEvent, CampaignSchool, MemberKind, TeamMember, TieKind
from tests.campaigns.teams_world import build_world


@pytest.fixture
def world(cast, county_campaign):
    return build_world(cast)


def _messages(exc: ValidationError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "error_dict") else exc.messages


def _entry(campaign, school) -> CampaignSchool:
    return CampaignSchool.objects.get(campaign=campaign, school=school)


def test_members_of_each_kind_with_section_and_phone(cast, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    sup = svc.team_member_add(team=team, user=world.inspector, by=cast.county_staff)
    staff = svc.team_member_add(team=team, user=world.staff, section="纪检监察", phone="0731-1", by=cast.county_staff)
    third = svc.team_member_add(team=team, user=world.third, section="湖南某评估公司", by=cast.county_staff)
    assert (sup.kind, sup.section, sup.phone) == (MemberKind.SUPERVISOR, "督导室", "13800000001")
    assert (staff.kind, staff.section, staff.phone) == (MemberKind.STAFF, "纪检监察", "0731-1")
    assert (third.kind, third.section, third.phone) == (MemberKind.THIRD_PARTY, "湖南某评估公司", "13900000003")


def test_kind_must_match_the_account(cast, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    with pytest.raises(ValidationError) as exc:
        svc.team_member_add(team=team, user=world.staff, kind=MemberKind.SUPERVISOR, section="普教", by=cast.county_staff)
    assert _messages(exc.value) == ["宁乡领导没有督学档案，也不是第三方评估机构账号，请以“机关工作人员”身份加入。"]
    with pytest.raises(ValidationError) as exc:
        svc.team_member_add(team=team, user=world.staff, by=cast.county_staff)
    assert _messages(exc.value) == ["请填写机关工作人员所在科室（如 普教、纪检监察）。"]
    with pytest.raises(ValidationError) as exc:
        svc.team_member_add(team=team, user=world.third, by=cast.county_staff)
    assert _messages(exc.value) == ["请填写第三方评估机构的名称。"]
    assert not TeamMember.objects.exists()


def test_exactly_one_leader(cast, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    first = svc.team_member_add(team=team, user=world.inspector, by=cast.county_staff)
    second = svc.team_member_add(team=team, user=world.staff, section="普教", by=cast.county_staff)
    assert [m.user for m in team.members.filter(is_leader=True)] == [world.inspector]  # the first member leads
    third = svc.team_member_add(team=team, user=world.third, section="评估公司", is_leader=True, by=cast.county_staff)
    assert [m.pk for m in team.members.filter(is_leader=True)] == [third.pk]
    svc.team_leader_set(member=second, by=cast.county_staff)
    assert [m.pk for m in team.members.filter(is_leader=True)] == [second.pk]
    successor = svc.team_member_remove(member=second, by=cast.county_staff)
    assert successor.pk == first.pk  # the member who joined first among those left
    assert [m.pk for m in team.members.filter(is_leader=True)] == [first.pk]


def test_one_team_per_person_per_campaign(cast, county_campaign, world, small_version):
    one = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    two = svc.team_create(campaign=county_campaign, name="第二组", by=cast.county_staff)
    svc.team_member_add(team=one, user=world.staff, section="宣教", by=cast.county_staff)
    with pytest.raises(ValidationError) as exc:
        svc.team_member_add(team=two, user=world.staff, section="宣教", by=cast.county_staff)
    assert _messages(exc.value) == ["宁乡领导已在本项目的“第一组”中，一人只能加入一个督查组。"]
    other = Campaign.objects.create(kind="special", name="另一项目", office=county_campaign.office, year=2026,
                                    framework_version=small_version, created_by=cast.county_staff)
    elsewhere = svc.team_create(campaign=other, name="第一组", by=cast.county_staff)
    assert svc.team_member_add(team=elsewhere, user=world.staff, section="宣教", by=cast.county_staff).pk


def test_adding_a_member_tied_to_an_allocated_school_is_refused(cast, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    svc.campaign_school_move(entry=_entry(county_campaign, cast.A1), team=team, by=cast.county_staff)
    with pytest.raises(ValidationError) as exc:
        svc.team_member_add(team=team, user=world.inspector, by=cast.county_staff)
    assert _messages(exc.value) == ["张督学与本组已分配的测试宁乡一小存在回避关系（挂牌责任督学），不能加入“第一组”。"]
    svc.school_tie_add(user=world.staff, school=cast.A1, kind=TieKind.WORKED, note="2015—2020 任副校长", by=cast.county_staff)
    with pytest.raises(ValidationError) as exc:
        svc.team_member_add(team=team, user=world.staff, section="普教", by=cast.county_staff)
    assert _messages(exc.value) == ["宁乡领导与本组已分配的测试宁乡一小存在回避关系（曾任职：2015—2020 任副校长），不能加入“第一组”。"]
    assert not team.members.exists()


def test_a_move_that_creates_a_conflict_is_refused(cast, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    svc.team_member_add(team=team, user=world.third, section="评估公司", by=cast.county_staff)
    svc.school_tie_add(user=world.third, school=cast.A2, kind=TieKind.RELATIVE, note="配偶任教", by=cast.county_staff)
    with pytest.raises(ValidationError) as exc:
        svc.campaign_school_move(entry=_entry(county_campaign, cast.A2), team=team, by=cast.county_staff)
    assert _messages(exc.value) == ["评估公司甲（第一组成员）与测试宁乡二中存在回避关系（亲属任职：配偶任教），不能将该校分配给“第一组”。"]
    assert _entry(county_campaign, cast.A2).team is None
    svc.campaign_school_move(entry=_entry(county_campaign, cast.A3), team=team, by=cast.county_staff)
    assert _entry(county_campaign, cast.A3).team == team


def test_a_past_assignment_outside_the_window_is_no_conflict(cast, county_campaign, world):
    # 挂牌 counts on the days of the on-site window (2026-09-20 … 10-10): one that ended before is no tie
    from dudao.zones.models import Assignment

    Assignment.objects.filter(supervisor__user=world.inspector).update(ends_on="2026-06-30")
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    svc.team_member_add(team=team, user=world.inspector, by=cast.county_staff)
    svc.campaign_school_move(entry=_entry(county_campaign, cast.A1), team=team, by=cast.county_staff)
    assert svc.conflicts_of(county_campaign) == []


def test_auto_allocation_swaps_a_conflict_away(cast, county_campaign, world):
    # Three schools, two teams (shares 2 and 1). The county group (A2, A3) goes whole to 第一组;
    # A1's township has room only in 第二组, where 张督学 must avoid it: A1 swaps with A2 (the first
    # school of 第一组 by code that 第二组 may take).
    one = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    two = svc.team_create(campaign=county_campaign, name="第二组", by=cast.county_staff)
    svc.team_member_add(team=one, user=world.staff, section="普教", by=cast.county_staff)
    svc.team_member_add(team=two, user=world.inspector, by=cast.county_staff)
    result = svc.allocation_run(campaign=county_campaign, by=cast.county_staff)
    placed = {e.school.name: e.team.name for e in CampaignSchool.objects.filter(campaign=county_campaign)}
    assert placed == {"测试宁乡一小": "第一组", "测试宁乡二中": "第二组", "测试宁乡三幼": "第一组"}
    assert result.counts == {"第一组": 2, "第二组": 1} and result.conflicts == []
    assert CampaignEvent.objects.filter(campaign=county_campaign, action="allocate").count() == 1


def test_without_conflicts_townships_stay_together(cast, county_campaign, world):
    one = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    svc.team_create(campaign=county_campaign, name="第二组", by=cast.county_staff)
    svc.team_member_add(team=one, user=world.staff, section="普教", by=cast.county_staff)
    result = svc.allocation_run(campaign=county_campaign, by=cast.county_staff)
    placed = {e.school.name: e.team.name for e in CampaignSchool.objects.filter(campaign=county_campaign)}
    assert placed == {"测试宁乡一小": "第二组", "测试宁乡二中": "第一组", "测试宁乡三幼": "第一组"}
    assert result.split_townships == []


def test_every_school_conflicting_everywhere_is_reported(cast, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    svc.team_member_add(team=team, user=world.inspector, by=cast.county_staff)
    result = svc.allocation_run(campaign=county_campaign, by=cast.county_staff)
    assert [(c.member.user.display_name, c.school.name, c.reason) for c in result.conflicts] == [
        ("张督学", "测试宁乡一小", "挂牌责任督学")]


@pytest.mark.parametrize("persona", ["county_leader", "supervisor", "school_user", "evaluator", "outsider", "multi", "nobody"])
def test_only_the_office_staff_manage_teams(cast, county_campaign, world, persona):
    with pytest.raises(PermissionDenied):
        svc.team_create(campaign=county_campaign, name="第一组", by=getattr(cast, persona))
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.city_staff)  # an office above may
    with pytest.raises(PermissionDenied):
        svc.allocation_run(campaign=county_campaign, by=getattr(cast, persona))
    with pytest.raises(PermissionDenied):
        svc.team_member_add(team=team, user=world.staff, section="普教", by=getattr(cast, persona))


def test_a_person_outside_the_office_cannot_be_added(cast, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    with pytest.raises(ValidationError) as exc:
        svc.team_member_add(team=team, user=cast.evaluator, section="某机构", by=cast.county_staff)
    assert _messages(exc.value) == ["不能添加评估机构：该账号不是本督导室（含下级）的督学，也不是您管理的账号。"]


def test_ties_are_recorded_by_the_office_of_the_school(cast, world):
    with pytest.raises(PermissionDenied):
        svc.school_tie_add(user=world.staff, school=cast.A1, kind=TieKind.WORKED, by=cast.multi)  # 望城 staff
    tie = svc.school_tie_add(user=world.staff, school=cast.A1, kind=TieKind.WORKED, by=cast.county_staff)
    with pytest.raises(ValidationError) as exc:
        svc.school_tie_add(user=world.staff, school=cast.A1, kind=TieKind.WORKED, by=cast.county_staff)
    assert _messages(exc.value) == ["宁乡领导与测试宁乡一小的该项回避关系已登记。"]
    assert list(svc.ties_visible_to(cast.county_staff)) == [tie]
    assert list(svc.ties_visible_to(cast.multi)) == []


def test_deleting_a_team_unallocates_its_schools(cast, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=cast.county_staff)
    svc.allocation_run(campaign=county_campaign, by=cast.county_staff)
    svc.team_delete(team=team, by=cast.county_staff)
    assert CampaignSchool.objects.filter(campaign=county_campaign, team__isnull=True).count() == 3


def test_a_relatives_tie_that_ended_before_the_window_no_longer_counts(cast, county_campaign, world):
    # window 2026-09-20 … 10-10: a relative who left on 09-19 is no tie; having worked there always is
    import datetime as dt

    svc.school_tie_add(user=world.staff, school=cast.A2, kind=TieKind.RELATIVE, end=dt.date(2026, 9, 19), by=None)
    svc.school_tie_add(user=world.staff, school=cast.A3, kind=TieKind.WORKED, end=dt.date(2010, 7, 31), by=None)
    svc.school_tie_add(user=world.staff, school=cast.A1, kind=TieKind.OTHER, end=dt.date(2026, 9, 20), note="兼职", by=None)
    reasons = svc.tie_reasons(campaign=county_campaign, user_ids=[world.staff.pk])
    assert reasons == {(world.staff.pk, cast.A3.pk): ["曾任职"], (world.staff.pk, cast.A1.pk): ["其他利害关系：兼职"]}
