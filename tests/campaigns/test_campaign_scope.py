"""Every campaign URL (pages and API) as every persona (tests/personas.py), and the third-party
evaluator before, during and after its on-site window.

Who reads a campaign: its office and the offices above it (staff and leaders), admins, the members
of its teams, and a school in it once the schools were notified; a third-party member only while
the on-site window is open. Who changes it: office staff of its office or above and admins (a
leader reads: 403). Outside: 404, and nothing of the campaign in the answer.
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.campaigns.access import window_school_ids
from dudao.campaigns.models import (
    SCHOOLS_NOTIFIED,
    Campaign,
    CampaignEvent,
    CampaignKind,
    CampaignSchool,
    MemberKind,
    Team,
    TeamMember,
)
from dudao.regions.models import Office, Region
from dudao.schools.models import School
from tests.personas import PERSONAS

MANAGERS = {"admin", "province_staff", "city_staff", "county_staff"}  # of the 宁乡 campaigns
CREATORS = MANAGERS | {"multi"}  # 望城 staff create 望城's campaigns
SEES = {
    "admin": {"county", "county_told", "wangcheng", "city"},
    "province_staff": {"county", "county_told", "wangcheng", "city"},
    "city_staff": {"county", "county_told", "wangcheng", "city"},
    "county_staff": {"county", "county_told"},  # not the city's: a campaign is seen by its office and those above
    "county_leader": {"county", "county_told"},
    "supervisor": {"city"},  # a member of one of its teams
    "school_user": {"county_told"},  # A1 is in both 宁乡 campaigns; only one has told its schools
    "evaluator": set(),
    "outsider": set(),
    "multi": {"wangcheng"},
    "nobody": set(),
}


def _campaign(cast, version, key: str, code: str, schools, state: str = "draft", **dates) -> Campaign:
    campaign = Campaign.objects.create(
        kind=CampaignKind.SPECIAL, name=f"【{key}】专项督导", office=Office.objects.get(region__code=code), year=2026,
        framework_version=version, created_by=cast.admin, state=state,
        onsite_start=dates.get("onsite_start", dt.date(2026, 9, 20)), onsite_end=dates.get("onsite_end", dt.date(2026, 10, 10)))
    for school in schools:
        CampaignSchool.objects.create(campaign=campaign, school=school)
    return campaign


@pytest.fixture
def world(cast, small_version, county_campaign):
    Campaign.objects.filter(pk=county_campaign.pk).update(name="【county】专项督导")
    county_campaign.refresh_from_db()
    told = _campaign(cast, small_version, "county_told", "430182", [cast.A1, cast.A2], state="self_inspection")
    CampaignEvent.objects.create(campaign=told, action=SCHOOLS_NOTIFIED)
    city = _campaign(cast, small_version, "city", "4301", [cast.A1, cast.B1], state="onsite")
    team = Team.objects.create(campaign=city, name="第一组")
    TeamMember.objects.create(team=team, user=cast.supervisor, kind=MemberKind.SUPERVISOR, is_leader=True)
    wangcheng = _campaign(cast, small_version, "wangcheng", "430112", [cast.B1, cast.B2], state="approved")
    return {"county": county_campaign, "county_told": told, "city": city, "wangcheng": wangcheng}


def _expected(persona: str, key: str, allowed: set[str], ok: int = 200) -> int:
    if key in SEES[persona] and persona in allowed:
        return ok
    return 403 if key in SEES[persona] else 404


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_campaign_url_as_every_persona(cast, world, client, persona):
    user = getattr(cast, persona)
    client.force_login(user)
    sees = SEES[persona]

    page = client.get(reverse("campaigns:list")).content.decode()
    assert {k for k in world if f"【{k}】" in page} == sees, "campaigns:list"
    api = client.get(reverse("api-1:list_campaigns")).json()
    assert {item["id"] for item in api["items"]} == {world[k].pk for k in sees}, "api-1:list_campaigns"

    for key, campaign in world.items():
        response = client.get(reverse("campaigns:detail", kwargs={"pk": campaign.pk}))
        assert response.status_code == (200 if key in sees else 404), ("campaigns:detail", key)
        if key not in sees:
            assert f"【{key}】" not in response.content.decode()
        response = client.get(reverse("api-1:get_campaign", kwargs={"campaign_id": campaign.pk}))
        assert response.status_code == (200 if key in sees else 404), ("api-1:get_campaign", key)

    county = world["county"]
    pk = {"pk": county.pk}
    assert client.get(reverse("campaigns:edit", kwargs=pk)).status_code == _expected(persona, "county", MANAGERS)
    assert client.get(reverse("campaigns:scope", kwargs=pk)).status_code == _expected(persona, "county", MANAGERS)
    assert client.get(reverse("campaigns:create")).status_code == (200 if persona in CREATORS else 403)

    response = client.post(reverse("campaigns:act", kwargs={**pk, "action": "submit"}), {"note": ""})
    assert response.status_code == _expected(persona, "county", MANAGERS, ok=302), "campaigns:act"
    Campaign.objects.filter(pk=county.pk).update(state="draft")

    api_pk = {"campaign_id": county.pk}
    response = client.patch(reverse("api-1:update_campaign", kwargs=api_pk), {"purpose": "目的"},
                            content_type="application/json")
    assert response.status_code == _expected(persona, "county", MANAGERS), "api-1:update_campaign"
    response = client.post(reverse("api-1:campaign_action", kwargs={**api_pk, "action": "submit"}), {"note": ""},
                           content_type="application/json")
    assert response.status_code == _expected(persona, "county", MANAGERS), "api-1:campaign_action"
    Campaign.objects.filter(pk=county.pk).update(state="draft")
    body = {"mode": "region", "region_code": "430182", "filters": {"kinds": ["primary"]}}
    response = client.post(reverse("api-1:campaign_scope_preview", kwargs=api_pk), body, content_type="application/json")
    assert response.status_code == _expected(persona, "county", MANAGERS), "api-1:campaign_scope_preview"
    if response.status_code == 200:
        assert response.json()["count"] == 1
    response = client.post(reverse("api-1:campaign_scope_set", kwargs=api_pk), body, content_type="application/json")
    assert response.status_code == _expected(persona, "county", MANAGERS), "api-1:campaign_scope_set"
    if response.status_code == 200:
        assert [s["name"] for s in response.json()["schools"]] == ["测试宁乡一小"]

    payload = {"office_id": county.office_id, "kind": "special", "name": "新专项", "year": 2026,
               "framework_version_id": county.framework_version_id}
    response = client.post(reverse("api-1:create_campaign"), payload, content_type="application/json")
    expected = 201 if persona in MANAGERS else 400 if persona in CREATORS else 403
    assert response.status_code == expected, "api-1:create_campaign"
    if expected != 201:
        assert not Campaign.objects.filter(name="新专项").exists()


def test_page_and_api_offer_the_same_steps(cast, world, client):
    Campaign.objects.filter(pk=world["county"].pk).update(state="submitted")
    for persona in PERSONAS:
        client.force_login(getattr(cast, persona))
        for key in SEES[persona]:
            campaign = world[key]
            page = client.get(reverse("campaigns:detail", kwargs={"pk": campaign.pk})).content.decode()
            shown = {name for name in __import__("dudao.campaigns.workflow", fromlist=["ACTIONS"]).ACTIONS
                     if f'data-testid="act-{name}"' in page}
            api = client.get(reverse("api-1:get_campaign", kwargs={"campaign_id": campaign.pk})).json()
            assert shown == {a["name"] for a in api["actions"]}, (persona, key)
            page_schools = {s.name for s in School.objects.all() if s.name in page}
            assert page_schools == {s["name"] for s in api["schools"]}, (persona, key)
    client.force_login(cast.county_leader)
    api = client.get(reverse("api-1:get_campaign", kwargs={"campaign_id": world["county"].pk})).json()
    assert {a["name"] for a in api["actions"]} == {"approve", "return"}


def test_a_school_sees_only_its_own_school_of_a_campaign(cast, world, client):
    client.force_login(cast.school_user)
    api = client.get(reverse("api-1:get_campaign", kwargs={"campaign_id": world["county_told"].pk})).json()
    assert [s["name"] for s in api["schools"]] == ["测试宁乡一小"]
    assert api["events"] == [] and api["actions"] == []


# --- the third-party evaluator's window ------------------------------------------------------------------
@pytest.fixture
def evaluator_campaign(cast, small_version):
    """A 宁乡 campaign whose team 第三方组 (the evaluator, third party) is allocated A3; A2 is in the
    campaign but allocated to no team. The evaluator's own grant lists only B1 and B2."""
    campaign = _campaign(cast, small_version, "window", "430182", [cast.A2], state="onsite")
    team = Team.objects.create(campaign=campaign, name="第三方组")
    TeamMember.objects.create(team=team, user=cast.evaluator, kind=MemberKind.THIRD_PARTY, section="某评估公司")
    CampaignSchool.objects.create(campaign=campaign, school=cast.A3, team=team)
    return campaign


def _set_window(campaign, start: dt.date, end: dt.date) -> None:
    Campaign.objects.filter(pk=campaign.pk).update(onsite_start=start, onsite_end=end)


def test_window_schools_by_date_inclusive(cast, evaluator_campaign):
    _set_window(evaluator_campaign, dt.date(2026, 9, 20), dt.date(2026, 10, 10))
    for day, expected in [(dt.date(2026, 9, 19), set()), (dt.date(2026, 9, 20), {cast.A3.pk}),
                          (dt.date(2026, 10, 1), {cast.A3.pk}), (dt.date(2026, 10, 10), {cast.A3.pk}),
                          (dt.date(2026, 10, 11), set())]:
        assert window_school_ids(cast.evaluator, day) == expected, day
        assert set(Campaign.objects.visible_to(cast.evaluator, today=day)) == (
            {evaluator_campaign} if expected else set()), day
    # a cancelled or not yet approved campaign opens no window
    for state in ("cancelled", "submitted"):
        Campaign.objects.filter(pk=evaluator_campaign.pk).update(state=state)
        assert window_school_ids(cast.evaluator, dt.date(2026, 10, 1)) == set()


@pytest.mark.parametrize(("phase", "offsets", "inside"), [
    ("before", (1, 5), False), ("first day", (0, 3), True), ("during", (-1, 1), True), ("last day", (-3, 0), True),
    ("after", (-5, -1), False),
])
def test_evaluator_before_during_and_after_its_window(cast, evaluator_campaign, client, phase, offsets, inside):
    """Every read agrees: the campaign, the school pages and the school API, the school list."""
    today = timezone.localdate()
    _set_window(evaluator_campaign, today + dt.timedelta(days=offsets[0]), today + dt.timedelta(days=offsets[1]))
    client.force_login(cast.evaluator)
    ok = 200 if inside else 404
    response = client.get(reverse("campaigns:detail", kwargs={"pk": evaluator_campaign.pk}))
    assert response.status_code == ok, phase
    if inside:
        page = response.content.decode()
        assert "测试宁乡三幼" in page and "测试宁乡二中" not in page  # only its team's school
    assert client.get(reverse("api-1:get_campaign", kwargs={"campaign_id": evaluator_campaign.pk})).status_code == ok
    listed = {i["id"] for i in client.get(reverse("api-1:list_campaigns")).json()["items"]}
    assert listed == ({evaluator_campaign.pk} if inside else set())
    assert client.get(reverse("schools:detail", kwargs={"pk": cast.A3.pk})).status_code == ok, phase
    assert client.get(reverse("api-1:get_school", kwargs={"school_id": cast.A3.pk})).status_code == ok, phase
    assert client.get(reverse("schools:detail", kwargs={"pk": cast.A2.pk})).status_code == 404  # not its team's
    assert client.get(reverse("schools:detail", kwargs={"pk": cast.B1.pk})).status_code == 200  # its own grant
    names = {s["name"] for s in client.get(reverse("api-1:list_schools")).json()["items"]}
    assert names == ({"测试望城一小", "测试望城九年制"} | ({"测试宁乡三幼"} if inside else set())), phase
    assert set(School.objects.visible_to(cast.evaluator).values_list("pk", flat=True)) == (
        {cast.B1.pk, cast.B2.pk} | ({cast.A3.pk} if inside else set()))


def test_evaluator_cannot_act_on_window_schools(cast, evaluator_campaign):
    """Reading is all the window gives: the evaluator acts on nothing through the access layer."""
    from dudao.access import get_scope, may_act_on_school

    today = timezone.localdate()
    _set_window(evaluator_campaign, today, today)
    assert cast.A3.pk in get_scope(cast.evaluator).school_ids
    assert not may_act_on_school(cast.evaluator, cast.A3)


def test_region_of_the_window_school_is_readable_only_in_the_window(cast, evaluator_campaign):
    today = timezone.localdate()
    township = cast.A1.region  # A3 sits in 宁乡市 itself
    _set_window(evaluator_campaign, today, today)
    assert Region.objects.visible_to(cast.evaluator).filter(code="430182").exists()
    from dudao.access import clear_scope_cache

    clear_scope_cache(cast.evaluator)
    _set_window(evaluator_campaign, today - dt.timedelta(days=2), today - dt.timedelta(days=1))
    assert not Region.objects.visible_to(cast.evaluator).filter(code="430182").exists()
    assert not Region.objects.visible_to(cast.evaluator).filter(code=township.code).exists()
