"""Balance-monitoring recompute at province scale (issue [5] benchmark).

In the bench database (after bench/run.py built the schools of Hunan and Hubei, > 20,000 schools
with yearly data for 2023 and 2024) this times `monitoring_recompute` as the background task runs
it: both schemes (优质均衡 7 indicators, 基本均衡 8), both stages, every school stage section, every
county, city and province:

1. year 2024 everywhere, first time (every result row inserted);
2. the same again (every row upserted over itself: the usual case after a data change);
3. Hunan only (a province office's "recompute now");
4. one county (what a single edit or a county's import costs).

It then checks one county's stored CVs against the pure functions over its base data rows.
Target: the whole dataset < 30 s on PostgreSQL on this 2-core machine.

Alone, on a database of its own (`dudao_bench_monitoring`, dropped and rebuilt with the same
generator as run.py; about a minute): `.venv/bin/python bench/monitoring.py [--keep]`.
"""

from __future__ import annotations

import argparse
import os
import sys
import time

TARGET_SECONDS = 30.0
YEAR = 2024
STANDALONE_DB = "dudao_bench_monitoring"


def _timed(label: str, fn):
    print(f"… monitoring: {label}", flush=True)
    started = time.perf_counter()
    result = fn()
    seconds = round(time.perf_counter() - started, 2)
    print(f"  monitoring {label}: {seconds:.2f} s", flush=True)
    return result, seconds


def _verify_county(code: str) -> dict:
    """The stored CVs of one county equal the pure functions over its base-data rows."""
    from dudao.monitoring import indicators as ind
    from dudao.monitoring.models import AreaResult, SchoolResult
    from dudao.schools.models import SchoolYearData

    checked = 0
    for area in AreaResult.objects.filter(year=YEAR, region_code=code, level="county"):
        counted = set(SchoolResult.objects.filter(scheme=area.scheme, year=YEAR, stage=area.stage, region_code__startswith=code,
                                                  excluded_reason="").values_list("school_id", flat=True))
        rows = SchoolYearData.objects.filter(year=YEAR, stage=area.stage, school_id__in=counted)
        values, students = [], []
        for row in rows:
            values.append(ind.indicator_values({f: getattr(row, f) for f in ind.BASE_FIELDS}, stage=area.stage, scheme=area.scheme))
            students.append(row.students)
        for indicator, stored in area.cv.items():
            expected = ind.cv_result([v[indicator] for v in values], students).cv
            if (stored is None) != (expected is None) or (stored is not None and abs(stored - expected) > 1e-9 * max(1, expected)):
                raise AssertionError(f"county {code} {area.scheme} {area.stage} {indicator}: stored {stored}, expected {expected}")
            checked += 1
    return {"county": code, "cvs_checked": checked}


def bench_monitoring() -> dict:
    from django.db.models import Count

    from dudao.monitoring.models import AreaResult, SchoolResult
    from dudao.monitoring.services import monitoring_recompute
    from dudao.regions.models import Region
    from dudao.schools.models import SchoolYearData

    sections = SchoolYearData.objects.filter(year=YEAR, stage__in=["primary", "junior"]).count()
    print(f"… monitoring: {sections:,} primary/junior stage sections with {YEAR} data", flush=True)
    first, first_s = _timed("everything, first time", lambda: monitoring_recompute(year=YEAR, trigger="bench"))
    again, again_s = _timed("everything again (upsert)", lambda: monitoring_recompute(year=YEAR, trigger="bench"))
    hunan = Region.objects.get(code="43")
    province, province_s = _timed("湖南省", lambda: monitoring_recompute(year=YEAR, region=hunan, trigger="bench"))
    busiest = (SchoolResult.objects.filter(year=YEAR, region_code__startswith="43").values("region_code")
               .annotate(n=Count("id")).order_by("-n").first())
    county = Region.objects.get(code=busiest["region_code"][:6])
    one, county_s = _timed(f"one county ({county.name})", lambda: monitoring_recompute(year=YEAR, region=county, trigger="bench"))
    verdicts = dict(AreaResult.objects.filter(year=YEAR, level="county", scheme="quality_2017", stage="primary")
                    .values("verdict").annotate(n=Count("id")).values_list("verdict", "n"))
    figures = {
        "year": YEAR, "stage_sections": sections, "school_results": first.counts["school_results"],
        "county_results": first.counts["county_results"], "summary_results": first.counts["summary_results"],
        "excluded": first.counts["excluded"], "seconds": first_s, "upsert_seconds": again_s,
        "phases": first.counts["seconds"], "upsert_phases": again.counts["seconds"],
        "province_seconds": province_s, "province_school_results": province.counts["school_results"],
        "county_seconds": county_s, "county_school_results": one.counts["school_results"],
        "quality_primary_county_verdicts": verdicts, "verified": _verify_county(county.code),
    }
    print(f"  monitoring: {figures['school_results']:,} school results, {figures['county_results']:,} county and "
          f"{figures['summary_results']} city/province results; first {first_s} s, upsert {again_s} s "
          f"(target < {TARGET_SECONDS:.0f} s), Hunan {province_s} s, one county {county_s} s; "
          f"verified {figures['verified']['cvs_checked']} CVs of {county.name}", flush=True)
    return figures


def _year_data(schools) -> str:
    """The yearly base data of the new database's schools (then ANALYZE): the dataset line's tail."""
    from django.db import connection

    from province_data import create_year_data, sections_of

    rows = create_year_data(sections_of(schools))
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return f", {rows:,} yearly rows"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help=f"reuse {STANDALONE_DB} if it exists instead of rebuilding it")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from common import standalone_database

    standalone_database(STANDALONE_DB, keep=args.keep, fill=_year_data)
    figures = bench_monitoring()
    return 0 if figures["seconds"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
