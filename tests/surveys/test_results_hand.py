"""The results figures against the hand arithmetic of tests/surveys/results_world.py (see its docstring)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dudao.surveys import results
from tests.surveys.results_world import build_world

D = Decimal


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_index_per_school(world, cast):
    rows = {r.label: r for r in results.school_rows(cast.county_staff, world.survey)}
    a1, a2, a3 = rows[cast.A1.name], rows[cast.A2.name], rows[cast.A3.name]
    # A1: (2+2+2)/(3+3+2) = 6/8 — the voided r4 (3 rated, 0 satisfied) left out
    assert (a1.n, a1.rated, a1.satisfied, a1.target, a1.rate, a1.passes) == (3, 8, 6, 4, D("75.00"), False)
    assert a1.progress == D("75.0")  # 3 of 4
    # A2: (3+2)/(3+3) = 5/6 = 83.33 %
    assert (a2.n, a2.rate, a2.passes, a2.target, a2.progress) == (2, D("83.33"), False, 2, D("100.0"))
    # A3: 6/6
    assert (a3.n, a3.rate, a3.passes, a3.target) == (2, D("100.00"), True, 3)


def test_survey_total_is_exactly_the_line(world, cast):
    total = results.survey_total(cast.county_staff, world.survey)
    # 17 / 20 = 85.00 %, passes (≥)
    assert (total.n, total.rated, total.satisfied, total.target, total.rate, total.passes) == (
        7, 20, 17, 9, D("85.00"), True)


def test_townships_and_groups(world, cast):
    rows = {r.key: r for r in results.region_rows(cast.county_staff, world.survey, level="township")}
    township = cast.A1.region.code
    assert set(rows) == {township, "430182"}
    assert (rows[township].rate, rows[township].n, rows[township].target) == (D("75.00"), 3, 4)
    # A2 + A3 lie directly under the county: (5+6)/(6+6) = 11/12 = 91.67 %
    assert (rows["430182"].rate, rows["430182"].n, rows["430182"].target) == (D("91.67"), 4, 5)
    assert "县直属" in rows["430182"].label
    counties = results.region_rows(cast.county_staff, world.survey, level="county")
    assert [(r.key, r.rate, r.n) for r in counties] == [("430182", D("85.00"), 7)]
    groups = {r.key: r for r in results.group_rows(cast.county_staff, world.survey)}
    assert (groups["parent"].rate, groups["parent"].n) == (D("80.00"), 5)  # 12/15
    assert (groups["student"].rate, groups["teacher"].rate) == (D("100.00"), D("100.00"))
    assert [r.key for r in results.group_rows(cast.county_staff, world.survey)] == ["parent", "student", "teacher"]


def test_group_filter_narrows_every_figure(world, cast):
    rows = {r.label: r for r in results.school_rows(cast.county_staff, world.survey, group="parent")}
    assert rows[cast.A1.name].rate == D("66.67")  # r1 2/3 + r2 2/3 = 4/6
    total = results.survey_total(cast.county_staff, world.survey, group="parent")
    assert (total.n, total.rate) == (5, D("80.00"))


def test_years(world, cast):
    years = results.year_rows(cast.county_staff, world.survey)
    assert [(y.year, y.row.rate, y.row.n, y.current) for y in years] == [
        (2025, D("33.33"), 1, False), (2026, D("85.00"), 7, True)]


def test_progress_per_link(world, cast):
    progress = {p.token: p for p in results.link_progress(cast.county_staff, world.survey)}
    assert [(progress[t].n, progress[t].target, progress[t].reached) for t in ("tokA1", "tokA2", "tokA3")] == [
        (3, 4, False), (2, 2, True), (2, 3, False)]
    assert progress["tokA3"].progress == D("66.7")


def test_distributions(world, cast):
    found = {d.question.code: d for d in results.question_distributions(cast.county_staff, world.survey)}
    q1 = found["Q1"].counted[0]
    assert q1.answered == 7
    assert [(o.value, o.count, o.share) for o in q1.options] == [
        ("满意", 5, D("71.43")), ("基本满意", 1, D("14.29")), ("不满意", 1, D("14.29"))]
    r1, r2 = found["Q2"].counted
    assert (r1.label, r1.answered, [o.count for o in r1.options]) == ("就近入学", 7, [6, 1, 0])
    assert (r2.answered, [o.count for o in r2.options]) == (6, [3, 1, 2])
    assert r2.satisfied_share == D("66.67")  # 4 of 6
    numbers = found["Q4"].numbers
    assert (numbers.n, numbers.mean, numbers.low, numbers.high) == (3, D("4.00"), D("3"), D("5"))
    q5 = found["Q5"].counted[0]
    assert (q5.answered, [(o.value, o.count, o.share) for o in q5.options]) == (
        2, [("a", 1, D("50.00")), ("b", 2, D("100.00")), ("c", 0, D("0.00"))])
    assert found["Q3"].texts == 2
    texts = list(results.text_answers(results.result_responses(cast.county_staff, world.survey), "Q3")
                 .values_list("text", flat=True))
    assert texts == ["食堂不错", "作业多"]  # newest first (r1 was submitted after r2)


def test_a_school_reads_only_its_own_school(world, cast):
    rows = results.school_rows(cast.school_user, world.survey)
    assert [r.label for r in rows] == [cast.A1.name]
    total = results.survey_total(cast.school_user, world.survey)
    assert (total.n, total.rate, total.target) == (3, D("75.00"), 4)
    supervisor = results.survey_total(cast.supervisor, world.survey)  # A1 + A2: 11/14
    assert (supervisor.n, supervisor.rate) == (5, D("78.57"))


def test_weak_questions_of_a_school(world, cast):
    qs = results.result_responses(cast.county_staff, world.survey).filter(school=cast.A1)
    # A1 Q1: 满意 r1 r3 of 3 = 66.67 %; Q2 rows: r1 满意, 不满意 | 基本满意, 基本满意 | 满意 → 4 of 5 = 80 %
    assert results.weak_questions(qs, world.survey) == [("Q1 总体满意度", D("66.67")), ("Q2 分项满意度", D("80.00"))]
