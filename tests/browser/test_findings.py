"""End to end in Chromium, on a phone: the school reports its rectification with a photo, the
responsible supervisor checks it and closes it (销号)."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dudao.findings.models import Finding
from dudao.findings.services import finding_create, finding_transition
from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.zones.services import assignment_create
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 390, "height": 844, "mobile": True}


@pytest.fixture
def notified(browser_cast):
    cast = browser_cast
    office = Office.objects.get(region__code="430182")
    wang = supervisor_create(by=None, office=office, name="王督学", kind="full_time", level="county",
                             phone="13812340001", user=cast.supervisor, appointed_on=date(2020, 1, 1))
    assignment_create(supervisor=wang, school=cast.A1, starts_on=timezone.localdate() - timedelta(days=100))
    finding = finding_create(by=cast.county_staff, office=office, school=cast.A1, source="visit", category="safety",
                             description="宿舍消防通道堆放杂物", requirement="当日清理通道，落实宿管巡查制度",
                             deadline=timezone.localdate() + timedelta(days=3))
    return finding_transition(by=cast.supervisor, finding=finding, action="notify")


def test_school_reports_with_a_photo_and_the_supervisor_closes(notified, page_for, live_server, tmp_path):
    from tests.findings.conftest import png_bytes

    photo = tmp_path / "清理后.png"
    photo.write_bytes(png_bytes("#2a7"))
    errors: list[str] = []

    # The school, on a phone: the home page says what to do, the ledger shows it amber.
    page = page_for(**PHONE)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_school")
    expect(page.get_by_test_id("todo-text")).to_have_text("1 个问题待整改，1 个将在 5 天内到期")
    page.get_by_role("link", name="查看整改台账").click()
    row = page.get_by_test_id("finding-row")
    expect(row).to_have_count(1)
    expect(row).to_have_class("table-warning")
    screenshot(page, "findings-school-ledger-phone")
    page.get_by_role("link", name="宿舍消防通道堆放杂物").click()
    expect(page.get_by_test_id("finding-state")).to_contain_text("已下发整改通知")
    page.get_by_role("button", name="报送整改情况", exact=True).click()
    expect(page.locator("#action-report")).to_have_class(re.compile(r"\bshow\b"))
    form = page.get_by_test_id("form-report")
    expect(form).to_be_visible()
    form.locator("textarea").fill("已清理消防通道，宿管每日巡查并登记")
    form.locator("input[type=file]").set_input_files(str(photo))
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成：报送整改情况。")
    expect(page.get_by_test_id("finding-state")).to_contain_text("已报送整改情况")
    expect(page.get_by_test_id("evidence")).to_contain_text("清理后.png")
    screenshot(page, "findings-school-reported-phone")

    # The supervisor, on their phone: the report and the photo, then 核查销号.
    page = page_for(**PHONE)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_supervisor")
    expect(page.get_by_test_id("findings-todo")).to_contain_text("1 个问题已报送整改情况，等待您核查销号。")
    page.goto(f"{live_server.url}/findings/{notified.pk}/")
    expect(page.get_by_test_id("timeline")).to_contain_text("已清理消防通道，宿管每日巡查并登记")
    with page.expect_popup() as popup:
        page.get_by_test_id("evidence").get_by_text("清理后.png").click()
    image = popup.value
    image.wait_for_load_state()
    assert image.url.startswith(f"{live_server.url}/findings/evidence/")
    image.close()
    page.get_by_role("button", name="核查销号", exact=True).click()
    # Bootstrap swaps "collapsing" for "show" when the form has finished opening; a click during the
    # animation can land where the button is about to be, not where it is (a flaky failure once).
    expect(page.locator("#action-verify")).to_have_class(re.compile(r"\bshow\b"))
    form = page.get_by_test_id("form-verify")
    form.locator("textarea").fill("回访现场核查，通道已清理，同意销号")
    form.locator("button[type=submit]").click()
    expect(page.locator(".alert-success")).to_contain_text("已完成：核查销号。")
    expect(page.get_by_test_id("finding-state")).to_contain_text("已销号")
    expect(page.get_by_test_id("finding-actions")).to_have_count(0)
    screenshot(page, "findings-supervisor-closed-phone")

    finding = Finding.objects.get(pk=notified.pk)
    assert finding.state == "closed" and finding.evidence.get().original_name == "清理后.png"
    assert list(finding.events.values_list("action", flat=True)) == ["created", "notify", "report", "verify"]
    assert not errors
