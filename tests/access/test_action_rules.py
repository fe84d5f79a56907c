"""Each action rule of dudao.access refuses every persona outside it, on the page and in the API,
and lets those inside it act (so a refusal is the rule's, not bad input).

World (tests/visits/field_support.py): 谢彩飞 (the cast's `supervisor`) is responsible for A1 and
A2 of 宁乡; 高阳 (the `outsider`) for C1 of 浏阳. Added here: 周督学, a `colleague` in 谢彩飞's
zone, responsible for A3 only: the zone lets them read A1, never act on it.
"""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse
from django.utils import timezone

from dudao.access import clear_scope_cache, may_act_on_school, may_create_finding, may_register_complaint
from dudao.findings.models import Finding
from dudao.people.models import User
from dudao.regions.models import Office
from dudao.schools.models import School
from dudao.supervisors.services import supervisor_create
from dudao.zones.models import Assignment
from dudao.zones.services import assignment_create, zone_add_schools, zone_create
from tests.personas import PERSONAS

EVERYONE = [*PERSONAS, "colleague"]
OFFICE_STAFF_OF_A = {"admin", "province_staff", "city_staff", "county_staff"}


@pytest.fixture
def world(cast, field):
    ningxiang = Office.objects.get(region__code="430182")
    user = User.objects.create_user(username="zhou", password="x-Pass-2026", full_name="周督学")
    colleague = supervisor_create(by=None, office=ningxiang, name="周督学", kind="full_time", level="county",
                                  phone="13700000003", appointed_on=date(2020, 1, 1), user=user)
    assignment_create(supervisor=colleague, school=cast.A3, starts_on=date(2020, 1, 1))
    zone = zone_create(office=ningxiang, name="宁乡一区", members=[field.me, colleague])
    zone_add_schools(zone=zone, schools=[cast.A1, cast.A2, cast.A3])
    cast.colleague = user
    for persona in EVERYONE:
        clear_scope_cache(getattr(cast, persona))
    return {"office": ningxiang, "colleague": colleague}


def _user(cast, persona):
    return getattr(cast, persona)


# --- registering a finding (access.may_create_finding) ---------------------------------------------------


def test_the_zone_colleague_reads_a1_but_does_not_act_on_it(cast, world):
    colleague = cast.colleague
    assert School.objects.visible_to(colleague).filter(pk=cast.A1.pk).exists()
    assert not may_act_on_school(colleague, cast.A1) and may_act_on_school(colleague, cast.A3)
    assert not may_create_finding(colleague, world["office"], cast.A1)
    assert may_create_finding(colleague, world["office"], cast.A3)


@pytest.mark.parametrize("persona", EVERYONE)
def test_finding_on_a1_through_the_page(cast, client, world, persona):
    allowed = OFFICE_STAFF_OF_A | {"supervisor"}
    client.force_login(_user(cast, persona))
    response = client.post(reverse("findings:create"), {
        "office": world["office"].pk, "school": cast.A1.name, "source": "other", "category": "safety",
        "severity": "normal", "description": f"{persona} 的问题", "requirement": "整改", "deadline":
        (timezone.localdate() + timedelta(days=10)).isoformat()})
    created = Finding.objects.filter(description=f"{persona} 的问题").exists()
    assert created == (persona in allowed), (persona, response.status_code)
    if persona not in allowed:
        assert response.status_code in (400, 403, 404), persona
    if persona == "colleague":  # the form accepts A1 (they read it); the service's rule refuses
        assert response.status_code == 400 and "您无权为该单位登记整改问题。" in response.content.decode()


@pytest.mark.parametrize("persona", EVERYONE)
def test_finding_on_a1_through_the_api(cast, client, world, persona):
    allowed = OFFICE_STAFF_OF_A | {"supervisor"}
    client.force_login(_user(cast, persona))
    response = client.post(reverse("api-1:create_finding"), json.dumps({
        "school_id": cast.A1.pk, "office_id": world["office"].pk, "category": "safety",
        "description": f"{persona} 的问题", "requirement": "整改",
        "deadline": (timezone.localdate() + timedelta(days=10)).isoformat()}), content_type="application/json")
    assert (response.status_code == 201) == (persona in allowed), (persona, response.status_code)
    if persona not in allowed:
        assert response.status_code in (403, 404), (persona, response.status_code)
        assert not Finding.objects.filter(description=f"{persona} 的问题").exists()
    if persona == "colleague":
        assert response.status_code == 403


# --- assigning a responsible supervisor (access.can_manage_office, zones.selectors.access_managed_school) --


@pytest.mark.parametrize("persona", EVERYONE)
def test_assignment_at_a2_through_the_page(cast, client, world, persona):
    client.force_login(_user(cast, persona))
    client.post(reverse("zones:assign", args=[cast.A2.pk]), {
        "supervisor": world["colleague"].pk, "starts_on": timezone.localdate().isoformat(), "reason": "分工"})
    made = Assignment.objects.filter(school=cast.A2, supervisor=world["colleague"]).exists()
    assert made == (persona in OFFICE_STAFF_OF_A), persona


@pytest.mark.parametrize("persona", EVERYONE)
def test_assignment_at_a2_through_the_api(cast, client, world, persona):
    client.force_login(_user(cast, persona))
    response = client.post(f"/api/v1/schools/{cast.A2.pk}/assignments", json.dumps({
        "supervisor_id": world["colleague"].pk, "reason": "分工"}), content_type="application/json")
    assert (response.status_code == 201) == (persona in OFFICE_STAFF_OF_A), (persona, response.status_code)
    if persona not in OFFICE_STAFF_OF_A:
        assert response.status_code in (403, 404), (persona, response.status_code)
        assert not Assignment.objects.filter(school=cast.A2, supervisor=world["colleague"]).exists()


@pytest.mark.parametrize("persona", ["county_leader", "supervisor", "colleague", "school_user", "outsider", "multi"])
def test_the_assignment_service_refuses_the_same_people(cast, world, persona):
    with pytest.raises(PermissionDenied):
        assignment_create(supervisor=world["colleague"], school=cast.A2, by=_user(cast, persona))


# --- recording a complaint received by phone (access.may_register_complaint) ----------------------------


@pytest.mark.parametrize("persona", EVERYONE)
def test_complaint_at_a1_through_the_page(cast, client, world, persona):
    from dudao.complaints.models import Complaint
    from dudao.system.models import DictionaryItem

    allowed = OFFICE_STAFF_OF_A | {"supervisor"}
    assert may_register_complaint(_user(cast, persona), cast.A1) == (persona in allowed), persona
    category = DictionaryItem.objects.filter(dict_type="complaint_category", is_active=True).values_list("code", flat=True).first()
    client.force_login(_user(cast, persona))
    response = client.post(reverse("complaints:register"), {
        "school": cast.A1.pk, "channel": "phone", "received_at": timezone.localtime().strftime("%Y-%m-%dT%H:%M"),
        "category": category, "text": f"{persona} 登记的反映内容", "anonymous": "on"})
    created = Complaint.objects.filter(text=f"{persona} 登记的反映内容").exists()
    assert created == (persona in allowed), (persona, response.status_code)
    if persona not in allowed:
        assert response.status_code in (400, 403), persona


@pytest.mark.parametrize("persona", ["county_leader", "colleague", "school_user", "outsider", "multi", "nobody"])
def test_the_complaint_service_refuses_the_same_people(cast, world, persona):
    from dudao.complaints.services import complaint_submit
    from dudao.system.models import DictionaryItem

    category = DictionaryItem.objects.filter(dict_type="complaint_category", is_active=True).values_list("code", flat=True).first()
    with pytest.raises(PermissionDenied):
        complaint_submit(by=_user(cast, persona), school=cast.A1, channel="phone", received_at=timezone.now(),
                         category=category, text="反映内容足够长的一段文字", anonymous=True, contact_name="", phone="")
