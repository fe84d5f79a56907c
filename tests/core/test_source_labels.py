"""Sources ("依据") shown to users are document titles and articles, never internal labels
(种子001, [S], domain-rules §…): the shipped defaults, stored rows of older versions (the data
migration's mapping), and every persona's pages that show sources."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.core.sources import INTERNAL_LABEL, LEGACY, readable
from dudao.findings.escalation import DEFAULT_LADDER, DEFAULT_POLICY, findings_install_defaults
from dudao.system.models import DictionaryItem
from dudao.system.services import BUILTIN_ITEMS
from dudao.visits.models import QuotaRule
from dudao.visits.quota import quota_rules_install_defaults
from tests.personas import PERSONAS


def test_shipped_sources_carry_no_internal_label():
    shipped = [src for *_x, src in BUILTIN_ITEMS] + [DEFAULT_POLICY["source"]] + [src for *_x, src in DEFAULT_LADDER]
    assert [s for s in shipped if INTERNAL_LABEL.search(s)] == []
    assert "《中小学校责任督学挂牌督导办法》（国教督办〔2013〕7号）第四条第六项" in shipped


def test_every_legacy_label_maps_to_a_clean_title():
    for old, new in LEGACY.items():
        assert INTERNAL_LABEL.search(old) or "挂牌办法" in old or "湖南" in old, old
        assert not INTERNAL_LABEL.search(new), new
    assert readable("湖南（种子001）") == "湖南省推进督学责任区工作会议部署（地方要求）"
    assert readable("教育督导条例 第十四条：每学期不得少于2次 [T]") == "《教育督导条例》（国务院令第624号）第十四条：每学期不得少于2次"
    assert readable("挂牌办法 第4条第1、3项") == "《中小学校责任督学挂牌督导办法》（国教督办〔2013〕7号）第四条第一、三项"
    assert readable("本督导室自定") == "本督导室自定"


def test_data_migration_rewrites_stored_rows(db):
    from importlib import import_module

    from django.apps import apps

    item = DictionaryItem.objects.create(dict_type="visit_focus", code="zz", label="测试", source="湖南（种子001）")
    QuotaRule.objects.all().delete()
    quota_rules_install_defaults()  # visits/quota.py still ships the old labels
    import_module("dudao.system.migrations.0002_polish_source_titles").forwards(apps, None)
    item.refresh_from_db()
    assert item.source == "湖南省推进督学责任区工作会议部署（地方要求）"
    assert [s for s in QuotaRule.objects.values_list("source", flat=True) if INTERNAL_LABEL.search(s)] == []


PAGES = ["core:home", "system:dictionary_list", "findings:settings", "complaints:policy", "visits:compliance", "visits:rules",
         "zones:index", "monitoring:index"]


@pytest.mark.parametrize("persona", PERSONAS)
def test_no_persona_page_shows_an_internal_label(cast, client, persona):
    findings_install_defaults()
    quota_rules_install_defaults()
    # A stored row from before the migration: the page still shows the title.
    DictionaryItem.objects.filter(dict_type="visit_focus").update(source="湖南（种子001）")
    user = getattr(cast, persona)
    client.force_login(user)
    seen = 0
    for name in PAGES:
        response = client.get(reverse(name))
        if response.status_code != 200:
            continue
        seen += 1
        html = response.content.decode()
        assert not INTERNAL_LABEL.search(html), (persona, name, INTERNAL_LABEL.search(html).group(0))
    assert seen
    if persona == "admin":
        assert "湖南省推进督学责任区工作会议部署（地方要求）" in client.get(reverse("system:dictionary_list"), {"type": "visit_focus"}).content.decode()
    if persona == "county_staff":
        assert "《中小学校责任督学挂牌督导办法》（国教督办〔2013〕7号）第六条" in client.get(reverse("visits:compliance")).content.decode()
