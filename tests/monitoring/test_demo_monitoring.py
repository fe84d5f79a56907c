"""The demo city's monitoring results are meaningful: in 宁乡 some schools pass and some fail, and
a CV is over its limit — computed from the demo's base data, deterministically."""

from __future__ import annotations

from dudao.demo.build import DemoBuilder
from dudao.demo.monitoring import build_demo_monitoring
from dudao.monitoring.models import AreaResult, SchoolResult
from dudao.schools.models import SchoolYearData


def _results() -> dict:
    return {(a.scheme, a.year, a.stage, a.region_code): (a.verdict, a.cv, a.schools_passing) for a in AreaResult.objects.all()}


def test_demo_results_are_meaningful_and_deterministic(db):
    builder = DemoBuilder()
    builder.build_schools()
    SchoolYearData.objects.bulk_create(builder.year_rows(), batch_size=1000)
    runs = build_demo_monitoring()
    assert [r.status for r in runs] == ["succeeded"] * 3 and [r.year for r in runs] == [2023, 2024, 2025]
    nx = AreaResult.objects.get(scheme="quality_2017", year=2025, stage="primary", region_code="430182")
    assert 0 < nx.schools_passing < nx.school_count  # some schools pass, some fail
    assert any(cv is not None and cv > 0.50 for cv in nx.cv.values())  # a CV over the primary limit
    assert nx.verdict == "fail"
    assert any(e["reason"] == "teaching_point_small" for e in nx.excluded)
    city = AreaResult.objects.get(scheme="quality_2017", year=2025, stage="primary", region_code="4301")
    assert city.counties["total"] == 9
    assert AreaResult.objects.filter(scheme="basic_2012", year=2025, level="county", composite_cv__isnull=False).count() == 18
    # Under-resourced village schools keep their gaps (no PE/art teachers): they fail L3.
    rural_fail = SchoolResult.objects.filter(scheme="quality_2017", year=2025, region_code__startswith="430182",
                                             school__locality="rural", passes=False)
    assert any(r.met["L3"] is False for r in rural_fail)
    first = _results()
    build_demo_monitoring()  # a second demo run changes nothing
    assert _results() == first
