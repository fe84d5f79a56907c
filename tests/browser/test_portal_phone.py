"""In Chromium on a 375 px phone, without signing in: a parent opens the school's plaque page, follows the
link to its published results, reads a report and the open 公示 — nothing wider than the screen."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dudao.documents import docx, render, services
from dudao.portal.models import Publicity
from dudao.regions.models import Office
from dudao.system.services import dictionaries_install_builtin
from tests.browser.support import screenshot

pytestmark = pytest.mark.browser


def _fits(page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def test_the_portal_on_a_phone(browser_cast, page_for, live_server, monkeypatch):
    monkeypatch.setattr(render, "render_pdf", lambda document: b"%PDF-1.7\n%%EOF\n")  # layout: tests/documents
    monkeypatch.setattr(docx, "render_docx", lambda document: b"PK")
    dictionaries_install_builtin()
    cast = browser_cast
    office = Office.objects.get(region__code="430182")
    doc = services.create_draft(by=cast.county_staff, office=office, kind="report", school=cast.A1,
                                title="关于测试宁乡一小责任督学挂牌督导情况的督导报告",
                                body=[{"type": "h1", "text": "一、基本情况"}, {"type": "p", "text": "学校办学行为规范。" * 20},
                                      {"type": "table", "header": ["项目", "督导学校数", "发现问题数", "已整改", "整改率"],
                                       "rows": [["校园安全", "128", "9", "8", "88.9%"]]}])
    services.submit(doc, by=cast.county_staff)
    services.check(doc, by=cast.admin)
    doc = services.issue(doc, by=cast.county_leader, share=False)
    services.publish(doc, by=cast.county_staff)
    today = timezone.localdate()
    Publicity.objects.create(office=office, kind="supervisor_appointment", title="宁乡市拟聘任兼职责任督学名单公示",
                             body="1. 张三\n2. 李四", starts_on=today, ends_on=today + timedelta(days=12))
    page = page_for(width=375, height=740, mobile=True)

    page.goto(f"{live_server.url}/s/{cast.A1.code}/")
    page.get_by_test_id("results-link").click()
    expect(page.locator("h1")).to_have_text(cast.A1.name)
    expect(page.get_by_test_id("portal-documents")).to_contain_text(doc.title)
    assert _fits(page)
    screenshot(page, "portal-school-phone")

    page.get_by_test_id("portal-documents").get_by_role("link", name=doc.title).click()
    expect(page.get_by_test_id("portal-document-meta")).to_contain_text(doc.number)
    expect(page.get_by_test_id("portal-pdf")).to_be_visible()
    assert _fits(page)
    screenshot(page, "portal-document-phone")

    page.goto(f"{live_server.url}/public/")
    expect(page.get_by_test_id("portal-current-publicities")).to_contain_text("宁乡市拟聘任兼职责任督学名单公示")
    expect(page.get_by_test_id("portal-regions")).to_contain_text("湖南省")
    assert _fits(page)
    screenshot(page, "portal-index-phone")
    page.get_by_test_id("portal-regions").get_by_text("湖南省").click()
    page.get_by_test_id("portal-regions").get_by_text("长沙市").click()
    page.get_by_test_id("portal-regions").get_by_text("宁乡市").click()
    expect(page.get_by_test_id("portal-breadcrumb")).to_contain_text("宁乡市")
    expect(page.get_by_test_id("portal-documents")).to_contain_text(doc.title)
    assert _fits(page)

    page.goto(f"{live_server.url}/public/notices/")
    page.get_by_text("宁乡市拟聘任兼职责任督学名单公示").click()
    expect(page.get_by_test_id("publicity-open")).to_be_visible()
    assert _fits(page)
    screenshot(page, "portal-publicity-phone")
