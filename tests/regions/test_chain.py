"""regions.selectors: the one "offices above this region" helper and the breadcrumb."""

from dudao.regions.models import Office, Region
from dudao.regions.selectors import (
    ancestor_codes,
    chain_codes,
    offices_above,
    offices_by_code,
    region_ancestors,
)


def test_codes_above_a_region():
    assert ancestor_codes("430182101") == ["43", "4301", "430182", "430182101"]
    assert chain_codes("430182101") == ["430182101", "430182", "4301", "43"]
    assert chain_codes("430182101", down_to=6) == ["430182", "4301", "43"]
    assert chain_codes("43") == ["43"]


def test_offices_above_nearest_first(cast):
    township = Region.objects.filter(code__startswith="430182", level="township").order_by("code").first()
    names = [o.region.code for o in offices_above(township.code)]
    assert names == ["430182", "4301", "43"]  # no township office; county, city, province
    assert [o.region.code for o in offices_above("430181", down_to=6)] == ["430181", "4301", "43"]
    assert [o.region.code for o in offices_above("4301")] == ["4301", "43"]
    assert offices_above("110101") == []  # no office anywhere above 东城区 in the cast
    assert set(offices_by_code(["430182", "43", "999999"])) == {"430182", "43"}
    assert all(isinstance(o, Office) for o in offices_above("430182"))


def test_breadcrumb_is_top_first_without_the_region_in_one_query(db, django_assert_num_queries):
    township = Region.objects.filter(code__startswith="430182", level="township").order_by("code").first()
    with django_assert_num_queries(1):
        crumbs = region_ancestors(township)
    assert [r.code for r in crumbs] == ["43", "4301", "430182"]
    # the same as walking the parents
    walked, node = [], township.parent
    while node is not None:
        walked.insert(0, node)
        node = node.parent
    assert crumbs == walked
    assert region_ancestors(Region.objects.get(code="43")) == [] and region_ancestors(None) == []
