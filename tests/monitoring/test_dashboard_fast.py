"""A province's dashboard keeps its base-data figures (large classes, teacher structure, the years
with base data) a few minutes and says when they were computed; the kept figures equal the live
computation on generated data, the Excel export stays live, a county's figures are never kept, and
the province page's queries do not grow with its schools.

Data: tests/monitoring/dash_support.py plus generated schools in 望城 (430112) with random bands.
"""

from __future__ import annotations

import random

import pytest
from django.core.cache import cache
from django.urls import reverse

from dudao.monitoring import selectors
from dudao.regions.models import Region
from dudao.schools.models import SchoolYearData
from tests.factories import SchoolFactory, YearDataFactory
from tests.monitoring.dash_support import YEAR, build, good_primary
from tests.xlsx import xlsx_rows


@pytest.fixture
def world(cast):
    build(cast)
    cache.clear()
    yield cast
    cache.clear()


def _generate(cast, n: int, seed: int) -> None:
    rng = random.Random(seed)
    region = cast.B1.region
    for i in range(n):
        school = SchoolFactory(name=f"望城生成{seed}-{i}", region=region)
        bands = {f: rng.randint(0, 6) for f in ("classes_upto_45", "classes_46_55", "classes_56_65", "classes_66_plus")}
        YearDataFactory(school=school, year=YEAR, stage=rng.choice(["primary", "junior"]),
                        **good_primary(rng.randint(100, 1500), teachers_age_under_30=rng.randint(0, 20), **bands))


def _page(client, **params):
    response = client.get(reverse("monitoring:index"), {"year": YEAR, **params})
    assert response.status_code == 200
    return response


def test_a_provinces_base_data_is_kept_equals_the_live_figures_and_the_page_says_so(world, client, settings, monkeypatch):
    settings.MONITORING_FIGURES_CACHE_SECONDS = 300
    monkeypatch.setattr(selectors, "LARGE_BASE_DATA", 3)
    _generate(world, 12, 1)
    province = Region.objects.get(code="43")
    client.force_login(world.province_staff)
    first = _page(client, region="43")
    assert first.context["base_counted_at"] is not None
    assert 'data-testid="base-counted-at"' in first.content.decode()
    live = selectors.base_data_summary(user=world.province_staff, region=province, year=YEAR)
    assert first.context["base"] == live  # every line, total and teacher band
    assert live.totals["primary"].large > 0 and len(live.lines) >= 2
    assert first.context["year_choices"][0] == YEAR
    # more base data: the page keeps its figures (and time) for a few minutes, the export is live
    _generate(world, 3, 2)
    again = _page(client, region="43")
    assert again.context["base"] == live
    assert again.context["base_counted_at"] == first.context["base_counted_at"]
    now = selectors.base_data_summary(user=world.province_staff, region=province, year=YEAR)
    assert sum(t.schools for t in now.totals.values()) == sum(t.schools for t in live.totals.values()) + 3
    export = client.get(reverse("monitoring:export"), {"region": "43", "year": YEAR, "table": "classes"})
    assert export.status_code == 200
    totals = [row for row in xlsx_rows(export) if row and row[0] == "合计"]
    assert [(row[2], row[3]) for row in totals] == [(now.totals[s].schools, now.totals[s].classes) for s in ("primary", "junior")]
    assert now.totals != live.totals


def test_a_countys_base_data_is_live(world, client, settings):
    settings.MONITORING_FIGURES_CACHE_SECONDS = 300
    client.force_login(world.county_staff)
    first = _page(client)
    assert first.context["base_counted_at"] is None
    assert 'data-testid="base-counted-at"' not in first.content.decode()
    row = SchoolYearData.objects.get(school=world.A1, year=YEAR, stage="primary")
    row.classes_66_plus += 4
    row.save()
    again = _page(client)
    assert again.context["base"].totals["primary"].super_large == first.context["base"].totals["primary"].super_large + 4


def test_the_years_of_a_province_are_kept_a_countys_live(world, settings):
    settings.MONITORING_FIGURES_CACHE_SECONDS = 300
    province, county = Region.objects.get(code="43"), Region.objects.get(code="430182")
    assert selectors.kept_base_data_years(region=province) == selectors.base_data_years(region=province) == [YEAR]
    YearDataFactory(school=world.A1, year=YEAR - 3, stage="primary", **good_primary(500))
    assert selectors.kept_base_data_years(region=province) == [YEAR]  # kept
    assert selectors.kept_base_data_years(region=county) == selectors.base_data_years(region=county) == [YEAR, YEAR - 3]


def test_province_page_query_budget_does_not_grow_with_schools(world, client, django_assert_max_num_queries):
    client.force_login(world.province_staff)
    _page(client, region="43")  # warm the session
    for n, seed in ((2, 3), (30, 4)):
        _generate(world, n, seed)
        with django_assert_max_num_queries(15):
            html = _page(client, region="43").content.decode()
        assert "大班额" in html
        assert _page(client, region="43").context["base"].totals["primary"].classes == sum(
            SchoolYearData.objects.filter(year=YEAR, stage="primary", school__region_code__startswith="43",
                                          school__is_active=True).values_list("classes", flat=True))
