"""The scope mechanism itself: union of grants, write scope, pluggable supervisor rule."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from dudao.access import clear_scope_cache, get_scope, register_school_scope, school_q
from dudao.people.models import Role
from dudao.people.services import role_grant_add
from dudao.schools.models import School
from tests.personas import EXPECTED, PERSONAS, WRITERS


def names(qs) -> set[str]:
    return set(qs.values_list("name", flat=True))


@pytest.mark.parametrize("persona", PERSONAS)
def test_visible_schools_match_the_cast_sheet(cast, persona):
    user = getattr(cast, persona)
    assert names(School.objects.visible_to(user)) == {getattr(cast, k).name for k in EXPECTED[persona]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_write_scope(cast, persona):
    user = getattr(cast, persona)
    writable = names(School.objects.visible_to(user, write=True))
    rule = WRITERS.get(persona)
    if rule == "all":
        expected = {s.name for s in cast.all_schools}
    elif rule == "scope":
        expected = {getattr(cast, k).name for k in EXPECTED[persona]}
    else:
        expected = {getattr(cast, k).name for k in (rule or [])}
    assert writable == expected


def test_multi_role_is_a_union_not_the_widest_role(cast):
    # 望城 office staff + supervisor of A3: may change 望城's schools, may only read A3.
    assert names(School.objects.visible_to(cast.multi)) == {"测试宁乡三幼", "测试望城一小", "测试望城九年制"}
    assert "测试宁乡三幼" not in names(School.objects.visible_to(cast.multi, write=True))
    assert "测试宁乡一小" not in names(School.objects.visible_to(cast.multi))


def test_inactive_user_sees_nothing(cast):
    cast.county_staff.is_active = False
    clear_scope_cache(cast.county_staff)
    assert not School.objects.visible_to(cast.county_staff).exists()


def test_scope_is_computed_once_per_user_object(cast, django_assert_num_queries):
    user = cast.supervisor
    clear_scope_cache(user)
    get_scope(user)
    with django_assert_num_queries(0):
        school_q(user)
        school_q(user, prefix="school__")


def test_a_later_app_can_plug_in_the_supervisor_rule(cast):
    """Issue [2] replaces "schools listed on the grant" with "currently assigned schools"."""
    from dudao.access import scope

    original, acting = scope._SCHOOL_RULES[Role.SUPERVISOR], scope._ACTING_RULES.get(Role.SUPERVISOR)
    try:
        register_school_scope(Role.SUPERVISOR, lambda user, grants: [cast.A3.pk])
        clear_scope_cache(cast.supervisor)
        assert names(School.objects.visible_to(cast.supervisor)) == {"测试宁乡三幼"}
    finally:
        register_school_scope(Role.SUPERVISOR, original, acting=acting)
        clear_scope_cache(cast.supervisor)


def test_prefixed_q_reaches_school_through_a_relation(cast):
    from dudao.schools.models import SchoolYearData

    rows = SchoolYearData.objects.filter(school_q(cast.county_staff, prefix="school__"))
    assert {r.school.name for r in rows} == {"测试宁乡一小", "测试宁乡二中", "测试宁乡三幼"}


@pytest.mark.parametrize(
    ("role", "office", "schools", "field"),
    [
        (Role.OFFICE_STAFF, None, [], "office"),
        (Role.OFFICE_LEADER, None, [], "office"),
        (Role.SCHOOL_USER, None, [], "schools"),
        (Role.EVALUATOR, None, [], "schools"),
    ],
)
def test_grants_are_validated(cast, role, office, schools, field):
    with pytest.raises(ValidationError) as exc:
        role_grant_add(user=cast.nobody, role=role, office=office, schools=schools)
    assert field in exc.value.error_dict


def test_school_user_needs_exactly_one_school(cast):
    with pytest.raises(ValidationError):
        role_grant_add(user=cast.nobody, role=Role.SCHOOL_USER, schools=[cast.A1, cast.A2])
