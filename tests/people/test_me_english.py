"""My account page counts a grant's schools in English (one plural msgid, tests/core/test_catalogue_complete.py)."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from tests.html_page import Html


def test_my_account_counts_schools_in_english(cast, client):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.supervisor)
    page = Html(client.get(reverse("people:me"))).text
    assert "2 schools" in page and "所学校" not in page
    client.force_login(cast.school_user)
    assert "1 school" in Html(client.get(reverse("people:me"))).text
