"""The bulletin pages read in English; the bulletin's own text (subject, figures' names, schools) is
the document's, always Chinese (core.documents.render_chinese), and counts as data here."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.bulletins import services
from tests.bulletins.conftest import TODAY
from tests.english_ui import chinese_ui, english, ui_texts

pytestmark = pytest.mark.django_db


def test_bulletin_pages_in_english(cast, office, world, client):
    bulletin = services.compute(by=cast.county_staff, office=office, campaign=world, today=TODAY)
    english(client)
    client.force_login(cast.county_staff)
    data = (bulletin.subject, world.name, office.name, *(e["name"] + e["reason"] for e in bulletin.examples))
    page = client.get(reverse("bulletins:list"))
    assert "Bulletins" in ui_texts(page)
    assert chinese_ui(page, data=data) == []
    page = client.get(reverse("bulletins:detail", args=[bulletin.pk]))
    texts = ui_texts(page)
    for text in ("Overview", "Findings found (items)", "Rectification rate", "Ranking by verified total",
                 "Units to commend", "Units to criticise", "Draft the bulletin document"):
        assert text in texts, text
    assert chinese_ui(page, data=data) == []
    page = client.get(reverse("bulletins:new"))
    assert "Draft a bulletin" in ui_texts(page)
    assert chinese_ui(page, data=data) == []
