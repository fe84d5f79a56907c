"""The never-visited page reads its schools directly (visits/not_visited.py, issue [7]) and lists exactly
the compliance report's `schools_not_visited` — the same schools in the same order, with the same zone,
responsible supervisors and last visit — on generated visits, handovers and zones; its query count does
not grow with the schools."""

from __future__ import annotations

import random
from datetime import date, timedelta

import pytest
from django.urls import reverse

from dudao.visits.compliance import compliance_report
from dudao.visits.not_visited import UNZONED, schools_not_visited
from dudao.zones.models import Assignment
from dudao.zones.services import assignment_create, zone_add_schools
from tests.factories import SchoolFactory
from tests.visits.office_world import submitted

TODAY = date(2025, 11, 20)


def _row(r) -> tuple:
    return (r.school, r.last_visit, r.zone, tuple(sorted(r.responsible)))


@pytest.fixture
def busy_world(cast, office_world):
    """The office world plus 24 schools in 宁乡 and 望城, random visits over 2025 (drafts too), and
    handovers: some assignments ended inside October, some started after it."""
    rng = random.Random(5)
    world = office_world
    people = {"430182": [world.supervisors["宁乡张督学"], world.supervisors["宁乡李督学"]],
              "430112": [world.supervisors["望城王督学"]]}
    schools = [SchoolFactory(name=f"测试新校{i:02d}", region=rng.choice([cast.A1.region, cast.A2.region, cast.B1.region]),
                             code=f"31439{i:05d}") for i in range(24)]
    for i, school in enumerate(schools):
        county = people[school.region_code[:6]]
        if i % 5 == 1:
            zone_add_schools(zone=world.zones[school.region_code[:6]], schools=[school])
        if i % 3:
            starts = date(2025, rng.randint(1, 12), rng.randint(1, 28))
            a = assignment_create(supervisor=rng.choice(county), school=school, starts_on=starts)
            if i % 4 == 0:
                Assignment.objects.filter(pk=a.pk).update(ends_on=starts + timedelta(days=rng.randint(0, 60)))
        for _v in range(rng.randint(0, 3)):
            day = date(2025, rng.randint(1, 11), rng.randint(1, 28))
            v = submitted(rng.choice(county), school, day, by=cast.admin)
            if rng.random() < 0.2:
                type(v).objects.filter(pk=v.pk).update(status="draft")
    return world


@pytest.mark.parametrize("code", ["430182", "430112", "4301", "43"])
@pytest.mark.parametrize(("kind", "day"), [("month", date(2025, 10, 15)), ("month", date(2025, 11, 3)),
                                            ("semester", date(2025, 10, 1)), ("year", date(2025, 3, 1)),
                                            ("month", date(2026, 1, 5))])
def test_lists_the_reports_schools_not_visited(busy_world, code, kind, day):
    office = busy_world.offices[code]
    # when
    report = compliance_report(office=office, kind=kind, day=day, today=TODAY)
    found = schools_not_visited(office=office, kind=kind, day=day, today=TODAY)
    # then
    assert [_row(r) for r in found.every_row()] == [_row(r) for r in report.schools_not_visited]
    assert found.total == len(report.schools)
    assert found.zones() == [z for z, _n, _v in report.zones]
    for zone in found.zones():
        zoned = schools_not_visited(office=office, kind=kind, day=day, today=TODAY, zone=zone)
        assert [_row(r) for r in zoned.every_row()] == [
            _row(r) for r in report.schools_not_visited if (r.zone or UNZONED) == zone]


def test_the_excel_file_is_completed_in_chunks(busy_world, monkeypatch):
    from dudao.visits import not_visited

    office = busy_world.offices["4301"]
    whole = [_row(r) for r in schools_not_visited(office=office, kind="year", day=date(2024, 6, 1)).every_row()]
    monkeypatch.setattr(not_visited, "CHUNK", 4)
    assert [_row(r) for r in schools_not_visited(office=office, kind="year", day=date(2024, 6, 1)).every_row()] == whole
    assert len(whole) > 8


def test_the_page_query_count_does_not_grow_with_the_schools(cast, client, office_world, django_assert_max_num_queries):
    client.force_login(cast.city_staff)
    params = {"office": office_world.offices["4301"].pk, "kind": "month", "day": "2025-10-15"}
    for n in (2, 40):
        for i in range(n):
            SchoolFactory(name=f"预算测试学校{n}-{i:02d}", region=cast.A2.region, code=f"3143{n:02d}{i:04d}")
        with django_assert_max_num_queries(14):
            page = client.get(reverse("visits:not_visited"), params)
        assert page.context["page"].paginator.count == 1 + n + (2 if n == 40 else 0)
