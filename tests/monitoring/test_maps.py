"""Monitoring maps: the city map fits its card with region names and a legend row under the map;
a county shows its schools (those with coordinates, in the viewer's scope) as points on its outline."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dudao.monitoring.charts import MAP_BOX, school_points_map, verdict_map
from dudao.schools.models import School
from tests.monitoring.dash_support import YEAR, build
from tests.monitoring.test_dashboard import json_script, page

LABELS = {"pass": "达标", "fail": "未达标", "insufficient": "数据不足"}


def test_verdict_map_legend_sits_under_the_map_and_names_show():
    option = verdict_map("长沙市", [{"code": "430182", "name": "宁乡市", "verdict": "fail"}], LABELS)
    legend, series = option["visualMap"], option["series"][0]
    assert (legend["orient"], legend["left"], legend["bottom"]) == ("horizontal", "center", 0)
    # the map's box ends above the legend row and starts below the title: nothing overlaps
    assert series["bottom"] >= 30 and series["top"] >= 30 and series["left"] == series["right"] == 8
    assert series["label"]["show"] is True and series["emphasis"]["label"]["show"] is True
    assert series["data"] == [{"name": "430182", "value": 1, "label_text": "宁乡市", "detail": "", "link": ""}]
    assert verdict_map("湖南省", [], LABELS, show_names=False)["series"][0]["label"]["show"] is False


def test_school_points_map_puts_each_school_at_its_coordinates():
    option = school_points_map("宁乡市", [
        {"name": "一小", "lng": Decimal("112.55"), "lat": Decimal("28.27"), "verdict": "pass", "link": "/a"},
        {"name": "二小", "lng": Decimal("112.60"), "lat": Decimal("28.30"), "verdict": "fail"},
    ], LABELS)
    assert option["geo"]["left"] == MAP_BOX["left"] and option["visualMap"]["dimension"] == 2
    series = option["series"][0]
    assert (series["type"], series["coordinateSystem"]) == ("scatter", "geo")
    assert [d["value"] for d in series["data"]] == [[112.55, 28.27, 2], [112.6, 28.3, 1]]
    assert series["label"]["show"] is True


@pytest.fixture
def world(cast):
    made = build(cast)
    School.objects.filter(pk=cast.A1.pk).update(latitude=Decimal("28.277800"), longitude=Decimal("112.551200"))
    School.objects.filter(pk=made["third"].pk).update(latitude=Decimal("28.300000"), longitude=Decimal("112.600000"))
    return cast, made


def test_county_page_shows_its_schools_with_coordinates_on_a_map(world, client):
    cast, made = world
    client.force_login(cast.county_staff)
    html = page(client, region="430182", year=YEAR, stage="primary")
    assert 'data-geo-only="430182"' in html and 'data-geo-code="430100,430000"' in html
    option = json_script(html, "school-map-option")
    points = {d["name"]: d["value"] for d in option["series"][0]["data"]}
    # A1 meets everything (2), 三小 fails (1); 二小 has no coordinates and is counted as missing.
    assert points == {cast.A1.name: [112.5512, 28.2778, 2], "宁乡测试三小": [112.6, 28.3, 1]}
    assert "1 所学校没有经纬度" in html
    assert "/static/monitoring/map.js" in html


def test_county_page_without_coordinates_has_no_map(cast, client):
    build(cast)
    client.force_login(cast.county_staff)
    html = page(client, region="430182", year=YEAR, stage="primary")
    assert 'data-testid="school-map"' not in html


def test_city_page_labels_counties_and_province_page_does_not(world, client):
    cast, _made = world
    client.force_login(cast.city_staff)
    option = json_script(page(client, region="4301", year=YEAR), "map-option")
    assert option["series"][0]["label"]["show"] is True
    assert option["visualMap"]["orient"] == "horizontal"
    client.force_login(cast.province_staff)
    assert json_script(page(client, region="43", year=YEAR), "map-option")["series"][0]["label"]["show"] is False
