"""The monitoring dashboards show the stored results (and nothing recomputed), sort and export
every table, order the CV contributions, and count large classes and teacher bands from the base
data with one aggregate query.

Data: tests/monitoring/dash_support.py — 宁乡 primaries A1 (meets all), 宁乡测试二小 (misses L2, L3,
L7), 宁乡测试三小 (L4 at 80 %); 望城, 浏阳 with factory data; one recompute of 2025.
"""

from __future__ import annotations

import json
import math
import re

import pytest
from django.db.models import F
from django.urls import reverse

from dudao.access import get_scope
from dudao.monitoring.indicators import cv_display
from dudao.monitoring.models import AreaResult, MonitoringRun, RunStatus, SchoolResult
from dudao.monitoring.selectors import base_data_summary
from dudao.monitoring.services import cv_contribution_details, monitoring_recompute
from dudao.monitoring.standards import QUALITY
from dudao.monitoring.templatetags.monitoring import num
from dudao.regions.models import Region
from dudao.schools.models import SchoolYearData
from tests.monitoring.dash_support import YEAR, build
from tests.xlsx import xlsx_rows

URL = "/monitoring/"


@pytest.fixture
def world(cast):
    made = build(cast)
    return cast, made


def page(client, **params) -> str:
    response = client.get(reverse("monitoring:index"), params)
    assert response.status_code == 200
    return response.content.decode()


def rows_in_order(html: str, attr: str = "data-school") -> list[str]:
    return re.findall(rf'<tr {attr}="([^"]+)"', html)


def row_html(html: str, school: str) -> str:
    match = re.search(rf'<tr data-school="{re.escape(school)}".*?</tr>', html, re.S)
    assert match, school
    return match.group(0)


def card(html: str, code: str) -> str:
    match = re.search(rf'data-indicator="{code}">.*?</a>', html, re.S)
    assert match, code
    return match.group(0)


def by_testid(html: str, name: str) -> str:
    match = re.search(rf'data-testid="{name}"[^>]*>(.*?)<', html, re.S)
    assert match, name
    return match.group(1).strip()




def json_script(html: str, element_id: str) -> dict:
    match = re.search(rf'<script id="{element_id}" type="application/json">(.*?)</script>', html, re.S)
    assert match, element_id
    return json.loads(match.group(1))


# --- the county view shows the stored figures ---------------------------------------------------------


def test_county_cards_and_school_table_equal_the_stored_results(world, client):
    cast, made = world
    client.force_login(cast.county_staff)
    html = page(client)
    area = AreaResult.objects.get(scheme="quality_2017", year=YEAR, stage="primary", region__code="430182")
    results = list(SchoolResult.objects.filter(scheme="quality_2017", year=YEAR, stage="primary",
                                               region_code__startswith="430182").select_related("school"))
    assert len(results) == 3
    for indicator in QUALITY.indicators:
        block = card(html, indicator.code)
        assert by_testid(block, "cv") == cv_display(area.cv[indicator.code])
        assert by_testid(block, "mean") == num(area.mean[indicator.code])
        meeting = sum(1 for r in results if r.met[indicator.code])
        assert by_testid(block, "meeting") == f"{meeting}/3 校达标"
    assert re.search(r'data-testid="stage-summary".*?1 / 3 所学校达标', html, re.S)
    for result in results:
        row = row_html(html, result.school.name)
        for code in QUALITY.codes:
            cell = re.search(rf'data-code="{code}" data-state="(\w+)">(?:<span[^>]*>)?([^<]*)<', row)
            state, text = cell.groups()
            assert text == num(result.values[code])
            assert (state == "met") == result.met[code]
        badge = re.search(r'data-testid="passes"><span[^>]*>([^<]+)<', row).group(1)
        assert badge == ("达标" if result.passes else "未达标")
    # The failing schools are the ones dash_support made fail; 三小's L4 is below 85 %.
    assert {r.school.name for r in results if r.passes is False} == {"宁乡测试二小", "宁乡测试三小"}
    assert 'data-code="L4" data-state="unmet"' in row_html(html, "宁乡测试三小")
    assert 'data-code="L7" data-state="near"' in row_html(html, "宁乡测试二小")  # 2.0 of 2.3 = 87 %


def test_changing_the_stored_row_changes_the_page_nothing_is_recomputed(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    AreaResult.objects.filter(scheme="quality_2017", year=YEAR, stage="primary", region__code="430182").update(
        cv={**{c: 0.1 for c in QUALITY.codes}, "L5": 0.987654})
    html = page(client)
    assert by_testid(card(html, "L5"), "cv") == "0.988"


def test_basic_scheme_shows_the_composite_cv(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    html = page(client, scheme="basic_2012")
    area = AreaResult.objects.get(scheme="basic_2012", year=YEAR, stage="primary", region__code="430182")
    assert area.composite_cv is not None
    assert math.isclose(area.composite_cv, sum(area.cv.values()) / 8)
    assert by_testid(html, "composite") == cv_display(area.composite_cv)
    assert "基本均衡不设全国统一的单校标准" in html


# --- sorting -------------------------------------------------------------------------------------------


def test_school_table_sorts_by_any_column(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    by_l4 = {r.school.name: r.values["L4"] for r in SchoolResult.objects.filter(
        scheme="quality_2017", year=YEAR, stage="primary", region_code__startswith="430182").select_related("school")}
    ascending = [by_l4[name] for name in rows_in_order(page(client, sort="L4"))]
    assert ascending == sorted(by_l4.values()) and ascending[0] < ascending[-1]
    descending = [by_l4[name] for name in rows_in_order(page(client, sort="-L4"))]
    assert descending == sorted(by_l4.values(), reverse=True)
    students = rows_in_order(page(client, sort="-students"))
    assert students == ["宁乡测试二小", "测试宁乡一小", "宁乡测试三小"]  # 1200, 600, 300 pupils
    assert rows_in_order(page(client, sort="passes"))[-1] == "测试宁乡一小"  # failing first, passing last
    assert rows_in_order(page(client, sort="nonsense")) == sorted(by_l4)  # unknown key: by name


def test_area_table_sorts_and_the_export_keeps_the_order(world, client):
    cast, _made = world
    client.force_login(cast.city_staff)
    html = page(client, sort="-students")
    order = rows_in_order(html, "data-region")
    stored = dict(AreaResult.objects.filter(scheme="quality_2017", year=YEAR, stage="primary", level="county",
                                            region_code__startswith="4301").values_list("region_code", "students"))
    assert order == sorted(stored, key=lambda c: -stored[c])
    assert rows_in_order(page(client, sort="students"), "data-region") == list(reversed(order))
    exported = xlsx_rows(client.get(reverse("monitoring:export"), {"table": "areas", "sort": "-students", "year": YEAR}))
    assert [row[0] for row in exported[1:]] == order


# --- exports --------------------------------------------------------------------------------------------


def test_school_export_holds_every_stored_value(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    rows = xlsx_rows(client.get(reverse("monitoring:export"), {"table": "schools", "year": YEAR}))
    header, body = rows[0], rows[1:]
    assert header[:4] == ["学校标识码", "学校名称", "区划代码", "在校生数"]
    assert header[4].startswith("L1 ")
    stored = {r.school.code: r for r in SchoolResult.objects.filter(
        scheme="quality_2017", year=YEAR, stage="primary", region_code__startswith="430182").select_related("school")}
    assert {row[0] for row in body} == set(stored)
    for row in body:
        result = stored[row[0]]
        assert row[1] == result.school.name and int(row[3]) == result.students
        for i, code in enumerate(QUALITY.codes):
            assert row[4 + i] == pytest.approx(result.values[code], abs=1e-4)
        assert int(row[11]) == result.met_count
        assert row[12] == ("是" if result.passes else "否")


def test_indicator_export_matches_the_stored_cvs(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    rows = xlsx_rows(client.get(reverse("monitoring:export"), {"table": "indicators", "year": YEAR}))
    area = AreaResult.objects.get(scheme="quality_2017", year=YEAR, stage="primary", region__code="430182")
    primary = [row for row in rows[1:] if row[0] == "小学"]
    assert len(primary) == 7
    for row, indicator in zip(primary, QUALITY.indicators, strict=True):
        assert row[1] == indicator.label
        assert row[5] == pytest.approx(round(area.cv[indicator.code], 3))
        assert row[6] == 0.5
    junior = [row for row in rows[1:] if row[0] == "初中"]
    assert [row[6] for row in junior] == [0.45] * 7


def test_trend_export_holds_the_stored_year(world, client):
    """The trend sheet (monitoring.views._export_trend): one row a year, from the stored result."""
    cast, _made = world
    client.force_login(cast.county_staff)
    rows = xlsx_rows(client.get(reverse("monitoring:export"), {"table": "trend", "year": YEAR}))
    area = AreaResult.objects.get(scheme="quality_2017", year=YEAR, stage="primary", region__code="430182")
    assert rows[0][:4] == ["学年", "结论", "参评学校数", "达标学校数"]
    row = next(row for row in rows[1:] if int(row[0]) == YEAR)
    assert int(row[2]) == area.school_count
    assert int(row[3]) == area.schools_passing
    assert row[4] == pytest.approx(round(area.cv["L1"], 3))


def test_class_and_teacher_exports(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    classes = xlsx_rows(client.get(reverse("monitoring:export"), {"table": "classes", "year": YEAR}))
    totals = {row[1]: row for row in classes[1:] if row[0] == "合计"}
    stored = SchoolYearData.objects.filter(year=YEAR, stage="primary", school__region_code__startswith="430182")
    assert int(totals["小学"][3]) == sum(r.classes for r in stored)
    assert int(totals["小学"][8]) == sum(r.classes_56_65 + r.classes_66_plus for r in stored)
    teachers = xlsx_rows(client.get(reverse("monitoring:export"), {"table": "teachers", "year": YEAR}))
    assert teachers[0][:3] == ["学段", "专任教师数", "30岁以下"]
    primary = next(row for row in teachers[1:] if row[0] == "小学")
    assert int(primary[1]) == sum(r.teachers for r in stored)
    assert int(primary[2]) == sum(r.teachers_age_under_30 for r in stored)


def test_unknown_table_or_missing_indicator_is_404(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    assert client.get(reverse("monitoring:export"), {"table": "passwords"}).status_code == 404
    assert client.get(reverse("monitoring:export"), {"table": "contributions"}).status_code == 404
    assert client.get(reverse("monitoring:indicator"), {"indicator": "X9"}).status_code == 404


# --- contributions --------------------------------------------------------------------------------------


def test_contributions_are_largest_first_and_add_up_to_the_cv(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    area = AreaResult.objects.get(scheme="quality_2017", year=YEAR, stage="primary", region__code="430182")
    response = client.get(reverse("monitoring:indicator"), {"indicator": "L4"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html  # the HTMX partial only
    order = rows_in_order(html)
    shares = [float(s) for s in re.findall(r'data-testid="share">([^<]+)<', html)]
    assert order[0] == "宁乡测试三小"  # 3.6 ㎡ against a county value of 4.8: pulls the CV up most
    assert shares == sorted(shares, reverse=True)
    assert sum(shares) == pytest.approx(area.cv["L4"], abs=5e-4)
    assert order == [c.school.name for c in cv_contribution_details(area, "L4")]
    full = client.get(reverse("monitoring:indicator"), {"indicator": "L4"}).content.decode()
    assert "<html" in full and "哪些学校拉高了差异系数" in full
    exported = xlsx_rows(client.get(reverse("monitoring:export"), {"table": "contributions", "indicator": "L4", "year": YEAR}))
    assert [row[1] for row in exported[1:]] == order


# --- large classes and teacher structure ------------------------------------------------------------------


def test_large_class_counts_per_stage_and_unit(world, client, django_assert_num_queries):
    cast, made = world
    county = Region.objects.get(code="430182")
    get_scope(cast.county_staff)  # the user's scope is computed once per request, before any page read
    with django_assert_num_queries(1):  # one GROUP BY over the yearly data
        summary = base_data_summary(user=cast.county_staff, region=county, year=YEAR)
    primary = summary.totals["primary"]
    # A1: 2 + 1, 二小: 3 + 1, 三小: none (dash_support).
    assert (primary.classes_56_65, primary.classes_66_plus, primary.large, primary.super_large) == (5, 2, 7, 2)
    rows = SchoolYearData.objects.filter(year=YEAR, stage="primary", school__region_code__startswith="430182")
    assert primary.classes == sum(r.classes for r in rows)
    assert primary.over_standard == sum(r.classes_46_55 + r.classes_56_65 + r.classes_66_plus for r in rows)
    junior = summary.totals["junior"]
    a2 = SchoolYearData.objects.get(school=cast.A2, year=YEAR, stage="junior")
    assert junior.over_standard == a2.classes_56_65 + a2.classes_66_plus  # 46–55 cannot be split at 50
    assert junior.undetermined == a2.classes_46_55
    assert summary.lines[0].name == "宁乡测试二小"  # most large classes first
    client.force_login(cast.county_staff)
    html = page(client)
    assert re.search(r'data-testid="large-primary"><span[^>]*>7</span>', html)
    assert re.search(r'data-testid="super-primary"><span[^>]*>2</span>', html)


def test_city_large_classes_are_per_county_in_two_queries(world, django_assert_max_num_queries):
    cast, _made = world
    city = Region.objects.get(code="4301")
    get_scope(cast.city_staff)
    with django_assert_max_num_queries(2):  # the aggregate and the county names
        summary = base_data_summary(user=cast.city_staff, region=city, year=YEAR)
    by_county = {(line.key, line.stage): line for line in summary.lines}
    assert by_county[("430182", "primary")].large == 7
    expected = SchoolYearData.objects.filter(year=YEAR, stage="primary", school__region_code__startswith="430112")
    assert by_county[("430112", "primary")].classes == sum(r.classes for r in expected)
    assert by_county[("430182", "primary")].name == "宁乡市"


def test_teacher_pyramid_bands_are_the_sums_of_the_age_bands(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    html = page(client)
    option = json_script(html, "pyramid-chart")
    bands = option["yAxis"][1]["data"]
    assert bands == ["30岁以下", "30—39岁", "40—49岁", "50岁及以上"]
    rows = SchoolYearData.objects.filter(year=YEAR, school__region_code__startswith="430182")
    for series, stage in zip(option["series"], ("primary", "junior"), strict=True):
        stage_rows = [r for r in rows if r.stage == stage]
        assert series["data"] == [sum(r.teachers_age_under_30 for r in stage_rows), sum(r.teachers_age_30_39 for r in stage_rows),
                                  sum(r.teachers_age_40_49 for r in stage_rows), sum(r.teachers_age_50_plus for r in stage_rows)]
    assert option["series"][0]["data"] == [18, 35, 45, 42]  # A1 10/12/10/8, 二小 3/17/30/30, 三小 5/6/5/4
    degree = json_script(html, "degree-chart")
    assert [s["name"] for s in degree["series"]] == ["研究生", "本科", "专科", "专科以下"]
    title = json_script(html, "title-chart")
    primary_rows = [r for r in rows if r.stage == "primary"]
    assert title["series"][0]["data"][0] == sum(r.teachers_senior_title for r in primary_rows)


# --- the map and the trend --------------------------------------------------------------------------------


def test_map_items_carry_verdicts_and_drill_down_links(world, client):
    cast, _made = world
    client.force_login(cast.province_staff)
    html = page(client)
    assert 'data-geo-code="430000"' in html and 'data-geo-expand="1"' in html
    option = json_script(html, "map-option")
    items = {item["name"]: item for item in option["series"][0]["data"]}
    stored = {a.region_code: a for a in AreaResult.objects.filter(scheme="quality_2017", year=YEAR, stage="primary",
                                                                  level="county", region_code__startswith="43")}
    assert set(items) == set(stored)
    for code, area in stored.items():
        assert items[code]["value"] == {"pass": 2, "fail": 1, "insufficient": 0}[area.verdict]
        assert f"region={code}" in items[code]["link"]
    city = page(client, region="4301")
    assert 'data-geo-code="430100"' in city and 'data-geo-expand="0"' in city
    client.force_login(cast.admin)
    country = page(client)
    assert 'data-geo-code="100000"' in country
    provinces = {item["name"] for item in json_script(country, "map-option")["series"][0]["data"]}
    assert provinces == {"430000", "110000"}


def test_trend_has_a_point_per_computed_year(world, client):
    cast, _made = world
    for row in SchoolYearData.objects.filter(year=YEAR, school__region_code__startswith="430182"):
        row.pk = None
        row.year = YEAR - 1
        row.save()
    monitoring_recompute(year=YEAR - 1)
    client.force_login(cast.county_staff)
    option = json_script(page(client), "trend-chart")
    assert option["xAxis"]["data"] == [str(YEAR - 1), str(YEAR)]
    l4 = next(s for s in option["series"] if s["name"] == "教学及辅助用房")
    stored = AreaResult.objects.get(scheme="quality_2017", year=YEAR, stage="primary", region__code="430182").cv["L4"]
    assert l4["data"][1] == round(stored, 3)
    client.force_login(cast.city_staff)
    city = json_script(page(client), "trend-chart")
    assert city["xAxis"]["data"] == [str(YEAR - 1), str(YEAR)]
    fails = next(s for s in city["series"] if s["name"] == "未达标")
    assert fails["data"][1] == AreaResult.objects.filter(scheme="quality_2017", year=YEAR, stage="primary", level="county",
                                                         region_code__startswith="4301", verdict="fail").count()


# --- empty states and recompute ----------------------------------------------------------------------------


def test_no_results_for_the_year_offers_recompute_to_staff_only(world, client, django_capture_on_commit_callbacks):
    cast, _made = world
    SchoolYearData.objects.filter(year=YEAR, school__region_code__startswith="430182").update(year=YEAR + 1)
    client.force_login(cast.county_leader)
    html = page(client, year=YEAR + 1)
    assert f"{YEAR + 1}学年宁乡市还没有优质均衡（2017）监测结果" in html
    assert 'data-testid="recompute-empty"' not in html
    client.force_login(cast.county_staff)
    html = page(client, year=YEAR + 1)
    assert 'data-testid="recompute-empty"' in html
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("monitoring:recompute"), {"region": "430182", "year": YEAR + 1})
    assert response.status_code == 302
    run = MonitoringRun.objects.filter(year=YEAR + 1).get()
    assert run.status == RunStatus.SUCCEEDED and run.region.code == "430182" and run.trigger == "manual"
    assert AreaResult.objects.filter(year=YEAR + 1, region__code="430182").exists()
    status = client.get(reverse("monitoring:run_status"), {"region": "430182", "year": YEAR + 1, "watching": "1"},
                        HTTP_HX_REQUEST="true")
    assert status["HX-Refresh"] == "true"  # the page reloads to show the new results
    assert 'data-status="succeeded"' in status.content.decode()
    html = page(client, year=YEAR + 1)
    assert 'data-testid="empty"' not in html and "宁乡测试三小" in html


def test_a_queued_recompute_is_polled(world, client):
    cast, _made = world
    client.force_login(cast.county_staff)
    client.post(reverse("monitoring:recompute"), {"region": "430182", "year": YEAR})  # on_commit not run: stays queued
    html = page(client)
    assert 'data-status="queued"' in html and 'hx-trigger="every 2s"' in html
    status = client.get(reverse("monitoring:run_status"), {"region": "430182", "year": YEAR, "watching": "1"},
                        HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in status


def test_no_base_data_at_all(cast, client):
    SchoolYearData.objects.all().delete()
    client.force_login(cast.county_staff)
    assert "还没有学校年度基础数据" in page(client)


def test_county_page_query_budget_does_not_grow_with_schools(world, client, django_assert_max_num_queries):
    cast, _made = world
    client.force_login(cast.county_staff)
    page(client)  # warm the session
    with django_assert_max_num_queries(16):
        page(client)
    more = SchoolYearData.objects.filter(year=YEAR, school__name="宁乡测试三小").get()
    from tests.factories import SchoolFactory

    for i in range(5):
        school = SchoolFactory(name=f"宁乡测试加{i}", region=cast.A1.region)
        more.pk, more.school = None, school
        more.save()
    monitoring_recompute(year=YEAR, region=Region.objects.get(code="430182"))
    with django_assert_max_num_queries(16):
        html = page(client)
    assert "宁乡测试加4" in html
    assert SchoolResult.objects.filter(year=YEAR, scheme="quality_2017", region_code__startswith="430182",
                                       stage="primary").annotate(s=F("students")).count() == 8
