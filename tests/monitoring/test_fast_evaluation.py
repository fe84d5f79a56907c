"""The fast path (`monitoring.fast.county_figures`) equals the stored evaluation, county by county.

Random base data in a dozen counties — every scope rule, blocks not filled in, 0 pupils, indoor
sports area larger than the teaching area, values exactly at a standard and at 85 % of it, equal
values, one school, a zero mean, counties where nobody counts — evaluated both ways: by
`monitoring_recompute` (the pure functions of indicators.py, stored) and by `county_figures` (one
query and whole-array arithmetic). CVs, means and SDs agree to 1e-9 relative; counts, statuses
and verdicts exactly. Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://…), which take
different fetch paths.
"""

from __future__ import annotations

import ast
import math
import random
from decimal import Decimal
from pathlib import Path

import pytest
from django.utils import timezone

from dudao.monitoring import indicators as ind
from dudao.monitoring.fast import county_figures
from dudao.monitoring.models import AreaResult, SchoolResult
from dudao.monitoring.services import monitoring_recompute
from dudao.monitoring.standards import QUALITY, SCHEMES
from dudao.regions.models import Region
from dudao.schools.models import STAGES_OF_KIND, School, SchoolYearData

YEAR = 2031  # a year no other test writes
KINDS = ["primary", "primary", "primary", "junior", "junior", "nine_year", "teaching_point", "teaching_point",
         "twelve_year", "complete_secondary"]


def _close(a: float | None, b: float | None) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def _money(rng: random.Random, high: float) -> Decimal:
    return Decimal(f"{rng.uniform(0, high):.2f}")


def _values(rng: random.Random, stage: str, students: int, style: str) -> dict:
    """One stage section's base data; `style` shapes a county's edge case."""
    p = max(students, 1)
    if style == "equal":  # every school the same per pupil: CV exactly 0
        return {"students": students, "teachers": p // 10, "teachers_postgraduate": p // 50, "teachers_bachelor": p // 25,
                "teachers_associate": p // 100, "key_teachers": p // 100, "pe_teachers": p // 100, "music_teachers": 0,
                "art_teachers": 0, "teaching_aux_area": Decimal(p * 5), "sports_ground_area": Decimal(p * 8),
                "equipment_value": Decimal(p) / 4, "multimedia_rooms": p // 25, "books": p * 30, "computers": p // 10,
                "teachers_mid_title": p // 40, "teachers_senior_title": p // 100}
    if style == "boundary":  # exactly at each standard, or exactly at 85 % of it (500 pupils)
        r = rng.choice((1.0, 0.85, 0.8499))
        return {"students": 500, "teachers": 40, "teachers_postgraduate": 1,
                "teachers_bachelor": round(21 * r) - 1 if stage == "primary" else round(26.5 * r) - 1,
                "teachers_associate": 0, "key_teachers": 5, "pe_teachers": 2, "music_teachers": 1, "art_teachers": round(1.5 * r),
                "teaching_aux_area": Decimal(str(round(4.5 * 500 * r, 2) if stage == "primary" else round(5.8 * 500 * r, 2))),
                "sports_ground_area": Decimal(str(round((7.5 if stage == "primary" else 10.2) * 500 * r, 2))),
                "equipment_value": Decimal(str(round((2000 if stage == "primary" else 2500) * 500 * r / 10000, 2))),
                "multimedia_rooms": round((2.3 if stage == "primary" else 2.4) * 5 * r), "books": 15000, "computers": 60,
                "teachers_mid_title": 10, "teachers_senior_title": 5}
    teachers = rng.randint(1, max(2, p // 8))
    data = {
        "students": students, "teachers": teachers, "teachers_postgraduate": rng.randint(0, teachers // 5),
        "teachers_bachelor": rng.randint(0, teachers), "teachers_associate": rng.randint(0, teachers // 2),
        "teachers_below_associate": rng.randint(0, 3), "teachers_senior_title": rng.randint(0, teachers // 3),
        "teachers_mid_title": rng.randint(0, teachers // 2), "key_teachers": rng.randint(0, max(1, p // 60)),
        "pe_teachers": rng.randint(0, 4), "music_teachers": rng.randint(0, 2), "art_teachers": rng.randint(0, 2),
        "teaching_aux_area": _money(rng, p * 9), "indoor_sports_area": _money(rng, p * 0.5),
        "sports_ground_area": _money(rng, p * 14), "equipment_value": _money(rng, p * 0.4),
        "multimedia_rooms": rng.randint(0, max(1, p // 25)), "books": rng.randint(0, p * 40), "computers": rng.randint(0, p // 5),
    }
    if style == "zero_mean":
        data["multimedia_rooms"] = 0  # every school of the county: L7 has X̄ = 0
        data["key_teachers"] = 0
    draw = rng.random()
    if draw < 0.08:
        data.update({f: 0 for f in ind.TEACHER_FIELDS if f in data} | {"teachers": 0})
    elif draw < 0.16:
        data.update({f: 0 for f in ind.PREMISES_FIELDS})
    elif draw < 0.2:
        data["indoor_sports_area"] = data["teaching_aux_area"] + Decimal("0.01")  # L4 < 0: invalid
    elif draw < 0.22:
        data.update({f: 0 for f in ind.TEACHER_FIELDS + ind.PREMISES_FIELDS})  # nothing filled in
    elif draw < 0.25:  # a block filled in by one field only: its other indicators are real zeros
        data.update({f: 0 for f in ind.PREMISES_FIELDS} | {"books": rng.randint(1, 50)})
        data.update({f: 0 for f in ind.TEACHER_FIELDS} | {"teachers_junior_title": rng.randint(1, 5)})
    return data


def _build(seed: int) -> list[str]:
    """Schools and YEAR rows in a dozen counties of different shapes; returns the county codes."""
    rng = random.Random(seed)
    counties = list(Region.objects.filter(level="county", code__startswith="43").order_by("code")[:10])
    counties += list(Region.objects.filter(level="county", code__startswith="11").order_by("code")[:2])
    styles = ["normal"] * 5 + ["equal", "single", "zero_mean", "boundary", "all_small_points", "normal", "normal"]
    now = timezone.now()
    schools, plans = [], []
    for n, (county, style) in enumerate(zip(counties, styles, strict=True)):
        size = {"single": 1}.get(style, rng.randint(4, 18))
        for i in range(size):
            kind = "teaching_point" if style == "all_small_points" else ("primary" if style in ("single", "equal") else rng.choice(KINDS))
            private = rng.random() < 0.12 and kind != "teaching_point"
            school = School(code=f"9{seed % 10}{n:02d}{i:06d}"[:10], name=f"快速评估测试{seed}-{n}-{i}", kind=kind,
                            ownership="private" if private else "public", region=county, region_code=county.code,
                            is_county_run=not private and rng.random() > 0.08, is_city_direct=rng.random() < 0.08,
                            is_active=True, created_at=now, updated_at=now)
            schools.append(school)
            plans.append(style)
    # A school registered at city level (4-digit code): counted in no county by either path.
    city = Region.objects.get(code="4301")
    schools.append(School(code=f"9{seed % 10}99000001", name=f"快速评估测试{seed}-市直", kind="primary", region=city,
                          region_code=city.code, created_at=now, updated_at=now))
    plans.append("normal")
    rows = []
    for school, style in zip(School.objects.bulk_create(schools), plans, strict=True):
        for stage in STAGES_OF_KIND[school.kind]:
            if stage not in ("primary", "junior") or (style == "normal" and rng.random() < 0.1):
                continue  # some sections have no row this year ("no_year_data")
            if style == "all_small_points":
                students = rng.randint(1, 49)
            elif style in ("equal", "boundary"):
                students = rng.choice((100, 200, 300, 500))
            elif school.kind == "teaching_point" and rng.random() < 0.4:
                students = rng.choice((49, 50))  # either side of the 50-pupil rule
            else:
                students = rng.choice((0,) + (rng.randint(5, 49),) * 2 + (rng.randint(50, 3000),) * 30)
            rows.append(SchoolYearData(school=school, year=YEAR, stage=stage, created_at=now, updated_at=now,
                                       **_values(rng, stage, students, style)))
    SchoolYearData.objects.bulk_create(rows)  # bulk: no signals, as an import writes
    return [c.code for c in counties]


def _check_scheme(scheme: str, figures: dict) -> int:
    """Every stored county result of the scheme against the fast figures; returns CVs compared."""
    checked = 0
    stored = AreaResult.objects.filter(year=YEAR, scheme=scheme, level="county")
    assert stored.exists()
    seen = set()
    for area in stored:
        key = (area.stage, area.region_code)
        f = figures.get(key)
        results = SchoolResult.objects.filter(scheme=scheme, year=YEAR, stage=area.stage, region_code__startswith=area.region_code)
        if f is None:  # only schools without a row this year
            assert area.school_count == 0 and not results.exists() and area.verdict == "insufficient"
            continue
        seen.add(key)
        counted = [r for r in results if not r.excluded_reason]
        assert f.rows == results.count(), key
        assert (f.schools, f.students, f.schools_passing, f.verdict) == (
            area.school_count, area.students, area.schools_passing, area.verdict), key
        if scheme == "quality_2017":
            assert f.schools_failing == sum(1 for r in counted if r.passes is False), key
            assert f.schools_undecided == sum(1 for r in counted if r.passes is None), key
        else:
            assert _close(f.composite_cv, area.composite_cv), key
        for code, fig in f.indicators.items():
            info = area.data_filled["indicators"][code]
            assert _close(fig.cv, area.cv[code]), (key, code, fig.cv, area.cv[code])
            assert _close(fig.mean, area.mean[code]), (key, code)
            assert _close(fig.sd, info["sd"]), (key, code)
            assert (fig.schools, fig.students, fig.status) == (info["schools"], info["students"], info["status"]), (key, code)
            assert f.cv_pass[code] == area.cv_pass[code], (key, code)
            if scheme == "quality_2017":
                assert fig.meeting == sum(1 for r in counted if r.met.get(code) is True), (key, code)
            # And straight against the public function over the counted schools' stored values.
            pairs = [(r.values[code], r.students) for r in counted if r.values.get(code) is not None]
            if fig.status in ("ok", "single_school"):
                expected = ind.coefficient_of_variation([v for v, _ in pairs], [p for _, p in pairs])
                assert _close(fig.cv, expected), (key, code, fig.cv, expected)
                checked += 1
            elif fig.status == "zero_mean":
                with pytest.raises(ind.ZeroMean):
                    ind.coefficient_of_variation([v for v, _ in pairs], [p for _, p in pairs])
            else:
                assert not pairs
    assert set(figures) == seen  # no county the stored results do not have
    return checked


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_every_county_equals_the_stored_evaluation(db, seed):
    counties = _build(seed)
    monitoring_recompute(year=YEAR)
    statuses: set[str] = set()
    verdicts: set[str] = set()
    checked = 0
    for code in SCHEMES:
        figures = county_figures(year=YEAR, scheme=code)
        assert {c for _, c in figures} <= set(counties)
        checked += _check_scheme(code, figures)
        statuses |= {fig.status for f in figures.values() for fig in f.indicators.values()}
        verdicts |= {f.verdict for f in figures.values()}
    assert checked > 100
    # The data reach the edge cases the comparison is meant to cover.
    assert {"ok", "single_school", "zero_mean", "no_schools"} <= statuses
    assert {"fail", "insufficient"} <= verdicts


def test_equal_values_give_exactly_zero_and_boundaries_meet(db):
    counties = _build(4)
    figures = county_figures(year=YEAR, scheme=QUALITY)
    equal_county, boundary_county = counties[5], counties[8]  # the "equal" and "boundary" styles
    f = figures[("primary", equal_county)]
    assert f.schools >= 4
    assert all(fig.cv == 0.0 and fig.sd == 0.0 for fig in f.indicators.values())
    monitoring_recompute(year=YEAR)
    for stage in ("primary", "junior"):
        if (stage, boundary_county) not in figures:
            continue
        b = figures[(stage, boundary_county)]
        counted = SchoolResult.objects.filter(scheme="quality_2017", year=YEAR, stage=stage, region_code=boundary_county,
                                              excluded_reason="")
        assert b.schools_passing == sum(1 for r in counted if r.passes is True)
        for code, fig in b.indicators.items():
            assert fig.meeting == sum(1 for r in counted if r.met.get(code) is True)


def test_prefix_and_stage_select_a_subset(db):
    counties = _build(5)
    everything = county_figures(year=YEAR)
    one = county_figures(year=YEAR, prefix=counties[0])
    assert set(one) == {k for k in everything if k[1] == counties[0]}
    assert all(one[k] == everything[k] for k in one)
    assert county_figures(year=YEAR, prefix=counties[0] + "101") == one  # a township: its whole county
    assert set(county_figures(year=YEAR, prefix="43")) == {k for k in everything if k[1].startswith("43")}
    junior = county_figures(year=YEAR, stages=("junior",))
    assert set(junior) == {k for k in everything if k[0] == "junior"}
    assert all(junior[k] == everything[k] for k in junior)
    assert county_figures(year=YEAR + 1) == {}
    with pytest.raises(ValueError):
        county_figures(year=YEAR, stages=("senior",))


def test_no_production_module_needs_pandas():
    """pandas is a benchmark-only dependency (pyproject's `bench` extra)."""
    src = Path(__file__).resolve().parents[2] / "src"
    for path in src.rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else (
                [node.module or ""] if isinstance(node, ast.ImportFrom) else [])
            assert not any(n.split(".")[0] == "pandas" for n in names), path


def test_cv_of_the_fast_path_is_math_exact_for_a_hand_example(db):
    """The §9.4 worked example (1200 pupils at 5.0 ㎡, 300 at 3.0, 600 at 5.5, 100 at 8.0)."""
    county = Region.objects.get(code="430182")
    now = timezone.now()
    for i, (students, area) in enumerate(((1200, 6000), (300, 900), (600, 3300), (100, 800))):
        school = School.objects.create(code=f"95000000{i:02d}", name=f"例题小学{i}", kind="primary", region=county)
        SchoolYearData.objects.create(school=school, year=YEAR, stage="primary", students=students, teachers=10,
                                      teaching_aux_area=Decimal(area), created_at=now, updated_at=now)
    f = county_figures(year=YEAR, prefix="430182", scheme="basic_2012")[("primary", "430182")]
    assert math.isclose(f.indicators["B1"].cv, math.sqrt(45 / 44) / 5, rel_tol=1e-12)
    assert math.isclose(f.indicators["B1"].mean, 5.0, rel_tol=1e-15)
    assert (f.schools, f.students, f.verdict) == (4, 2200, "insufficient")  # B2–B5 have X̄ = 0
