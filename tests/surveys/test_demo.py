"""The demo's surveys (demo/surveys.py) on the test cast: built through the service, one voided."""

from __future__ import annotations

from dudao.demo.surveys import build_demo_surveys, demo_survey_link
from dudao.surveys.models import Questionnaire, Response, Survey


def test_demo_survey_on_the_cast(cast):
    stored = build_demo_surveys()
    assert stored == 2 * 13  # 宁乡's compulsory schools in the cast: A1 and A2
    survey = Survey.objects.get(office__region__code="430182")
    assert survey.state == "open" and survey.questionnaire.code == "YZJH-RECOGNITION"
    assert Questionnaire.objects.filter(office__isnull=True).count() == 4
    assert survey.links.filter(school__isnull=False).count() == 2 and survey.links.filter(school__isnull=True).count() == 1
    assert Response.objects.filter(voided=True).count() == 1
    for r in Response.objects.all():  # the counts are the service's: rated = the indexed questions the group saw
        assert r.rated == {"parent": 10, "student": 7, "teacher": 6}[r.group], r.group
    assert build_demo_surveys() == 0  # idempotent
    assert "/q/" in demo_survey_link()

