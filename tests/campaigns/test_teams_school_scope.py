"""Team members read the schools allocated to their team while the campaign runs, through the one
scope mechanism (campaigns/access.py `team_school_ids`, added with `extend_school_scope`): a
supervisor on top of their zone's schools (the zones rule is composed, not replaced), a bureau staff
account without a role of its own likewise; not before approval, not after the summary; reading
only — the acting set (挂牌 schools) does not grow."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.access import clear_scope_cache, get_scope, may_act_on_school
from dudao.campaigns.models import CampaignState, MemberKind
from dudao.campaigns.teams import team_create, team_member_add
from dudao.people.models import User
from dudao.schools.models import School
from tests.campaigns.states import move_to
from tests.campaigns.teams_world import build_world
from tests.personas import PASSWORD


def reads(user) -> set[int]:
    clear_scope_cache(user)
    return set(School.objects.visible_to(user).values_list("pk", flat=True))


@pytest.fixture
def team_world(county_campaign, cast):
    world = build_world(cast)
    staff = User.objects.create_user(username="t_jijian", password=PASSWORD, full_name="纪检监察科李")
    team = team_create(campaign=county_campaign, name="第一组", by=None)
    team_member_add(team=team, user=world.inspector, by=None, kind=MemberKind.SUPERVISOR, section="督导室")
    team_member_add(team=team, user=staff, by=None, kind=MemberKind.STAFF, section="纪检监察")
    county_campaign.schools.filter(school__in=[cast.A2, cast.A3]).update(team=team)
    return county_campaign, world, staff


def test_a_supervisor_reads_the_team_schools_on_top_of_the_zone(team_world, cast):
    campaign, world, _staff = team_world
    zone = reads(world.inspector)
    assert cast.A1.pk in zone and cast.A2.pk not in zone  # draft: the zone rule only
    move_to(campaign, CampaignState.ONSITE)
    now = reads(world.inspector)
    assert now == zone | {cast.A2.pk, cast.A3.pk}
    assert not may_act_on_school(world.inspector, cast.A2)  # reading, not acting
    assert cast.A2.pk not in get_scope(world.inspector).acting_school_ids


def test_a_staff_account_without_a_role_reads_them_during_the_campaign_only(team_world, cast, client):
    campaign, _world, staff = team_world
    assert reads(staff) == set()
    move_to(campaign, CampaignState.SELF_INSPECTION)
    assert reads(staff) == {cast.A2.pk, cast.A3.pk}
    client.force_login(staff)
    assert client.get(reverse("schools:detail", args=[cast.A2.pk])).status_code == 200
    assert client.get(reverse("schools:detail", args=[cast.A1.pk])).status_code == 404
    move_to(campaign, CampaignState.SUMMARY)
    assert reads(staff) == set()
    assert client.get(reverse("schools:detail", args=[cast.A2.pk])).status_code == 404


def test_the_third_party_member_keeps_its_window_rule(team_world, cast):
    campaign, world, _staff = team_world
    move_to(campaign, CampaignState.ONSITE)
    assert reads(world.third) == {cast.A3.pk}  # its listed school; its window is not open (2026-09-20…)
