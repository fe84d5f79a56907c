"""The statistics page's figures come from two scans of the findings (selectors.ledger_stats, issue [7])
and equal, figure by figure and row by row, the per-table computations they replaced
(`ledger_counts`, `ledger_groups`) on generated ledgers; the page's query count does not grow with
the findings in scope."""

from __future__ import annotations

import random
from dataclasses import astuple
from datetime import datetime, time, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import Finding, FindingState
from dudao.findings.selectors import FindingFilters, finding_list, ledger_counts, ledger_groups, ledger_stats
from dudao.findings.services import finding_create
from dudao.regions.models import Region

CATEGORIES = ("safety", "hygiene", "management", "workload")


def _generate(ledger, n: int, seed: int) -> None:
    """n findings at the cast's schools in three counties and at two government units, in every state,
    with deadlines around today and closing days before and after them."""
    cast = ledger.cast
    rng = random.Random(seed)
    today = timezone.localdate()
    schools = [cast.A1, cast.A2, cast.A3, cast.B1, cast.B2, cast.C1]
    units = [("宁乡市人民政府", Region.objects.get(code="430182")), ("望城区教育局", Region.objects.get(code="430112"))]
    for i in range(n):
        found = today - timedelta(days=rng.randint(0, 90))
        extra = {"found_on": found, "deadline": found + timedelta(days=rng.randint(1, 60)),
                 "category": rng.choice(CATEGORIES), "office": ledger.changsha}
        if i % 9 == 0:
            name, region = rng.choice(units)
            f = finding_create(by=None, source="other", description="政府履职问题", requirement="整改", unit_name=name,
                               region=region, **extra)
        else:
            f = ledger.make(rng.choice(schools), **extra)
        state = rng.choice(FindingState.values)
        closed_at = None
        if state == FindingState.CLOSED and rng.random() < 0.9:  # a few closed rows without a closing time
            day = f.found_on + timedelta(days=rng.randint(0, 70))
            closed_at = timezone.make_aware(datetime.combine(day, time(rng.choice((0, 9, 23)), 30)))
        Finding.objects.filter(pk=f.pk).update(state=state, closed_at=closed_at,
                                               escalation_level=rng.choice((0, 0, 1, 2)))


def _rows(rows) -> list[tuple]:
    return [astuple(r) for r in rows]


@pytest.mark.parametrize("seed", [1, 2])
@pytest.mark.parametrize("persona", ["province_staff", "city_staff", "county_staff"])
def test_equals_the_per_table_figures(ledger, seed, persona):
    # given
    _generate(ledger, 90, seed)
    user = getattr(ledger.cast, persona)
    today = timezone.localdate()
    for filters in (FindingFilters(), FindingFilters(state="unfinished"), FindingFilters(category="safety"),
                    FindingFilters(due="overdue")):
        qs = finding_list(user=user, filters=filters, today=today)
        # when
        found = ledger_stats(qs, today=today, schools=4)
        # then
        assert astuple(found.counts) == astuple(ledger_counts(qs, today=today))
        counties = ledger_groups(qs, by="county", today=today)
        area_by = "township" if len(counties) == 1 else "county"
        assert found.area_by == area_by
        assert _rows(found.areas) == _rows(counties if area_by == "county" else ledger_groups(qs, by="township", today=today))
        assert _rows(found.schools) == _rows(ledger_groups(qs, by="school", today=today, limit=4))
        assert _rows(found.categories) == _rows(ledger_groups(qs, by="category", today=today))


def test_an_empty_ledger(ledger):
    found = ledger_stats(Finding.objects.none(), schools=30)
    assert (found.counts.total, found.counts.close_days, found.areas, found.schools, found.categories) == (0, None, [], [], [])


def test_the_page_query_count_does_not_grow_with_the_findings(ledger, client, django_assert_max_num_queries):
    client.force_login(ledger.cast.province_staff)
    url = reverse("findings:stats")
    for n, seed in ((5, 3), (60, 4)):
        _generate(ledger, n, seed)
        with django_assert_max_num_queries(14):
            page = client.get(url).content.decode()
        assert f'>{Finding.objects.count()}</div>' in page  # 问题总数


def test_a_large_scopes_figures_are_kept_and_the_pages_say_so(ledger, client, settings, monkeypatch):
    from django.core.cache import cache

    from dudao.findings import selectors

    cache.clear()
    settings.FINDINGS_FIGURES_CACHE_SECONDS = 120
    monkeypatch.setattr(selectors, "LARGE_SCOPE", 20)
    _generate(ledger, 24, 5)
    client.force_login(ledger.cast.province_staff)
    first = client.get(reverse("findings:ledger"))
    assert first.context["counted_at"] is not None and 'data-testid="counted-at"' in first.content.decode()
    counts = first.context["counts"]
    # a new finding: the kept figures stay, the rows are live
    ledger.make(ledger.cast.A1, description="新登记的问题")
    again = client.get(reverse("findings:ledger"))
    assert again.context["counts"].total == counts.total == 24
    assert again.context["counted_at"] == first.context["counted_at"]
    assert client.get(reverse("findings:stats")).context["counts"].total == 25  # computed now, then kept
    # the workbench reads the same kept counts as the ledger
    from dudao.home.workbench import workbench

    tiles = {t.key: t for t in workbench(user=ledger.cast.province_staff).office}
    assert tiles["overdue"].count == counts.overdue and "统计）" in tiles["overdue"].hint
    cache.clear()


def test_a_small_scopes_figures_are_live(ledger, client, settings):
    from django.core.cache import cache

    cache.clear()
    settings.FINDINGS_FIGURES_CACHE_SECONDS = 120
    _generate(ledger, 5, 6)
    client.force_login(ledger.cast.county_staff)
    first = client.get(reverse("findings:ledger"))
    ledger.make(ledger.cast.A1, description="新登记的问题")
    again = client.get(reverse("findings:ledger"))
    assert first.context["counted_at"] is None and 'data-testid="counted-at"' not in first.content.decode()
    assert again.context["counts"].total == first.context["counts"].total + 1
    cache.clear()
