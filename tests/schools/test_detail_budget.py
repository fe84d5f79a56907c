"""A school's page costs the same number of queries whatever the findings and visits it has (issue [7])."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.visits.conftest import office_world, quota_defaults  # noqa: F401 (fixtures)
from tests.visits.office_world import submitted


def _grow(cast, world, n: int) -> None:
    from dudao.findings.services import finding_create

    today = timezone.localdate()
    zhang = world.supervisors["宁乡张督学"]
    for i in range(n):
        finding_create(by=None, office=world.offices["430182"], school=cast.A1, source="visit", category="safety",
                       description=f"问题{n}-{i}", requirement="整改", found_on=today - timedelta(days=30),
                       deadline=today + timedelta(days=i % 20 - 10))
        submitted(zhang, cast.A1, date(2025, 11, 1) + timedelta(days=i % 25), by=cast.admin)


def test_the_school_page_query_count_does_not_grow(cast, client, office_world, django_assert_max_num_queries):  # noqa: F811
    client.force_login(cast.county_staff)
    url = reverse("schools:detail", args=[cast.A1.pk])
    counts = []
    for n in (2, 30):
        _grow(cast, office_world, n)
        with django_assert_max_num_queries(25):
            assert client.get(url).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
