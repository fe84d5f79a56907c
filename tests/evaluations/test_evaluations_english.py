"""The county evaluation (县域评估) pages read in English: the list, the dossier and its checklist.
The county's name is data and stays Chinese."""

from __future__ import annotations

from django.urls import reverse

from tests.english_ui import chinese_ui, english, ui_texts


def test_dossier_pages_in_english(cast, client, failing):
    english(client)
    client.force_login(cast.county_staff)
    data = (failing.region.name,)
    listing = client.get(reverse("evaluations:list"))
    assert "County evaluations (high-quality balance · basic balance)" in ui_texts(listing)
    assert chinese_ui(listing, data=data) == []
    detail = client.get(reverse("evaluations:detail", kwargs={"pk": failing.pk}))
    texts = ui_texts(detail)
    for text in (f"{failing.region.name} 2025 High-quality balance dossier", "Verdict", "Resource allocation",
                 "Government guarantee", "Education quality", "Social recognition", "Entry conditions",
                 "Veto and non-recognition items", "Export to Excel"):
        assert text in texts, text
    assert chinese_ui(detail, data=data) == []
    checklist = client.get(reverse("evaluations:checklist", kwargs={"pk": failing.pk}))
    assert {"Dossier checklist", "Documents required", "Uploaded", "Missing"} <= set(ui_texts(checklist))
    assert chinese_ui(checklist, data=data) == []
