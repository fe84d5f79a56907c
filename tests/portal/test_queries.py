"""The portal's pages cost a fixed number of queries whatever the number of published documents (no N+1):
each page is counted with the `world`'s documents and again after 40 more published ones over several
schools and regions, and must not grow; the figures are also bounded absolutely."""

from __future__ import annotations

from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dudao.documents.models import Document
from dudao.regions.models import Office

pytestmark = pytest.mark.django_db


def _more(cast, n: int = 40) -> None:
    office = Office.objects.get(region__code="430182")
    schools = [cast.A1, cast.A2, cast.A3, cast.B1, cast.B2, cast.C1]
    Document.objects.bulk_create([
        Document(office=office, kind="report" if i % 3 else "bulletin", status="issued", masthead="宁乡市人民政府教育督导室",
                 title=f"批量督导报告{i}", number=f"宁教督〔2026〕{100 + i}号", issued_on=date(2026, 1 + i % 12, 1),
                 school=schools[i % 6], region=schools[i % 6].region, published_at=timezone.now(),
                 body=[{"type": "p", "text": "正文"}])
        for i in range(n)])


def _count(client, url, params=None) -> int:
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url, params or {})
    assert response.status_code == 200, url
    if hasattr(response, "streaming_content"):
        b"".join(response.streaming_content)
    return len(ctx.captured_queries)


PAGES = [
    ("portal:index", None, None, 6),
    ("portal:index", None, {"region": "4301"}, 8),
    ("portal:index", None, {"region": "430182", "year": "2026"}, 8),
    ("portal:search", None, {"q": "督导报告"}, 3),
    ("portal:export_csv", None, {"region": "43"}, 3),
    ("portal:data", None, {"region": "430182"}, 6),
    ("portal:publicity_list", None, None, 3),
]


def test_lists_do_not_grow_with_the_documents(world, cast, client):
    urls = [(reverse(name, args=args), params, most) for name, args, params, most in PAGES]
    urls.append((reverse("portal:school", args=[cast.A1.code]), None, 8))
    urls.append((reverse("portal:document", args=[world["published"].pk]), None, 3))
    before = [_count(client, url, params) for url, params, _most in urls]
    _more(cast)
    after = [_count(client, url, params) for url, params, _most in urls]
    assert after == before
    assert [n for n, (_url, _p, most) in zip(after, urls, strict=True) if n > most] == [], list(zip(after, urls, strict=True))


def test_search_pages_by_one_more_row_without_counting(world, cast, client):
    """40 matching documents, 20 a page: page 1 links to page 2, page 2 to page 1 and page 3, page 3 (the
    2 documents left after 40 of the 42 matches… here 40 + the world's 2 published reports) ends."""
    _more(cast)
    url = reverse("portal:search")
    first = client.get(url, {"q": "督导报告"}).context
    assert len(first["page"]) == 20 and "previous_url" not in first and "page=2" in first["next_url"]
    third = client.get(url, {"q": "督导报告", "page": "3"}).context
    # matches: the 40 bulk documents (all titled 批量督导报告N) + the world's published reports (2): 42
    assert len(third["page"]) == 2 and "next_url" not in third and "page=2" in third["previous_url"]
    assert client.get(url, {"q": "督导报告", "page": "999"}).context["page"] == []  # bounded, no error
