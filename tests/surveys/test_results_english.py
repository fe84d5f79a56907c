"""The results pages read in English (the .po entries of the results part)."""

from __future__ import annotations

from django.urls import reverse

from tests.surveys.results_world import build_world


def test_results_in_english(cast, client):
    world = build_world(cast)
    client.cookies.load({"django_language": "en"})
    client.force_login(cast.county_staff)
    page = client.get(reverse("surveys:results", args=[world.survey.pk])).content.decode()
    for text in ("Satisfaction index by school", "Pass line", "Valid responses", "By respondent group",
                 "Sample progress (by survey link)", "Results by question", "2 schools below the pass line",
                 "Record low-scoring schools as findings", "Total (宁乡市)", "(county level)"):
        assert text in page, text
    texts = client.get(reverse("surveys:results_texts", args=[world.survey.pk, "Q3"])).content.decode()
    assert "Survey results" in texts
    empty = client.get(reverse("surveys:results_index"), {"year": 1999}).content.decode()
    assert "No survey yet" in empty
