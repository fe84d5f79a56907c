"""End to end in Chromium: the county office assigns a responsible supervisor and prints the plaque."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser


def test_assign_a_supervisor_and_download_the_plaque(browser_cast, page_for, live_server):
    office = Office.objects.get(region__code="430182")
    supervisor_create(by=None, office=office, name="谢彩飞", kind="full_time", level="county", phone="13812345678")
    page = page_for()
    log_in(page, live_server, "t_county")
    page.goto(f"{live_server.url}/zones/schools/{browser_cast.A1.pk}/")
    expect(page.get_by_test_id("current-supervisors")).to_contain_text("该校还没有责任督学")
    page.select_option("#id_supervisor", label="谢彩飞（专职·宁乡市）")
    page.click("button:has-text('挂牌')")
    expect(page.get_by_test_id("current-supervisors")).to_contain_text("谢彩飞")
    expect(page.locator(".alert-success")).to_contain_text("已挂牌为 测试宁乡一小 的责任督学")
    screenshot(page, "school-assigned")
    with page.expect_download() as download_info:
        page.click("text=下载公示牌")
    download = download_info.value
    path = download.path()
    assert download.suggested_filename.endswith(".pdf")
    assert open(path, "rb").read(5) == b"%PDF-"
