"""The office's visit pages in Chromium: the menu, the compliance page with its charts, the calendar
heat map, and the ledger's HTMX filters, on a desktop and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser


@pytest.fixture
def world(browser_cast):
    from dudao.visits.quota import quota_rules_install_defaults
    from tests.visits.office_world import build_world

    quota_rules_install_defaults()
    return build_world(browser_cast)



def test_county_office_reads_compliance_calendar_and_ledger(world, page_for, live_server):
    page = page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "t_county")

    page.click("text=经常性督导")
    page.click("text=督导统计")
    page.wait_for_selector("[data-testid=office-nav]")
    page.fill("#id_day", "2025-10-15")
    page.click("button:has-text('查看')")
    expect(page.get_by_test_id("behind-count")).to_have_text("2")  # 张 3 of 4, 李 1 of 4
    page.wait_for_selector("[data-chart='zone-chart'] svg")  # ECharts drew both charts (the CSP allows it)
    page.wait_for_selector("[data-chart='supervisor-chart'] svg")
    assert "宁乡北区" in page.locator("[data-chart='zone-chart']").inner_text()
    assert page.locator("tr[data-supervisor='宁乡张督学'] [data-testid=state]").inner_text() == "落后"
    screenshot(page, "visits-office-compliance")

    page.click("[data-testid=office-nav] >> text=督导日历")
    page.fill("#id_year", "2025")
    page.click("button:has-text('查看')")
    page.wait_for_selector("[data-chart='calendar-chart'] svg")
    assert page.get_by_test_id("year-total").inner_text() == "4"

    page.click("[data-testid=office-nav] >> text=督导记录台账")
    expect(page.get_by_test_id("result-count")).to_have_text("共 4 条")
    page.select_option("#id_mode", "unannounced")  # HTMX swaps the results in place
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 条")
    assert "mode=unannounced" in page.url
    assert "测试宁乡二中" in page.locator("[data-testid=visits]").inner_text()
    assert errors == []


def test_supervisor_ledger_fits_a_phone(world, page_for, live_server):
    page = page_for(width=390, height=844, mobile=True)
    log_in(page, live_server, "t_supervisor")
    page.goto(f"{live_server.url}/visits/log/")
    expect(page.get_by_test_id("result-count")).to_have_text("共 3 条")  # their own visits
    page.select_option("#id_who", "all")
    expect(page.get_by_test_id("result-count")).to_have_text("共 3 条")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(page, "visits-ledger-phone")
