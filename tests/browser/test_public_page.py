"""In Chromium on a phone-sized screen: a parent scans the plaque's QR code and reads the school page."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.system.services import dictionaries_install_builtin
from dudao.zones.services import assignment_create
from tests.browser.support import screenshot

pytestmark = pytest.mark.browser


def test_public_school_page_fits_a_phone_without_login(browser_cast, page_for, live_server):
    dictionaries_install_builtin()  # the live-server database starts empty
    office = Office.objects.get(region__code="430182")
    supervisor = supervisor_create(by=None, office=office, name="谢彩飞", kind="full_time", level="county", phone="13812345678")
    assignment_create(supervisor=supervisor, school=browser_cast.A1)
    page = page_for(width=375, height=740, mobile=True)

    page.goto(f"{live_server.url}/s/{browser_cast.A1.code}/")

    expect(page.locator("h1")).to_have_text(browser_cast.A1.name)
    expect(page.get_by_test_id("public-supervisors")).to_contain_text("谢彩飞")
    expect(page.get_by_test_id("masked-phone")).to_have_text("138****5678")
    expect(page.get_by_test_id("supervision-items").locator("li")).to_have_count(8)
    expect(page.get_by_test_id("complaint-link")).to_have_attribute("href", f"/s/{browser_cast.A1.code}/complaint/")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "public-school-phone")
