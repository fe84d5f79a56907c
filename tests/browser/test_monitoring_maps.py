"""In Chromium: the 长沙市 map names its counties inside its card with the legend below the shapes,
and 宁乡's county page draws its schools as points on the county outline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dudao.schools.models import School
from tests.browser.support import log_in, screenshot
from tests.monitoring.dash_support import build

pytestmark = pytest.mark.browser

BOXES = """(sel) => {
  const svg = document.querySelector(sel + ' svg');
  const card = document.querySelector(sel).getBoundingClientRect();
  const paths = [...svg.querySelectorAll('path')].filter(p => ['#e9ecef', '#d63939', '#2fb344', '#f59f00'].includes((p.getAttribute('fill') || '').toLowerCase()))
    .map(p => p.getBoundingClientRect()).filter(r => r.width > 24 && r.height > 24);
  const texts = [...svg.querySelectorAll('text')].map(t => [t.textContent, t.getBoundingClientRect()]);
  return {card: [card.left, card.top, card.right, card.bottom],
          shapes: [Math.min(...paths.map(r => r.left)), Math.min(...paths.map(r => r.top)),
                   Math.max(...paths.map(r => r.right)), Math.max(...paths.map(r => r.bottom))],
          texts: texts.map(([t, r]) => [t, r.top, r.bottom])};
}"""


def test_city_map_names_counties_and_keeps_the_legend_off_the_shapes(browser_cast, page_for, live_server):
    build(browser_cast)
    page = page_for()
    log_in(page, live_server, "t_city")
    page.goto(f"{live_server.url}/monitoring/?region=4301")
    page.wait_for_selector("#verdict-map[data-drawn='1'] svg path")
    page.wait_for_timeout(500)
    boxes = page.evaluate(BOXES, "#verdict-map")
    card, shapes = boxes["card"], boxes["shapes"]
    assert card[0] - 1 <= shapes[0] and shapes[2] <= card[2] + 1 and card[1] <= shapes[1] and shapes[3] <= card[3]
    names = {t for t, _top, _bottom in boxes["texts"]}
    assert {"宁乡市", "浏阳市", "芙蓉区"} <= names
    legend = [(top, bottom) for t, top, bottom in boxes["texts"] if t in {"达标", "未达标", "数据不足"}]
    assert legend and all(top >= shapes[3] - 1 for top, _bottom in legend), (legend, shapes, card)
    screenshot(page, "monitoring-city-map")


def test_county_page_draws_its_schools_as_points(browser_cast, page_for, live_server):
    made = build(browser_cast)
    School.objects.filter(pk=browser_cast.A1.pk).update(latitude=Decimal("28.277800"), longitude=Decimal("112.551200"))
    School.objects.filter(pk=made["third"].pk).update(latitude=Decimal("28.300000"), longitude=Decimal("112.300000"))
    page = page_for()
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_county")
    page.goto(f"{live_server.url}/monitoring/?region=430182&year=2025&stage=primary")
    page.wait_for_selector("#school-map[data-drawn='1'] svg path")
    assert page.locator("#school-map").get_attribute("data-regions") == "1"
    names = {t for t, _a, _b in page.evaluate(BOXES, "#school-map")["texts"]}
    assert {browser_cast.A1.name, "宁乡测试三小"} <= names
    screenshot(page, "monitoring-county-school-map")
    assert errors == []
