"""The answer formats the results read: options and matrix rows given as plain text or as dicts, a
changed questionnaire (an answer outside the options), numbers as text, the response file's cells."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dudao.findings.models import Finding
from dudao.surveys import results
from dudao.surveys.models import Question, Response
from tests.surveys.results_world import add_response, build_world


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_rows_and_options_as_plain_text(world, cast):
    q = Question.objects.create(questionnaire=world.questionnaire, order=6, code="Q6", text="分项（文字行）",
                                type="matrix", options=["好", "差"], rows=["校舍", "食堂"])
    assert results.row_keys(q) == [("校舍", "校舍"), ("食堂", "食堂")]
    Response.objects.filter(pk=world.responses[0].pk).update(answers={"Q6": {"校舍": "好", "食堂": "差"}})
    Response.objects.filter(pk=world.responses[1].pk).update(answers={"Q6": {"校舍": "很好"}})  # not an option
    d = results.distribution(results.result_responses(cast.county_staff, world.survey), q)
    school, canteen = d.counted
    assert [(o.value, o.count, o.share) for o in school.options] == [
        ("好", 1, Decimal("50.00")), ("差", 0, Decimal("0.00")), ("很好", 1, Decimal("50.00"))]
    assert (canteen.answered, canteen.satisfied_share) == (1, Decimal("0.00"))


def test_numbers_given_as_text_and_junk(world, cast):
    q = Question.objects.get(questionnaire=world.questionnaire, code="Q4")
    Response.objects.filter(pk=world.responses[2].pk).update(answers={"Q4": "4.5"})
    Response.objects.filter(pk=world.responses[4].pk).update(answers={"Q4": "不知道"})
    stats = results.distribution(results.result_responses(cast.county_staff, world.survey), q).numbers
    # 3, 5 (r1, r2) and "4.5" (r3); "不知道" is not a number
    assert (stats.n, stats.mean, stats.low, stats.high) == (3, Decimal("4.17"), Decimal("3"), Decimal("5"))


def test_answer_cells(world):
    questions = {q.code: q for q in world.questionnaire.questions.all()}
    assert results.answer_text(questions["Q5"], ["a", "c"]) == "安全、食堂"
    assert results.answer_text(questions["Q1"], "满意") == "满意"
    assert results.answer_text(questions["Q4"], "7") == 7.0
    assert results.answer_text(questions["Q3"], None) == ""
    headers = [h for _q, _k, h in results.response_columns(world.survey)]
    assert headers == ["Q1 总体满意度", "Q2 分项满意度：就近入学", "Q2 分项满意度：课业负担", "Q3 意见建议",
                       "Q4 孩子年级", "Q5 关注方面"]


def test_findings_without_the_questions_and_nothing_when_all_pass(world, cast):
    created, skipped = results.survey_findings_create(survey=world.survey, by=cast.county_staff,
                                                      with_questions=False)
    assert (len(created), skipped) == (2, 0)
    assert all("低于达标线的题目" not in f.description for f in created)
    assert results.survey_findings_create(survey=world.survey, by=cast.county_staff) == ([], 2)
    # last year's survey: its one school A1 at 33.33 % → one finding; once more → none
    created, _ = results.survey_findings_create(survey=world.last_year, by=cast.county_staff)
    assert [f.school_id for f in created] == [cast.A1.pk]
    assert Finding.objects.count() == 3


def test_a_response_adds_to_its_school_at_once(world, cast):
    before = {r.key: r for r in results.school_rows(cast.county_staff, world.survey)}[str(cast.A2.pk)]
    add_response(world.survey, world.links["A2"], 99, "parent", {"Q1": "不满意"}, 1, 0)
    after = {r.key: r for r in results.school_rows(cast.county_staff, world.survey)}[str(cast.A2.pk)]
    # (5 + 0) / (6 + 1) = 71.43 %
    assert (before.rate, after.rate, after.n) == (Decimal("83.33"), Decimal("71.43"), 3)
