"""The desktop top menu fits one line at 1280 px for the people with the most entries (the system
admin, office staff, a person who is office staff and a supervisor at once, and one holding every
role), and its 督导评估 group opens on the desk and on a phone."""

from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

from dudao.people.models import Role
from dudao.people.services import role_grant_add
from dudao.regions.models import Office
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844, "mobile": True}

# every top-level entry's box: one line means the entries share one top, and no text of the bar (the
# menu's labels, the brand, the user's name) breaks onto a second line — each text node has one line box
TOPS = """() => Array.from(document.querySelectorAll('#navbar-menu > .navbar-nav > li'))
  .filter(li => li.offsetParent !== null).map(li => Math.round(li.getBoundingClientRect().top))"""
LINES = """() => {
  const out = [];
  const walker = document.createTreeWalker(document.querySelector('header.navbar'), NodeFilter.SHOW_TEXT);
  for (let node = walker.nextNode(); node; node = walker.nextNode()) {
    if (!node.textContent.trim()) continue;
    const r = document.createRange(); r.selectNodeContents(node);
    const tops = new Set(Array.from(r.getClientRects()).filter(b => b.width > 0).map(b => Math.round(b.top)));
    if (tops.size) out.push([node.textContent.trim(), tops.size]);
  }
  return out;
}"""
HEIGHT = "() => document.querySelector('header.navbar').getBoundingClientRect().height"


@pytest.mark.parametrize("username", ["t_admin", "t_county", "t_multi", "t_everything"])
def test_the_menu_is_one_line_at_1280(browser_cast, page_for, live_server, username):
    if username == "t_everything":  # the admin who is also office staff and a supervisor: every entry
        role_grant_add(user=browser_cast.admin, role=Role.OFFICE_STAFF, office=Office.objects.get(region__code="430182"))
        role_grant_add(user=browser_cast.admin, role=Role.SUPERVISOR, schools=[browser_cast.A1])
        username = "t_admin"
    page = page_for(width=1280)
    log_in(page, live_server, username)
    tops = page.evaluate(TOPS)
    assert len(tops) >= 6 and len(set(tops)) == 1, tops
    broken = [label for label, lines in page.evaluate(LINES) if lines > 1]
    assert broken == [], broken
    assert page.evaluate(HEIGHT) < 70  # one row of the bar (56 px in Tabler)
    screenshot(page, f"nav-1280-{username}")


def test_the_evaluation_group_on_the_desk(browser_cast, page_for, live_server):
    page = page_for(width=1280)
    log_in(page, live_server, "t_county")
    group = page.get_by_test_id("nav-evaluation")
    group.locator("a.dropdown-toggle").click()
    expect(group.get_by_test_id("nav-frameworks")).to_be_visible()
    group.get_by_test_id("nav-campaigns").locator("a").click()
    page.wait_for_url(re.compile(r"/campaigns/$"))


def test_the_evaluation_group_on_a_phone(browser_cast, page_for, live_server):
    page = page_for(**PHONE)
    log_in(page, live_server, "t_county")
    expect(page.locator("#navbar-menu")).not_to_be_visible()
    page.locator(".navbar-toggler").click()
    group = page.get_by_test_id("nav-evaluation")
    group.locator("a.dropdown-toggle").click()
    group.get_by_test_id("nav-frameworks").locator("a").click()
    page.wait_for_url(re.compile(r"/frameworks/$"))
    # the groups that were there before still open on the phone
    page.locator(".navbar-toggler").click()
    page.get_by_test_id("nav-complaints").locator("a.dropdown-toggle").click()
    expect(page.get_by_test_id("nav-complaints").locator(".dropdown-menu")).to_be_visible()
