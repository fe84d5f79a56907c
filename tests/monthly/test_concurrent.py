"""Two drafts of the same office and month at the same moment (PostgreSQL: real concurrent transactions):
one summary, one document; the second waits on the office's row lock and opens the first."""

from __future__ import annotations

import threading
from datetime import date

import pytest
from django.db import connection, connections

from dudao.documents.models import Document
from dudao.monthly import services
from dudao.monthly.models import MonthlySummary
from dudao.regions.models import Region
from dudao.regions.services import office_ensure

pytestmark = pytest.mark.skipif(connection.vendor != "postgresql", reason="needs concurrent transactions")


def test_two_drafts_at_once_make_one_summary(transactional_db):
    office = office_ensure(region=Region.objects.get(code="430182"))
    barrier = threading.Barrier(2)
    results: list = []
    errors: list = []

    def draft() -> None:
        try:
            barrier.wait(timeout=10)
            results.append(services.draft_summary(by=None, office=office, year=2026, month=10, today=date(2026, 11, 15),
                                                  check=False))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draft) for _ in range(2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert errors == []
    assert sorted(created for _s, created in results) == [False, True]
    assert len({s.pk for s, _created in results}) == 1
    assert MonthlySummary.objects.count() == 1 and Document.objects.filter(kind="monthly").count() == 1
