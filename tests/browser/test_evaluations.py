"""In Chromium on a phone: the county office opens its 优质均衡 dossier (tests/evaluations/world.py),
reads the verdict with every part, enters an item, and applies; the city reviewer returns it with a
reason. Nothing is wider than the screen."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot
from tests.evaluations.world import FAILING_YEAR, county_dossier
from tests.surveys.results_world import build_world

pytestmark = pytest.mark.browser


def test_the_dossier_on_a_phone(browser_cast, page_for, live_server):
    build_world(browser_cast)
    dossier = county_dossier(browser_cast, FAILING_YEAR, passing=False)
    dossier.items.filter(code="G2").delete()
    phone = page_for(width=390, height=844, mobile=True)
    log_in(phone, live_server, browser_cast.county_staff.username)
    phone.goto(f"{live_server.url}/evaluations/{dossier.pk}/")
    expect(phone.locator("[data-testid='overall'] [data-status]")).to_have_attribute("data-status", "fail")
    expect(phone.locator("[data-testid='verdict'] [data-part]")).to_have_count(6)
    expect(phone.locator("[data-item='G9'] [data-testid='value']")).to_have_text("97.5%")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "evaluations-dossier-phone")
    phone.click("[data-edit='G2']")
    phone.select_option("#id_met", "1")
    phone.fill("#id_note", "四统一文件已印发")
    phone.click("form.card button[type=submit]")
    expect(phone.locator("[data-item='G2']")).to_have_attribute("data-status", "pass")
    phone.click("[data-step='apply'] button[type=submit]")
    expect(phone.locator("[data-testid='state'] [data-state]").first).to_have_attribute("data-state", "city_review")
    expect(phone.locator("[data-edit]")).to_have_count(0)  # the county no longer edits

    city = page_for(width=390, height=844, mobile=True)
    log_in(city, live_server, browser_cast.city_staff.username)
    city.goto(f"{live_server.url}/evaluations/{dossier.pk}/")
    city.fill("[data-step='city_return'] textarea", "请补充 G1 的批复文件")
    city.click("[data-step='city_return'] button[type=submit]")
    expect(city.locator("[data-testid='state'] [data-state]").first).to_have_attribute("data-state", "draft")
    expect(city.locator("[data-testid='history']")).to_contain_text("请补充 G1 的批复文件")
