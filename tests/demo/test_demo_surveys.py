"""The demo city's survey (demo/surveys.py): 宁乡's 社会认可度 survey exists with a few hundred
responses, ≈ 88 % satisfied overall, two schools below the 85 % line, one voided response."""

from __future__ import annotations

from django.db.models import Sum

from dudao.demo.surveys import demo_survey_link
from dudao.surveys.models import Survey


def test_the_demo_survey_has_responses(demo_city, db):
    survey = Survey.objects.get(office__region__code="430182")
    valid = survey.responses.filter(voided=False)
    assert 300 <= valid.count() <= 400
    assert survey.responses.filter(voided=True).count() == 1
    totals = valid.aggregate(r=Sum("rated"), s=Sum("satisfied"))
    assert 0.85 < totals["s"] / totals["r"] < 0.92
    per_school = valid.values("school").annotate(r=Sum("rated"), s=Sum("satisfied"))
    below = [row for row in per_school if row["s"] / row["r"] < 0.85]
    assert 1 <= len(below) <= 4
    assert demo_survey_link().split("：")[1].startswith("http")
