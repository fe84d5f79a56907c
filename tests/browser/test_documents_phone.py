"""End to end in Chromium on a 375 px phone: the 宁乡 office's staff opens 公文管理, edits a draft's text
(the data table stays, moved nowhere), sends it for checking; the leader finds it under 待我处理 after a
colleague's 审核, signs it with the chosen 机关代字 and sees the 发文字号. No page scrolls sideways."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dudao.documents import services
from dudao.documents.builtin import install_builtin_templates
from dudao.documents.models import Document
from dudao.regions.models import Office
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 740, "mobile": True}


def _fits(page) -> None:
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 376, width


def test_draft_edit_check_and_sign_on_a_phone(browser_cast, page_for, live_server):
    from tests.documents.conftest import make_draft

    install_builtin_templates()
    office = Office.objects.get(region__code="430182")
    doc = make_draft(browser_cast, office, title="关于开展校园安全专项督导的通知")
    page = page_for(**PHONE)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_county")
    page.goto(f"{live_server.url}/documents/")
    expect(page.get_by_test_id("count-draft")).to_contain_text("1")
    _fits(page)
    page.get_by_role("link", name=doc.title).click()
    expect(page.get_by_test_id("preview-table")).to_be_visible()
    _fits(page)
    page.get_by_test_id("edit").click()
    body = page.locator("#id_body")
    body.fill(body.input_value().replace("请认真做好自查。", "请于3月1日前完成自查。"))
    _fits(page)
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_test_id("preview")).to_contain_text("请于3月1日前完成自查。")
    expect(page.get_by_test_id("preview-table")).to_contain_text("测试宁乡二中")  # the data table is kept
    page.get_by_test_id("submit").click()
    expect(page.get_by_test_id("status")).to_have_text("待审核")
    screenshot(page, "documents-phone-submitted")

    services.check(Document.objects.get(pk=doc.pk), by=browser_cast.city_staff)  # a colleague checks it
    leader = page_for(**PHONE)
    log_in(leader, live_server, "t_leader")
    leader.goto(f"{live_server.url}/documents/")
    expect(leader.get_by_test_id("count-todo")).to_contain_text("1")
    leader.get_by_test_id("count-todo").click()
    leader.get_by_role("link", name=doc.title).click()
    leader.get_by_test_id("sign").click()
    year = Document.objects.get(pk=doc.pk).created_at.year
    expect(leader.get_by_test_id("number")).to_have_text(f"宁教督〔{year}〕1号")
    expect(leader.get_by_test_id("versions")).to_contain_text("SHA-256")
    _fits(leader)
    assert errors == []
