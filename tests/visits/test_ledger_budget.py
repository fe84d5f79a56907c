"""The visit ledger's cost follows the page, not the scope (issue [7]): the same number of queries
for a county with a handful of visits and with many more, problem counts for the rows shown only,
and a count that stops at its cap."""

from __future__ import annotations

from datetime import date, timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from dudao.core import pagination
from tests.visits.office_world import submitted

BUDGET = 16  # session, user, scope, filters' choices, the count, the page, its problem counts, …


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_ledger_query_count_does_not_grow_with_the_scope(cast, client, office_world, django_assert_max_num_queries):
    client.force_login(cast.city_staff)
    url = reverse("visits:log")
    li = office_world.supervisors["宁乡李督学"]
    counts = []
    for extra in (0, 45):  # a page and a half more
        for i in range(extra):
            submitted(li, cast.A3, date(2025, 11, 1) + timedelta(days=i % 28), by=cast.admin, hour=8 + i % 3)
        with django_assert_max_num_queries(BUDGET):
            client.get(url)
        counts.append(_queries(client, url))
        counts.append(_queries(client, url, {"school": "宁乡", "problems": "0"}))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts


def test_problem_counts_are_those_of_the_rows_shown(cast, client, office_world):
    client.force_login(cast.county_staff)
    page = client.get(reverse("visits:log")).context["page"]
    counts = {(v.visit_date.isoformat(), v.school.name): v.problem_count for v in page.object_list}
    # office_world: one problem at 一小 on 2025-10-09, none elsewhere (as the export says)
    assert counts[("2025-10-09", "测试宁乡一小")] == 1
    assert sum(counts.values()) == 1


def test_the_count_stops_at_its_cap(cast, client, office_world, monkeypatch):
    monkeypatch.setattr(pagination, "COUNT_CAP", 3)
    client.force_login(cast.county_staff)
    response = client.get(reverse("visits:log"))
    page = response.context["page"]
    assert page.paginator.capped and page.paginator.count == 3  # 4 visits in 宁乡's ledger
    assert "超过 3 条" in response.content.decode()
    narrowed = client.get(reverse("visits:log"), {"refused": "1"}).context["page"].paginator
    assert not narrowed.capped and narrowed.count == 1
