"""End to end in Chromium: the monitoring map renders counties as SVG and drills down to a county,
an indicator's contributions, and a school."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.support import log_in, screenshot
from tests.monitoring.dash_support import build

pytestmark = pytest.mark.browser
GEO = Path(__file__).resolve().parents[2] / "build" / "static" / "vendor" / "geo"



def centroid(city_file: str, adcode: int) -> list[float]:
    data = json.loads((GEO / city_file).read_text())
    feature = next(f for f in data["features"] if f["properties"]["adcode"] == adcode)
    return feature["properties"]["centroid"]


def click_region(page, lng_lat: list[float]) -> None:
    """Click the map where the region's centroid is drawn (ECharts converts lon/lat to pixels)."""
    x, y = page.evaluate(
        "([lng, lat]) => echarts.getInstanceByDom(document.getElementById('verdict-map'))"
        ".convertToPixel({seriesIndex: 0}, [lng, lat])", lng_lat)
    box = page.locator("#verdict-map").bounding_box()
    page.mouse.click(box["x"] + x, box["y"] + y)


def test_city_map_drills_down_to_county_indicator_and_school(browser_cast, page_for, live_server):
    build(browser_cast)
    page = page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.on("console", lambda msg: errors.append(msg.text) if msg.type == "error" else None)
    log_in(page, live_server, "t_city")
    page.get_by_test_id("nav-monitoring").click()
    page.wait_for_selector("#verdict-map[data-drawn='1'] svg path")
    # 长沙市: the nine county-level areas of its GeoJSON file, drawn as SVG paths.
    assert page.locator("#verdict-map").get_attribute("data-regions") == "9"
    assert page.locator("#verdict-map svg path").count() >= 9
    assert page.locator("[data-testid=areas] tbody tr").count() == 3  # 宁乡, 望城, 浏阳 have results
    screenshot(page, "monitoring-city")

    click_region(page, centroid("430100.json", 430182))
    page.wait_for_url("**region=430182**")
    expect(page.locator("h1")).to_contain_text("宁乡市")
    page.wait_for_selector("[data-testid=schools] tbody tr")
    assert page.locator("[data-testid=schools] tr[data-school='宁乡测试三小'] [data-testid=passes]").inner_text() == "未达标"

    page.locator("[data-indicator='L4']").first.click()  # HTMX loads the contributions under the cards
    page.wait_for_selector("[data-testid=contribution-panel][data-indicator='L4'] svg")
    first = page.locator("[data-testid=contribution-table] tbody tr").first
    assert first.get_attribute("data-school") == "宁乡测试三小"  # furthest below the county value
    page.wait_for_selector("[data-chart='trend-chart'] svg")
    page.wait_for_selector("[data-chart='pyramid-chart'] svg")
    screenshot(page, "monitoring-county")

    page.click("[data-testid=schools] a:text('宁乡测试三小')")
    expect(page.locator("h1")).to_have_text("宁乡测试三小")
    assert page.locator("a", has_text="学校详情与基础数据").count() == 1
    assert errors == []


def test_province_map_shows_counties_of_every_city(browser_cast, page_for, live_server):
    build(browser_cast)
    page = page_for()
    log_in(page, live_server, "t_province")
    page.goto(f"{live_server.url}/monitoring/")
    page.wait_for_selector("#verdict-map[data-drawn='1'] svg path")
    # 湖南省: each of the 14 city files split into its counties (122 county-level areas).
    assert int(page.locator("#verdict-map").get_attribute("data-regions")) > 100
    screenshot(page, "monitoring-province")
    click_region(page, centroid("430100.json", 430112))
    page.wait_for_url("**region=430112**")
    expect(page.locator("h1")).to_contain_text("望城区")
