"""Issue [6] item 1: every rule listed as applied is judged — per-school rules in semester and year
reports, monthly rules month by month, the 挂牌办法 monthly rule for city zones, no zone quota for
province (随访) supervisors unless the province sets one.

The hand-computed case (宁乡, autumn semester 2025—2026, 1 Sep 2025 – 31 Jan 2026, closed on TODAY;
seed 001 and the national defaults in force; both supervisors appointed on 1 Sep 2025):
- 甲 answers for A1 and A2, visits A1 on 10 Sep and A2 on 5 Nov;
- 乙 answers for A3, never visits it, and visits A1 four times in October (not his school).
Schools (条例 Art 14: 2 a semester, by anyone): A1 1 + 4 = 5 (met), A2 1 (1 short, 甲's), A3 0 (2 short, 乙's).
甲: 1 of his 2 schools met → not 达标; monthly: 4 visits never, each school in a month never → 0 of 5 months.
乙: 0 of 1 school met → not 达标; monthly: 4 visits in October only (1 of 5), A3 never (0 of 5) → 5 months short.
Year 2025 (Hunan: each zone school once a year; months Sep–Dec): A3 is below (乙), A1 and A2 met (甲 达标 on it).
"""

from __future__ import annotations

import re
from datetime import date

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.regions.models import Office
from dudao.visits.compliance import compliance_report, months_over
from dudao.visits.periods import period_of
from dudao.visits.quota import quota_rule_override
from dudao.visits.reminders import office_behind
from dudao.zones.services import assignment_create

AUTUMN = date(2025, 10, 15)
TODAY = date(2026, 11, 23)
SEP1 = date(2025, 9, 1)


@pytest.fixture
def closed_semester(quota_defaults, cast, make_supervisor, record):
    jia = make_supervisor("甲", appointed_on=SEP1)
    yi = make_supervisor("乙", appointed_on=SEP1)
    for supervisor, school in ((jia, cast.A1), (jia, cast.A2), (yi, cast.A3)):
        assignment_create(supervisor=supervisor, school=school, starts_on=SEP1)
    record(jia, cast.A1, date(2025, 9, 10))
    record(jia, cast.A2, date(2025, 11, 5))
    for d in (2, 9, 16, 23):
        record(yi, cast.A1, date(2025, 10, d))
    return jia, yi


def _checks(row) -> dict[tuple[str, str], tuple[int, int]]:
    return {(c.rule.metric, c.rule.period): (c.done, c.required) for c in row.checks}


def test_closed_semester_judges_the_per_school_rule_per_school_and_per_supervisor(closed_semester, cast, ningxiang):
    report = compliance_report(office=ningxiang, kind="semester", day=AUTUMN, today=TODAY)
    schools = {r.school.name: (r.visits, r.required, r.shortfall, r.responsible) for r in report.schools}
    assert schools == {"测试宁乡一小": (5, 2, 0, ("甲",)), "测试宁乡二中": (1, 2, 1, ("甲",)), "测试宁乡三幼": (0, 2, 2, ("乙",))}
    assert [r.school.name for r in report.schools_behind] == ["测试宁乡二中", "测试宁乡三幼"]
    rows = {r.supervisor.name: r for r in report.supervisors}
    assert rows["甲"].behind and rows["乙"].behind  # nobody is 达标
    assert _checks(rows["甲"]) == {
        ("visits_per_zone_school", "semester"): (1, 2),  # 达标学校数 / 负责学校数
        ("visits_per_supervisor", "month"): (0, 5),  # 达标月数 / 已结束月数
        ("visits_per_assigned_school", "month"): (0, 5),
    }
    assert _checks(rows["乙"]) == {
        ("visits_per_zone_school", "semester"): (0, 1),
        ("visits_per_supervisor", "month"): (1, 5),
        ("visits_per_assigned_school", "month"): (0, 5),
    }
    assert (rows["甲"].months_judged, rows["甲"].months_short) == (5, 5)
    assert (rows["乙"].months_judged, rows["乙"].months_short) == (5, 5)
    # every rule listed as applied was judged for someone or some school
    judged = {(c.rule.metric, c.rule.period) for r in report.supervisors for c in r.checks}
    assert {(r.metric, r.period) for r in report.rules} == judged
    labels = {c.rule.metric: c.counts for c in rows["甲"].checks}
    assert labels["visits_per_zone_school"] == ("达标学校数", "负责学校数")
    assert next(c for c in rows["甲"].checks if c.over_months).counts == ("达标月数", "已结束月数")


def test_year_report_judges_the_yearly_school_rule_and_counts_months_short(closed_semester, ningxiang):
    report = compliance_report(office=ningxiang, kind="year", day=AUTUMN, today=TODAY)
    assert {r.school.name: (r.required, r.shortfall) for r in report.schools_behind} == {"测试宁乡三幼": (1, 1)}
    rows = {r.supervisor.name: r for r in report.supervisors}
    assert _checks(rows["甲"])[("visits_per_zone_school", "year")] == (2, 2)
    assert _checks(rows["乙"])[("visits_per_zone_school", "year")] == (0, 1)
    # appointed on 1 September: September to December are judged, none met
    assert (rows["甲"].months_judged, rows["甲"].months_short) == (4, 4)
    assert _checks(rows["乙"])[("visits_per_supervisor", "month")] == (1, 4)


def test_a_running_semester_counts_only_the_months_that_are_over(closed_semester, ningxiang):
    assert [m.start.month for m in months_over(period_of("semester", AUTUMN), date(2025, 11, 30))] == [9, 10]
    report = compliance_report(office=ningxiang, kind="semester", day=AUTUMN, today=date(2025, 11, 30))
    rows = {r.supervisor.name: r for r in report.supervisors}
    assert (rows["乙"].months_judged, rows["乙"].months_short) == (2, 2)
    assert _checks(rows["乙"])[("visits_per_supervisor", "month")] == (1, 2)


def test_the_past_months_are_not_reminded_again_every_day(closed_semester, ningxiang):
    """A month gone by was reminded in its month: the semester's tally of months is for the office's pages."""
    for entry in office_behind(office=ningxiang, day=date(2025, 11, 30)):
        assert all(c.period_label == "2025年11月" or c.metric != "visits_per_supervisor" for c in entry.checks)


def test_the_national_monthly_rule_binds_city_supervisors_too(quota_defaults, cast, make_supervisor, record):
    changsha = Office.objects.get(region__code="4301")
    city = make_supervisor("市督学", office=changsha, level="city")
    for school in (cast.A1, cast.B1):
        assignment_create(supervisor=city, school=school, starts_on=SEP1)
    record(city, cast.A1, date(2025, 10, 3))
    report = compliance_report(office=changsha, kind="month", day=AUTUMN, today=TODAY)
    row = next(r for r in report.supervisors if r.supervisor.name == "市督学")
    assert _checks(row)[("visits_per_assigned_school", "month")] == (1, 2)  # B1 was not visited in October
    rule = next(c.rule for c in row.checks if c.rule.metric == "visits_per_assigned_school")
    assert rule.office is None and rule.zone_level == "city" and "《中小学校责任督学挂牌督导办法》第六条" in rule.source


def test_province_supervisors_have_no_zone_quota_by_default_and_the_province_can_set_one(
        quota_defaults, cast, make_supervisor, record):
    hunan = Office.objects.get(region__code="43")
    roving = make_supervisor("省随访督学", office=hunan, level="province")
    record(roving, cast.A1, date(2025, 10, 8))
    report = compliance_report(office=hunan, kind="month", day=AUTUMN, today=TODAY)
    row = next(r for r in report.supervisors if r.supervisor.name == "省随访督学")
    assert row.checks == [] and not row.behind and row.visits == 1  # no "市直 0/2", no "4 a month"
    semester = compliance_report(office=hunan, kind="semester", day=AUTUMN, today=TODAY)
    assert next(r for r in semester.supervisors if r.supervisor.name == "省随访督学").months_judged == 0
    assert "省随访督学" not in {b.supervisor.name for b in office_behind(office=hunan, day=date(2025, 10, 30))}
    quota_rule_override(office=hunan, zone_level="province", metric="visits_per_supervisor", period="month", required=2,
                        valid_from=date(2025, 1, 1), source="湖南省教育督导办公室关于省级督学随访督导的通知")
    report = compliance_report(office=hunan, kind="month", day=AUTUMN, today=TODAY)
    row = next(r for r in report.supervisors if r.supervisor.name == "省随访督学")
    assert _checks(row) == {("visits_per_supervisor", "month"): (1, 2)} and row.behind


# --- the same numbers on the page, in the Excel file and in the API --------------------------------


def _sheet(response, name: str) -> list[list]:
    import io

    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_filelike(io.BytesIO(b"".join(response.streaming_content)))
    return book.get_sheet_by_name(name).to_python()


def test_page_excel_and_api_show_the_same_numbers(closed_semester, cast, client, ningxiang):
    client.force_login(cast.county_staff)
    params = {"office": ningxiang.pk, "kind": "semester", "day": "2025-10-15"}
    page = client.get(reverse("visits:compliance"), params)
    html = page.content.decode()
    # the page: column headings say what they count; the cells; months short; the schools below and whose
    for heading in ("达标学校数 / 负责学校数", "达标月数 / 已结束月数", "未达标月数 / 已结束月数", "未达标学校数 / 学校数"):
        assert heading in html, heading
    row = re.search(r'<tr data-supervisor="甲">(.*?)</tr>', html, re.S).group(1)
    assert re.findall(r"(\d+) / (\d+)</span>", row) == [("0", "5"), ("0", "5"), ("1", "2"), ("5", "5")]
    assert "落后" in row
    schools = re.search(r'data-testid="schools-behind">(.*?)</table>', html, re.S).group(1)
    below = re.findall(r'<tr data-school="(.*?)">.*?<td>(\S*?)</td>\s*<td class="num">(\d+)</td><td class="num">(\d+)</td>'
                       r'<td class="num text-danger fw-bold" data-testid="shortfall">(\d+)</td>', schools, re.S)
    assert below == [("测试宁乡二中", "甲", "1", "2", "1"), ("测试宁乡三幼", "乙", "0", "2", "2")]
    assert 'data-testid="schools-behind-count">2<' in html and 'data-testid="behind-count">2<' in html
    # the Excel file: the same table, two numbers per rule
    export = client.get(reverse("visits:compliance_export"), params)
    assert export.status_code == 200
    sheet = _sheet(export, "督学完成情况")
    headers = sheet[0]
    assert headers[:5] == ["督学", "类别", "督导室", "挂牌学校数", "本期督导次数"]
    assert "责任区每所学校被督导次数（每学期）：达标学校数" in headers and headers[-3:] == ["未达标月数", "已结束月数", "状态"]
    rows = {r[0]: dict(zip(headers, r, strict=True)) for r in sheet[1:]}
    assert rows["甲"]["责任区每所学校被督导次数（每学期）：达标学校数"] == 1
    assert rows["甲"]["责任区每所学校被督导次数（每学期）：负责学校数"] == 2
    assert rows["乙"]["每名督学督导次数（每月）：达标月数"] == 1 and rows["乙"]["每名督学督导次数（每月）：已结束月数"] == 5
    assert (rows["甲"]["未达标月数"], rows["甲"]["已结束月数"], rows["甲"]["状态"]) == (5, 5, "落后")
    schools_sheet = _sheet(client.get(reverse("visits:compliance_export"), params), "未达标学校")
    assert [(r[0], r[4], r[5], r[6], r[7]) for r in schools_sheet[1:]] == [
        ("测试宁乡二中", "甲", 1, 2, 1), ("测试宁乡三幼", "乙", 0, 2, 2)]
    # the API
    api = client.get("/api/v1/visits/compliance", {"office_id": ningxiang.pk, "kind": "semester", "day": "2025-10-15"})
    assert api.status_code == 200, api.content
    data = api.json()
    keys = [c["key"] for c in data["columns"]]
    assert keys == ["visits_per_assigned_school:month", "visits_per_supervisor:month", "visits_per_zone_school:semester"]
    assert [(c["done_label"], c["required_label"]) for c in data["columns"]] == [
        ("达标月数", "已结束月数"), ("达标月数", "已结束月数"), ("达标学校数", "负责学校数")]
    by_name = {s["name"]: s for s in data["supervisors"]}
    assert [(c["key"], c["done"], c["required"]) for c in by_name["甲"]["cells"]] == [
        ("visits_per_assigned_school:month", 0, 5), ("visits_per_supervisor:month", 0, 5), ("visits_per_zone_school:semester", 1, 2)]
    assert (by_name["乙"]["months_short"], by_name["乙"]["months_judged"], by_name["乙"]["state"]) == (5, 5, "behind")
    assert [(s["name"], s["responsible"], s["visits"], s["required"], s["shortfall"]) for s in data["schools_behind"]] == [
        ("测试宁乡二中", ["甲"], 1, 2, 1), ("测试宁乡三幼", ["乙"], 0, 2, 2)]
    assert data["behind_count"] == 2 and data["visit_count"] == 6
    assert {(r["metric"], r["period"]) for r in data["rules"]} == {
        ("visits_per_assigned_school", "month"), ("visits_per_supervisor", "month"), ("visits_per_zone_school", "semester")}
    # sources read as document titles in the API and the Excel notes, never as internal labels
    from dudao.core.sources import INTERNAL_LABEL

    assert all(r["source"] and not INTERNAL_LABEL.search(r["source"]) for r in data["rules"]), data["rules"]
    assert any("《教育督导条例》" in r["source"] for r in data["rules"])
    notes = " ".join(str(cell) for row in _sheet(client.get(reverse("visits:compliance_export"), params), "说明") for cell in row)
    assert "《教育督导条例》" in notes and not INTERNAL_LABEL.search(notes), notes


def test_the_months_tally_agrees_with_each_months_own_report(closed_semester, cast, make_supervisor, record, ningxiang):
    """The semester reads all its months at once; each month's own report must give the same verdicts —
    also across a handover inside a month (甲's visit on 5 October counts for A1, 丙's from the 16th)."""
    from dudao.zones.services import assignment_reassign

    bing = make_supervisor("丙", appointed_on=SEP1)
    record(closed_semester[0], cast.A1, date(2025, 10, 5))  # 甲, A1's responsible supervisor that day
    assignment_reassign(school=cast.A1, to=bing, on=date(2025, 10, 16))
    semester = compliance_report(office=ningxiang, kind="semester", day=AUTUMN, today=TODAY)
    tally: dict[tuple[str, str], list[int]] = {}
    for month in months_over(semester.period, TODAY):
        report = compliance_report(office=ningxiang, kind="month", day=month.start, today=TODAY)
        for row in report.supervisors:
            for check in row.checks:
                done = tally.setdefault((row.supervisor.name, check.rule.metric), [0, 0])
                done[0] += check.ok
                done[1] += 1
    months = {(r.supervisor.name, c.rule.metric): [c.done, c.required] for r in semester.supervisors for c in r.checks
              if c.over_months}
    assert months == tally
    # September: no school yet (0 of 0, met); October: A1 visited by its responsible supervisor of the day;
    # November to January: A1 not visited
    assert months[("丙", "visits_per_assigned_school")] == [2, 5]


def test_the_province_office_sets_its_own_supervisors_rules_on_the_rules_page(quota_defaults, cast, client):
    hunan = Office.objects.get(region__code="43")
    client.force_login(cast.province_staff)
    page = client.get(reverse("visits:rules"), {"office": hunan.pk})
    html = page.content.decode()
    assert [level for level, _rules in page.context["in_force"]] == ["province", "city", "county"]
    assert dict(page.context["in_force"])["province"] == []  # none by default
    assert "省级督学（随访督导）不承担责任区配额" in html
    assert ("province", "省级督学（随访督导）") in [(k, str(v)) for k, v in page.context["form"].fields["zone_level"].choices]
    url = reverse("visits:rule_override", kwargs={"pk": hunan.pk})
    first = timezone.localdate().replace(day=1).isoformat()
    refused = client.post(url, {"zone_level": "province", "metric": "visits_to_city_direct", "period": "month",
                                "required": "1", "valid_from": first, "source": "测试"})
    assert refused.status_code == 400 and "只适用于市级责任区督学" in refused.content.decode()
    saved = client.post(url, {"zone_level": "province", "metric": "visits_per_supervisor", "period": "month",
                              "required": "2", "valid_from": first, "source": "湖南省教育督导办公室关于省级督学随访督导的通知"})
    assert saved.status_code == 302
    page = client.get(reverse("visits:rules"), {"office": hunan.pk})
    assert [(r.metric, r.required) for r in dict(page.context["in_force"])["province"]] == [("visits_per_supervisor", 2)]


def test_the_migration_adds_the_city_rule_once_where_the_defaults_are_installed(quota_defaults):
    """Databases installed before issue [6] get the 挂牌办法 rule for city zones (and only those with defaults)."""
    import importlib

    from django.apps import apps

    from dudao.visits.models import QuotaRule

    migration = importlib.import_module("dudao.visits.migrations.0003_compliance_province_level")
    city = QuotaRule.objects.filter(office=None, zone_level="city", metric="visits_per_assigned_school", period="month")
    city.delete()
    migration.add_city_rule(apps, None)
    migration.add_city_rule(apps, None)
    assert city.count() == 1 and city.get().required == 1
    migration.remove_city_rule(apps, None)
    assert not city.exists()
    QuotaRule.objects.filter(office=None).delete()
    migration.add_city_rule(apps, None)  # no national defaults installed: nothing added
    assert not city.exists()
