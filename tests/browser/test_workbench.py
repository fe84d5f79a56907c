"""End to end in Chromium: office staff read their workbench and follow a count to exactly those
rows; a supervisor on a phone lands on 我的督导."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dudao.findings.models import Finding
from dudao.findings.services import finding_create
from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.zones.services import assignment_create
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844, "mobile": True}


@pytest.fixture
def ningxiang(browser_cast):
    """宁乡: three findings reported and waiting for 核查 (A1, A2, A3), one still to issue (A1)."""
    cast = browser_cast
    office = Office.objects.get(region__code="430182")
    wang = supervisor_create(by=None, office=office, name="王督学", kind="full_time", level="county",
                             phone="13812340001", user=cast.supervisor, appointed_on=date(2020, 1, 1))
    assignment_create(supervisor=wang, school=cast.A1, starts_on=timezone.localdate() - timedelta(days=100))
    for school, state in ((cast.A1, "reported"), (cast.A2, "reported"), (cast.A3, "reported"), (cast.A1, "open")):
        finding = finding_create(by=cast.county_staff, office=office, school=school, source="visit", category="safety",
                                 description=f"{school.name}消防通道堆放杂物", requirement="当日清理通道",
                                 deadline=timezone.localdate() + timedelta(days=20))
        Finding.objects.filter(pk=finding.pk).update(state=state)
    return cast


def test_office_staff_follow_a_count_to_its_rows(ningxiang, page_for, live_server):
    page = page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_county")
    expect(page.locator("h1")).to_have_text("工作台")
    tile = page.get_by_test_id("tile-to_verify")
    expect(tile.get_by_test_id("tile-count")).to_have_text("3")
    expect(page.get_by_test_id("tile-to_issue").get_by_test_id("tile-count")).to_have_text("1")
    screenshot(page, "workbench-office")
    tile.click()
    page.wait_for_url("**/findings/?state=reported")
    expect(page.get_by_test_id("result-count")).to_have_text("共 3 条")
    expect(page.get_by_test_id("finding-row")).to_have_count(3)
    assert errors == []


def test_a_supervisor_on_a_phone_lands_on_my_visits(ningxiang, page_for, live_server):
    page = page_for(**PHONE)
    log_in(page, live_server, "t_supervisor")
    assert page.url == f"{live_server.url}/visits/field/"
    expect(page.locator("h1")).to_have_text("我的督导")
    expect(page.get_by_test_id("month-progress")).to_be_visible()
    # the A1 finding they verify: 等待您核查 opens exactly it
    page.get_by_test_id("todo-to-verify").click()
    expect(page.get_by_test_id("finding-row")).to_have_count(1)
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")  # nothing wider than the phone
    screenshot(page, "workbench-supervisor-phone")


def test_a_leader_reads_the_figures_with_their_trend(ningxiang, page_for, live_server):
    page = page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "t_leader")
    expect(page.get_by_test_id("leader-figures")).to_be_visible()
    expect(page.get_by_test_id("figure-rectification").get_by_test_id("figure-value")).to_have_text("0.0%")
    page.wait_for_selector("[data-chart='spark-rectification'] svg")  # ECharts drew the sparkline (CSP allows it)
    screenshot(page, "workbench-leader")
    assert errors == []
