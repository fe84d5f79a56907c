"""In Chromium on a phone: the office opens a campaign's dashboard and summary; nothing is wider than
the screen (the tables scroll inside their cards) and the grade chart is drawn."""

from __future__ import annotations

import datetime as dt

import pytest
from playwright.sync_api import expect

from dudao.campaigns.models import Campaign, CampaignSchool
from dudao.regions.models import Office
from tests.browser.support import log_in, screenshot
from tests.campaigns.conftest import small_version  # noqa: F401, F811 - the shared small framework
from tests.campaigns.dashboard_support import dashboard_case

pytestmark = pytest.mark.browser


@pytest.fixture
def campaign(browser_cast, small_version):  # noqa: F811
    cast = browser_cast
    campaign = Campaign.objects.create(kind="comprehensive", name="测试宁乡综合督导", state="onsite",
                                       office=Office.objects.get(region__code="430182"), year=2026,
                                       framework_version=small_version, created_by=cast.county_staff,
                                       onsite_start=dt.date(2026, 9, 20), onsite_end=dt.date(2026, 10, 10))
    for school in (cast.A1, cast.A2, cast.A3):
        CampaignSchool.objects.create(campaign=campaign, school=school)
    dashboard_case(campaign, cast)
    return campaign


def test_the_dashboard_on_a_phone(campaign, browser_cast, page_for, live_server):
    phone = page_for(width=390, height=844, mobile=True)
    log_in(phone, live_server, browser_cast.county_staff.username)
    phone.goto(f"{live_server.url}/campaigns/{campaign.pk}/dashboard/")
    expect(phone.get_by_test_id("total-mean")).to_have_text("15.67")
    expect(phone.get_by_test_id("weakest").locator("tbody tr").first).to_contain_text("B2")
    phone.wait_for_selector("[data-chart='grade-chart'] svg")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")
    screenshot(phone, "campaign-dashboard-phone")
    phone.get_by_test_id("summary-link").click()
    expect(phone.get_by_test_id("s-vetoed")).to_have_text("1")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_the_dashboard_map_draws_the_schools_on_the_county(campaign, browser_cast, page_for, live_server):
    """A1 and A2 have coordinates (inside 宁乡): two points on the county's one outline; A3 is in the note."""
    from decimal import Decimal

    from dudao.schools.models import School

    School.objects.filter(pk=browser_cast.A1.pk).update(longitude=Decimal("112.55"), latitude=Decimal("28.25"))
    School.objects.filter(pk=browser_cast.A2.pk).update(longitude=Decimal("112.30"), latitude=Decimal("28.10"))
    page = page_for(width=1280, height=900)
    log_in(page, live_server, browser_cast.county_staff.username)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/dashboard/")
    page.wait_for_selector("#school-map[data-drawn='1'] svg path")
    assert page.get_by_test_id("school-map").get_attribute("data-regions") == "1"  # 宁乡 alone
    expect(page.get_by_test_id("map-note")).to_contain_text("1 所学校没有经纬度")
    expect(page.get_by_test_id("school-map")).to_contain_text("不合格")  # the legend
    screenshot(page, "campaign-dashboard-map")


def test_without_a_boundary_file_the_points_are_drawn_alone(campaign, browser_cast, page_for, live_server, monkeypatch):
    from decimal import Decimal

    from dudao.campaigns import dashboard as reads
    from dudao.schools.models import School

    monkeypatch.setattr(reads, "map_outline", lambda _campaign: {"code": "", "only": ""})
    School.objects.filter(pk=browser_cast.A1.pk).update(longitude=Decimal("112.55"), latitude=Decimal("28.25"))
    page = page_for(width=1280, height=900)
    log_in(page, live_server, browser_cast.county_staff.username)
    page.goto(f"{live_server.url}/campaigns/{campaign.pk}/dashboard/")
    page.wait_for_selector("#school-map[data-drawn='1'] svg path")
    expect(page.get_by_test_id("school-map")).to_contain_text("测试宁乡一小")  # the point's name label
