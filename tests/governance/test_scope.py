"""Scope of the governance app: every URL as every persona (tests/personas.py) and as the 督政 people of
tests/governance/conftest.py — the 政府单位用户 of units A and B and a team member without a role.
Named in tests/access/coverage_governance.py. Outside what the person reads 404; read but not theirs
to change 403.

Who reads a 督政 campaign of the 宁乡 office: its office and the offices above (staff, leader, admin);
the team (the cast's supervisor leads it, `member` is in it) for the units allocated to it (unit A);
each unit's own account for its own unit only (A: gov_a, B: gov_b). Who manages: the staff of 宁乡 and
above, admins. A government user is refused every school page.
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.governance import services
from dudao.governance.models import GovernmentUnit, UnitFinding
from dudao.schools.models import School
from tests.governance.conftest import move, png_upload
from tests.personas import PERSONAS

OFFICE = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
MANAGERS = {"admin", "province_staff", "city_staff", "county_staff"}
STAFF_SOMEWHERE = MANAGERS | {"multi"}  # office staff of some office (can_write_anything)
TEAM = {"supervisor", "member"}
EVERYONE = [*PERSONAS, "gov_a", "gov_b", "member"]


@pytest.fixture
def walk(cast, gov):
    """Unit A: evidence uploaded during self-assessment, then scored on site, one finding registered
    and reported by the unit (so a re-inspection can be recorded)."""
    from dudao.findings.services import finding_transition

    move(gov, "self_inspection")
    evidence = services.evidence_add(by=gov.gov_a, entry=gov.entry_a, upload=png_upload())
    move(gov, "onsite")
    i = gov.items
    services.onsite_save(by=cast.supervisor, entry=gov.entry_a, answers={
        i["B1"].pk: services.AnswerIn(value="1"), i["B2"].pk: services.AnswerIn(choice="yes"),
        i["B3"].pk: services.AnswerIn(choice="好")})
    created, _ = services.findings_register(by=cast.county_staff, entry=gov.entry_a)
    finding_transition(by=cast.county_staff, finding=created[0], action="notify")
    finding_transition(by=gov.gov_a, finding=created[0], action="report", note="已整改", files=[png_upload("r.png")])
    return {"evidence": evidence, "problem": UnitFinding.objects.get(finding=created[0])}


def _user(cast, gov, persona: str):
    return getattr(gov, persona) if persona in {"gov_a", "gov_b", "member"} else getattr(cast, persona)


def _reads_campaign(p: str) -> bool:
    return p in OFFICE | TEAM | {"gov_a", "gov_b"}


def _reads_a(p: str) -> bool:
    return p in OFFICE | TEAM | {"gov_a"}


def _expect(p: str, *, reads: bool, may: bool, ok: int = 200) -> int:
    if not reads:
        return 404
    return ok if may else 403


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_url(cast, gov, walk, client, persona):
    user = _user(cast, gov, persona)
    client.force_login(user)
    c, a, b = gov.campaign.pk, gov.entry_a.pk, gov.entry_b.pk
    writer = p_in = persona in STAFF_SOMEWHERE
    checks = [
        # (method, name, kwargs, data, expected)
        ("get", "governance:index", {}, None, 200),
        ("get", "governance:units", {}, None, 200),
        ("post", "governance:units_generate", {}, {}, 302 if writer else 403),
        ("get", "governance:unit_create", {}, None, 200 if p_in else 403),
        ("get", "governance:unit_edit", {"pk": gov.unit_a.pk}, None,
         _expect(persona, reads=persona in OFFICE | {"gov_a"}, may=persona in MANAGERS)),
        ("get", "governance:campaign", {"pk": c}, None, 200 if _reads_campaign(persona) else 404),
        ("post", "governance:campaign_units", {"pk": c}, {"unit": [gov.unit_a.pk, gov.unit_b.pk]},
         _expect(persona, reads=_reads_campaign(persona), may=persona in MANAGERS, ok=302)),
        ("get", "governance:late", {"pk": c}, None, _expect(persona, reads=_reads_campaign(persona), may=persona in OFFICE)),
        ("get", "governance:results", {"pk": c}, None,
         _expect(persona, reads=_reads_campaign(persona), may=persona in OFFICE)),
        ("get", "governance:results_export", {"pk": c}, None,
         _expect(persona, reads=_reads_campaign(persona), may=persona in OFFICE)),
        ("get", "governance:entry", {"pk": c, "entry": a}, None, 200 if _reads_a(persona) else 404),
        ("get", "governance:entry", {"pk": c, "entry": b}, None, 200 if persona in OFFICE | {"gov_b"} else 404),
        ("post", "governance:unit_team", {"pk": c, "entry": a}, {"team": gov.team.pk},
         _expect(persona, reads=_reads_a(persona), may=persona in MANAGERS, ok=302)),
        ("get", "governance:self_form", {"pk": c, "entry": a}, None,
         _expect(persona, reads=_reads_a(persona), may=persona == "gov_a")),
        ("post", "governance:evidence_upload", {"pk": c, "entry": a}, {"file": png_upload("x.png")},
         _expect(persona, reads=_reads_a(persona), may=persona == "gov_a", ok=302)),
        ("get", "governance:evidence_file", {"pk": c, "entry": a, "evidence": walk["evidence"].pk}, None,
         200 if _reads_a(persona) else 404),
        ("get", "governance:score", {"pk": c, "entry": a}, None, _expect(persona, reads=_reads_a(persona), may=persona in TEAM)),
        ("get", "governance:score", {"pk": c, "entry": b}, None, _expect(persona, reads=persona in OFFICE | {"gov_b"}, may=False)),
        ("get", "governance:reconcile", {"pk": c, "entry": a}, None,
         _expect(persona, reads=_reads_a(persona), may=persona == "supervisor")),
        ("get", "governance:opinion", {"pk": c, "entry": a}, None,
         _expect(persona, reads=_reads_a(persona), may=persona in MANAGERS)),
        # on site: the opinion is the office's and the team's; the unit reads it from the preliminary opinion on
        ("get", "governance:opinion_print", {"pk": c, "entry": a}, None,
         _expect(persona, reads=_reads_a(persona), may=persona in OFFICE | TEAM)),
        ("get", "governance:opinion_pdf", {"pk": c, "entry": a}, None,
         _expect(persona, reads=_reads_a(persona), may=persona in {"county_staff", "supervisor"}) if persona in {
             "county_staff", "supervisor", "gov_a", "gov_b", "school_user"} else None),
        ("post", "governance:findings_register", {"pk": c, "entry": a}, {},
         _expect(persona, reads=_reads_a(persona), may=persona in MANAGERS, ok=302)),
        ("post", "governance:recheck", {"pk": c, "entry": a, "problem": walk["problem"].pk},
         {"result": "returned", "note": "复查：未到位"},
         _expect(persona, reads=_reads_a(persona), may=persona in MANAGERS, ok=302)),
    ]
    for method, name, kwargs, data, expected in checks:
        if expected is None:
            continue
        url = reverse(name, kwargs=kwargs or None)
        response = client.post(url, data) if method == "post" else client.get(url)
        assert response.status_code == expected, (persona, name, kwargs, response.status_code)


@pytest.mark.parametrize("persona", EVERYONE)
def test_every_api_endpoint(cast, gov, walk, client, persona):
    """The 督政 API as every persona (on site: the unit may no longer save its self-assessment)."""
    client.force_login(_user(cast, gov, persona))
    c, a, b = gov.campaign.pk, gov.entry_a.pk, gov.entry_b.pk
    campaigns = client.get(reverse("api-1:list_gov_campaigns"))
    assert campaigns.status_code == 200
    assert [r["id"] for r in campaigns.json()["items"]] == ([c] if _reads_campaign(persona) else []), persona
    units = client.get(reverse("api-1:list_gov_units", kwargs={"campaign_id": c}))
    if _reads_campaign(persona):
        expected = {a, b} if persona in OFFICE else {b} if persona == "gov_b" else {a}
        assert {r["id"] for r in units.json()} == expected, persona
    else:
        assert units.status_code == 404 and units.json()["code"] == "not_found", persona
    checks = [
        ("get", "api-1:get_gov_unit", {"campaign_id": c, "entry_id": a}, 200 if _reads_a(persona) else 404),
        ("get", "api-1:get_gov_unit", {"campaign_id": c, "entry_id": b}, 200 if persona in OFFICE | {"gov_b"} else 404),
        ("post", "api-1:save_gov_self", {"campaign_id": c, "entry_id": a},
         _expect(persona, reads=_reads_a(persona), may=persona == "gov_a", ok=400)),
        ("post", "api-1:save_gov_self", {"campaign_id": c, "entry_id": b},
         _expect(persona, reads=persona in OFFICE | {"gov_b"}, may=persona == "gov_b", ok=400)),
        ("get", "api-1:gov_results", {"campaign_id": c},
         _expect(persona, reads=_reads_campaign(persona), may=persona in OFFICE)),
    ]
    for method, name, kwargs, expected in checks:
        url = reverse(name, kwargs=kwargs)
        response = (client.post(url, {"sections": {"report_work": "x"}}, content_type="application/json")
                    if method == "post" else client.get(url))
        assert response.status_code == expected, (persona, name, kwargs, response.status_code)
        if expected >= 400:
            assert set(response.json()) == {"code", "detail", "field", "errors"} and response.json()["detail"]


@pytest.mark.parametrize("persona", EVERYONE)
def test_lists_hold_only_what_the_person_reads(cast, gov, client, persona):
    client.force_login(_user(cast, gov, persona))
    units = client.get(reverse("governance:units")).content.decode()
    assert (gov.unit_a.name in units) == (persona in OFFICE | {"gov_a"}), persona
    assert (gov.unit_b.name in units) == (persona in OFFICE | {"gov_b"}), persona
    move(gov, "onsite")
    index = client.get(reverse("governance:index")).content.decode()
    assert (gov.campaign.name in index) == _reads_campaign(persona), persona


def test_units_follow_the_scope(cast, gov):
    outside = GovernmentUnit.objects.create(region_id=gov.unit_a.region.parent_id, name="测试")  # inside 宁乡
    assert set(GovernmentUnit.objects.visible_to(gov.gov_a)) == {gov.unit_a}
    assert outside in GovernmentUnit.objects.visible_to(cast.county_staff)
    assert not GovernmentUnit.objects.visible_to(cast.school_user).exists()
    assert not GovernmentUnit.objects.visible_to(cast.county_leader, write=True).exists()
    assert not GovernmentUnit.objects.visible_to(gov.gov_a, write=True).exists()


def test_the_unit_sees_its_result_from_the_preliminary_opinion(cast, gov, walk, client):
    client.force_login(gov.gov_a)
    url = reverse("governance:opinion_print", args=[gov.campaign.pk, gov.entry_a.pk])
    assert client.get(url).status_code == 403
    move(gov, "preliminary")
    assert client.get(url).status_code == 200
    assert client.get(reverse("governance:opinion_print", args=[gov.campaign.pk, gov.entry_b.pk])).status_code == 404


@pytest.mark.parametrize("who", ["gov_a", "gov_b"])
def test_a_government_user_is_refused_every_school_page(cast, gov, client, who):
    user = getattr(gov, who)
    client.force_login(user)
    assert not School.objects.visible_to(user).exists()
    for school in cast.all_schools:
        assert client.get(reverse("schools:detail", kwargs={"pk": school.pk})).status_code == 404
    listing = client.get(reverse("schools:list")).content.decode()
    assert not any(school.name in listing for school in cast.all_schools)
    from dudao.regions.models import Region

    assert not Region.objects.visible_to(user).exists()


def test_a_government_user_is_managed_by_its_office(cast, gov):
    from dudao.access import visible_users

    assert gov.gov_a in visible_users(cast.county_staff)
    assert gov.gov_a in visible_users(cast.city_staff)
    assert gov.gov_a not in visible_users(cast.multi)  # 望城's staff
    assert set(visible_users(gov.gov_a)) == {gov.gov_a}
