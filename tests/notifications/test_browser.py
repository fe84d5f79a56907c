"""End to end in Chromium: the bell shows the unread count, a click opens 消息中心, opening a
notification follows its link, and "全部标为已读" clears the count — on a desktop and a phone."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from dudao.notifications.services import notify
from tests.browser.support import screenshot
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_the_bell_counts_and_the_centre_clears_it(browser_cast, page_for, live_server, mobile):
    notify(recipient=browser_cast.county_staff, title="督导进度：宁乡有 2 名督学落后于进度", body="· 慢督学：1/4", url="/schools/")
    notify(recipient=browser_cast.county_staff, title="第二条提醒")
    notify(recipient=browser_cast.county_leader, title="领导的消息")
    page = page_for(width=390, height=844, mobile=True) if mobile else page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "t_county")

    expect(page.get_by_test_id("notification-count")).to_have_text("2")
    expect(page.get_by_test_id("notification-bell")).to_be_visible()  # in the header on a phone too
    page.get_by_test_id("notification-bell").click()
    page.wait_for_url("**/notifications/")
    expect(page.get_by_test_id("notification")).to_have_count(2)
    expect(page.get_by_text("领导的消息")).to_have_count(0)
    screenshot(page, f"notifications-{'phone' if mobile else 'desktop'}")

    page.get_by_text("督导进度：宁乡有 2 名督学落后于进度").click()
    page.wait_for_url("**/schools/")
    expect(page.get_by_test_id("notification-count")).to_have_text("1")

    page.goto(f"{live_server.url}/notifications/")
    page.get_by_test_id("read-all").click()
    page.wait_for_url("**/notifications/?show=all")
    expect(page.get_by_text("已将 1 条消息标为已读")).to_be_visible()
    expect(page.get_by_test_id("notification-count")).to_have_count(0)
    assert errors == []
