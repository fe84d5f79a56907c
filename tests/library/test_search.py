"""Chinese full-text search of the policy library (library/search.py): jieba tokens, PostgreSQL full text
with its GIN index, the SQLite token match — the same answers on both."""

from __future__ import annotations

import pytest
from django.db import connection
from django.urls import reverse

from dudao.library import search
from dudao.library.models import Policy

pytestmark = pytest.mark.django_db


def _titles(user, query):
    return [p.title for p in search.search(Policy.objects.visible_to(user), query)]


def test_tokens_split_words_and_keep_subwords():
    found = search.tokens("中小学校责任督学挂牌督导办法")
    assert {"挂牌", "督导", "督学"} <= set(found)
    assert search.tokens("，。！  ") == []
    assert search.query_tokens("督导" * 200) == ["督导"]  # cut and deduplicated, never an error


def test_words_inside_titles_and_full_text_are_found(cast, library):
    found = set(_titles(cast.county_staff, "挂牌督导"))
    assert {"中小学校责任督学挂牌督导办法", "中小学校责任督学挂牌督导规程"} <= found
    assert "教育督导问责办法" not in found and "督学管理暂行办法" not in found
    assert "教育督导问责办法" in _titles(cast.county_staff, "问责办法")
    assert _titles(cast.county_staff, "约谈 取消评优") == ["教育督导问责办法"]
    # only in the handbook's full text, two words that must both match
    assert _titles(cast.county_staff, "逾期 约谈") == ["宁乡市责任督学工作手册"]
    assert _titles(cast.county_staff, "逾期 差异系数") == []
    # the 文号 is searchable
    assert _titles(cast.county_staff, "教督〔2016〕2号") == ["督学管理暂行办法"]


def test_search_respects_the_scope(cast, library):
    assert _titles(cast.county_staff, "校园安全") == []  # 望城's local document
    assert _titles(cast.multi, "校园安全") == ["望城区校园安全专项督导实施方案"]
    assert _titles(cast.school_user, "逾期 约谈") == ["宁乡市责任督学工作手册"]  # a 宁乡 school reads its county's handbook
    assert _titles(cast.outsider, "逾期 约谈") == []
    assert _titles(cast.outsider, "约谈 取消评优") == ["教育督导问责办法"]  # built-ins for everyone with a role
    assert not Policy.objects.visible_to(cast.nobody).exists()


def test_the_page_searches_and_filters(cast, client, library):
    client.force_login(cast.county_staff)
    page = client.get(reverse("library:index"), {"q": "挂牌督导", "category": "normative"})
    html = page.content.decode()
    assert page.status_code == 200 and "中小学校责任督学挂牌督导办法" in html and "宁乡市责任督学工作手册" not in html
    empty = client.get(reverse("library:index"), {"q": "不存在的词语组合xyz"}).content.decode()
    assert "没有找到符合条件的文件" in empty
    years = client.get(reverse("library:index"), {"year": "2016"}).content.decode()
    assert "督学管理暂行办法" in years and "教育督导条例" not in years


@pytest.mark.skipif(connection.vendor != "postgresql", reason="the GIN index exists on PostgreSQL only")
def test_postgresql_uses_the_full_text_index(cast, library):
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN SELECT id FROM library_policy WHERE to_tsvector('simple', search_text) @@ "
                       "plainto_tsquery('simple', %s)", ["挂牌 督导"])
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "library_policy_fts" in plan
