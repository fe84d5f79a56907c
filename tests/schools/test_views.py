"""School pages as a county office worker reads them, in Chinese."""

from __future__ import annotations

import io
import re

from django.urls import reverse
from python_calamine import CalamineWorkbook

from dudao.regions.models import Region
from dudao.schools.models import School
from tests.factories import SchoolFactory, YearDataFactory


def rows_of(html: str) -> list[str]:
    return re.findall(r'<td><a href="/schools/\d+/">([^<]+)</a></td>', html)


def test_list_filters_by_kind_and_region(cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("schools:list"), {"kind": "junior"}).content.decode()
    assert rows_of(page) == ["测试宁乡二中"]
    page = client.get(reverse("schools:list"), {"region": cast.A1.region_code}).content.decode()
    assert rows_of(page) == ["测试宁乡一小"]
    page = client.get(reverse("schools:list"), {"stage": "preschool"}).content.decode()
    assert rows_of(page) == ["测试宁乡三幼"]


def test_search_by_pinyin_initials(cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("schools:list"), {"q": "csnxez"}).content.decode()  # 测试宁乡二中
    assert rows_of(page) == ["测试宁乡二中"]


def test_bad_filter_values_are_ignored_not_errors(cast, client):
    client.force_login(cast.county_staff)
    response = client.get(reverse("schools:list"), {"kind": "<script>", "region": "abc", "page": "999"})
    assert response.status_code == 200
    assert len(rows_of(response.content.decode())) == 3


def test_empty_result_says_so(cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("schools:list"), {"q": "不存在的学校"}).content.decode()
    assert "没有符合条件的学校" in page and "共 0 所" in page


def test_pagination_and_query_budget(cast, client, django_assert_max_num_queries):
    county = Region.objects.get(code="430182")
    for i in range(45):
        SchoolFactory(name=f"分页测试学校{i:02d}", region=county)
    client.force_login(cast.county_staff)
    with django_assert_max_num_queries(12):
        first = client.get(reverse("schools:list")).content.decode()
    assert len(rows_of(first)) == 20 and "第 1 / 3 页" in first
    last = client.get(reverse("schools:list"), {"page": 3}).content.decode()
    assert len(rows_of(last)) == 48 - 40


def test_htmx_request_gets_only_the_results_partial(cast, client):
    client.force_login(cast.county_staff)
    response = client.get(reverse("schools:list"), {"q": "一小"}, HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert "<html" not in html and rows_of(html) == ["测试宁乡一小"]


def test_detail_shows_yearly_data_per_stage(cast, client):
    YearDataFactory(school=cast.B2, year=2024, stage="primary", students=555)
    client.force_login(cast.admin)
    page = client.get(reverse("schools:detail", kwargs={"pk": cast.B2.pk})).content.decode()
    assert "<h1" in page and "测试望城九年制" in page
    for column in ("2025 小学", "2025 初中", "2024 小学"):
        assert column in page
    assert "在校生数" in page and "555" in page and "大班额班级数(≥56人)" in page


def test_detail_without_yearly_data_offers_the_import(cast, client):
    school = SchoolFactory(name="无数据学校", region=Region.objects.get(code="430182"))
    client.force_login(cast.county_staff)
    page = client.get(reverse("schools:detail", kwargs={"pk": school.pk})).content.decode()
    assert "暂无年度基础数据" in page and reverse("imports:new") in page


def test_export_has_the_registry_columns_and_the_filter(cast, client):
    client.force_login(cast.county_staff)
    response = client.get(reverse("schools:export"), {"kind": "primary"})
    assert response["Content-Disposition"].startswith("attachment; filename*=UTF-8''")
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
    assert rows[0][:6] == ["学校标识码", "学校名称", "办学类型", "举办者", "城乡类型", "区划代码"]
    assert [(r[0], r[1], r[2]) for r in rows[1:]] == [(cast.A1.code, "测试宁乡一小", "小学")]


def test_school_code_stays_text_in_exports(cast, client):
    zero = SchoolFactory(code="0143000001", name="零开头学校", region=Region.objects.get(code="430182"))
    client.force_login(cast.county_staff)
    response = client.get(reverse("schools:export"), {"q": zero.name})
    rows = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content))).get_sheet_by_index(0).to_python()
    assert rows[1][0] == "0143000001"


def test_saving_a_school_keeps_the_region_path_and_initials(db):
    school = School(code="3143000777", name="长沙县星沙实验学校", kind="nine_year", region=Region.objects.get(code="430121001"))
    school.save()
    assert school.region_code == "430121001" and school.name_initials == "csxxssyxx"
    assert school.stages == ("primary", "junior")


def test_export_link_follows_the_filters_in_the_partial(cast, client):
    client.force_login(cast.county_staff)
    html = client.get(reverse("schools:list"), {"kind": "junior", "q": "二中"}, HTTP_HX_REQUEST="true").content.decode()
    assert 'href="/schools/export/?q=%E4%BA%8C%E4%B8%AD&amp;kind=junior&amp;"' in html
