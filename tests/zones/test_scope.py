"""Every zones URL as every persona: objects outside the scope answer 404, writes outside 403/404."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.zones.models import Assignment, Zone
from dudao.zones.services import assignment_create, zone_add_schools, zone_create
from tests.personas import EXPECTED, PERSONAS

# What each persona may do with 宁乡's zone, school A1 and office:
READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
MANAGERS = {"admin", "province_staff", "city_staff", "county_staff"}


@pytest.fixture
def world(cast):
    office = Office.objects.get(region__code="430182")
    supervisor = supervisor_create(by=None, office=office, name="区内督学", kind="full_time", level="county", phone="13800001111")
    zone = zone_create(office=office, name="北区", members=[supervisor])
    zone_add_schools(zone=zone, schools=[cast.A1])
    assignment = assignment_create(supervisor=supervisor, school=cast.A1)
    return {"office": office, "zone": zone, "assignment": assignment, "supervisor": supervisor}


@pytest.mark.parametrize("persona", PERSONAS)
def test_zone_pages(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    zone, office = world["zone"], world["office"]
    reads = {
        "zones:detail": reverse("zones:detail", kwargs={"pk": zone.pk}),
        "zones:edit": reverse("zones:edit", kwargs={"pk": zone.pk}),
        "zones:create": reverse("zones:create") + f"?office={office.pk}",
        "zones:index": reverse("zones:index") + f"?office={office.pk}",
        "api-1:get_zone": f"/api/v1/zones/{zone.pk}",
        "api-1:get_coverage": f"/api/v1/offices/{office.pk}/coverage",
    }
    for name, url in reads.items():
        response = client.get(url)
        status = response.status_code
        if name == "zones:index" and persona not in READERS:
            # an office page anyone may open, but it lists only zones in the persona's scope
            assert status in (200, 404) and "北区" not in response.content.decode(), (name, persona)
            continue
        if persona in MANAGERS:
            assert status == 200, (name, persona)
        elif persona in READERS:
            assert status == (403 if name in {"zones:edit", "zones:create"} else 200), (name, persona, status)
        else:
            assert status in (403, 404), (name, persona, status)
    listing = client.get(reverse("api-1:list_zones")).json()
    assert (zone.pk in {z["id"] for z in listing}) == (persona in READERS), persona


@pytest.mark.parametrize("persona", [p for p in PERSONAS if p not in MANAGERS])
def test_zone_writes_are_refused(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    zone = world["zone"]
    posts = {
        "zones:add_schools": (reverse("zones:add_schools", kwargs={"pk": zone.pk}), {"codes": cast.A2.code}),
        "zones:remove_school": (reverse("zones:remove_school", kwargs={"pk": zone.pk, "school_pk": cast.A1.pk}), {}),
        "zones:delete": (reverse("zones:delete", kwargs={"pk": zone.pk}), {}),
        "zones:assign": (reverse("zones:assign", kwargs={"pk": cast.A2.pk}), {"supervisor": world["supervisor"].pk, "starts_on": "2025-01-01"}),
        "zones:join": (reverse("zones:join", kwargs={"pk": cast.A2.pk}), {"zone": zone.pk}),
        "zones:assignment_end": (reverse("zones:assignment_end", kwargs={"pk": world["assignment"].pk}), {"ends_on": "2030-01-01", "reason": "x"}),
        "api-1:create_assignment": (f"/api/v1/schools/{cast.A2.pk}/assignments", None),
    }
    for name, (url, data) in posts.items():
        if data is None:
            response = client.post(url, {"supervisor_id": world["supervisor"].pk}, content_type="application/json")
        else:
            response = client.post(url, data)
        assert response.status_code in (403, 404), (name, persona, response.status_code)
    assert Zone.objects.get(pk=zone.pk).memberships.count() == 1
    assert Assignment.objects.count() == 1 and Assignment.objects.get().ends_on is None


@pytest.mark.parametrize("persona", PERSONAS)
def test_school_supervision_pages(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    for key in ("A1", "B1"):
        school = getattr(cast, key)
        for name, url in (("zones:school", reverse("zones:school", kwargs={"pk": school.pk})),
                          ("api-1:list_assignments", f"/api/v1/schools/{school.pk}/assignments")):
            status = client.get(url).status_code
            assert status == (200 if key in EXPECTED[persona] else 404), (name, persona, key, status)


# Zone exports carry the team's phone numbers: the office, those above it and admins (accounts helper).
EXPORT_SEES = {"admin": {"北区", "浏阳区"}, "province_staff": {"北区", "浏阳区"}, "city_staff": {"北区", "浏阳区"},
               "county_staff": {"北区"}, "county_leader": {"北区"}, "multi": set()}


@pytest.mark.parametrize("persona", PERSONAS)
def test_zone_exports(cast, client, world, persona):
    import io

    from python_calamine import CalamineWorkbook

    zone_create(office=Office.objects.get(region__code="430181"), name="浏阳区")
    client.force_login(getattr(cast, persona))
    for kind in ("zones", "zone_schools", "zone_supervisors"):
        response = client.get(reverse("zones:export", kwargs={"kind": kind}))  # "zones:export"
        if persona not in EXPORT_SEES:
            assert response.status_code == 403, (persona, kind)
            continue
        assert response.status_code == 200, (persona, kind)
        rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
        zone_column = {"zones": 1, "zone_schools": 2, "zone_supervisors": 3}[kind]
        shown = {r[zone_column] for r in rows[1:]}
        assert shown <= EXPORT_SEES[persona] and ("北区" in shown) == ("北区" in EXPORT_SEES[persona]), (persona, kind, shown)
        if kind == "zone_schools":
            assert ({r[0] for r in rows[1:]} == {cast.A1.code}) == ("北区" in EXPORT_SEES[persona])


def test_zone_exports_ask_anonymous_to_log_in(cast, client):
    response = client.get(reverse("zones:export", kwargs={"kind": "zones"}))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
