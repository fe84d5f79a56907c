"""Only what was published is visible on the portal (issue [11] item 4): a draft, a document in 审核 or
签发, an issued one never published, one withdrawn from publication, another office's unpublished one —
404 on its page and its PDF, absent from every list, drill-down count, search, school page and file."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse

from dudao.documents.models import Document
from tests.portal.conftest import HIDDEN, SHOWN
from tests.xlsx import xlsx_rows

pytestmark = pytest.mark.django_db


def _text(response) -> str:
    return response.content.decode("utf-8-sig")


def test_a_document_page_and_its_pdf_exist_only_when_published(world, client):
    for key in HIDDEN:
        pk = world[key].pk
        assert client.get(reverse("portal:document", args=[pk])).status_code == 404, key
        assert client.get(reverse("portal:document_pdf", args=[pk])).status_code == 404, key
    for key in SHOWN:
        doc = world[key]
        page = client.get(reverse("portal:document", args=[doc.pk]))
        assert page.status_code == 200 and doc.title in _text(page) and doc.number in _text(page), key
        pdf = client.get(reverse("portal:document_pdf", args=[doc.pk]))
        version = doc.versions.get()
        body = b"".join(pdf.streaming_content)
        assert pdf.status_code == 200 and pdf["Content-Type"] == "application/pdf"
        assert body == version.pdf.open("rb").read() and pdf["ETag"] == f'"{version.sha256}"'
        assert client.get(reverse("portal:document_pdf", args=[doc.pk]), HTTP_IF_NONE_MATCH=f'"{version.sha256}"').status_code == 304


def test_the_page_shows_the_body_as_html_and_the_metadata(world, client):
    doc = world["published"]
    text = _text(client.get(reverse("portal:document", args=[doc.pk])))
    assert "<h2 class=\"h3 mt-3\">一、基本情况</h2>" in text and "<td>办学条件</td>" in text
    assert doc.office.name in text and "2026-03-02" in text
    assert reverse("portal:school", args=[doc.school.code]) in text


def test_lists_search_and_files_hold_only_published_documents(world, client, cast):
    titles_hidden = [world[k].title for k in HIDDEN]
    pages = [
        client.get(reverse("portal:index")),
        client.get(reverse("portal:index"), {"region": "43"}),
        client.get(reverse("portal:index"), {"region": "4301"}),
        client.get(reverse("portal:index"), {"region": "430182"}),
        client.get(reverse("portal:index"), {"region": "430112"}),
        client.get(reverse("portal:search"), {"q": "督导报告"}),
        client.get(reverse("portal:search"), {"q": "宁乡"}),
        client.get(reverse("portal:school", args=[cast.A1.code])),
        client.get(reverse("portal:school", args=[cast.A2.code])),
        client.get(reverse("portal:school", args=[cast.B1.code])),
        client.get(reverse("portal:export_csv")),
        client.get(reverse("portal:data")),
    ]
    for page in pages:
        assert page.status_code == 200
        text = _text(page)
        assert [t for t in titles_hidden if t in text] == [], page.request["PATH_INFO"]
    everything = _text(pages[0])
    assert all(world[k].title in everything for k in SHOWN)
    assert f'href="{reverse("portal:school", args=[cast.A1.code])}"' in everything  # the lists link the school pages
    xlsx = client.get(reverse("portal:export_xlsx"))
    rows = xlsx_rows(b"".join(xlsx.streaming_content))
    assert sorted(r[1] for r in rows[1:]) == sorted(world[k].title for k in SHOWN)


def test_drill_down_counts_published_documents_per_region(world, client):
    """Hand count: 宁乡 has 2 published (A1's report in a township of 宁乡, the office bulletin), 望城 1;
    both under 长沙市 (3), under 湖南省 (3)."""
    top = client.get(reverse("portal:index")).context
    assert [(c.region.code, c.count) for c in top["children"]] == [("43", 3)]
    city = client.get(reverse("portal:index"), {"region": "43"}).context
    assert [(c.region.code, c.count) for c in city["children"]] == [("4301", 3)]
    counties = client.get(reverse("portal:index"), {"region": "4301"}).context
    assert [(c.region.code, c.count) for c in counties["children"]] == [("430112", 1), ("430182", 2)]
    county = client.get(reverse("portal:index"), {"region": "430182"}).context
    assert county["children"] == [] and county["page"].paginator.count == 2
    assert [r.code for r in county["breadcrumb"]] == ["43", "4301", "430182"]
    assert client.get(reverse("portal:index"), {"region": "999999"}).status_code == 404
    assert client.get(reverse("portal:index"), {"region": "43;drop"}).status_code == 404


def test_filters_by_year_and_kind_newest_first(world, client):
    all_rows = list(client.get(reverse("portal:index")).context["page"])
    assert [d.title for d in all_rows] == [world["other_published"].title, world["published"].title, world["bulletin"].title]
    ctx = client.get(reverse("portal:index"), {"year": "2025"}).context
    assert [d.pk for d in ctx["page"]] == [world["bulletin"].pk] and ctx["years"] == [2026, 2025]
    ctx = client.get(reverse("portal:index"), {"kind": "bulletin"}).context
    assert [d.pk for d in ctx["page"]] == [world["bulletin"].pk]
    ctx = client.get(reverse("portal:index"), {"kind": "nonsense", "year": "abc"}).context
    assert ctx["page"].paginator.count == 3  # a wrong value is dropped


def test_the_csv_is_utf8_with_bom_and_holds_the_public_fields(world, client):
    response = client.get(reverse("portal:export_csv"), {"region": "430182", "year": "2026"})
    assert response["Content-Type"].startswith("text/csv") and response.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(_text(response))))
    doc = world["published"]
    assert rows[0][:4] == ["发文字号", "标题", "文种", "发文机关"] and len(rows) == 2
    assert rows[1][:6] == [doc.number, doc.title, "督导报告", doc.office.name, "2026-03-02", rows[1][5]]
    assert rows[1][8:10] == [doc.school.code, doc.school.name] and rows[1][12].endswith(f"/public/d/{doc.pk}/")


def test_school_reports_carry_the_campaign_grade_when_the_document_names_it(world, client, cast, county_campaign):
    from decimal import Decimal

    from dudao.campaigns.models import SchoolResult

    campaign = county_campaign
    SchoolResult.objects.create(campaign=campaign, school=cast.A1, verified_total=Decimal("86.50"), grade="良好")
    Document.objects.filter(pk=world["published"].pk).update(source=f"campaigns.Campaign:{campaign.pk}")
    rows = list(csv.reader(io.StringIO(_text(client.get(reverse("portal:export_csv"), {"region": "430182"})))))
    by_title = {r[1]: r for r in rows[1:]}
    assert by_title[world["published"].title][10:12] == ["良好", "86.5"]
    assert by_title[world["bulletin"].title][10:12] == ["", ""]


def test_search_is_bounded_and_limited_per_address(world, client, monkeypatch):
    long = "督" * 300
    page = client.get(reverse("portal:search"), {"q": long})
    assert page.status_code == 200 and page.context["q"] == "督" * 40
    found = client.get(reverse("portal:search"), {"q": "宁教督〔2026〕2号"}).context["page"]
    assert [d.pk for d in found] == [world["published"].pk]
    found = client.get(reverse("portal:search"), {"q": "督导报告 已公开"}).context
    assert {d.pk for d in found["page"]} == {world["published"].pk, world["other_published"].pk}
    assert "next_url" not in found and "previous_url" not in found
    by_school = client.get(reverse("portal:search"), {"q": "测试宁乡一"}).context  # the school's name, not the title's
    assert [d.pk for d in by_school["page"]] == [world["published"].pk]
    two_words = client.get(reverse("portal:search"), {"q": "测试宁乡一 督导报告"}).context
    assert [d.pk for d in two_words["page"]] == [world["published"].pk]
    schools = client.get(reverse("portal:search"), {"q": "宁乡一小"}).context["schools"]
    assert [s.code for s in schools] == [world["published"].school.code]
    from django.core.cache import cache

    from dudao.portal import abuse, rules

    cache.clear()
    monkeypatch.setattr(abuse, "_now", lambda: 1_800_000_000.0)  # one window, whatever the clock does
    for _ in range(rules.SEARCHES_PER_IP_PER_MINUTE):
        assert client.get(reverse("portal:search"), {"q": "宁乡"}).status_code == 200
    refused = client.get(reverse("portal:search"), {"q": "宁乡"})
    assert refused.status_code == 429 and "频繁" in _text(refused)
    cache.clear()


def test_an_unknown_or_closed_school_has_no_page(world, client, cast):
    assert client.get(reverse("portal:school", args=["9999999999"])).status_code == 404
    cast.A3.is_active = False
    cast.A3.save()
    assert client.get(reverse("portal:school", args=[cast.A3.code])).status_code == 404


def test_the_plaque_page_links_to_the_school_results(world, client, cast):
    plaque = client.get(reverse("public:school", args=[cast.A1.code]))
    assert reverse("portal:school", args=[cast.A1.code]) in _text(plaque)
    school = client.get(reverse("portal:school", args=[cast.A1.code]))
    assert reverse("public:school", args=[cast.A1.code]) in _text(school)
    assert world["published"].title in _text(school)


def test_anonymous_pages_are_cacheable_and_signed_in_pages_are_not(world, client, cast):
    page = client.get(reverse("portal:index"))
    assert "public" in page["Cache-Control"] and "max-age=300" in page["Cache-Control"]
    assert "csrftoken" not in page.cookies and "Cookie" in page["Vary"]
    client.force_login(cast.county_staff)
    page = client.get(reverse("portal:index"))
    assert "private" in page["Cache-Control"]


def test_a_withdrawn_document_leaves_the_portal_at_once(world, client, cast):
    from dudao.documents import services

    doc = world["published"]
    assert client.get(reverse("portal:document", args=[doc.pk])).status_code == 200
    services.publish(doc, by=cast.county_staff, public=False)
    assert client.get(reverse("portal:document", args=[doc.pk])).status_code == 404
    assert doc.title not in _text(client.get(reverse("portal:index")))


def test_kept_figures_follow_a_withdrawal_at_once(world, client, cast, monkeypatch):
    """With the figures kept (figures.SECONDS on, as in production) the drill-down counts and the list's
    size are read from the cache — and a withdrawal (a save of the document) makes them stale at once."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from dudao.documents import services
    from dudao.portal import figures

    cache.clear()
    monkeypatch.setattr(figures, "SECONDS", 60)
    url = reverse("portal:index") + "?region=4301"
    first = client.get(url).context
    assert [(c.region.code, c.count) for c in first["children"]] == [("430112", 1), ("430182", 2)]
    with CaptureQueriesContext(connection) as warm:
        assert client.get(url).context["page"].paginator.count == 3
    with CaptureQueriesContext(connection) as cold:
        figures.move_on()
        client.get(url)
    assert len(warm.captured_queries) < len(cold.captured_queries)
    services.publish(world["bulletin"], by=cast.county_staff, public=False)
    after = client.get(url).context
    assert [(c.region.code, c.count) for c in after["children"]] == [("430112", 1), ("430182", 1)]
    assert after["page"].paginator.count == 2
    cache.clear()
