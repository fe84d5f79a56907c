"""End to end in Chromium on a phone: a township government's account signs in, follows the workbench
tile 待提交自评报告 to its entry, uploads one evidence file, writes the report's sections and the last
self-score, submits; the office then reads the submitted report and the file on the unit's page."""

from __future__ import annotations

import io

import pytest
from playwright.sync_api import expect

from dudao.governance import services
from dudao.governance.models import CampaignUnit
from tests.browser.support import log_in, screenshot
from tests.governance.conftest import build_gov, move

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844, "mobile": True}


def _png(path) -> None:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), "#3a6").save(out, "PNG")
    path.write_bytes(out.getvalue())


def test_a_township_submits_its_self_assessment_on_a_phone(browser_cast, page_for, live_server, tmp_path):
    gov = build_gov(browser_cast)
    move(gov, "self_inspection")
    i = gov.items
    # a draft saved earlier: two of the three items already self-scored
    services.self_save(by=gov.gov_a, entry=gov.entry_a, sections={}, answers={
        i["B2"].pk: services.AnswerIn(choice="yes"), i["B3"].pk: services.AnswerIn(choice="中")})
    photo = tmp_path / "经费拨付凭证.png"
    _png(photo)

    page = page_for(**PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_gov_a")
    tile = page.get_by_test_id("tile-self_due")
    expect(tile.get_by_test_id("tile-count")).to_have_text("1")
    tile.click()
    page.wait_for_url("**/governance/?todo=self")
    rows = page.get_by_test_id("my-entries").locator("tbody tr")
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("自评")  # the phase reads 自评, not 学校自查
    rows.first.get_by_role("link", name=gov.campaign.name).click()
    page.get_by_test_id("self-fill").click()
    page.wait_for_url(f"**/governance/campaigns/{gov.campaign.pk}/u/{gov.entry_a.pk}/self/")

    page.locator('input[type=file][name="file"]').set_input_files(str(photo))
    page.get_by_role("button", name="上传").click()
    expect(page.get_by_role("link", name="经费拨付凭证.png")).to_be_visible()

    page.fill("#report_overview", "甲镇辖12个行政村，公办中小学5所。")
    page.fill("#report_work", "足额落实教育经费，完成两所村小改造。")
    page.get_by_label("B1", exact=True).fill("5")
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    upload = page.locator('input[type=file][name="file"]').bounding_box()
    assert upload is not None and upload["x"] + upload["width"] <= 390  # the file field fits the screen
    screenshot(page, "governance-self-phone")
    page.get_by_test_id("self-submit").click()
    page.wait_for_url(f"**/governance/campaigns/{gov.campaign.pk}/u/{gov.entry_a.pk}/")
    expect(page.get_by_text("自评报告已提交。")).to_be_visible()
    entry = CampaignUnit.objects.get(pk=gov.entry_a.pk)
    assert entry.self_state == "submitted" and entry.self_total == 15  # 5 + 4 + 6
    assert errors == []

    office = page_for()
    log_in(office, live_server, "t_county")
    office.goto(f"{live_server.url}/governance/campaigns/{gov.campaign.pk}/u/{gov.entry_a.pk}/")
    expect(office.get_by_text("足额落实教育经费，完成两所村小改造。")).to_be_visible()
    expect(office.get_by_role("link", name="经费拨付凭证.png")).to_be_visible()
    expect(office.get_by_text("已提交", exact=False).first).to_be_visible()
