"""End to end in Chromium: log in → school list → filter → detail, on a desktop and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser



def test_county_worker_finds_a_school_and_reads_its_yearly_data(browser_cast, page_for, live_server):
    page = page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "t_county")
    page.goto(f"{live_server.url}/schools/overview/")  # 学校概况: the register counts of the scope
    assert page.get_by_test_id("school-count").inner_text() == "3"
    page.wait_for_selector("[data-chart='kind-chart'] svg")  # ECharts drew the chart (CSP allows it)

    page.click("#navbar-menu >> text=学校")  # the 学校 menu opens
    page.click("#navbar-menu >> text=学校名录")
    page.wait_for_selector("[data-testid=result-count]")
    assert page.get_by_test_id("result-count").inner_text() == "共 3 所"
    page.select_option("#id_kind", "junior")  # HTMX swaps the results in place
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 所")
    assert "kind=junior" in page.url
    page.click("text=测试宁乡二中")
    page.wait_for_selector("[data-testid=year-data]")
    assert page.locator("h1").inner_text() == "测试宁乡二中"
    assert "2025 初中" in page.locator("[data-testid=year-data]").inner_text()
    assert screenshot(page, "school-detail").stat().st_size > 10_000
    assert errors == []


def test_search_by_pinyin_on_a_phone(browser_cast, page_for, live_server):
    page = page_for(width=390, height=844, mobile=True)
    log_in(page, live_server, "t_county")
    page.goto(f"{live_server.url}/schools/")
    page.fill("#id_q", "csnxyx")
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 所")
    assert page.locator("#results a", has_text="测试宁乡一小").count() == 1
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, "the list must fit a phone screen without sideways scrolling"
    screenshot(page, "school-search-phone")


def test_outsider_sees_none_of_ningxiang(browser_cast, page_for, live_server):
    page = page_for()
    log_in(page, live_server, "t_outsider")
    page.goto(f"{live_server.url}/schools/?q=测试宁乡")
    assert page.get_by_test_id("result-count").inner_text() == "共 0 所"
    response = page.goto(f"{live_server.url}/schools/{browser_cast.A1.pk}/")
    assert response.status == 404
