"""In Chromium on a phone: the county office opens a survey's results (tests/surveys/results_world.py);
the index and the per-school table show the hand figures, the charts are drawn (ECharts from the
static files, under the CSP) and nothing is wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot
from tests.surveys.results_world import build_world

pytestmark = pytest.mark.browser


def test_the_results_on_a_phone(browser_cast, page_for, live_server):
    world = build_world(browser_cast)
    phone = page_for(width=390, height=844, mobile=True)
    log_in(phone, live_server, browser_cast.county_staff.username)
    phone.goto(f"{live_server.url}/surveys/{world.survey.pk}/results/")
    expect(phone.get_by_test_id("total-rate")).to_have_text("85.00%")
    expect(phone.locator(f"[data-testid='results-schools'] tr[data-key='{browser_cast.A1.pk}'] [data-rate]")
           ).to_have_text("75.00%")
    phone.wait_for_selector("[data-chart='chart-schools'] svg")
    phone.wait_for_selector("[data-chart='chart-qQ2'] svg")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "survey-results-phone")
