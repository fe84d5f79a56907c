"""The pure balance-indicator functions (monitoring/indicators.py) against hand-computed numbers.

No database: these functions take plain numbers. Every expected value below is worked out by hand
in the comments, from domain-rules §9.4, not copied from the code's output.
"""

from __future__ import annotations

import ast
import math
import random
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dudao.monitoring import indicators as ind
from dudao.monitoring.standards import BASIC, QUALITY, SCHEMES, STAGE_SPLIT_WEIGHTS, get_scheme

# --- (a) the CV ------------------------------------------------------------------------------

# domain-rules §9.4 worked example, 生均教学及辅助用房面积 of 4 primary schools:
#   A 1200 pupils 5.0 ㎡, B 300 pupils 3.0, C 600 pupils 5.5, D 100 pupils 8.0; P = 2200
#   X̄ = (6000 + 900 + 3300 + 800) / 2200 = 11000 / 2200 = 5.0
#   terms (pᵢ/P)(xᵢ − X̄)²: A 0; B 300/2200·4 = 12/22; C 600/2200·0.25 = 1.5/22; D 100/2200·9 = 9/22
#   Σ = 22.5/22 = 45/44 = 1.022727…;  S = √(45/44) = 1.011300…;  CV = S / 5 = 0.202260…
WORKED_VALUES = [5.0, 3.0, 5.5, 8.0]
WORKED_STUDENTS = [1200, 300, 600, 100]
WORKED_CV = math.sqrt(45 / 44) / 5


def test_worked_example_of_domain_rules():
    cv = ind.coefficient_of_variation(WORKED_VALUES, WORKED_STUDENTS)
    assert cv == pytest.approx(WORKED_CV, rel=1e-12)
    assert ind.cv_display(cv) == "0.202"
    result = ind.cv_result(WORKED_VALUES, WORKED_STUDENTS)
    assert result.mean == pytest.approx(5.0)
    assert result.sd == pytest.approx(1.0113, abs=5e-5)
    assert result.schools == 4 and result.students == 2200 and result.status == "ok"


def test_weighted_is_not_the_unweighted_cv():
    # The unweighted population CV of 5, 3, 5.5, 8: mean 5.375, Σ(x − m)² = 0.140625 + 5.640625
    # + 0.015625 + 6.890625 = 12.6875, σ = √(12.6875/4) = 1.78097, CV = 0.33134; sample CV 0.3826.
    cv = ind.coefficient_of_variation(WORKED_VALUES, WORKED_STUDENTS)
    assert abs(cv - 0.33134) > 0.1
    assert abs(cv - 0.3826) > 0.1


def test_weighted_passes_where_unweighted_fails():
    # 1000 pupils at 10, 10 pupils at 2. Two schools: S = √(w₁w₂)·|x₁ − x₂| with w = p/P, so
    # S = (√(1000·10)/1010)·8 = 800/1010 and X̄ = (10000 + 20)/1010 = 10020/1010: CV = 800/10020
    # = 0.0798 ≤ 0.50. Unweighted: mean 6, σ 4, CV 0.667 > 0.50.
    cv = ind.coefficient_of_variation([10, 2], [1000, 10])
    assert cv == pytest.approx(800 / 10020, rel=1e-12)
    assert cv <= 0.50
    assert _unweighted_cv([10, 2]) == pytest.approx(4 / 6) and _unweighted_cv([10, 2]) > 0.50


def test_weighted_fails_where_unweighted_passes():
    # Two big schools (1000 pupils each) at 1 and 9, five small ones (10 each) at 5. P = 2050,
    # X̄ = (1000 + 9000 + 5·50)/2050 = 5. Σ terms = 2·(1000/2050)·16 = 32000/2050 = 15.61;
    # CV = √15.61 / 5 = 0.790 > 0.50. Unweighted: mean 5, σ² = 32/7, CV = √(32/7)/5 = 0.428 ≤ 0.50.
    values = [1, 9, 5, 5, 5, 5, 5]
    students = [1000, 1000, 10, 10, 10, 10, 10]
    cv = ind.coefficient_of_variation(values, students)
    assert cv == pytest.approx(math.sqrt(32000 / 2050) / 5, rel=1e-12)
    assert cv > 0.50
    assert _unweighted_cv(values) == pytest.approx(math.sqrt(32 / 7) / 5) and _unweighted_cv(values) <= 0.50


def _unweighted_cv(values):
    mean = sum(values) / len(values)
    return math.sqrt(sum((v - mean) ** 2 for v in values) / len(values)) / mean


def test_cv_is_never_capped_at_one():
    # 100 pupils at 0.1 and 100 at 9.9: X̄ = 5, S = 4.9 (equal weights: half the gap), CV = 0.98;
    # 10 pupils at 100 and 990 at 0: X̄ = 1, S = √(0.01·99² + 0.99·1) = √99 = 9.95, CV = 9.95.
    assert ind.coefficient_of_variation([0.1, 9.9], [100, 100]) == pytest.approx(0.98)
    assert ind.coefficient_of_variation([100, 0], [10, 990]) == pytest.approx(math.sqrt(99), rel=1e-12)


def test_one_school_gives_zero_with_a_flag():
    assert ind.coefficient_of_variation([4.2], [500]) == 0.0
    result = ind.cv_result([4.2], [500])
    assert result.cv == 0.0 and result.single_school and result.status == "single_school"
    # One school left after excluding the others is the same case, and the others are reported.
    result = ind.cv_result([4.2, None, 7.0], [500, 300, 0])
    assert result.single_school and result.excluded == ((1, "missing"), (2, "zero_students"))


def test_no_school_and_zero_students():
    with pytest.raises(ind.NoSchools):
        ind.coefficient_of_variation([], [])
    with pytest.raises(ind.ZeroStudents):
        ind.coefficient_of_variation([3.0, 4.0], [0, 0])
    assert ind.cv_result([], []).status == "no_schools"
    assert ind.cv_result([3.0, 4.0], [0, 0]).status == "zero_students"


def test_zero_students_school_is_excluded_not_weighted_in():
    # A school with 0 pupils has no per-pupil value: the CV is that of the other two.
    with_zero = ind.cv_result([10, 2, 50], [1000, 10, 0])
    assert with_zero.cv == pytest.approx(800 / 10020, rel=1e-12)
    assert with_zero.excluded == ((2, "zero_students"),)


def test_zero_mean_is_reported_not_zero():
    with pytest.raises(ind.ZeroMean) as err:
        ind.coefficient_of_variation([0, 0, 0], [100, 200, 300])
    assert "均值为 0" in err.value.message
    result = ind.cv_result([0.0, 0.0], [100, 200])
    assert result.cv is None and result.status == "zero_mean" and result.passes(0.5) is None


def test_missing_values_are_refused_or_excluded_never_zero():
    with pytest.raises(ind.MissingValues) as err:
        ind.coefficient_of_variation([5.0, None, 5.5, 8.0], WORKED_STUDENTS)
    assert err.value.positions == (1,)
    assert "缺失" in err.value.message
    # Tolerant form: B (3.0, 300 pupils) left out. A 1200 at 5, C 600 at 5.5, D 100 at 8; P = 1900,
    # X̄ = (6000 + 3300 + 800)/1900 = 10100/1900 = 5.315789…; treating B as 0 would give another CV.
    result = ind.cv_result([5.0, None, 5.5, 8.0], WORKED_STUDENTS)
    assert result.excluded == ((1, "missing"),)
    assert result.mean == pytest.approx(10100 / 1900)
    expected = ind.coefficient_of_variation([5.0, 5.5, 8.0], [1200, 600, 100])
    assert result.cv == pytest.approx(expected)
    assert result.cv != pytest.approx(ind.coefficient_of_variation([5.0, 0.0, 5.5, 8.0], WORKED_STUDENTS))


@pytest.mark.parametrize("values,students", [([1.0, -2.0], [10, 10]), ([1.0, 2.0], [10, -1]), ([1.0, float("nan")], [1, 1]),
                                             ([1.0, "abc"], [1, 1]), ([1.0], [1, 2])])
def test_invalid_input(values, students):
    with pytest.raises(ind.InvalidInput):
        ind.coefficient_of_variation(values, students)


def test_equal_values_give_exactly_zero():
    assert ind.coefficient_of_variation([0.1] * 7, [13, 999, 1, 250, 37, 4000, 8]) == 0.0
    assert ind.cv_shares([2.3, 2.3], [10, 20]) == [0.0, 0.0]


positive = st.floats(min_value=0.01, max_value=1e5, allow_nan=False, allow_infinity=False)
pupils = st.integers(min_value=1, max_value=5000)
schools = st.lists(st.tuples(positive, pupils), min_size=2, max_size=40)


@settings(max_examples=200, deadline=None)
@given(schools, st.floats(min_value=1e-3, max_value=1e4))
def test_scaling_values_leaves_cv_unchanged(rows, factor):
    values, students = [r[0] for r in rows], [r[1] for r in rows]
    assert ind.coefficient_of_variation([v * factor for v in values], students) == pytest.approx(
        ind.coefficient_of_variation(values, students), rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(schools, st.integers(min_value=2, max_value=50))
def test_scaling_students_leaves_cv_unchanged(rows, factor):
    # Only the shares pᵢ/P matter: the same schools, each k times bigger, have the same CV.
    values, students = [r[0] for r in rows], [r[1] for r in rows]
    assert ind.coefficient_of_variation(values, [s * factor for s in students]) == pytest.approx(
        ind.coefficient_of_variation(values, students), rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(schools, st.randoms(use_true_random=False))
def test_permutation_leaves_cv_unchanged(rows, rnd):
    shuffled = list(rows)
    rnd.shuffle(shuffled)
    assert ind.coefficient_of_variation([r[0] for r in shuffled], [r[1] for r in shuffled]) == pytest.approx(
        ind.coefficient_of_variation([r[0] for r in rows], [r[1] for r in rows]), rel=1e-9, abs=1e-12)


@settings(max_examples=200, deadline=None)
@given(schools)
def test_shares_add_up_to_the_cv_and_match_the_definition(rows):
    values, students = [r[0] for r in rows], [r[1] for r in rows]
    cv = ind.coefficient_of_variation(values, students)
    shares = ind.cv_shares(values, students)
    assert math.fsum(shares) == pytest.approx(cv, rel=1e-9, abs=1e-12)
    # CV² = Σ termᵢ / X̄²: check it from the terms independently of cv_result.
    terms = ind.variance_terms(values, students)
    mean = sum(v * p for v, p in rows) / sum(students)
    assert math.sqrt(math.fsum(terms)) / mean == pytest.approx(cv, rel=1e-9, abs=1e-12)


def test_shares_of_the_worked_example():
    # Terms 0, 12/22, 1.5/22, 9/22 of Σ 22.5/22: shares = CV × (0, 12, 1.5, 9) / 22.5.
    shares = ind.cv_shares(WORKED_VALUES, WORKED_STUDENTS)
    assert shares == pytest.approx([0.0, WORKED_CV * 12 / 22.5, WORKED_CV * 1.5 / 22.5, WORKED_CV * 9 / 22.5])


@settings(max_examples=100, deadline=None)
@given(st.lists(schools, min_size=1, max_size=6))
def test_combining_counties_equals_the_cv_over_all_their_schools(counties):
    groups = []
    for rows in counties:
        r = ind.cv_result([x for x, _ in rows], [p for _, p in rows])
        groups.append((r.mean, r.sd, r.students))
    mean, sd, total = ind.combine_groups(groups)
    every = [row for rows in counties for row in rows]
    direct = ind.cv_result([x for x, _ in every], [p for _, p in every])
    assert total == direct.students
    assert mean == pytest.approx(direct.mean, rel=1e-9)
    assert sd / mean == pytest.approx(direct.cv, rel=1e-7, abs=1e-9)


# --- (b) the per-school rule -----------------------------------------------------------------

PRIMARY = QUALITY.standards_for("primary")
# domain-rules §9.4(b) example: L3 0.8 of 0.9 is the only miss, 0.8/0.9 = 88.9 % ≥ 85 % → pass.
EXAMPLE = {"L1": 4.5, "L2": 1.2, "L3": 0.8, "L4": 4.6, "L5": 8.0, "L6": 2100, "L7": 2.5}


def test_standards_are_the_national_numbers():
    assert PRIMARY == {"L1": 4.2, "L2": 1.0, "L3": 0.9, "L4": 4.5, "L5": 7.5, "L6": 2000, "L7": 2.3}
    assert QUALITY.standards_for("junior") == {"L1": 5.3, "L2": 1.0, "L3": 0.9, "L4": 5.8, "L5": 10.2, "L6": 2500, "L7": 2.4}
    assert QUALITY.cv_limit_for("primary") == 0.50 and QUALITY.cv_limit_for("junior") == 0.45
    assert BASIC.composite_limit_for("primary") == 0.65 and BASIC.composite_limit_for("junior") == 0.55
    assert len(QUALITY.indicators) == 7 and len(BASIC.indicators) == 8
    for scheme in SCHEMES.values():
        for item in scheme.indicators:
            assert item.source and item.year in (2012, 2017) and item.grade in {"T", "S", "I", "M", "L"}
    with pytest.raises(KeyError, match="未知的评估办法"):
        get_scheme("nope")


def test_worked_example_of_the_school_rule():
    verdict = ind.school_verdict(EXAMPLE, PRIMARY)
    assert verdict.passes is True and verdict.met_count == 6 and verdict.unmet == ("L3",)
    assert verdict.ratios["L3"] == pytest.approx(0.8 / 0.9)
    # L3 = 0.75 → 0.75/0.9 = 83.3 % < 85 % → fail.
    assert ind.school_verdict({**EXAMPLE, "L3": 0.75}, PRIMARY).passes is False


def test_exactly_the_standard_meets_it():
    values = dict(PRIMARY)
    verdict = ind.school_verdict(values, PRIMARY)
    assert verdict.passes is True and verdict.met_count == 7
    # Computed from counts as the base data gives them: 21 teachers × 100 ÷ 500 pupils = 4.2.
    assert ind.meets(21 * 100 / 500, 4.2)
    assert ind.meets(0.1 + 0.2, 0.3)  # 0.30000000000000004 ≥ 0.3 and also the other way round
    assert ind.meets(0.3, 0.1 + 0.2)


def test_85_percent_boundary():
    # Exactly 85 %: 0.85 × 0.9 = 0.765 → pass; 84.99 %: 0.8499 × 0.9 = 0.76491 → fail.
    assert ind.school_verdict({**EXAMPLE, "L3": 0.85 * 0.9}, PRIMARY).passes is True
    assert ind.school_verdict({**EXAMPLE, "L3": 0.765}, PRIMARY).passes is True
    assert ind.school_verdict({**EXAMPLE, "L3": 0.8499 * 0.9}, PRIMARY).passes is False
    # Just under the standard itself is a miss (6 met), not a meet.
    assert ind.school_verdict({**EXAMPLE, "L3": 0.9 * 0.9999}, PRIMARY).met_count == 6


def test_two_misses_fail_even_when_both_are_above_85_percent():
    verdict = ind.school_verdict({**EXAMPLE, "L7": 2.2}, PRIMARY)  # 2.2/2.3 = 95.7 %
    assert verdict.met_count == 5 and verdict.passes is False


def test_missing_values_make_the_rule_undecidable_unless_it_already_fails():
    gap = {**PRIMARY, "L5": None}
    verdict = ind.school_verdict(gap, PRIMARY)
    assert verdict.passes is None and verdict.missing == ("L5",) and verdict.met["L5"] is None
    assert ind.school_verdict({**EXAMPLE, "L5": None}, PRIMARY).passes is None  # 1 miss ≥ 85 % + 1 unknown
    assert ind.school_verdict({**EXAMPLE, "L3": 0.5, "L5": None}, PRIMARY).passes is False  # 55.6 % already fails
    assert ind.school_verdict({**EXAMPLE, "L7": 2.2, "L5": None}, PRIMARY).passes is False  # two misses already


# --- (c) the county verdict, (d) the basic-balance composite ---------------------------------

def test_county_verdict():
    cvs = {"L1": 0.30, "L2": 0.50, "L3": 0.10}
    assert ind.county_verdict(cvs, [True, True], cv_limit=0.50).verdict == "pass"  # 0.50 itself passes
    over = ind.county_verdict({**cvs, "L2": 0.5000001}, [True, True], cv_limit=0.50)
    assert over.verdict == "fail" and over.cv_pass["L2"] is False and "0.500" in over.reasons[0]
    school = ind.county_verdict(cvs, [True, False, None], cv_limit=0.50)
    assert school.verdict == "fail" and school.schools_failing == 1 and school.schools_undecided == 1
    assert ind.county_verdict(cvs, [True, None], cv_limit=0.50).verdict == "insufficient"
    assert ind.county_verdict({**cvs, "L3": None}, [True], cv_limit=0.50).verdict == "insufficient"
    assert ind.county_verdict(cvs, [], cv_limit=0.50).verdict == "insufficient"
    # Junior limit 0.45: a CV of 0.46 passes primary but fails junior.
    assert ind.county_verdict({"L1": 0.46}, [True], cv_limit=0.45).verdict == "fail"


def test_basic_composite():
    # (0.1 + 0.2 + 0.3 + 0.4 + 0.5 + 0.6 + 0.7 + 0.8) / 8 = 3.6 / 8 = 0.45
    cvs = {f"B{i}": i / 10 for i in range(1, 9)}
    assert ind.composite_cv(cvs) == pytest.approx(0.45)
    assert ind.basic_verdict(cvs, limit=0.55) == (pytest.approx(0.45), "pass")
    assert ind.basic_verdict(cvs, limit=0.44)[1] == "fail"
    exact = {f"B{i}": 0.65 for i in range(1, 9)}
    assert ind.basic_verdict(exact, limit=0.65)[1] == "pass"
    with pytest.raises(ind.MissingValues):
        ind.composite_cv({**cvs, "B3": None})
    assert ind.basic_verdict({**cvs, "B3": None}, limit=0.65) == (None, "insufficient")


# --- (e) multi-stage split -------------------------------------------------------------------

def test_nine_year_school_split():
    # 600 primary, 400 junior pupils: primary 600 / (600 + 1.1·400) = 600/1040 = 0.576923;
    # 10,400 ㎡ → 6,000 ㎡ primary (10 ㎡ per pupil) and 4,400 ㎡ junior (11 ㎡ per pupil).
    shares = ind.stage_shares({"primary": 600, "junior": 400})
    assert shares["primary"] == pytest.approx(600 / 1040) and shares["junior"] == pytest.approx(440 / 1040)
    assert 10400 * shares["primary"] == pytest.approx(6000) and 10400 * shares["junior"] == pytest.approx(4400)


def test_complete_secondary_and_twelve_year_split():
    # Junior : senior = 1 : 1.2 → junior share B / (B + 1.2·C); 1000 and 1000 → 1000/2200.
    assert ind.stage_shares({"junior": 1000, "senior": 1000})["junior"] == pytest.approx(1000 / 2200)
    # 12-year A : 1.1B : 1.32C with 100 each → 100 / 342, 110 / 342, 132 / 342.
    shares = ind.stage_shares({"primary": 100, "junior": 100, "senior": 100})
    assert [shares[s] for s in ("primary", "junior", "senior")] == pytest.approx([100 / 342, 110 / 342, 132 / 342])
    assert STAGE_SPLIT_WEIGHTS == {"primary": 1.0, "junior": 1.1, "senior": 1.32}
    with pytest.raises(ind.ZeroStudents):
        ind.stage_shares({"primary": 0, "junior": 0})
    with pytest.raises(ind.InvalidInput):
        ind.stage_shares({"kindergarten": 10})


# --- values from base data -------------------------------------------------------------------

BASE = {
    "students": 500, "teachers": 30, "teachers_postgraduate": 1, "teachers_bachelor": 15, "teachers_associate": 5,
    "teachers_below_associate": 9, "teachers_senior_title": 4, "teachers_mid_title": 11, "key_teachers": 5,
    "pe_teachers": 2, "music_teachers": 1, "art_teachers": 1, "teaching_aux_area": Decimal("2400.00"),
    "indoor_sports_area": Decimal("150.00"), "sports_ground_area": Decimal("3750.00"),
    "equipment_value": Decimal("100.00"), "multimedia_rooms": 12, "books": 15000, "computers": 60,
}


def test_quality_values_from_base_data():
    # primary: L1 (1 + 15 + 5)·100/500 = 4.2; L2 5·100/500 = 1.0; L3 (2+1+1)·100/500 = 0.8;
    # L4 (2400 − 150)/500 = 4.5; L5 3750/500 = 7.5; L6 100 万元 = 1,000,000 元 / 500 = 2000;
    # L7 12·100/500 = 2.4.
    values = ind.indicator_values({**BASE, "stage": "primary"})
    assert values == {"L1": 4.2, "L2": 1.0, "L3": 0.8, "L4": 4.5, "L5": 7.5, "L6": 2000.0, "L7": 2.4}
    verdict = ind.school_verdict(values, PRIMARY)  # exactly at L1, L2, L4, L5, L6; L3 88.9 % → pass
    assert verdict.passes is True and verdict.met_count == 6
    # junior: L1 counts bachelor and above only: (1 + 15)·100/500 = 3.2.
    assert ind.indicator_values(BASE, stage="junior")["L1"] == pytest.approx(3.2)


def test_basic_values_from_base_data():
    # B1 2400/500 = 4.8; B2 7.5; B3 2000; B4 60·100/500 = 12; B5 15000/500 = 30; B6 30·100/500 = 6;
    # B7 primary (1+15+5)·100/500 = 4.2; B8 (11 + 4)·100/500 = 3.0.
    values = ind.indicator_values(BASE, stage="primary", scheme="basic_2012")
    assert values == {"B1": 4.8, "B2": 7.5, "B3": 2000.0, "B4": 12.0, "B5": 30.0, "B6": 6.0, "B7": 4.2, "B8": 3.0}


def test_unfilled_blocks_are_missing_not_zero():
    no_teachers = {**BASE, **{k: 0 for k in ind.TEACHER_FIELDS}}
    values, reasons = ind.indicator_values_with_reasons(no_teachers, stage="primary")
    assert values["L1"] is values["L2"] is values["L3"] is None
    assert reasons == {"L1": "not_filled", "L2": "not_filled", "L3": "not_filled"}
    assert values["L4"] == 4.5
    no_premises = {**BASE, **{k: 0 for k in ind.PREMISES_FIELDS}}
    values, reasons = ind.indicator_values_with_reasons(no_premises, stage="primary")
    assert [values[c] for c in ("L4", "L5", "L6", "L7")] == [None] * 4 and values["L1"] == 4.2
    # A zero inside a filled block is a real zero.
    assert ind.indicator_values({**BASE, "multimedia_rooms": 0}, stage="primary")["L7"] == 0.0
    # An explicit None is "not reported"; zero pupils make every value missing.
    values, reasons = ind.indicator_values_with_reasons({**BASE, "key_teachers": None}, stage="primary")
    assert values["L2"] is None and reasons == {"L2": "missing"}
    values, reasons = ind.indicator_values_with_reasons({**BASE, "students": 0}, stage="primary")
    assert set(values.values()) == {None} and set(reasons.values()) == {"zero_students"}
    values, reasons = ind.indicator_values_with_reasons({**BASE, "indoor_sports_area": 9999}, stage="primary")
    assert values["L4"] is None and reasons["L4"] == "invalid"
    with pytest.raises(ind.InvalidInput):
        ind.indicator_values(BASE, stage="senior")


# --- one county together ---------------------------------------------------------------------

def test_evaluate_stage_reports_excluded_and_partial_schools():
    good = dict(PRIMARY)
    rows = [
        ind.SchoolInput(1, "甲", 1200, {**good, "L4": 5.0}),
        ind.SchoolInput(2, "乙", 300, {**good, "L4": 3.0}),  # L4 3.0/4.5 = 66.7 % → fails
        ind.SchoolInput(3, "丙", 600, {**good, "L4": 5.5}),
        ind.SchoolInput(4, "丁", 100, {**good, "L4": 8.0, "L7": None}),  # counted, L7 missing
        ind.SchoolInput(5, "戊教学点", 20, good, excluded_reason="teaching_point_small"),
        ind.SchoolInput(6, "己", 0, good),
        ind.SchoolInput(7, "庚", 90, {c: None for c in good}),
    ]
    ev = ind.evaluate_stage(rows, scheme="quality_2017", stage="primary")
    assert [s.key for s in ev.schools] == [1, 2, 3, 4]
    assert ev.excluded == [(5, "戊教学点", "teaching_point_small"), (6, "己", "zero_students"), (7, "庚", "missing")]
    assert ev.partial == [(4, "丁", ("L7",))]
    assert ev.cv["L4"].cv == pytest.approx(WORKED_CV)  # the worked example again
    assert ev.cv["L1"].cv == 0.0 and ev.cv["L7"].schools == 3
    assert ev.cv_pass["L4"] is True
    assert [s.verdict.passes for s in ev.schools] == [True, False, True, None]
    assert ev.verdict == "fail" and ev.schools_passing == 2 and ev.students == 2200
    assert any("1 所学校" in r for r in ev.reasons)


def test_evaluate_stage_basic_scheme_uses_the_composite():
    base = {f"B{i}": 1.0 for i in range(1, 9)}
    rows = [ind.SchoolInput(1, "甲", 100, base), ind.SchoolInput(2, "乙", 100, {**base, "B1": 3.0})]
    ev = ind.evaluate_stage(rows, scheme="basic_2012", stage="junior")
    # B1: equal weights at 1 and 3 → X̄ = 2, S = 1, CV = 0.5; the other seven CVs are 0;
    # composite = 0.5 / 8 = 0.0625 ≤ 0.55 → pass. No per-school rule in 2012.
    assert ev.cv["B1"].cv == pytest.approx(0.5)
    assert ev.composite_cv == pytest.approx(0.0625) and ev.verdict == "pass"
    assert all(s.verdict is None for s in ev.schools) and set(ev.cv_pass.values()) == {None}
    assert ind.evaluate_stage([], scheme="basic_2012", stage="junior").verdict == "insufficient"


def test_indicators_module_has_no_django_imports():
    for name in ("indicators.py", "standards.py"):
        tree = ast.parse((Path(ind.__file__).parent / name).read_text(encoding="utf-8"))
        imported = {n.module or "" for n in ast.walk(tree) if isinstance(n, ast.ImportFrom)}
        imported |= {a.name for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        assert not any(m.startswith("django") for m in imported), (name, imported)


def test_random_county_matches_a_direct_transcription_of_the_formula():
    rng = random.Random(7)
    values = [rng.uniform(0.5, 12) for _ in range(60)]
    students = [rng.randint(5, 3000) for _ in range(60)]
    p_total = sum(students)
    mean = sum(v * p for v, p in zip(values, students, strict=True)) / p_total
    s = math.sqrt(sum((p / p_total) * (v - mean) ** 2 for v, p in zip(values, students, strict=True)))
    assert ind.coefficient_of_variation(values, students) == pytest.approx(s / mean, rel=1e-12)
