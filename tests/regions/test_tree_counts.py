"""The regions tree counts schools in the database, one GROUP BY per code width (issue [7]): the
counts equal a count of the visible schools' codes in Python on generated data, for the page, its
children and the API, and the tree's queries do not grow with the schools."""

from __future__ import annotations

import random

from django.urls import reverse

from dudao.regions.models import Region
from dudao.regions.selectors import school_counts_by_region
from dudao.schools.models import School
from tests.factories import SchoolFactory


def _generate(n: int, seed: int) -> None:
    rng = random.Random(seed)
    regions = list(Region.objects.filter(code__startswith="43").exclude(code="43"))
    for i in range(n):
        SchoolFactory(name=f"生成学校{seed}-{i}", region=rng.choice(regions), is_active=rng.random() < 0.9)


def _slow(user, regions: list[Region]) -> dict[str, int]:
    codes = list(School.objects.visible_to(user).values_list("region_code", flat=True))
    return {r.code: sum(1 for c in codes if c.startswith(r.code)) for r in regions}


def test_counts_equal_a_count_of_the_visible_codes(cast):
    _generate(40, 1)
    for user in (cast.province_staff, cast.city_staff, cast.county_staff):
        regions = list(Region.objects.visible_to(user).filter(code__startswith="43"))
        widths = {len(r.code) for r in regions}
        assert len(widths) >= 2  # regions of several widths in one call
        counts = school_counts_by_region(user=user, regions=regions)
        assert counts == _slow(user, regions)
        assert sum(counts.values()) > 0
    assert school_counts_by_region(user=cast.county_staff, regions=[]) == {}


def test_the_tree_pages_and_the_api_show_the_counts(cast, client):
    _generate(25, 2)
    client.force_login(cast.province_staff)
    tree = client.get(reverse("regions:tree"))
    assert tree.status_code == 200
    roots = [r for r, _n in tree.context["nodes"]]
    assert dict((r.code, n) for r, n in tree.context["nodes"]) == _slow(cast.province_staff, roots)
    detail = client.get(reverse("regions:detail", args=["4301"]))
    children = detail.context["children"]
    assert len(children) >= 2 and dict((r.code, n) for r, n in children) == _slow(cast.province_staff, [r for r, _n in children])
    assert client.get(reverse("regions:children", args=["4301"])).status_code == 200
    api = client.get("/api/v1/regions/4301/children").json()
    api = api["items"] if isinstance(api, dict) else api
    by_code = {r.code: r for r in Region.objects.filter(code__in=[a["code"] for a in api])}
    expected = _slow(cast.province_staff, list(by_code.values()))
    assert {a["code"]: a["school_count"] for a in api} == expected


def test_the_tree_query_count_does_not_grow_with_the_schools(cast, client, django_assert_max_num_queries):
    client.force_login(cast.province_staff)
    client.get(reverse("regions:tree"))
    for n, seed in ((2, 3), (40, 4)):
        _generate(n, seed)
        with django_assert_max_num_queries(7):
            assert client.get(reverse("regions:tree")).status_code == 200
        with django_assert_max_num_queries(7):
            assert client.get(reverse("regions:children", args=["4301"])).status_code == 200
