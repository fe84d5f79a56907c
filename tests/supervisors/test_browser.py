"""End to end in Chromium: the team list, a record, the statistics chart and ticking attendees."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from playwright.sync_api import expect

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create, training_session_create
from tests.browser.support import screenshot
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser


def log_in(page, live_server, username: str) -> None:
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")


@pytest.fixture
def team(browser_cast):
    office = Office.objects.get(region__code="430182")
    for i, (name, kind) in enumerate([("李命均", "full_time"), ("袁礼", "full_time"), ("周汉学", "part_time")]):
        supervisor_create(by=None, office=office, name=name, kind=kind, level="county", phone=f"1380731000{i}",
                          appointed_on=date(2016, 3, 1), birth_date=date(1970 + i, 5, 1), background="principal")
    return training_session_create(by=None, office=office, topic="教育督导工作培训暨工作部署会", held_on=date(2024, 8, 25),
                                   hours=Decimal(8))


@pytest.mark.parametrize("mobile", [False, True], ids=["desktop", "phone"])
def test_county_worker_reads_the_team_and_records_attendance(team, page_for, live_server, mobile):
    page = page_for(width=390, height=844, mobile=True) if mobile else page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "t_county")

    page.goto(f"{live_server.url}/supervisors/")
    expect(page.get_by_test_id("result-count")).to_have_text("共 3 人")
    page.select_option("#id_kind", "part_time")  # HTMX swaps the results in place
    expect(page.get_by_test_id("result-count")).to_have_text("共 1 人")
    assert "kind=part_time" in page.url
    screenshot(page, f"supervisors-list-{'phone' if mobile else 'desktop'}")
    page.click("text=周汉学")
    expect(page.locator("h1")).to_contain_text("周汉学")
    expect(page.get_by_test_id("hours-warning")).to_be_visible()
    screenshot(page, f"supervisors-detail-{'phone' if mobile else 'desktop'}")

    page.goto(f"{live_server.url}/supervisors/stats/")
    page.wait_for_selector("[data-chart='kind-chart'] svg")  # ECharts drew it (no inline script needed)
    expect(page.get_by_test_id("team-total")).to_have_text("3")
    screenshot(page, f"supervisors-stats-{'phone' if mobile else 'desktop'}")

    page.goto(f"{live_server.url}/supervisors/training/{team.pk}/")
    page.fill("#id_candidate_q", "袁")  # HTMX narrows the checkbox list
    expect(page.get_by_test_id("candidates")).not_to_contain_text("李命均")
    page.check("text=袁礼")
    page.click("text=添加所选督学")
    expect(page.get_by_test_id("attendee-count")).to_have_text("1")
    screenshot(page, f"supervisors-training-{'phone' if mobile else 'desktop'}")
    assert errors == []
