"""The shared page links (`{% paginate page %}`, templates/_pagination.html) used by every list."""

from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

from django.core.paginator import Paginator
from django.template import Context, Template
from django.test import RequestFactory
from django.urls import reverse

from dudao.regions.models import Region
from tests.factories import SchoolFactory


def _render(query: str, page_number: int, *, bare: bool = False, count: int = 500) -> str:
    request = RequestFactory().get("/list/" + query)
    page = Paginator(range(count), 20).get_page(page_number)
    tag = "{% paginate page bare=True %}" if bare else "{% paginate page %}"
    return Template("{% load dudao %}" + tag).render(Context({"request": request, "page": page}))


def _links(html: str) -> list[dict]:
    return [parse_qs(urlsplit(href.replace("&amp;", "&")).query) for href in re.findall(r'href="([^"]+)"', html)]


def test_links_keep_every_filter_and_change_only_the_page():
    html = _render("?q=%E4%B8%AD%E5%BF%83&kind=primary&page=7", 7)
    links = _links(html)
    assert links and all(link["q"] == ["中心"] and link["kind"] == ["primary"] for link in links)
    assert all(len(link["page"]) == 1 for link in links)  # replaced, never repeated
    pages = [int(link["page"][0]) for link in links]
    assert pages[0] == 6 and pages[-1] == 8  # previous, …, next
    assert {1, 5, 6, 8, 9, 25} <= set(pages) and 15 not in pages  # far pages elided
    assert "…" in html and 'aria-current="page">7<' in html
    assert "第 7 / 25 页" in html and "card-footer" in html


def test_first_and_last_pages_and_a_single_page():
    assert 'rel="prev"' not in _render("", 1) and 'rel="next"' in _render("", 1)
    assert 'rel="next"' not in _render("?page=25", 25)
    assert _render("", 1, count=15).strip() == ""  # one page: no links at all


def test_bare_links_fit_into_a_footer_of_their_own():
    html = _render("?sort=cv", 2, bare=True)
    assert "card-footer" not in html and 'data-testid="pagination"' in html
    assert all(link["sort"] == ["cv"] for link in _links(html))


def test_the_school_list_pages_through_filtered_results(cast, client):
    region = Region.objects.get(code="430182")
    for i in range(45):
        SchoolFactory(name=f"翻页测试小学{i:02d}", region=region)
    client.force_login(cast.county_staff)
    first = client.get(reverse("schools:list"), {"q": "翻页测试"}).content.decode()
    assert "第 1 / 3 页" in first
    next_href = re.search(r'href="([^"]+)" rel="next"', first).group(1).replace("&amp;", "&")
    second = client.get(reverse("schools:list") + next_href).content.decode()
    assert "翻页测试小学20" in second and "翻页测试小学19" not in second and "第 2 / 3 页" in second
