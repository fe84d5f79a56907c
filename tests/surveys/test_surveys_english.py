"""The surveys pages read in English: the office's survey page and the respondent's form (a parent who
chose English). The questionnaire's own questions and options are the office's data and stay as written."""

from __future__ import annotations

from django.urls import reverse

from tests.english_ui import chinese_ui, english, ui_texts


def test_survey_page_in_english(cast, client, survey):
    english(client)
    client.force_login(cast.county_staff)
    page = client.get(reverse("surveys:detail", args=[survey.pk]))
    texts = ui_texts(page)
    for text in ("Progress", "Generate survey links", "Survey links (2)", "Sample target", "Stop collecting",
                 "Print links and QR codes", "Suspicious responses"):
        assert text in texts, text
    assert f"{survey.name} Collecting" in texts  # the heading: the survey's name and its state
    assert chinese_ui(page, data=(survey.name,)) == []


def test_respondent_form_in_english(cast, client, survey):
    english(client)
    token = survey.links.get(school=cast.A1).token
    page = client.get(reverse("surveys_public:answer", kwargs={"token": token}) + "?group=parent")
    texts = ui_texts(page)
    assert "Type the digits in the image" in texts and "Submit" in texts
    assert "了解渠道 (choose all that apply)" in texts  # the question is data, the hint is English
    questions = list(survey.questionnaire.questions.all())
    data = [survey.name]
    for q in questions:
        data += [q.text, *q.rows, *(o.get("label") or o["value"] for o in q.options)]
    assert chinese_ui(page, data=tuple(data)) == []
