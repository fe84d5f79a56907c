"""The workbench's query count does not grow with the schools and findings in scope (issue [7]), for
office staff (tiles) and leaders (figures with their six months)."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from tests.factories import SchoolFactory

# leaders: six months of quota compliance, computed afresh under the tests (kept in production)
BUDGET = {"province_staff": 40, "county_staff": 45, "county_leader": 80}


def _grow(cast, n: int) -> None:
    from dudao.findings.services import finding_create
    from dudao.regions.models import Office

    office = Office.objects.get(region__code="430182")
    today = timezone.localdate()
    for i in range(n):
        school = SchoolFactory(name=f"预算学校{n}-{i:02d}", region=cast.A2.region, code=f"3143{n:03d}{i:03d}")
        finding_create(by=None, office=office, school=school, source="visit", category="safety", description=f"问题{i}",
                       requirement="整改", found_on=today - timedelta(days=20 + i % 40), deadline=today + timedelta(days=i % 20 - 10))


@pytest.mark.parametrize("persona", sorted(BUDGET))
def test_the_home_page_query_count_does_not_grow_with_the_scope(cast, client, office_world, persona,
                                                                django_assert_max_num_queries):
    client.force_login(getattr(cast, persona))
    counts = []
    for n in (2, 30):
        _grow(cast, n)
        with django_assert_max_num_queries(BUDGET[persona]):
            assert client.get(reverse("core:home")).status_code == 200
        with CaptureQueriesContext(connection) as captured:
            client.get(reverse("core:home"))
        counts.append(len(captured))
    assert counts[0] == counts[1], counts
