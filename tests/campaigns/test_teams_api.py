"""The team API answers what the pages do: same services, same Chinese refusals, one error shape."""

from __future__ import annotations

import pytest

from dudao.campaigns import teams as svc
from dudao.campaigns.models import TeamMember
from tests.campaigns.teams_world import build_world


@pytest.fixture
def world(cast, county_campaign):
    return build_world(cast)


def test_build_teams_and_allocate_through_the_api(cast, client, county_campaign, world):
    client.force_login(cast.county_staff)
    base = f"/api/v1/campaigns/{county_campaign.pk}"
    one = client.post(f"{base}/teams", {"name": "第一组"}, content_type="application/json").json()
    two = client.post(f"{base}/teams", {"name": "第二组"}, content_type="application/json").json()
    added = client.post(f"/api/v1/campaign-teams/{two['id']}/members", {"user_id": world.inspector.pk},
                        content_type="application/json")
    assert added.status_code == 201
    assert added.json() | {"id": 0} == {"id": 0, "user_id": world.inspector.pk, "name": "张督学", "kind": "supervisor",
                                         "section": "督导室", "phone": "13800000001", "is_leader": True}
    result = client.post(f"{base}/allocation", content_type="application/json").json()
    # shares 2 and 1: the county group (A2, A3) → 第一组; A1 → 第二组 (the only room), where 张督学
    # must avoid it, so A1 swaps with A2 — 回避 splits the county group.
    assert result == {"allocated": 3, "counts": {"第一组": 2, "第二组": 1}, "split_townships": ["宁乡市（直属）"],
                      "conflicts": [], "kept": 0}
    rows = {r["school_name"]: r["team_name"] for r in client.get(f"{base}/allocation").json()}
    assert rows == {"测试宁乡一小": "第一组", "测试宁乡二中": "第二组", "测试宁乡三幼": "第一组"}
    listed = client.get(f"{base}/teams").json()
    assert [(t["name"], t["school_count"], [m["name"] for m in t["members"]]) for t in listed] == [
        ("第一组", 2, []), ("第二组", 1, ["张督学"])]
    assert one["campaign_id"] == county_campaign.pk


def test_adding_a_tied_member_is_refused_in_the_error_shape(cast, client, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=None)
    svc.allocation_run(campaign=county_campaign, by=None)  # the only team takes every school
    client.force_login(cast.county_staff)
    response = client.post(f"/api/v1/campaign-teams/{team.pk}/members", {"user_id": world.inspector.pk},
                           content_type="application/json")
    message = "张督学与本组已分配的测试宁乡一小存在回避关系（挂牌责任督学），不能加入“第一组”。"
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "detail": message, "field": "user", "errors": {"user": [message]}}
    assert not TeamMember.objects.exists()


def test_a_person_outside_the_office_is_not_disclosed(cast, client, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=None)
    client.force_login(cast.county_staff)
    response = client.post(f"/api/v1/campaign-teams/{team.pk}/members", {"user_id": cast.outsider.pk},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["detail"] == "该人员不是本督导室（含下级）的督学，也不是您管理的账号。"


def test_conflicts_and_ties(cast, client, county_campaign, world):
    team = svc.team_create(campaign=county_campaign, name="第一组", by=None)
    svc.team_member_add(team=team, user=world.staff, section="普教", by=None)
    svc.allocation_run(campaign=county_campaign, by=None)
    client.force_login(cast.county_staff)
    tie = client.post("/api/v1/school-ties", {"user_id": world.staff.pk, "school_id": cast.A3.pk, "kind": "relative",
                                              "note": "丈夫任园长"}, content_type="application/json")
    assert tie.status_code == 201
    conflicts = client.get(f"/api/v1/campaigns/{county_campaign.pk}/conflicts").json()
    assert [(c["member"], c["school_name"], c["reason"]) for c in conflicts] == [("宁乡领导", "测试宁乡三幼", "亲属任职：丈夫任园长")]
    assert [t["school_name"] for t in client.get("/api/v1/school-ties", {"user_id": world.staff.pk}).json()] == ["测试宁乡三幼"]
