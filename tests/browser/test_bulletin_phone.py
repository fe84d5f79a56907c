"""End to end in Chromium on a phone: the 宁乡 office drafts a 通报 of its campaign — the form, the figures
page, one named example unticked — and the document is drafted without it; no page scrolls sideways."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dudao.bulletins.models import Bulletin
from dudao.regions.models import Office
from tests.browser.support import log_in, screenshot
from tests.bulletins.conftest import campaign_for, fill_world
from tests.campaigns import conftest as campaign_fixtures

pytestmark = pytest.mark.browser
small_version = campaign_fixtures.small_version  # the small framework of the campaign tests
PHONE = {"width": 375, "height": 812, "mobile": True}


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_office_drafts_a_bulletin_on_a_phone(browser_cast, small_version, page_for, live_server):
    office = Office.objects.get(region__code="430182")
    campaign = fill_world(browser_cast, office, campaign_for(browser_cast, small_version))
    page = page_for(**PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_county")
    page.goto(f"{live_server.url}/bulletins/")
    expect(page.get_by_text("没有符合条件的通报")).to_be_visible()
    page.get_by_test_id("bulletin-new").click()
    form = page.get_by_test_id("bulletin-form")
    form.get_by_label("督导项目", exact=True).select_option(str(campaign.pk))
    assert _fits(page)
    form.get_by_role("button", name="统计数据").click()
    page.wait_for_url(re.compile(r".*/bulletins/\d+/$"))
    expect(page.get_by_test_id("counts").locator('[data-key="findings"]')).to_have_text("5")
    assert _fits(page)
    page.get_by_test_id("picks").get_by_text("未按要求提交自查报告").click()  # untick
    screenshot(page, "bulletin-phone")
    page.get_by_test_id("bulletin-draft").click()
    page.wait_for_url(re.compile(r".*/documents/\d+/$"))
    bulletin = Bulletin.objects.get(campaign=campaign)
    text = "\n".join(b.get("text", "") for b in bulletin.document.body)
    assert "核查总分10.00分" in text and "未按要求提交自查报告" not in text
    assert errors == []
