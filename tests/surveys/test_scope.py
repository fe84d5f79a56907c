"""Scope of the surveys app: every URL as every persona (named in tests/access/coverage_surveys.py).

Who reads (docs/surveys.md): the survey pages are the offices' — staff and leaders of the survey's
office and of the offices above it, and admins; supervisors, school accounts, evaluators and people
without a role are refused (403). Another office's survey or questionnaire is 404 (its existence is
not disclosed). Who writes: surveys — office staff of the office or above (leaders read);
questionnaires — the owning office's staff and admins; built-ins nobody (copy to adapt). The public
answer pages need no account: every persona and an anonymous visitor get the same page.
"""

from __future__ import annotations

import pytest
from django.http import QueryDict
from django.urls import reverse

from dudao.surveys import services
from dudao.surveys.models import Response
from tests.personas import PERSONAS

OFFICE_USERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader", "multi"}
NINGXIANG_READERS = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
SURVEY_RUNNERS = {"admin", "province_staff", "city_staff", "county_staff"}
QUESTIONNAIRE_EDITORS = {"admin", "county_staff"}
STAFF = {"admin", "province_staff", "city_staff", "county_staff", "multi"}


@pytest.fixture
def world(cast, survey, small, builtins):
    data = QueryDict(mutable=True)
    data.update({"q-Q1": "否", "q-M-1": "满意", "q-M-2": "满意", "q-M-3": "满意"})
    response = services.response_submit(link=survey.links.get(school=cast.A1), group="parent", data=data,
                                        device_hash="dev", ip_hash="ip")
    draft = services.questionnaire_copy(by=None, source=small, office=survey.office, name="宁乡未用问卷")  # no answers yet
    return {"survey": survey, "small": draft, "builtin": builtins["YZJH-RECOGNITION"], "response": response,
            "link": survey.links.get(school=cast.A1), "question": draft.questions.get(code="T")}


def _read(persona: str, readers: set[str]) -> int:
    if persona not in OFFICE_USERS:
        return 403
    return 200 if persona in readers else 404


def _write(persona: str, writers: set[str], readers: set[str]) -> set[int]:
    if persona in writers:
        return {200, 302}
    return {_read(persona, readers) if _read(persona, readers) != 200 else 403}


@pytest.mark.parametrize("persona", PERSONAS)
def test_survey_pages(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    survey = world["survey"]
    index = client.get(reverse("surveys:index"))
    assert index.status_code == (200 if persona in OFFICE_USERS else 403), persona
    if index.status_code == 200:
        assert (survey.name in index.content.decode()) == (persona in NINGXIANG_READERS), persona
    create = client.get(reverse("surveys:create"))
    assert create.status_code == (200 if persona in STAFF else 403), (persona, create.status_code)
    expected = _read(persona, NINGXIANG_READERS)
    for name in ("surveys:detail", "surveys:links_print", "surveys:suspicious"):
        page = client.get(reverse(name, kwargs={"pk": survey.pk}))
        assert page.status_code == expected, (name, persona, page.status_code)
    if expected == 200:
        html = client.get(reverse("surveys:detail", kwargs={"pk": survey.pk})).content.decode()
        assert ('data-testid="links-form"' in html) == (persona in SURVEY_RUNNERS), persona


def test_links_pdf(cast, client, world):
    client.force_login(cast.county_leader)  # leaders read: they may print
    page = client.get(reverse("surveys:links_print", kwargs={"pk": world["survey"].pk}) + "?format=pdf")
    assert page.status_code == 200 and page["Content-Type"] == "application/pdf" and page.content.startswith(b"%PDF")


@pytest.mark.parametrize("persona", PERSONAS)
def test_survey_writes(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    survey, link, response = world["survey"], world["link"], world["response"]
    expected = _write(persona, SURVEY_RUNNERS, NINGXIANG_READERS)
    posts = [
        ("surveys:links_generate", {"pk": survey.pk}, {"mode": "whole", "target": "50"}),
        ("surveys:link_edit", {"pk": survey.pk, "link_pk": link.pk}, {"target": "33", "active": "on"}),
        ("surveys:response_void", {"pk": survey.pk, "response_pk": response.pk}, {"reason": "重复"}),
        ("surveys:state", {"pk": survey.pk}, {"state": "closed"}),
    ]
    for name, kwargs, data in posts:
        page = client.post(reverse(name, kwargs=kwargs), data)
        assert page.status_code in expected, (name, persona, page.status_code)
    survey.refresh_from_db()
    link.refresh_from_db()
    response.refresh_from_db()
    wrote = persona in SURVEY_RUNNERS
    assert (survey.state == "closed") == wrote and (link.target == 33) == wrote and response.voided == wrote
    assert survey.links.filter(school__isnull=True).exists() == wrote


@pytest.mark.parametrize("persona", PERSONAS)
def test_questionnaire_pages(cast, client, world, persona):
    client.force_login(getattr(cast, persona))
    small, builtin, question = world["small"], world["builtin"], world["question"]
    listing = client.get(reverse("surveys:questionnaires"))
    assert listing.status_code == (200 if persona in OFFICE_USERS else 403)
    if listing.status_code == 200:
        html = listing.content.decode()
        assert builtin.name in html and (small.name in html) == (persona in NINGXIANG_READERS), persona
    assert client.get(reverse("surveys:questionnaire", kwargs={"pk": builtin.pk})).status_code == _read(persona, OFFICE_USERS)
    assert client.get(reverse("surveys:questionnaire", kwargs={"pk": small.pk})).status_code == _read(persona, NINGXIANG_READERS)
    copy = client.get(reverse("surveys:questionnaire_copy", kwargs={"pk": builtin.pk}))
    assert copy.status_code == (200 if persona in STAFF else 403), (persona, copy.status_code)
    # built-ins are read-only for everyone
    for name in ("surveys:questionnaire_edit", "surveys:question_add"):
        page = client.get(reverse(name, kwargs={"pk": builtin.pk}))
        assert page.status_code == 403, (name, persona)
    expected = _write(persona, QUESTIONNAIRE_EDITORS, NINGXIANG_READERS)
    gets = [("surveys:questionnaire_edit", {"pk": small.pk}), ("surveys:question_add", {"pk": small.pk}),
            ("surveys:question_edit", {"pk": small.pk, "question_pk": question.pk})]
    for name, kwargs in gets:
        page = client.get(reverse(name, kwargs=kwargs))
        assert page.status_code in expected, (name, persona, page.status_code)
    for name in ("surveys:question_move", "surveys:question_delete"):
        page = client.post(reverse(name, kwargs={"pk": small.pk, "question_pk": question.pk}), {"direction": "up"})
        assert page.status_code in expected, (name, persona, page.status_code)
    assert small.questions.filter(pk=question.pk).exists() == (persona not in QUESTIONNAIRE_EDITORS)


@pytest.mark.parametrize("persona", [*PERSONAS, "anonymous"])
def test_public_pages_need_no_account(cast, client, world, persona):
    if persona != "anonymous":
        client.force_login(getattr(cast, persona))
    token = world["link"].token
    page = client.get(reverse("surveys_public:answer", kwargs={"token": token}) + "?group=teacher")
    assert page.status_code == 200 and "各方面评价" in page.content.decode(), persona
    assert client.get(reverse("surveys_public:thanks", kwargs={"token": token})).status_code == 200
    assert client.get(reverse("surveys_public:answer", kwargs={"token": "unknown-token"})).status_code == 404
    assert Response.objects.count() == 1


def test_anonymous_is_sent_to_login(cast, client, world):
    survey = world["survey"]
    for name, kwargs in (("surveys:index", {}), ("surveys:questionnaires", {}), ("surveys:detail", {"pk": survey.pk}),
                         ("surveys:create", {})):
        page = client.get(reverse(name, kwargs=kwargs))
        assert page.status_code == 302 and page["Location"].startswith(reverse("login")), name


# --- results (问卷调查结果) ----------------------------------------------------------------------------------
# The results URLs are walked as every persona in tests/surveys/test_scope_results.py:
# "surveys:results_index", "surveys:results", "surveys:results_texts", "surveys:results_export",
# "surveys:responses_export", "surveys:results_findings", "api-1:results_surveys", "api-1:results_survey",
# "api-1:results_survey_schools".
