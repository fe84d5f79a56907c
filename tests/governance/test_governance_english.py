"""The 督政 pages read in English: the unit's self-assessment report form (its section headings too) and
the office's campaign page. The campaign's, the unit's and the indicators' names are data and stay Chinese."""

from __future__ import annotations

from django.urls import reverse

from tests.english_ui import chinese_ui, english, ui_texts
from tests.governance.conftest import move


def _data(gov) -> tuple[str, ...]:
    return (gov.campaign.name, gov.unit_a.name, gov.unit_b.name, gov.team.name,
            *(f"{i.code} {i.text}" for i in gov.items.values()), *(i.text for i in gov.items.values()))


def test_self_assessment_report_in_english(cast, gov, client):
    move(gov, "self_inspection")
    english(client)
    client.force_login(gov.gov_a)
    page = client.get(reverse("governance:self_form", args=[gov.campaign.pk, gov.entry_a.pk]))
    texts = ui_texts(page)
    for text in ("1. Overview", "2. Main measures and results", "3. Shortcomings and next steps",
                 "4. Self-assessment result"):
        assert text in texts, text
    assert f"{gov.campaign.name}：Self-assessment report" in texts
    assert chinese_ui(page, data=_data(gov)) == []


def test_campaign_page_in_english(cast, gov, client):
    move(gov, "self_inspection")
    english(client)
    client.force_login(cast.county_staff)
    page = client.get(reverse("governance:campaign", args=[gov.campaign.pk]))
    assert f"{gov.campaign.name} Self-assessment" in ui_texts(page)
    assert ">Government supervision</a>" in page.content.decode()  # the breadcrumb: 督政 as the glossary names it
    assert chinese_ui(page, data=_data(gov)) == []
