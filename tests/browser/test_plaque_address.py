"""In Chromium: before printing, the office sees the red banner while the public address is
loopback, and the exact QR URL with its QR image (a data: image the CSP allows)."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser


def test_school_plaque_page_warns_and_previews_the_qr(browser_cast, page_for, live_server, settings):
    settings.DUDAO_PUBLIC_BASE_URL = "http://127.0.0.1:8000"
    page = page_for()
    log_in(page, live_server, "t_county")
    page.goto(f"{live_server.url}/zones/schools/{browser_cast.A1.pk}/")
    expect(page.get_by_test_id("plaque-address-warning")).to_be_visible()
    expect(page.get_by_test_id("plaque-address-warning")).to_contain_text("本机地址")
    expect(page.get_by_test_id("plaque-qr-url")).to_have_text(f"http://127.0.0.1:8000/s/{browser_cast.A1.code}/")
    assert page.get_by_test_id("plaque-qr-preview").evaluate("img => img.complete && img.naturalWidth > 0")
    screenshot(page, "plaque-address-warning")
