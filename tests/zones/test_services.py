"""Zones, coverage checks and assignments (挂牌) with their history."""

from __future__ import annotations

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from dudao.regions.models import Office, Region
from dudao.schools.models import School
from dudao.zones import rules
from dudao.zones.coverage import coverage_report, schools_for_office, zone_level_of
from dudao.zones.models import Assignment, ZoneSchool
from dudao.zones.selectors import responsible_on
from dudao.zones.services import (
    assignment_create,
    assignment_end,
    assignment_reassign,
    zone_add_schools,
    zone_create,
)
from tests.factories import SchoolFactory


def test_county_zones_cover_all_but_senior_stage_and_city_direct_schools(cast, ningxiang):
    senior = SchoolFactory(name="宁乡高中", kind="senior", region=Region.objects.get(code="430182"))
    direct = SchoolFactory(name="市直学校", kind="primary", is_city_direct=True, region=Region.objects.get(code="430182"))
    county = set(schools_for_office(ningxiang))
    assert {cast.A1, cast.A2, cast.A3} <= county and senior not in county and direct not in county
    city = set(schools_for_office(Office.objects.get(region__code="4301")))
    assert {senior, direct} <= city and cast.A1 not in city
    assert zone_level_of(senior) == zone_level_of(direct) == "city" and zone_level_of(cast.A3) == "county"


def test_a_school_is_in_one_zone_of_its_level(cast, ningxiang):
    north = zone_create(office=ningxiang, name="北区")
    south = zone_create(office=ningxiang, name="南区")
    assert zone_add_schools(zone=north, schools=[cast.A1]) == (1, [])
    added, problems = zone_add_schools(zone=south, schools=[cast.A1])
    assert added == 0 and problems == ["测试宁乡一小 已在“北区”中"]
    with pytest.raises(IntegrityError), transaction.atomic():
        ZoneSchool.objects.create(zone=south, school=cast.A1)  # the database refuses it too
    assert zone_add_schools(zone=south, schools=[cast.A1], move=True) == (1, [])
    assert ZoneSchool.objects.get(school=cast.A1).zone == south


def test_schools_outside_the_county_or_level_are_refused(cast, ningxiang):
    zone = zone_create(office=ningxiang, name="北区")
    senior = SchoolFactory(name="宁乡一中", kind="senior", region=Region.objects.get(code="430182"))
    added, problems = zone_add_schools(zone=zone, schools=[cast.B1, senior])
    assert added == 0
    assert problems == ["测试望城一小 不在宁乡市范围内", "宁乡一中 应归入市级责任区"]


def test_province_offices_have_no_zones(cast):
    with pytest.raises(ValidationError):
        zone_create(office=Office.objects.get(region__code="43"), name="省区")


def test_coverage_report_finds_every_kind_of_problem(cast, ningxiang, make_supervisor, settings):
    county = Region.objects.get(code="430182")
    extra = [SchoolFactory(name=f"覆盖测试{i}", region=county) for i in range(rules.MAX_SCHOOLS_PER_ZONE + 1)]
    zone = zone_create(office=ningxiang, name="大区")
    zone_add_schools(zone=zone, schools=extra + [cast.A1, cast.A2])  # A3 stays out
    busy = make_supervisor("忙碌督学")
    idle = make_supervisor("空闲督学")
    for school in extra[: rules.SUPERVISOR_LOAD_WARNING + 1]:
        assignment_create(supervisor=busy, school=school)
    report = coverage_report(ningxiang)
    assert report.school_count == 3 + len(extra)
    assert [s.name for s in report.unzoned] == ["测试宁乡三幼"]
    assert report.large_zones == [(zone, len(extra) + 2)]
    assert len(report.unassigned) == report.school_count - (rules.SUPERVISOR_LOAD_WARNING + 1)
    assert report.overloaded == [(busy, rules.SUPERVISOR_LOAD_WARNING + 1)]
    assert report.idle_supervisors == [idle]
    assert not report.ok and report.coverage_percent == round((report.school_count - 1) * 100 / report.school_count, 1)


def test_full_coverage_is_ok(cast, ningxiang, make_supervisor):
    zone = zone_create(office=ningxiang, name="全区")
    zone_add_schools(zone=zone, schools=[cast.A1, cast.A2, cast.A3])
    supervisor = make_supervisor()
    for school in (cast.A1, cast.A2, cast.A3):
        assignment_create(supervisor=supervisor, school=school)
    report = coverage_report(ningxiang)
    assert report.ok and report.coverage_percent == 100.0 and report.average_load == 3.0


def test_reassignment_keeps_who_was_responsible_on_every_date(cast, make_supervisor):
    first, second = make_supervisor("甲督学"), make_supervisor("乙督学")
    assignment_create(supervisor=first, school=cast.A1, starts_on=date(2024, 9, 1))
    assignment_reassign(school=cast.A1, to=second, on=date(2025, 3, 1), reason="分工调整")
    assert responsible_on(school=cast.A1, day=date(2024, 12, 31)) == [first]
    assert responsible_on(school=cast.A1, day=date(2025, 2, 28)) == [first]
    assert responsible_on(school=cast.A1, day=date(2025, 3, 1)) == [second]
    assert responsible_on(school=cast.A1, day=date(2024, 8, 31)) == []
    old = Assignment.objects.get(supervisor=first)
    assert old.ends_on == date(2025, 2, 28) and "分工调整" in old.reason


def test_assignment_rules(cast, make_supervisor):
    supervisor = make_supervisor()
    with pytest.raises(ValidationError, match="不在"):
        assignment_create(supervisor=supervisor, school=cast.B1)  # 望城 is not 宁乡's
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2025, 1, 1))
    with pytest.raises(ValidationError, match="已是该校的责任督学"):
        assignment_create(supervisor=supervisor, school=cast.A1)
    with pytest.raises(ValidationError, match="结束日期不能早于开始日期"):
        assignment_end(assignment=Assignment.objects.get(), ends_on=date(2024, 12, 1))


def test_a_leaving_supervisor_loses_their_schools(cast, make_supervisor):
    from dudao.supervisors.services import supervisor_change_status

    supervisor = make_supervisor(appointed_on=date(2024, 1, 1))
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2025, 1, 1))
    supervisor_change_status(supervisor=supervisor, status="retired", effective_on=date(2025, 6, 30), reason="退休", by=None)
    assert responsible_on(school=cast.A1, day=date(2025, 6, 30)) == [supervisor]
    assert responsible_on(school=cast.A1, day=date(2025, 7, 1)) == []
    with pytest.raises(ValidationError, match="不在岗"):
        assignment_create(supervisor=supervisor, school=cast.A2)


def test_supervisor_scope_is_assigned_schools_plus_zone_read_only(cast, ningxiang, make_supervisor):
    from dudao.access import clear_scope_cache

    user = cast.nobody
    supervisor = make_supervisor(user=user)
    zone = zone_create(office=ningxiang, name="北区", members=[supervisor])
    zone_add_schools(zone=zone, schools=[cast.A2, cast.A3])
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2025, 1, 1))
    clear_scope_cache(user)
    assert set(School.objects.visible_to(user)) == {cast.A1, cast.A2, cast.A3}
    assert not School.objects.visible_to(user, write=True).exists()
    # ending the assignment takes A1 out of the scope
    assignment_end(assignment=Assignment.objects.get(supervisor=supervisor), ends_on=date(2025, 6, 30))
    clear_scope_cache(user)
    assert set(School.objects.visible_to(user)) == {cast.A2, cast.A3}
