"""The complaints list's cost follows the page (issue [7]): its total and overdue count come from one
aggregate, and the number of queries does not grow with the complaints in scope."""

from __future__ import annotations

from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dudao.complaints.models import Complaint
from tests.complaints.conftest import submit

BUDGET = 14


def _get(client, params=None):
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse("complaints:list"), params or {})
    assert response.status_code == 200
    return response, len(captured)


def test_the_list_query_count_does_not_grow_with_the_scope(cast, team, client, django_assert_max_num_queries):
    client.force_login(cast.county_staff)
    counts = []
    for extra in (2, 40):
        for i in range(extra):
            days = 20 if i % 3 == 0 else 1  # every third one past its answer deadline
            submit(cast.A1 if i % 2 else cast.A2, received_at=timezone.now() - timedelta(days=days), text=f"第{i}件反映：作业太多")
        with django_assert_max_num_queries(BUDGET):
            response, n = _get(client)
        counts.append(n)
        counts.append(_get(client, {"category": "workload"})[1])
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    # the one aggregate equals the two counts it replaced
    response, _n = _get(client)
    today = timezone.localdate()
    assert response.context["page"].paginator.count == Complaint.objects.count() == 42
    assert response.context["overdue_count"] == Complaint.objects.overdue(today).count() == 1 + 14
