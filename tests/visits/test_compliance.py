"""The quota engine: month/semester/year boundaries, rule changes, kinds, reassignment mid-month."""

from __future__ import annotations

from datetime import date

import pytest
from django.utils import translation

from dudao.regions.models import Office
from dudao.visits.compliance import compliance_report
from dudao.visits.models import QuotaRule
from dudao.visits.periods import elapsed_share, period_of
from dudao.visits.quota import quota_rule_change, quota_rule_override, rules_for
from dudao.zones.services import assignment_create, assignment_reassign

OCT = date(2025, 10, 15)
TODAY = date(2026, 11, 23)


@pytest.mark.parametrize(
    ("kind", "day", "start", "end"),
    [
        ("month", date(2025, 2, 10), date(2025, 2, 1), date(2025, 2, 28)),
        ("month", date(2024, 2, 29), date(2024, 2, 1), date(2024, 2, 29)),
        ("semester", date(2025, 9, 1), date(2025, 9, 1), date(2026, 1, 31)),
        ("semester", date(2026, 1, 31), date(2025, 9, 1), date(2026, 1, 31)),
        ("semester", date(2026, 2, 1), date(2026, 2, 1), date(2026, 8, 31)),
        ("semester", date(2026, 8, 31), date(2026, 2, 1), date(2026, 8, 31)),
        ("year", date(2025, 12, 31), date(2025, 1, 1), date(2025, 12, 31)),
    ],
)
def test_period_boundaries(kind, day, start, end):
    period = period_of(kind, day)
    assert (period.start, period.end) == (start, end)


def test_period_labels_and_elapsed_share():
    assert period_of("semester", date(2025, 10, 1)).label == "2025—2026学年秋季学期"
    assert period_of("semester", date(2026, 3, 1)).label == "2025—2026学年春季学期"
    assert period_of("month", OCT).label == "2025年10月"
    with translation.override("en"):
        assert period_of("semester", date(2025, 10, 1)).label == "autumn semester 2025–2026"
        assert period_of("month", OCT).label == "2025-10"
    october = period_of("month", OCT)
    assert elapsed_share(october, date(2025, 10, 31)) == 1.0 and elapsed_share(october, date(2025, 9, 30)) == 0.0


def test_hunan_rules_override_nothing_national_and_add_their_own(quota_defaults, ningxiang):
    rules = {(r.metric, r.period): r for r in rules_for(office=ningxiang, zone_level="county", period_start=date(2025, 10, 1))}
    assert rules[("visits_per_supervisor", "month")].required == 4  # seed 001
    assert rules[("visits_per_assigned_school", "month")].required == 1  # 挂牌办法 Art 6
    assert rules[("visits_per_zone_school", "semester")].required == 2  # 条例 Art 14
    assert rules[("visits_per_zone_school", "year")].required == 1
    assert rules[("visits_per_supervisor", "month")].office.region.code == "43"
    assert all(r.source for r in rules.values())


def test_supervisor_behind_on_four_visits_a_month(quota_defaults, cast, make_supervisor, record):
    busy, slow = make_supervisor("勤督学"), make_supervisor("慢督学")
    assignment_create(supervisor=busy, school=cast.A1, starts_on=date(2025, 9, 1))
    assignment_create(supervisor=slow, school=cast.A2, starts_on=date(2025, 9, 1))
    for d in (1, 8, 15, 22):
        record(busy, cast.A1, date(2025, 10, d))
    record(slow, cast.A2, date(2025, 10, 31))
    record(slow, cast.A2, date(2025, 11, 1))  # next month: does not count for October
    report = compliance_report(office=Office.objects.get(region__code="430182"), kind="month", day=OCT, today=TODAY)
    rows = {r.supervisor.name: r for r in report.supervisors}
    assert rows["勤督学"].visits == 4 and not rows["勤督学"].behind
    assert rows["慢督学"].visits == 1 and rows["慢督学"].behind
    checks = {c.rule.metric: (c.done, c.required) for c in rows["慢督学"].checks}
    assert checks == {"visits_per_supervisor": (1, 4), "visits_per_assigned_school": (1, 1)}
    assert [r.supervisor.name for r in report.supervisors_behind] == ["慢督学"]
    assert {r.school.name for r in report.schools_not_visited} == {"测试宁乡三幼"}


def test_reassignment_mid_month_keeps_the_earlier_visit(quota_defaults, cast, make_supervisor, record):
    first, second = make_supervisor("甲"), make_supervisor("乙")
    assignment_create(supervisor=first, school=cast.A1, starts_on=date(2025, 9, 1))
    record(first, cast.A1, date(2025, 10, 5))
    assignment_reassign(school=cast.A1, to=second, on=date(2025, 10, 16))
    report = compliance_report(office=Office.objects.get(region__code="430182"), kind="month", day=OCT, today=TODAY)
    rows = {r.supervisor.name: r for r in report.supervisors}
    # the school is now 乙's and counts as visited this month thanks to 甲's visit on the 5th
    per_school = {c.rule.metric: (c.done, c.required) for c in rows["乙"].checks}["visits_per_assigned_school"]
    assert per_school == (1, 1)
    assert rows["甲"].schools == 0


def test_visit_by_a_colleague_does_not_count_for_the_responsible_supervisor(quota_defaults, cast, make_supervisor, record):
    owner, colleague = make_supervisor("责任人"), make_supervisor("同事")
    assignment_create(supervisor=owner, school=cast.A1, starts_on=date(2025, 9, 1))
    record(colleague, cast.A1, date(2025, 10, 9))
    report = compliance_report(office=Office.objects.get(region__code="430182"), kind="month", day=OCT, today=TODAY)
    owner_row = next(r for r in report.supervisors if r.supervisor.name == "责任人")
    assert {c.rule.metric: c.done for c in owner_row.checks}["visits_per_assigned_school"] == 0
    assert next(r for r in report.schools if r.school.pk == cast.A1.pk).visits == 1  # but the school was visited


def test_overlapping_assignments_of_one_pair_count_each_visit_once(quota_defaults, cast, make_supervisor, record):
    """A handover back and forth on one day leaves two assignments of the same supervisor and school
    covering that day: the school's visit must still count once, not once per assignment."""
    from dudao.zones.models import Assignment

    owner = make_supervisor("责任人")
    first = assignment_create(supervisor=owner, school=cast.A1, starts_on=date(2025, 9, 1))
    Assignment.objects.filter(pk=first.pk).update(ends_on=date(2025, 10, 9))
    assignment_create(supervisor=owner, school=cast.A1, starts_on=date(2025, 10, 9))
    record(owner, cast.A1, date(2025, 10, 9))
    report = compliance_report(office=Office.objects.get(region__code="430182"), kind="month", day=OCT, today=TODAY)
    row = next(r for r in report.supervisors if r.supervisor.name == "责任人")
    assert row.visits == 1
    assert next(r for r in report.schools if r.school.pk == cast.A1.pk).visits == 1
    assert report.responsible_visits[cast.A1.pk] == 1
    assert next(r for r in report.schools if r.school.pk == cast.A1.pk).last_visit == date(2025, 10, 9)


def test_semester_and_year_coverage_of_zone_schools(quota_defaults, cast, make_supervisor, record):
    supervisor = make_supervisor()
    for school in (cast.A1, cast.A2):
        assignment_create(supervisor=supervisor, school=school, starts_on=date(2025, 9, 1))
    record(supervisor, cast.A1, date(2025, 9, 3))
    record(supervisor, cast.A1, date(2026, 1, 31))  # last day of the autumn semester
    record(supervisor, cast.A2, date(2026, 2, 1))   # first day of the spring semester
    office = Office.objects.get(region__code="430182")
    autumn = compliance_report(office=office, kind="semester", day=OCT, today=TODAY)
    assert {r.school.name: (r.visits, r.required, r.ok) for r in autumn.schools} == {
        "测试宁乡一小": (2, 2, True), "测试宁乡二中": (0, 2, False), "测试宁乡三幼": (0, 2, False)}
    year = compliance_report(office=office, kind="year", day=date(2026, 5, 1), today=TODAY)
    assert {r.school.name: r.ok for r in year.schools} == {"测试宁乡一小": True, "测试宁乡二中": True, "测试宁乡三幼": False}


def test_a_rule_change_applies_forward_only(quota_defaults, cast, make_supervisor, record, ningxiang):
    supervisor = make_supervisor()
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2025, 9, 1))
    for month in (10, 11):
        for d in (3, 10, 17, 24):
            record(supervisor, cast.A1, date(2025, month, d))
    hunan = QuotaRule.objects.get(office__region__code="43", metric="visits_per_supervisor")
    quota_rule_change(rule=hunan, required=6, valid_from=date(2025, 11, 1), source="湖南：调整为每月6次（测试）")
    october = compliance_report(office=ningxiang, kind="month", day=OCT, today=TODAY)
    november = compliance_report(office=ningxiang, kind="month", day=date(2025, 11, 15), today=TODAY)
    assert not october.supervisors[0].behind
    assert november.supervisors[0].behind
    assert {r.required for r in november.rules if r.metric == "visits_per_supervisor"} == {6}
    assert {r.required for r in october.rules if r.metric == "visits_per_supervisor"} == {4}


def test_county_override_and_part_time_rule(quota_defaults, cast, make_supervisor, record, ningxiang):
    quota_rule_override(office=ningxiang, zone_level="county", metric="visits_per_supervisor", period="month", required=2,
                        valid_from=date(2025, 1, 1), source="宁乡：兼职督学每月2次", supervisor_kind="part_time")
    part = make_supervisor("兼职", kind="part_time")
    full = make_supervisor("专职")
    for s, school in ((part, cast.A1), (full, cast.A2)):
        assignment_create(supervisor=s, school=school, starts_on=date(2025, 9, 1))
        record(s, school, date(2025, 10, 2))
        record(s, school, date(2025, 10, 9))
    report = compliance_report(office=ningxiang, kind="month", day=OCT, today=TODAY)
    rows = {r.supervisor.name: r for r in report.supervisors}
    assert not rows["兼职"].behind  # 2 of 2 for part-time in 宁乡
    assert rows["专职"].behind      # still 4 for full-time (Hunan)


def test_drafts_do_not_count(quota_defaults, cast, make_supervisor, record, ningxiang):
    supervisor = make_supervisor()
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2025, 9, 1))
    record(supervisor, cast.A1, date(2025, 10, 2), )
    record(supervisor, cast.A1, date(2025, 10, 3)).__class__.objects.filter(visit_date=date(2025, 10, 3)).update(status="draft")
    report = compliance_report(office=ningxiang, kind="month", day=OCT, today=TODAY)
    assert report.supervisors[0].visits == 1


def test_report_runs_in_a_few_queries(quota_defaults, cast, make_supervisor, record, ningxiang, django_assert_max_num_queries):
    for i in range(6):
        s = make_supervisor()
        assignment_create(supervisor=s, school=[cast.A1, cast.A2, cast.A3][i % 3], starts_on=date(2025, 9, 1))
        record(s, [cast.A1, cast.A2, cast.A3][i % 3], date(2025, 10, 10))
    with django_assert_max_num_queries(20):
        compliance_report(office=ningxiang, kind="month", day=OCT, today=TODAY)


def test_another_countys_override_does_not_leak(quota_defaults, cast, ningxiang):
    wangcheng = Office.objects.get(region__code="430112")
    quota_rule_override(office=wangcheng, zone_level="county", metric="visits_per_assigned_school", period="month", required=3,
                        valid_from=date(2025, 1, 1), source="望城：每校每月3次")
    for kind in ("", "full_time", "part_time"):
        mine = {r.metric: r.required for r in rules_for(office=ningxiang, zone_level="county", period_start=date(2025, 10, 1),
                                                        supervisor_kind=kind) if r.period == "month"}
        assert mine["visits_per_assigned_school"] == 1
    theirs = {r.metric: r.required for r in rules_for(office=wangcheng, zone_level="county", period_start=date(2025, 10, 1))
              if r.period == "month"}
    assert theirs["visits_per_assigned_school"] == 3


def test_city_and_province_reports_cover_every_county(quota_defaults, cast, make_supervisor, record):
    ningxiang_s = make_supervisor("宁乡督学")
    liuyang_s = make_supervisor("浏阳督学", office=Office.objects.get(region__code="430181"))
    assignment_create(supervisor=ningxiang_s, school=cast.A1, starts_on=date(2025, 9, 1))
    assignment_create(supervisor=liuyang_s, school=cast.C1, starts_on=date(2025, 9, 1))
    record(liuyang_s, cast.C1, date(2025, 10, 8))
    for code in ("4301", "43"):
        report = compliance_report(office=Office.objects.get(region__code=code), kind="month", day=OCT, today=TODAY)
        assert {r.supervisor.name for r in report.supervisors} == {"宁乡督学", "浏阳督学"}
        assert {r.school.name for r in report.schools} >= {"测试宁乡一小", "测试浏阳一小", "测试望城一小"}
        assert "测试北京东城小学" not in {r.school.name for r in report.schools}
        assert {r.school.name: r.visits for r in report.schools}["测试浏阳一小"] == 1


def test_city_supervisor_checks_per_county_and_city_direct_schools(quota_defaults, cast, make_supervisor, record):
    """Seed 001's city rules: a city zone supervisor visits each county they answer for at least once
    a month, and city-direct schools twice; only their own visits count (not a county colleague's)."""
    from dudao.schools.models import School

    changsha = Office.objects.get(region__code="4301")
    city = make_supervisor("市督学", office=changsha, level="city")
    county = make_supervisor("县督学")
    School.objects.filter(pk=cast.B1.pk).update(is_city_direct=True)
    for school in (cast.A1, cast.C1, cast.B1):
        assignment_create(supervisor=city, school=school, starts_on=date(2025, 9, 1))
    record(city, cast.A1, date(2025, 10, 3))  # 宁乡市 visited; 浏阳市 not
    record(county, cast.C1, date(2025, 10, 4))  # a county supervisor's visit does not count for the city one
    record(city, cast.B1, date(2025, 10, 5))  # one of the two city-direct visits
    record(city, cast.B1, date(2025, 9, 30))  # last month
    report = compliance_report(office=changsha, kind="month", day=OCT, today=TODAY)
    row = next(r for r in report.supervisors if r.supervisor.name == "市督学")
    checks = {c.rule.metric: (c.done, c.required) for c in row.checks}
    assert checks["visits_per_county"] == (1, 2)  # 宁乡 met, 浏阳 not (the city-direct B1 is not a county duty)
    assert checks["visits_to_city_direct"] == (1, 2)
    assert row.visits == 2 and row.behind
    assert {r.school.name: r.last_visit for r in report.schools}["测试望城一小"] == date(2025, 10, 5)
