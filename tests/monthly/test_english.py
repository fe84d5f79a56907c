"""The monthly summary pages read in English: the list, the draft form and the figures page with its
sentences. Names (the office, the supervisors, the zones) are data and stay Chinese; the document itself
is always Chinese (an official document)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.documents.models import Document
from dudao.monthly.models import MonthlySummary
from tests.english_ui import CJK, chinese_ui, english, ui_texts
from tests.monthly.conftest import MONTH, YEAR

pytestmark = pytest.mark.django_db


def test_the_pages_in_english(cast, world, client):
    english(client)
    client.force_login(cast.county_staff)
    drafted = client.post(reverse("monthly:draft"), {"office": world.office.pk, "month": f"{YEAR}-{MONTH:02d}"})
    assert drafted.status_code == 302  # drafted by an English reader: the document is Chinese all the same
    summary = MonthlySummary.objects.get()
    data = (world.office.name, "甲督学", "乙督学", "督导工作专题培训", *(z[0] for z in summary.figures["visits"]["zones"]))
    index = client.get(reverse("monthly:index"))
    assert chinese_ui(index, data=data) == []
    assert "Draft a monthly summary" in ui_texts(index)
    assert chinese_ui(client.get(reverse("monthly:draft")), data=data) == []
    page = client.get(reverse("monthly:detail", args=[summary.pk]))
    assert chinese_ui(page, data=data) == []
    text = page.content.decode()
    assert "This month: 3 routine visit(s), covering 2 school(s), 66.7% of the 3 school(s) in the zones" in text
    assert "This month: 2 new finding(s), 1 closed; on 31/10, 2 not yet rectified, of which 1 overdue." in text
    assert "1 complaint(s) received, 1 answered, of which 1 upheld" in text
    # the sentences hold no Chinese but the names
    sentences = [t for t in (text.split('data-testid="text-')[1:])]
    for chunk in sentences:
        sentence = chunk.split(">", 1)[1].split("<", 1)[0]
        for name in data:
            sentence = sentence.replace(name, "")
        assert not CJK.search(sentence), sentence
    # the document stays Chinese whatever the drafter's language
    doc = Document.objects.get(pk=summary.document_id)
    assert doc.title.endswith("2026年10月工作月报") and "本月共开展经常性督导3次" in str(doc.body)
