"""The framework library reads in English (entries added by the catalogue check, tests/core)."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.urls import reverse

from dudao.frameworks import services
from dudao.frameworks.models import FrameworkShape, Weighting
from tests.html_page import Html


def _english(client, user):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(user)


def test_list_detail_and_draft_read_in_english(cast, client, county_office):
    framework = services.framework_create(by=cast.county_staff, owner=county_office, name="宁乡办学评估",
                                          shape=FrameworkShape.WEIGHTED, topic="办学质量", weighting=Weighting.WEIGHTS)
    version = framework.versions.get()
    services.indicator_add(by=cast.county_staff, version=version, code="1", text="办学方向", weight=Decimal("0.5"))
    services.indicator_add(by=cast.county_staff, version=version, code="2", text="课程教学")
    _english(client, cast.county_staff)

    listing = Html(client.get(reverse("frameworks:list"), {"q": "宁乡办学评估"}))
    assert "1 framework" in listing.text and "共" not in listing.text

    detail = Html(client.get(reverse("frameworks:detail", args=[framework.pk])))
    assert "Versions" in detail.text and "Version 1 (Draft)" in detail.text and "Topic" in detail.text
    # The problem sentence is put together from two msgids: "一级指标" and "%(where)s中 %(missing)s 没有权重。"
    assert "Top-level indicators: 「2」 have no weight." in detail.text_of(testid="problems")

    editing = Html(client.get(reverse("frameworks:edit", args=[framework.pk])))
    assert "Add sub-indicator" in editing.text and "Edit" in editing.texts("a")
    adding = Html(client.get(reverse("frameworks:indicator_add", args=[framework.pk])))
    assert "宁乡办学评估 · Draft version 1" in adding.text


def test_a_builtin_reads_in_english(cast, client, builtins):
    _english(client, cast.county_staff)
    detail = Html(client.get(reverse("frameworks:detail", args=[builtins["kaixue-2020"].pk])))
    assert detail.text_of(testid="owner") == "Built-in (read-only)"
    assert detail.text_of(testid="copy") == "Copy to this office"
