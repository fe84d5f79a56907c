"""The 公文 pages read in English. Titles, office names, numbers and the official text are data (an
official document is Chinese whoever reads it) and stay Chinese."""

from __future__ import annotations

from django.urls import reverse

from dudao.documents import wording
from dudao.documents.models import DocumentTemplate
from tests.documents.conftest import TABLE
from tests.english_ui import chinese_ui, english, ui_texts


def _data(docs) -> tuple[str, ...]:
    docs_ = (docs.draft, docs.checking, docs.signing, docs.issued, docs.other)
    return (*(d.title for d in docs_), *(d.number for d in docs_ if d.number), docs.office.name,
            *DocumentTemplate.objects.values_list("name", flat=True), "测试宁乡一小", "测试宁乡二中",
            "宁乡市人民政府教育督导室", "宁教督", "长沙市人民政府教育督导室", "湖南省人民政府教育督导室",
            *TABLE["header"], TABLE["text"])  # the data table of the body (its header is data too)


def test_the_list_and_the_detail_in_english(cast, docs, client):
    english(client)
    client.force_login(cast.county_leader)
    page = client.get(reverse("documents:list"))
    assert "Official documents" in ui_texts(page)
    assert chinese_ui(page, data=_data(docs)) == []
    detail = client.get(reverse("documents:detail", args=[docs.signing.pk]))
    texts = ui_texts(detail)
    assert "Sign off" in texts and "Authority code" in texts and "Reason for returning" in texts
    assert chinese_ui(detail, data=_data(docs)) == []


def test_the_forms_templates_and_series_in_english(cast, docs, client):
    own = wording.template_copy(by=cast.county_staff, office=docs.office, kind="notice")
    english(client)
    client.force_login(cast.county_staff)
    for url in (reverse("documents:create"), reverse("documents:edit", args=[docs.draft.pk]),
                reverse("documents:revise", args=[docs.issued.pk]), reverse("documents:templates"),
                reverse("documents:template_edit", args=[own.pk]), reverse("documents:series")):
        page = client.get(url)
        assert chinese_ui(page, data=_data(docs)) == [], url
