"""The JavaScript message catalogue (/jsi18n/) follows the chosen language and needs no sign-in (it
holds only interface messages, no data)."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


def test_catalogue_is_english_only_when_english_is_chosen(cast, client):
    client.force_login(cast.supervisor)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    english = client.get(reverse("jsi18n"))
    assert english.status_code == 200 and english["Content-Type"].startswith("text/javascript")
    body = english.content.decode()
    assert "Synced to the server at %(time)s." in body
    client.post(reverse("set_language"), {"language": "zh-hans", "next": "/"})
    chinese = client.get(reverse("jsi18n")).content.decode()
    assert "Synced to the server" not in chinese and "gettext" in chinese


def test_catalogue_answers_without_sign_in(client):
    response = client.get(reverse("jsi18n"))
    assert response.status_code == 200 and b"Synced to the server" not in response.content
