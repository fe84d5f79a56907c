"""End to end in Chromium: the office builds a team and allocates the schools; the team leader, on
a phone, opens 我的督查组 from the user menu and reads the teammates and the schools."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from playwright.sync_api import expect

from dudao.campaigns.models import Campaign, CampaignSchool
from dudao.frameworks.models import Framework, FrameworkVersion
from dudao.people.models import User
from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from tests.browser.support import log_in, screenshot
from tests.personas import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def campaign(browser_cast):
    cast = browser_cast
    office = Office.objects.get(region__code="430182")
    framework = Framework.objects.create(name="开学工作检查", shape="checklist", source="测试用")
    version = FrameworkVersion.objects.create(framework=framework, number=1, state="published")
    campaign = Campaign.objects.create(kind="special", name="秋季开学专项督导", office=office, year=2026,
                                       framework_version=version, created_by=cast.county_staff,
                                       onsite_start=dt.date(2026, 9, 1), onsite_end=dt.date(2026, 9, 10))
    for school in (cast.A1, cast.A2, cast.A3):
        CampaignSchool.objects.create(campaign=campaign, school=school)
    leader = User.objects.create_user(username="t_leader_zhang", password=PASSWORD, full_name="张组长")
    supervisor_create(by=None, office=office, name="张组长", kind="full_time", level="county", phone="13800000009", user=leader)
    return campaign


def test_office_builds_a_team_and_the_leader_walks_it_on_a_phone(campaign, page_for, live_server):
    page = page_for()
    log_in(page, live_server, "t_county")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/teams/")
    page.fill("#id_name", "第一组")
    page.click("text=建立")
    page.wait_for_url(re.compile(r"/campaigns/teams/\d+/$"))
    page.select_option("#id_user", label="张组长（t_leader_zhang）")
    page.click("button:has-text('添加')")
    expect(page.get_by_test_id("members")).to_contain_text("张组长")
    expect(page.get_by_test_id("members")).to_contain_text("组长")
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/teams/")
    page.click("text=自动分配学校")
    expect(page.locator(".alert-success")).to_contain_text("已自动分配 3 所学校：第一组 3 所。")
    screenshot(page, "campaign-teams-office")
    page.click("text=动员部署表")
    expect(page.get_by_test_id("sheet-members")).to_contain_text("张组长")
    expect(page.get_by_test_id("sheet-schools").locator("tbody tr")).to_have_count(3)
    screenshot(page, "campaign-teams-sheet")

    phone = page_for(width=390, height=844, mobile=True)
    log_in(phone, live_server, "t_leader_zhang")
    phone.goto(f"{live_server.url}/campaigns/teams/mine/")
    card = phone.get_by_test_id("my-team")
    expect(card).to_contain_text("秋季开学专项督导 · 第一组")
    expect(phone.get_by_test_id("my-schools").locator("li")).to_have_count(3)
    expect(phone.get_by_test_id("teammates")).to_contain_text("13800000009")
    phone.click("text=秋季开学专项督导 · 第一组")
    expect(phone.get_by_test_id("team-schools")).to_contain_text("测试宁乡一小")
    screenshot(phone, "campaign-teams-leader-phone")
