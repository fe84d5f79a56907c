"""The results URLs of the surveys app as every persona (tests/personas.py), over a survey of the 宁乡市
office (schools A1–A3, tests/surveys/results_world.py) and one of the 望城区 office (B1, B2).

The rule (surveys/results.py): a survey is seen through `Survey.objects.visible_to` (the offices a
person sees, their own and those above their schools) — anything else answers 404. The office that ran
it and the offices above read every response; a supervisor, a school or an evaluator reads its own
schools' figures only, never another school's name or text answers, and gets no answer sheets (403).
Turning low scores into findings: office staff of the running office or above (a leader, a school: 403).

Named in OWN_TESTS (tests/surveys/test_scope.py): "surveys:results_index", "surveys:results",
"surveys:results_texts", "surveys:results_export", "surveys:responses_export", "surveys:results_findings",
"api-1:results_surveys", "api-1:results_survey", "api-1:results_survey_schools".
"""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from dudao.regions.models import Office, Region
from dudao.surveys.models import Survey, SurveyLink, SurveyState
from tests.personas import EXPECTED, PERSONAS
from tests.surveys.results_world import add_response, build_world
from tests.xlsx import xlsx_rows

SEES = {  # which survey each persona sees: W = 宁乡市's, B = 望城区's
    "admin": "WB", "province_staff": "WB", "city_staff": "WB", "county_staff": "W", "county_leader": "W",
    "supervisor": "W", "school_user": "W", "evaluator": "B", "outsider": "", "multi": "WB", "nobody": "",
}
WHOLE = {"admin": "WB", "province_staff": "WB", "city_staff": "WB", "county_staff": "W", "county_leader": "W",
         "multi": "B"}
MANAGES = {"admin": "WB", "province_staff": "WB", "city_staff": "WB", "county_staff": "W", "multi": "B"}
SCHOOLS = ("A1", "A2", "A3", "B1", "B2", "C1", "D1")


@pytest.fixture
def world(cast):
    w = build_world(cast)
    county = Region.objects.get(code="430112")
    office = Office.objects.get(region=county)
    other = Survey.objects.create(office=office, questionnaire=w.questionnaire, name="望城认可度调查",
                                  kind="recognition", year=2026, region=county, opens_on=dt.date(2026, 9, 1),
                                  closes_on=dt.date(2026, 9, 30), state=SurveyState.OPEN, created_by=cast.admin)
    for n, key in enumerate(("B1", "B2"), start=1):
        school = getattr(cast, key)
        link = SurveyLink.objects.create(survey=other, token=f"tokW{key}", school=school, region=school.region,
                                         target=3)
        add_response(other, link, n, "parent", {"Q1": "不满意", "Q2": {"r1": "不满意"}, "Q3": f"望城意见{key}"}, 2, 0)
    return {"W": w.survey, "B": other}


def leaked(cast, persona: str, text: str) -> list[str]:
    hidden = {getattr(cast, k).name for k in SCHOOLS if k not in EXPECTED[persona]}
    texts = {"食堂不错": "A1", "作业多": "A1", "望城意见B1": "B1", "望城意见B2": "B2"}
    return [n for n in hidden if n in text] + [t for t, k in texts.items() if k not in EXPECTED[persona] and t in text]


def _status(persona: str, which: str, kind: str) -> int:
    if which not in SEES[persona]:
        return 404
    if kind == "whole" and which not in WHOLE.get(persona, ""):
        return 403
    if kind == "manage" and which not in MANAGES.get(persona, ""):
        return 403
    return 200


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_pages_by_scope_and_never_leak(world, cast, client, persona):
    client.force_login(getattr(cast, persona))
    index = client.get(reverse("surveys:results_index"))
    assert index.status_code == 200
    html = index.content.decode()
    assert ("测试社会认可度" in html) == ("W" in SEES[persona]) and ("望城认可度调查" in html) == ("B" in SEES[persona])
    for which, survey in world.items():
        for name, args in (("surveys:results", [survey.pk]), ("surveys:results_texts", [survey.pk, "Q3"]),
                           ("surveys:results_export", [survey.pk])):
            response = client.get(reverse(name, args=args))
            assert response.status_code == _status(persona, which, "read"), (persona, which, name)
            if response.status_code == 200:
                if name == "surveys:results_export":
                    data = b"".join(response.streaming_content)
                    text = " ".join(str(c) for sheet in (0, 1, 2) for row in xlsx_rows(data, sheet) for c in row)
                else:
                    text = response.content.decode()
                assert leaked(cast, persona, text) == [], (persona, which, name)
        response = client.get(reverse("surveys:responses_export", args=[survey.pk]))
        assert response.status_code == _status(persona, which, "whole"), (persona, which, "responses_export")
        if response.status_code == 200:
            assert len([r for r in xlsx_rows(response)[1:] if r and r[0]]) == survey.responses.count()


@pytest.mark.parametrize("persona", PERSONAS)
def test_findings_action_by_scope(world, cast, client, persona):
    client.force_login(getattr(cast, persona))
    for which, survey in world.items():
        response = client.post(reverse("surveys:results_findings", args=[survey.pk]), {"deadline": "2026-12-31"})
        expected = _status(persona, which, "manage")
        assert response.status_code == (302 if expected == 200 else expected), (persona, which)


@pytest.mark.parametrize("persona", PERSONAS)
def test_results_api_by_scope(world, cast, client, persona):
    client.force_login(getattr(cast, persona))
    listed = client.get("/api/v1/survey-results")
    assert listed.status_code == 200 and listed.resolver_match.view_name == "api-1:results_surveys"
    names = {s["name"] for s in listed.json()["items"]}
    letter = {"430182": "W", "430112": "B"}
    assert names == {s.name for s in Survey.objects.select_related("office__region")
                     if letter[s.office.region.code] in SEES[persona]}, persona
    assert leaked(cast, persona, listed.content.decode()) == []
    for which, survey in world.items():
        for path, view in ((f"/api/v1/survey-results/{survey.pk}", "api-1:results_survey"),
                           (f"/api/v1/survey-results/{survey.pk}/schools", "api-1:results_survey_schools")):
            response = client.get(path)
            assert response.resolver_match.view_name == view
            assert response.status_code == _status(persona, which, "read"), (persona, which, path)
            if response.status_code == 200:
                assert leaked(cast, persona, response.content.decode()) == [], (persona, which, path)
        if _status(persona, which, "read") == 200:
            schools = client.get(f"/api/v1/survey-results/{survey.pk}/schools").json()["schools"]
            seen = {s["school"] for s in schools}
            assert seen <= {getattr(cast, k).name for k in EXPECTED[persona]} or which in WHOLE.get(persona, "")


def test_anonymous_is_sent_to_sign_in(world, client):
    survey = world["W"]
    for name, args in (("surveys:results_index", []), ("surveys:results", [survey.pk]),
                       ("surveys:results_texts", [survey.pk, "Q3"]), ("surveys:results_export", [survey.pk]),
                       ("surveys:responses_export", [survey.pk])):
        response = client.get(reverse(name, args=args))
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
    response = client.post(reverse("surveys:results_findings", args=[survey.pk]))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert client.get("/api/v1/survey-results").status_code == 401
    assert client.get(f"/api/v1/survey-results/{survey.pk}").status_code == 401
    assert client.get(f"/api/v1/survey-results/{survey.pk}/schools").status_code == 401
