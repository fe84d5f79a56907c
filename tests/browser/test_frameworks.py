"""In Chromium on a phone: office staff open a built-in framework, copy it, change an item and publish."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dudao.frameworks.builtin import frameworks_install_builtin
from dudao.frameworks.models import Framework
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser


def test_copy_a_builtin_change_it_and_publish_on_a_phone(browser_cast, page_for, live_server):
    frameworks_install_builtin()  # the live-server database starts empty
    source = Framework.objects.get(builtin_key="hainan-school-quality")
    page = page_for(width=375, height=740, mobile=True)
    log_in(page, live_server, browser_cast.county_staff.username)

    page.goto(f"{live_server.url}/frameworks/{source.pk}/")
    expect(page.locator("h1")).to_have_text(source.name)
    expect(page.locator("[data-indicator=A1] [data-testid=score]")).to_have_text("130 分")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "framework-detail-phone")

    page.get_by_test_id("copy").click()
    page.fill("#id_name", "宁乡办学质量评价")
    page.get_by_role("button", name="复制").click()
    expect(page.get_by_test_id("problems")).to_contain_text("「B1」的下级指标分值合计 55，与其分值 70 不一致。")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(page, "framework-edit-phone")

    # complete B1 with the missing 15 points and A1 with a B2 of 60: the sums now add up
    page.locator("[data-indicator=B1]").get_by_role("link", name="加下级").click()
    page.fill("#id_code", "C3")
    page.fill("#id_text", "其余党建工作（待补录）")
    page.select_option("#id_scoring", "points")
    page.fill("#id_max_score", "15")
    page.get_by_role("button", name="保存").click()
    page.locator("[data-indicator=A1]").get_by_role("link", name="加下级").click()
    page.fill("#id_code", "B2")
    page.fill("#id_text", "坚持德育为先")
    page.select_option("#id_scoring", "points")
    page.fill("#id_max_score", "60")
    page.get_by_role("button", name="保存").click()
    page.get_by_test_id("publish").click()
    expect(page.get_by_test_id("versions")).to_contain_text("已发布")
    copy = Framework.objects.get(name="宁乡办学质量评价")
    assert copy.versions.get().total_score == 130
