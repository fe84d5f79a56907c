"""The findings ledger's cost follows the page (issue [7]): its order is read off an index and is
the urgency order it replaced; the number of queries does not grow with the findings in scope."""

from __future__ import annotations

import random
from datetime import timedelta

from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import FINISHED_STATES, Finding
from dudao.findings.selectors import finding_list

BUDGET = 16


def test_the_ledger_order_is_the_urgency_order(ledger, cast):
    """Overdue (nearest deadline first), then due, then finished; ties: latest found first, then id."""
    today = timezone.localdate()
    rng = random.Random(3)
    for i in range(40):
        f = ledger.make(deadline=today + timedelta(days=rng.randint(-20, 20)), found_on=today - timedelta(days=30 + rng.randint(0, 3)))
        if i % 4 == 0:
            Finding.objects.filter(pk=f.pk).update(state=rng.choice(FINISHED_STATES))

    def urgency(f: Finding) -> int:
        return 2 if f.state in FINISHED_STATES else (0 if f.deadline < today else 1)

    expected = sorted(Finding.objects.all(), key=lambda f: (urgency(f), f.deadline, -f.found_on.toordinal(), -f.pk))
    assert [f.pk for f in finding_list(user=cast.county_staff, today=today)] == [f.pk for f in expected]


def _queries(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(url, params or {}).status_code == 200
    return len(captured)


def test_the_ledger_query_count_does_not_grow_with_the_scope(ledger, cast, client, django_assert_max_num_queries):
    client.force_login(cast.county_staff)
    url = reverse("findings:ledger")
    counts = []
    for extra in (2, 45):
        for i in range(extra):
            ledger.make(cast.A1 if i % 2 else cast.A2, deadline=timezone.localdate() + timedelta(days=i - 10),
                        found_on=timezone.localdate() - timedelta(days=30))
        with django_assert_max_num_queries(BUDGET):
            client.get(url)
        counts.append(_queries(client, url))
        counts.append(_queries(client, url, {"due": "overdue", "school": "宁乡"}))
    assert counts[0] == counts[2] and counts[1] == counts[3], counts
    page = client.get(url).context["page"]
    assert page.paginator.count == Finding.objects.count() == 47 and len(page.object_list) == 30
