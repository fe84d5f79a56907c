"""The scheduled job: on the 1st, last month's draft for every office with staff; idempotent."""

from __future__ import annotations

from datetime import date

import pytest

from dudao.core.schedule import registered
from dudao.monthly.models import MonthlySummary
from dudao.monthly.services import draft_last_month

pytestmark = pytest.mark.django_db


def test_the_job_is_registered():
    assert "monthly.draft_last_month" in {job.name for job in registered()}


def test_drafts_last_month_on_the_first_only(cast):
    assert draft_last_month(date(2026, 11, 2)) == {"drafted": 0, "existing": 0}
    assert not MonthlySummary.objects.exists()
    first = draft_last_month(date(2026, 11, 1))
    # the cast's staffed offices: 湖南省, 长沙市, 宁乡市, 望城区 (浏阳 has only a supervisor)
    offices = set(MonthlySummary.objects.values_list("office__region__code", flat=True))
    assert offices == {"43", "4301", "430182", "430112"} and first == {"drafted": 4, "existing": 0}
    assert set(MonthlySummary.objects.values_list("year", "month")) == {(2026, 10)}
    assert all(s.document.created_by is None and s.document.status == "draft" for s in MonthlySummary.objects.all())
    assert draft_last_month(date(2026, 11, 1)) == {"drafted": 0, "existing": 4}
    draft_last_month(date(2027, 1, 1))
    assert MonthlySummary.objects.filter(year=2026, month=12).count() == 4
