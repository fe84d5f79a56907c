"""The demo's surveys (demo/surveys.py) on the test cast: built through the service, one voided."""

from __future__ import annotations

from dudao.demo.surveys import build_demo_surveys, demo_survey_link
from dudao.surveys.models import Questionnaire, Response, Survey


def test_demo_survey_on_the_cast(cast):
    stored = build_demo_surveys()
    assert stored == 2 * 13 + 2 * 10  # compulsory schools in the cast: 宁乡 A1 and A2, 望城 B1 and B2
    survey = Survey.objects.get(office__region__code="430182")
    assert survey.state == "open" and survey.questionnaire.code == "YZJH-RECOGNITION"
    assert Questionnaire.objects.filter(office__isnull=True).count() == 4
    assert survey.links.filter(school__isnull=False).count() == 2 and survey.links.filter(school__isnull=True).count() == 1
    assert Response.objects.filter(voided=True).count() == 1
    for r in Response.objects.filter(survey=survey):  # the counts are the service's: the indexed questions seen
        assert r.rated == {"parent": 10, "student": 7, "teacher": 6}[r.group], r.group
    wangcheng = Survey.objects.get(office__region__code="430112")
    assert wangcheng.questionnaire.code == "JBJH-PUBLIC"
    assert set(wangcheng.responses.values_list("rated", flat=True)) == {7}  # the matrix: one per row
    assert build_demo_surveys() == 0  # idempotent
    assert "/q/" in demo_survey_link()

