"""Results of questionnaires (问卷调查结果) over the same selectors as the pages (surveys/results.py):

- `GET /survey-results` — the surveys the user sees (`Survey.objects.visible_to`), with the index of each
  over the responses the user may read; `?year=` one year.
- `GET /survey-results/{id}` — one survey: its total, groups, years, per question counts.
- `GET /survey-results/{id}/schools` — the index per school and the total (`?group=` one group), the
  figures of the page and of its Excel file.

A survey outside the scope: 404. A supervisor or a school reads its own schools' figures only.
"""

from __future__ import annotations

from decimal import Decimal

from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from dudao.api.rows import MappedRows
from dudao.surveys import results
from dudao.surveys.models import RespondentGroup, Survey

router = Router(tags=["问卷调查结果 survey results"])


class IndexOut(Schema):
    key: str
    label: str
    n: int
    rated: int
    satisfied: int
    target: int
    rate: Decimal | None
    passes: bool | None


def _index(row: results.IndexRow) -> dict:
    return {"key": row.key, "label": row.label, "n": row.n, "rated": row.rated, "satisfied": row.satisfied,
            "target": row.target, "rate": row.rate, "passes": row.passes}


class SurveyOut(Schema):
    id: int
    name: str
    kind: str
    year: int
    region_code: str
    region: str
    office: str
    state: str
    opens_on: str
    closes_on: str
    pass_line: Decimal
    whole: bool
    total: IndexOut


def _survey(user, survey: Survey) -> dict:
    return {"id": survey.pk, "name": survey.name, "kind": survey.kind, "year": survey.year,
            "region_code": survey.region.code, "region": survey.region.name, "office": survey.office.name,
            "state": survey.state, "opens_on": survey.opens_on.isoformat(), "closes_on": survey.closes_on.isoformat(),
            "pass_line": survey.pass_line, "whole": results.sees_whole_survey(user, survey),
            "total": _index(results.survey_total(user, survey))}




@router.get("", response=list[SurveyOut], summary="问卷调查及其满意度指数（按权限范围）")
@paginate(PageNumberPagination, page_size=30)
def results_surveys(request, year: int | None = None):
    qs = Survey.objects.visible_to(request.user).select_related("office__region", "region").order_by(
        "-year", "-opens_on", "-id")
    if year:
        qs = qs.filter(year=year)
    return MappedRows(qs, lambda s: _survey(request.user, s))


class OptionOut(Schema):
    value: str
    label: str
    count: int
    share: Decimal | None
    satisfied: bool


class CountedOut(Schema):
    key: str
    label: str
    answered: int
    options: list[OptionOut]


class QuestionOut(Schema):
    code: str
    text: str
    type: str
    in_index: bool
    counted: list[CountedOut]
    numbers: dict | None
    texts: int


class YearOut(Schema):
    survey_id: int
    year: int
    name: str
    total: IndexOut


class SurveyDetailOut(SurveyOut):
    groups: list[IndexOut]
    years: list[YearOut]
    questions: list[QuestionOut]


@router.get("/{survey_id}", response=SurveyDetailOut, summary="一项调查的结果：总指数、各类对象、历年、逐题统计")
def results_survey(request, survey_id: int):
    user = request.user
    survey = results.access_survey(user, survey_id)
    questions = []
    for d in results.question_distributions(user, survey):
        numbers = None
        if d.numbers is not None:
            numbers = {"n": d.numbers.n, "mean": d.numbers.mean, "min": d.numbers.low, "max": d.numbers.high}
        questions.append({"code": d.question.code, "text": d.question.text, "type": d.question.type,
                          "in_index": d.question.in_index, "numbers": numbers, "texts": d.texts,
                          "counted": [{"key": c.key, "label": c.label, "answered": c.answered,
                                       "options": [vars(o) for o in c.options]} for c in d.counted]})
    return {**_survey(user, survey), "groups": [_index(r) for r in results.group_rows(user, survey)],
            "years": [{"survey_id": y.survey_id, "year": y.year, "name": y.name, "total": _index(y.row)}
                      for y in results.year_rows(user, survey)],
            "questions": questions}


class SchoolIndexOut(IndexOut):
    school_id: int
    school: str
    township: str
    progress: Decimal | None


class SchoolsOut(Schema):
    survey_id: int
    pass_line: Decimal
    group: str
    total: IndexOut
    schools: list[SchoolIndexOut]


@router.get("/{survey_id}/schools", response=SchoolsOut, summary="各校满意度指数与合计（对照85%达标线）")
def results_survey_schools(request, survey_id: int, group: str = ""):
    user = request.user
    survey = results.access_survey(user, survey_id)
    group = group if group in RespondentGroup.values else ""
    return {"survey_id": survey.pk, "pass_line": survey.pass_line, "group": group,
            "total": _index(results.survey_total(user, survey, group=group)),
            "schools": [{**_index(r), "school_id": int(r.key), "school": r.label, "township": r.parent,
                         "progress": r.progress} for r in results.school_rows(user, survey, group=group)]}
