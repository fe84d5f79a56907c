"""Every team URL (pages and API) as every persona: the campaign's office and those above read,
their staff manage, a member reads their own team, everyone else gets 404 — and the third-party
member only during the on-site window. Claimed by tests/access/coverage_campaigns_teams.py."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.campaigns import teams as svc
from dudao.campaigns.models import CampaignSchool, SchoolTie, Team, TeamMember
from dudao.people.models import Role, User
from dudao.people.services import role_grant_add
from tests.campaigns.teams_world import build_world
from tests.personas import PERSONAS

# URL names walked below without a name in a dict: "api-1:my_teams" (/api/v1/campaign-teams/mine),
# "api-1:list_school_ties", "api-1:create_school_tie", "api-1:delete_school_tie" (/api/v1/school-ties).
MANAGERS = {"admin", "province_staff", "city_staff", "county_staff"}
READERS = MANAGERS | {"county_leader"}
TIE_WRITERS = MANAGERS | {"multi"}


@pytest.fixture
def setup(cast, county_campaign):
    world = build_world(cast)
    one = svc.team_create(campaign=county_campaign, name="第一组", by=None)
    two = svc.team_create(campaign=county_campaign, name="第二组", by=None)
    leader = svc.team_member_add(team=one, user=world.inspector, by=None)
    third = svc.team_member_add(team=one, user=world.third, section="评估公司", by=None)
    staff = svc.team_member_add(team=two, user=world.staff, section="普教", by=None)
    svc.allocation_run(campaign=county_campaign, by=None)
    tie = svc.school_tie_add(user=world.staff, school=cast.A2, kind="worked", by=None)
    spare = []
    for n in (1, 2):
        user = User.objects.create_user(username=f"t_spare{n}", full_name=f"机关干部{n}")
        role_grant_add(user=user, role=Role.OFFICE_LEADER, office=world.office)
        spare.append(user)
    return {"spare": spare, "campaign": county_campaign, "one": one, "two": two, "leader": leader, "third": third, "staff": staff,
            "world": world, "tie": tie}


def _reads(s) -> dict[str, str]:
    c, one = s["campaign"].pk, s["one"].pk
    return {
        "campaigns:team_index": reverse("campaigns:team_index", kwargs={"pk": c}),
        "campaigns:team_sheet": reverse("campaigns:team_sheet", kwargs={"pk": c}),
        "campaigns:team_sheet_export": reverse("campaigns:team_sheet_export", kwargs={"pk": c}),
        "campaigns:team_detail": reverse("campaigns:team_detail", kwargs={"pk": one}),
        "api-1:list_campaign_teams": f"/api/v1/campaigns/{c}/teams",
        "api-1:get_allocation": f"/api/v1/campaigns/{c}/allocation",
        "api-1:list_conflicts": f"/api/v1/campaigns/{c}/conflicts",
        "api-1:get_campaign_team": f"/api/v1/campaign-teams/{one}",
    }


@pytest.mark.parametrize("persona", PERSONAS)
def test_reads(cast, client, setup, persona):
    client.force_login(getattr(cast, persona))
    for name, url in _reads(setup).items():
        response = client.get(url)
        expected = 200 if persona in READERS else 404
        assert response.status_code == expected, (name, persona, response.status_code)
        if expected == 404:
            assert "第一组" not in response.content.decode(errors="ignore"), (name, persona)


@pytest.mark.parametrize("persona", ["admin", "county_leader", "supervisor", "nobody"])
def test_sheet_pdf(cast, client, setup, persona):
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("campaigns:team_sheet_pdf", kwargs={"pk": setup["campaign"].pk}))
    if persona in READERS:
        assert response.status_code == 200 and response.content.startswith(b"%PDF")
    else:
        assert response.status_code == 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_my_teams_show_only_the_persons_teams(cast, client, setup, persona):
    client.force_login(getattr(cast, persona))
    page = client.get(reverse("campaigns:team_mine")).content.decode()
    api = client.get("/api/v1/campaign-teams/mine").json()
    member = persona == "county_leader"  # 宁乡领导 is in 第二组
    assert ("第二组" in page) == member and "第一组" not in page, persona
    assert [t["team"]["name"] for t in api] == (["第二组"] if member else []), persona


def test_members_read_their_own_team_and_schools(cast, client, setup):
    client.force_login(setup["world"].inspector)  # 张督学, leader of 第一组, not office staff
    one, two = setup["one"], setup["two"]
    assert client.get(reverse("campaigns:team_detail", kwargs={"pk": one.pk})).status_code == 200
    assert client.get(reverse("campaigns:team_detail", kwargs={"pk": two.pk})).status_code == 404
    assert client.get(reverse("campaigns:team_index", kwargs={"pk": setup["campaign"].pk})).status_code == 404
    api = client.get("/api/v1/campaign-teams/mine").json()
    schools = {s["school_name"] for s in api[0]["schools"]}
    assert schools == {e.school.name for e in CampaignSchool.objects.filter(team=one)} and schools
    assert api[0]["is_leader"] is True


@pytest.mark.parametrize(("day", "sees"), [(dt.date(2026, 9, 19), False), (dt.date(2026, 9, 20), True),
                                           (dt.date(2026, 10, 10), True), (dt.date(2026, 10, 11), False)])
def test_the_third_party_member_reads_only_during_the_window(cast, client, setup, monkeypatch, day, sees):
    monkeypatch.setattr(timezone, "localdate", lambda *a, **k: day)
    client.force_login(setup["world"].third)
    response = client.get(reverse("campaigns:team_detail", kwargs={"pk": setup["one"].pk}))
    assert response.status_code == (200 if sees else 404)
    assert (len(client.get("/api/v1/campaign-teams/mine").json()) == 1) == sees


def _writes(s) -> dict[str, tuple[str, dict, str]]:
    """Pages act on 第一组 (deleted last), the API on 第二组, each adding a spare account of the office."""
    c, one, two = s["campaign"].pk, s["one"].pk, s["two"].pk
    entry = CampaignSchool.objects.filter(campaign_id=c).order_by("pk").first()
    return {
        "campaigns:team_create": (reverse("campaigns:team_create", kwargs={"pk": c}), {"name": "第九组"}, "post"),
        "campaigns:team_allocate": (reverse("campaigns:team_allocate", kwargs={"pk": c}), {}, "post"),
        "campaigns:team_move": (reverse("campaigns:team_move", kwargs={"pk": c}), {"entry": entry.pk, "team": ""}, "post"),
        "campaigns:team_rename": (reverse("campaigns:team_rename", kwargs={"pk": one}), {"name": "改名组"}, "post"),
        "campaigns:team_member_add": (reverse("campaigns:team_member_add", kwargs={"pk": one}),
                                      {"user": s["spare"][0].pk, "section": "宣教"}, "post"),
        "campaigns:team_member_edit": (reverse("campaigns:team_member_edit", kwargs={"pk": s["leader"].pk}),
                                       {"section": "督导一室", "phone": "0731-88"}, "post"),
        "campaigns:team_member_remove": (reverse("campaigns:team_member_remove", kwargs={"pk": s["third"].pk}), {}, "post"),
        "campaigns:team_leader_set": (reverse("campaigns:team_leader_set", kwargs={"pk": s["leader"].pk}), {}, "post"),
        "campaigns:team_delete": (reverse("campaigns:team_delete", kwargs={"pk": one}), {}, "post"),
        "api-1:create_campaign_team": (f"/api/v1/campaigns/{c}/teams", {"name": "第八组"}, "json"),
        "api-1:run_allocation": (f"/api/v1/campaigns/{c}/allocation", {}, "json"),
        "api-1:move_school": (f"/api/v1/campaigns/{c}/allocation/move", {"school_id": entry.school_id}, "json"),
        "api-1:rename_campaign_team": (f"/api/v1/campaign-teams/{two}", {"name": "二组"}, "patch"),
        "api-1:add_team_member": (f"/api/v1/campaign-teams/{two}/members", {"user_id": s["spare"][1].pk, "section": "综治"}, "json"),
        "api-1:update_team_member": (f"/api/v1/campaign-team-members/{s['staff'].pk}", {"section": "综治"}, "patch"),
        "api-1:set_team_leader": (f"/api/v1/campaign-team-members/{s['staff'].pk}/leader", {}, "json"),
        "api-1:remove_team_member": (f"/api/v1/campaign-team-members/{s['staff'].pk}", {}, "delete"),
        "api-1:delete_campaign_team": (f"/api/v1/campaign-teams/{two}", {}, "delete"),
    }


def _send(client, url: str, data: dict, how: str):
    if how == "post":
        return client.post(url, data)
    if how == "json":
        return client.post(url, data, content_type="application/json")
    if how == "patch":
        return client.patch(url, data, content_type="application/json")
    return client.delete(url)


def _state(campaign) -> tuple:
    return (sorted(Team.objects.filter(campaign=campaign).values_list("name", flat=True)),
            sorted(TeamMember.objects.filter(team__campaign=campaign).values_list("user_id", "is_leader", "section", "phone")),
            sorted(CampaignSchool.objects.filter(campaign=campaign).values_list("school_id", "team_id")))


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in MANAGERS])
def test_writes_are_refused(cast, client, setup, persona):
    client.force_login(getattr(cast, persona))
    before = _state(setup["campaign"])
    for name, (url, data, how) in _writes(setup).items():
        response = _send(client, url, data, how)
        expected = (403,) if persona in READERS else (404,)
        assert response.status_code in expected, (name, persona, response.status_code)
    assert _state(setup["campaign"]) == before


@pytest.mark.parametrize("persona", sorted(MANAGERS))
def test_managers_write(cast, client, setup, persona):
    client.force_login(getattr(cast, persona))
    for name, (url, data, how) in _writes(setup).items():
        response = _send(client, url, data, how)
        expected = (302,) if how == "post" else (200, 201, 204)  # a page that re-renders (200) refused the write
        assert response.status_code in expected, (name, persona, response.status_code, response.content[:300])
    assert sorted(Team.objects.filter(campaign=setup["campaign"]).values_list("name", flat=True)) == ["第九组", "第八组"]
    assert not TeamMember.objects.filter(team__campaign=setup["campaign"]).exists()  # their teams are gone


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_member_edit_page(cast, client, setup, persona):
    """The form itself (GET): the managers 200 with the member's values, the readers 403, others 404."""
    client.force_login(getattr(cast, persona))
    response = client.get(reverse("campaigns:team_member_edit", kwargs={"pk": setup["staff"].pk}))
    expected = 200 if persona in MANAGERS else 403 if persona in READERS else 404
    assert response.status_code == expected, (persona, response.status_code)
    if expected == 200:
        assert 'value="普教"' in response.content.decode()


@pytest.mark.parametrize("persona", PERSONAS)
def test_ties(cast, client, setup, persona):
    client.force_login(getattr(cast, persona))
    tie, world = setup["tie"], setup["world"]
    page = client.get(reverse("campaigns:tie_list"))
    api = client.get("/api/v1/school-ties")
    if persona not in TIE_WRITERS:
        assert (page.status_code, api.status_code) == (403, 403), persona
        for response in (client.post(reverse("campaigns:tie_add"), {"user": world.staff.pk, "school_code": cast.A3.code, "kind": "worked"}),
                         client.post(reverse("campaigns:tie_delete", kwargs={"pk": tie.pk})),
                         client.post("/api/v1/school-ties", {"user_id": world.staff.pk, "school_id": cast.A3.pk},
                                     content_type="application/json"),
                         client.delete(f"/api/v1/school-ties/{tie.pk}")):
            assert response.status_code == 403, persona
        assert list(SchoolTie.objects.values_list("pk", flat=True)) == [tie.pk]
        return
    sees = persona in MANAGERS  # multi (望城 staff) manages no 宁乡 school
    assert page.status_code == 200 and ("测试宁乡二中" in page.content.decode()) == sees, persona
    assert [t["id"] for t in api.json()] == ([tie.pk] if sees else [])
    added = client.post(reverse("campaigns:tie_add"), {"user": world.staff.pk, "school_code": cast.A3.code, "kind": "relative"})
    assert added.status_code == (302 if sees else 200), persona  # multi: the form says the code is not theirs
    created = client.post("/api/v1/school-ties", {"user_id": world.staff.pk, "school_id": cast.A1.pk, "kind": "other"},
                          content_type="application/json")
    assert created.status_code == (201 if sees else 404), persona
    assert client.post(reverse("campaigns:tie_delete", kwargs={"pk": tie.pk})).status_code == (302 if sees else 404)
    other = SchoolTie.objects.exclude(pk=tie.pk).first()
    if sees:
        assert client.delete(f"/api/v1/school-ties/{other.pk}").status_code == 204
    else:
        assert client.delete(f"/api/v1/school-ties/{tie.pk}").status_code == 404


def test_anonymous_is_asked_to_sign_in(client, setup):
    for name, url in _reads(setup).items():
        response = client.get(url)
        if name.startswith("api-1"):
            assert response.status_code == 401, name
        else:
            assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    for url in (reverse("campaigns:team_mine"), reverse("campaigns:tie_list"),
                reverse("campaigns:team_sheet_pdf", kwargs={"pk": setup["campaign"].pk})):
        assert client.get(url)["Location"].startswith(reverse("login"))
    assert client.get("/api/v1/campaign-teams/mine").status_code == 401
