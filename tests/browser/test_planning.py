"""End to end in Chromium: from a failing county's dashboard to 达标测算, its summary and table on a
desktop and a phone, and the Excel download."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot
from tests.monitoring.dash_support import build

pytestmark = pytest.mark.browser



def test_county_office_opens_the_plan_and_downloads_it(browser_cast, page_for, live_server):
    build(browser_cast)
    page = page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, browser_cast.county_staff.username)
    page.goto(f"{live_server.url}/monitoring/?region=430182&year=2025&stage=primary")
    page.get_by_test_id("to-planning").click()
    page.wait_for_url("**/monitoring/planning/**")
    expect(page.get_by_test_id("summary-text")).to_contain_text("骨干教师 6 人")
    expect(page.locator("[data-testid=plan] tbody tr")).to_have_count(3)
    expect(page.locator("tr[data-school='宁乡测试三小'] td[data-code='L4']")).to_contain_text("+68")
    screenshot(page, "planning-desktop")
    with page.expect_download() as info:
        page.get_by_test_id("export").click()
    assert info.value.suggested_filename.startswith("宁乡市2025小学达标测算")
    assert errors == []

    phone = page_for(width=390, height=844, mobile=True)
    log_in(phone, live_server, browser_cast.county_staff.username)
    phone.goto(f"{live_server.url}/monitoring/planning/?region=430182&year=2025&stage=primary&needed=1")
    expect(phone.locator("[data-testid=plan] tbody tr")).to_have_count(2)
    # The wide table scrolls inside its card; the page itself does not scroll sideways.
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "planning-phone")
