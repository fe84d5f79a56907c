"""Editing a school's basic information (学校基本信息): who may, what is checked, what follows.

Scope walk for "schools:edit" (tests/access/coverage_schools.py): every persona against every
school of the cast — 200 where they may write, 403 where they only read, 404 where they see nothing.
"""

from __future__ import annotations

from decimal import Decimal

import pytest
from auditlog.models import LogEntry
from django.urls import reverse

from dudao.monitoring.models import MonitoringRun, RunStatus
from dudao.regions.models import Region
from dudao.schools.models import School
from tests.personas import EXPECTED, PERSONAS, WRITERS

KEYS = ("A1", "A2", "A3", "B1", "B2", "C1", "D1")


def _writable(persona: str) -> set[str]:
    rule = WRITERS.get(persona)
    if rule == "all":
        return set(KEYS)
    if rule == "scope":
        return set(EXPECTED[persona])
    return set(rule or [])


def _form_data(school: School, **changes) -> dict:
    data = {
        "name": school.name, "kind": school.kind, "ownership": school.ownership, "locality": school.locality,
        "region": school.region_id, "address": school.address, "longitude": "", "latitude": "",
        "head_name": school.head_name, "phone": school.phone, "is_county_run": "on", "is_active": "on",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.mark.parametrize("persona", PERSONAS)
def test_edit_page_for_writers_only(cast, client, persona):
    client.force_login(getattr(cast, persona))
    writable, visible = _writable(persona), set(EXPECTED[persona])
    for key in KEYS:
        school = getattr(cast, key)
        url = reverse("schools:edit", kwargs={"pk": school.pk})
        expected = 200 if key in writable else 403 if key in visible else 404
        assert client.get(url).status_code == expected, (persona, key)
        # a refused POST changes nothing
        if expected != 200:
            assert client.post(url, _form_data(school, name="改名")).status_code == expected
            assert School.objects.get(pk=school.pk).name == school.name
        detail = client.get(reverse("schools:detail", kwargs={"pk": school.pk}))
        if key in visible:
            assert (b'data-testid="school-edit"' in detail.content) == (key in writable), (persona, key)


def test_county_staff_edits_a_school_and_the_log_records_it(cast, client):
    client.force_login(cast.county_staff)
    town = Region.objects.filter(code__startswith="430182", level="township").order_by("code")[1]
    url = reverse("schools:edit", kwargs={"pk": cast.A1.pk})
    response = client.post(url, _form_data(cast.A1, name="宁乡市第一小学", region=town.pk, phone="0731-87654321",
                                           longitude="112.551234", latitude="28.277123", is_boarding="on"))
    assert response.status_code == 302 and response["Location"] == reverse("schools:detail", kwargs={"pk": cast.A1.pk})
    school = School.objects.get(pk=cast.A1.pk)
    assert (school.name, school.region_code, school.phone, school.is_boarding) == ("宁乡市第一小学", town.code, "0731-87654321", True)
    assert (school.longitude, school.latitude) == (Decimal("112.551234"), Decimal("28.277123"))
    assert school.name_initials  # pinyin initials follow the new name (search by initials)
    entry = LogEntry.objects.get_for_object(school).latest("timestamp")
    assert entry.actor == cast.county_staff and "name" in entry.changes_dict


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"longitude": "112.55", "latitude": ""}, "latitude", "经度和纬度需同时填写"),
        ({"longitude": "28.27", "latitude": "112.55"}, "longitude", "似乎填反了"),
        ({"longitude": "12.5", "latitude": "41.9"}, "longitude", "不在我国境内"),
        ({"name": ""}, "name", "这个字段是必填项"),
    ],
)
def test_bad_input_is_refused_in_chinese_and_kept(cast, client, changes, field, message):
    client.force_login(cast.county_staff)
    url = reverse("schools:edit", kwargs={"pk": cast.A1.pk})
    response = client.post(url, _form_data(cast.A1, phone="0731-1234567", **changes))
    assert response.status_code == 400
    form = response.context["form"]
    assert any(message in e for e in form.errors[field]), form.errors
    assert 'value="0731-1234567"' in response.content.decode()  # what the user typed stays
    assert School.objects.get(pk=cast.A1.pk).phone == cast.A1.phone


def test_region_is_limited_to_the_schools_county(cast, client):
    client.force_login(cast.city_staff)  # may write 浏阳 too, but a school moves county only by import
    url = reverse("schools:edit", kwargs={"pk": cast.A1.pk})
    response = client.post(url, _form_data(cast.A1, region=Region.objects.get(code="430181").pk))
    assert response.status_code == 400 and "region" in response.context["form"].errors
    assert School.objects.get(pk=cast.A1.pk).region_code == cast.A1.region_code


def test_counted_fields_ask_monitoring_for_a_recompute(cast, client):
    MonitoringRun.objects.update(status=RunStatus.SUCCEEDED)  # the cast's own data changes have been computed
    client.force_login(cast.county_staff)
    url = reverse("schools:edit", kwargs={"pk": cast.A1.pk})
    assert client.post(url, _form_data(cast.A1, phone="0731-1111111")).status_code == 302
    runs = MonitoringRun.objects.filter(trigger="school_change")
    assert not runs.exists()  # a phone number counts for nothing
    assert client.post(url, _form_data(cast.A1, is_active=None)).status_code == 302  # 停办
    run = runs.get()
    assert (run.region.code, run.year, run.trigger, run.status) == ("430182", 2025, "school_change", "queued")
    assert not School.objects.get(pk=cast.A1.pk).is_active
