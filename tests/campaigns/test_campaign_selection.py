"""Scope selection (campaigns/selection.py): region with filters, hand-picked schools, stratified
random sample with a recorded seed — property tests of the allocation and the draw, hand-computed
cases, and the rules against the database (inside the office, inside the user's scope)."""

from __future__ import annotations

import math

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.campaigns.models import Campaign, CampaignEvent, CampaignSchool
from dudao.campaigns.selection import ScopeSpec, allocate, draw, preview, resolve, stratum_of
from dudao.campaigns.services import campaign_scope_apply
from dudao.regions.models import Office, Region
from dudao.schools.models import School

KINDS = ["primary", "junior", "kindergarten", "nine_year", "teaching_point"]


# --- allocation: hand-computed ---------------------------------------------------------------------------
@pytest.mark.parametrize(("sizes", "n", "expected"), [
    ({"a": 6, "b": 3, "c": 1}, 5, {"a": 3, "b": 1, "c": 1}),  # quotas 3, 1.5, 0.5 -> 3, 1, max(1, 0)
    ({"a": 6, "b": 3, "c": 1}, 4, {"a": 2, "b": 1, "c": 1}),  # 2.4, 1.2, 0.4
    ({"a": 6, "b": 3, "c": 1}, 6, {"a": 3, "b": 2, "c": 1}),  # 3.6, 1.8, 0.6: floors 3+1+1, b's .8 wins the 6th
    ({"a": 6, "b": 3, "c": 1}, 7, {"a": 4, "b": 2, "c": 1}),  # 4.2, 2.1, 0.7
    ({"a": 6, "b": 3, "c": 1}, 2, {"a": 1, "b": 1, "c": 0}),  # fewer places than strata: the largest get one
    ({"a": 6, "b": 3, "c": 1}, 10, {"a": 6, "b": 3, "c": 1}),  # everyone
    ({"a": 6, "b": 3, "c": 1}, 50, {"a": 6, "b": 3, "c": 1}),
    ({"a": 1, "b": 1, "c": 98}, 10, {"a": 1, "b": 1, "c": 8}),  # the minimum of one is taken from the largest
])
def test_allocation_by_hand(sizes, n, expected):
    assert allocate(sizes, n) == expected


strata_sizes = st.dictionaries(st.text(alphabet="abcdefgh", min_size=1, max_size=3), st.integers(1, 60),
                               min_size=1, max_size=8)


@settings(max_examples=300, deadline=None)
@given(sizes=strata_sizes, n=st.integers(0, 400))
def test_allocation_adds_up_respects_strata_and_gives_each_one(sizes, n):
    shares = allocate(sizes, n)
    total = sum(sizes.values())
    assert sum(shares.values()) == min(n, total)
    assert all(0 <= shares[k] <= sizes[k] for k in sizes)
    if len(sizes) <= n:
        assert all(shares[k] >= 1 for k in sizes)
    for k in sizes:  # proportional: never more than the quota rounded up (or the minimum of one)
        assert shares[k] <= max(1, math.ceil(n * sizes[k] / total)), (k, shares)


def _fake_schools(kinds: list[str]) -> list[School]:
    return [School(pk=i + 1, code=f"31430{i:05d}", kind=kind, region_code="430182101", locality="rural",
                   ownership="public") for i, kind in enumerate(kinds)]


school_kinds = st.lists(st.sampled_from(KINDS), min_size=1, max_size=80)


@settings(max_examples=200, deadline=None)
@given(kinds=school_kinds, n=st.integers(1, 100), seed=st.integers(1, 2**31 - 1))
def test_the_same_seed_draws_the_same_sample_in_the_strata(kinds, n, seed):
    schools = _fake_schools(kinds)
    first = draw(schools, n=n, strata="kind", seed=seed)
    again = draw(list(reversed(schools)), n=n, strata="kind", seed=seed)  # the input order does not matter
    assert [(s.code, k) for s, k in first] == [(s.code, k) for s, k in again]
    assert len(first) == min(n, len(schools))
    assert len({s.code for s, _k in first}) == len(first)  # no school twice
    assert all(stratum_of(s, "kind") == k for s, k in first)  # each school in its own stratum
    sizes = {k: kinds.count(k) for k in set(kinds)}
    picked = {k: sum(1 for _s, kk in first if kk == k) for k in sizes}
    assert picked == allocate(sizes, n)


def test_a_different_seed_draws_differently():
    schools = _fake_schools(["primary"] * 40)
    samples = {tuple(s.code for s, _k in draw(schools, n=5, strata="kind", seed=seed)) for seed in range(1, 11)}
    assert len(samples) > 5


# --- against the database --------------------------------------------------------------------------------
@pytest.fixture
def ningxiang(cast):
    return Region.objects.get(code="430182")


def test_region_filters_by_kind_stage_locality_ownership(cast, ningxiang):
    office = Office.objects.get(region__code="430182")
    School.objects.filter(pk=cast.A2.pk).update(locality="rural", ownership="private")

    def names(**filters):
        spec = ScopeSpec(mode="region", region=ningxiang, filters=filters)
        return {s.name for s, _k in resolve(user=cast.county_staff, office=office, spec=spec)}

    assert names() == {"测试宁乡一小", "测试宁乡二中", "测试宁乡三幼"}
    assert names(kinds=["primary"]) == {"测试宁乡一小"}
    assert names(stages=["preschool"]) == {"测试宁乡三幼"}
    assert names(stages=["junior"]) == {"测试宁乡二中"}
    assert names(urban_rural=["rural"]) == {"测试宁乡二中"}
    assert names(ownership=["public"]) == {"测试宁乡一小", "测试宁乡三幼"}
    assert names(kinds=["primary"], ownership=["private"]) == set()


def test_region_must_be_inside_the_office(cast):
    office = Office.objects.get(region__code="430182")
    spec = ScopeSpec(mode="region", region=Region.objects.get(code="430112"))
    with pytest.raises(ValidationError) as err:
        resolve(user=cast.admin, office=office, spec=spec)
    assert err.value.message_dict["scope_region"] == ["范围区域须在组织督导室的辖区（宁乡市）之内。"]


def test_picked_schools_must_be_visible_and_inside_the_office(cast):
    office = Office.objects.get(region__code="430182")
    spec = ScopeSpec(mode="picked", school_ids=[cast.A1.pk, cast.B1.pk])
    with pytest.raises(ValidationError) as err:
        resolve(user=cast.city_staff, office=office, spec=spec)  # B1 is visible to the city, but 望城's
    assert err.value.message_dict["school_ids"] == ["所选学校中有 1 所不在您的权限范围或组织督导室的辖区之内。"]
    spec = ScopeSpec(mode="picked", school_ids=[cast.A1.pk, cast.A3.pk])
    assert [s.name for s, _k in resolve(user=cast.county_staff, office=office, spec=spec)] == ["测试宁乡一小", "测试宁乡三幼"]


def test_sample_preview_then_apply_records_seed_and_strata(cast, county_campaign, ningxiang):
    spec = ScopeSpec(mode="sample", region=ningxiang, sample_size=2, strata="kind")
    result = preview(user=cast.county_staff, office=county_campaign.office, spec=spec)
    assert result.count == 2 and result.population == 3 and result.seed is not None
    assert [(label, n) for label, n, _chosen in result.strata] == [("初级中学", 1), ("幼儿园", 1), ("小学", 1)]
    assert sorted(chosen for _label, _n, chosen in result.strata) == [0, 1, 1]
    assert sum(chosen for _label, _n, chosen in result.strata) == 2
    assert CampaignSchool.objects.filter(campaign=county_campaign).count() == 3  # preview saves nothing
    picked = {s.pk for s, _k in result.sample}

    seed = result.seed
    count = campaign_scope_apply(by=cast.county_staff, campaign=county_campaign,
                                 spec=ScopeSpec(mode="sample", region=ningxiang, sample_size=2, strata="kind", seed=seed))
    assert count == 2
    county_campaign.refresh_from_db()
    assert (county_campaign.scope_mode, county_campaign.sample_seed, county_campaign.sample_size,
            county_campaign.sample_strata) == ("sample", seed, 2, "kind")
    rows = {r.school_id: r.stratum for r in CampaignSchool.objects.filter(campaign=county_campaign)}
    assert set(rows) == picked
    assert all(rows[pk] == School.objects.get(pk=pk).kind for pk in rows)
    event = CampaignEvent.objects.filter(campaign=county_campaign, action="scope").get()
    assert event.note == f"分层随机抽样，共 2 所学校（随机种子 {seed}）"


def test_scope_apply_keeps_teams_and_is_draft_only(cast, county_campaign, ningxiang):
    from dudao.campaigns.models import Team

    team = Team.objects.create(campaign=county_campaign, name="第一组")
    CampaignSchool.objects.filter(campaign=county_campaign, school=cast.A1).update(team=team)
    campaign_scope_apply(by=cast.county_staff, campaign=county_campaign,
                         spec=ScopeSpec(mode="region", region=ningxiang, filters={"kinds": ["primary", "junior"]}))
    rows = dict(CampaignSchool.objects.filter(campaign=county_campaign).values_list("school_id", "team_id"))
    assert rows == {cast.A1.pk: team.pk, cast.A2.pk: None}
    with pytest.raises(PermissionDenied):
        campaign_scope_apply(by=cast.county_leader, campaign=county_campaign, spec=ScopeSpec(mode="region", region=ningxiang))
    Campaign.objects.filter(pk=county_campaign.pk).update(state="submitted")
    with pytest.raises(ValidationError):
        campaign_scope_apply(by=cast.county_staff, campaign=county_campaign, spec=ScopeSpec(mode="region", region=ningxiang))
