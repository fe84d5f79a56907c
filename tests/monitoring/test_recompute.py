"""Stored monitoring results: recompute from base data, idempotence, background recompute on change.

Runs on SQLite and on PostgreSQL (DATABASE_URL=postgres://…). The numbers are checked against the
pure functions of indicators.py and, for one indicator, against the hand-worked example of
domain-rules §9.4 (宁乡 primaries: 1200 pupils at 5.0 ㎡, 300 at 3.0, 600 at 5.5, 100 at 8.0).
"""

from __future__ import annotations

import math
from decimal import Decimal

import pytest

from dudao.monitoring import indicators as ind
from dudao.monitoring.models import AreaResult, MonitoringRun, SchoolResult
from dudao.monitoring.services import (
    cv_contribution_details,
    cv_contributions,
    monitoring_after_import,
    monitoring_recompute,
    monitoring_recompute_daily,
    monitoring_request_recompute,
)
from dudao.regions.models import Region
from dudao.schools.models import SchoolYearData
from tests.factories import SchoolFactory, YearDataFactory

WORKED_CV = math.sqrt(45 / 44) / 5  # domain-rules §9.4: CV of 生均教学及辅助用房面积 = 0.2023


def _region(code: str) -> Region:
    return Region.objects.get(code=code)


@pytest.fixture
def county(cast):
    """宁乡 primaries shaped as the §9.4 example, plus schools each exclusion rule must report."""
    SchoolYearData.objects.filter(school=cast.A1, year=2025).update(
        students=1200, teaching_aux_area=Decimal(6000), key_teachers=12, teachers=60, teachers_bachelor=40,
        teachers_associate=20, equipment_value=Decimal(240), multimedia_rooms=30, sports_ground_area=Decimal(9600),
        pe_teachers=6, music_teachers=3, art_teachers=3, computers=120, teachers_mid_title=30)
    made = {}
    for name, students, area in (("宁乡测试乙小", 300, 900), ("宁乡测试丙小", 600, 3300), ("宁乡测试丁小", 100, 800)):
        school = SchoolFactory(name=name)
        YearDataFactory(school=school, students=students, teaching_aux_area=Decimal(area), key_teachers=students // 100,
                        teachers=students // 15, teachers_bachelor=students // 20, teachers_associate=students // 60,
                        equipment_value=Decimal(students * 2100) / 10000, multimedia_rooms=max(1, students * 24 // 1000),
                        sports_ground_area=Decimal(students * 8), pe_teachers=max(1, students // 200), music_teachers=0,
                        art_teachers=0, computers=students // 8,
                        teachers_mid_title=students // 40)
        made[name] = school
    point = SchoolFactory(name="宁乡测试教学点", kind="teaching_point")
    YearDataFactory(school=point, students=20, teaching_aux_area=Decimal(400))
    made["point"] = point
    empty = SchoolFactory(name="宁乡测试无数据小学")  # active primary, no 2025 row
    made["empty"] = empty
    unfilled = SchoolFactory(name="宁乡测试未填报小学")
    YearDataFactory(school=unfilled, students=250, **{f: 0 for f in ind.TEACHER_FIELDS + ind.PREMISES_FIELDS})
    made["unfilled"] = unfilled
    private = SchoolFactory(name="宁乡测试民办小学", ownership="private")
    YearDataFactory(school=private, students=500, teaching_aux_area=Decimal(2500))
    made["private"] = private
    # The factories saved rows one by one, which queued recompute requests (signals); in these
    # `db` tests on_commit never fires, so drop them and start each test from "nothing queued".
    assert MonitoringRun.objects.filter(status="queued", trigger="data_change").exists()
    MonitoringRun.objects.all().delete()
    return made


def _expected_county(scheme: str, stage: str, prefix: str, exclude: set[int]) -> dict[str, float | None]:
    """The county's CVs straight from the pure functions over the base data rows."""
    rows = SchoolYearData.objects.filter(year=2025, stage=stage, school__region_code__startswith=prefix).exclude(
        school_id__in=exclude)
    values, students = [], []
    for r in rows:
        data = {f: getattr(r, f) for f in ind.BASE_FIELDS}
        values.append(ind.indicator_values(data, stage=stage, scheme=scheme))
        students.append(r.students)
    out = {}
    for code in ind.get_scheme(scheme).codes:
        result = ind.cv_result([v[code] for v in values], students)
        out[code] = result.cv
    return out


def test_stored_values_equal_the_pure_functions(cast, county):
    run = monitoring_recompute(year=2025)
    assert run.status == "succeeded" and run.finished_at and run.counts["school_results"] > 0
    area = AreaResult.objects.get(scheme="quality_2017", year=2025, stage="primary", region_code="430182")
    assert area.level == "county"
    # L4 over A1, 乙, 丙, 丁 (+ the private school, counted in 优质均衡: 500 pupils at 5.0 ㎡, exactly X̄,
    # so it adds pupils but no deviation): X̄ = 13500 / 2700 = 5.0; terms 300·4, 600·0.25, 100·9 over
    # 2700 → Σ = 2250 / 2700 = 0.8333; S = 0.9129; CV = 0.1826.
    assert area.cv["L4"] == pytest.approx(math.sqrt(2250 / 2700) / 5, rel=1e-12)
    excluded = {county["point"].pk, county["unfilled"].pk}
    expected = _expected_county("quality_2017", "primary", "430182", excluded)
    assert area.cv == pytest.approx(expected)
    for result in SchoolResult.objects.filter(scheme="quality_2017", year=2025, stage="primary", region_code__startswith="430182"):
        row = SchoolYearData.objects.get(school_id=result.school_id, year=2025, stage="primary")
        data = {f: getattr(row, f) for f in ind.BASE_FIELDS}
        assert result.values == pytest.approx(ind.indicator_values(data, stage="primary")) or result.values == ind.indicator_values(data, stage="primary")
        if not result.excluded_reason:
            standards = ind.get_scheme("quality_2017").standards_for("primary")
            assert result.passes == ind.school_verdict(result.values, standards).passes
    # Basic balance leaves the private school out: the remaining four are exactly the §9.4 example.
    basic = AreaResult.objects.get(scheme="basic_2012", year=2025, stage="primary", region_code="430182")
    assert basic.cv["B1"] == pytest.approx(WORKED_CV, rel=1e-12)
    assert None not in basic.cv.values()
    assert basic.composite_cv == pytest.approx(sum(basic.cv.values()) / 8)
    assert basic.verdict == ("pass" if basic.composite_cv <= 0.65 else "fail")
    # 望城's factory rows have no computers at all: B4's mean is 0, so no composite and no verdict.
    wc = AreaResult.objects.get(scheme="basic_2012", year=2025, stage="primary", region_code="430112")
    assert wc.cv["B4"] is None and wc.data_filled["indicators"]["B4"]["status"] == "zero_mean"
    assert wc.composite_cv is None and wc.verdict == "insufficient"


def test_excluded_schools_are_reported_with_reasons(cast, county):
    monitoring_recompute(year=2025, region=_region("430182"))
    area = AreaResult.objects.get(scheme="quality_2017", year=2025, stage="primary", region_code="430182")
    reasons = {e["school_id"]: e["reason"] for e in area.excluded}
    assert reasons == {county["point"].pk: "teaching_point_small", county["empty"].pk: "no_year_data",
                       county["unfilled"].pk: "not_filled"}
    assert all(e["reason_label"] for e in area.excluded)
    point = SchoolResult.objects.get(school=county["point"], scheme="quality_2017")
    assert point.excluded_reason == "teaching_point_small" and point.passes is None
    assert point.values["L4"] == pytest.approx(400 / 20)  # shown, not counted
    unfilled = SchoolResult.objects.get(school=county["unfilled"], scheme="quality_2017")
    assert unfilled.excluded_reason == "not_filled" and unfilled.missing == ["L1", "L2", "L3", "L4", "L5", "L6", "L7"]
    assert area.school_count == 5 and area.data_filled["schools_expected"] == 8
    assert area.data_filled["schools_with_data"] == 7 and area.data_filled["last_data_update"]
    basic = AreaResult.objects.get(scheme="basic_2012", year=2025, stage="primary", region_code="430182")
    assert {e["school_id"]: e["reason"] for e in basic.excluded}[county["private"].pk] == "private"
    assert {e["school_id"]: e["reason"] for e in basic.excluded}[county["point"].pk] == "teaching_point"


def test_recompute_is_idempotent(cast, county):
    monitoring_recompute(year=2025)
    first = {(r.scheme, r.stage, r.school_id): (r.pk, r.values, r.met, r.passes, r.excluded_reason)
             for r in SchoolResult.objects.all()}
    areas = {(a.scheme, a.stage, a.region_code): (a.pk, a.cv, a.verdict, a.counties) for a in AreaResult.objects.all()}
    monitoring_recompute(year=2025)
    monitoring_recompute(year=2025, region=_region("430182"))
    assert {(r.scheme, r.stage, r.school_id): (r.pk, r.values, r.met, r.passes, r.excluded_reason)
            for r in SchoolResult.objects.all()} == first
    assert {(a.scheme, a.stage, a.region_code): (a.pk, a.cv, a.verdict, a.counties) for a in AreaResult.objects.all()} == areas
    assert MonitoringRun.objects.filter(status="succeeded").count() == 3


def test_city_and_province_summarise_their_counties(cast, county):
    monitoring_recompute(year=2025)
    counties = AreaResult.objects.filter(scheme="quality_2017", year=2025, stage="primary", level="county",
                                         region_code__startswith="4301")
    assert set(counties.values_list("region_code", flat=True)) == {"430182", "430112", "430181"}
    city = AreaResult.objects.get(scheme="quality_2017", year=2025, stage="primary", region_code="4301")
    assert city.level == "city" and city.counties["total"] == 3
    assert city.counties["pass"] + city.counties["fail"] + city.counties["insufficient"] == 3
    assert city.school_count == sum(c.school_count for c in counties)
    assert city.verdict == ("fail" if city.counties["fail"] else "pass" if city.counties["pass"] == 3 else "insufficient")
    # The city's CV is the CV over every counted school of the city (from county means and SDs).
    rows = SchoolResult.objects.filter(scheme="quality_2017", year=2025, stage="primary", region_code__startswith="4301",
                                       excluded_reason="")
    direct = ind.cv_result([r.values["L4"] for r in rows], [r.students for r in rows])
    assert city.cv["L4"] == pytest.approx(direct.cv, rel=1e-9)
    province = AreaResult.objects.get(scheme="quality_2017", year=2025, stage="primary", region_code="43")
    assert province.level == "province" and province.counties["total"] == 3
    # Beijing's school is in its own province, not in Hunan's.
    assert AreaResult.objects.filter(region_code="11", stage="primary", scheme="quality_2017").get().counties["total"] == 1
    # A county recompute refreshes the summaries above it.
    SchoolYearData.objects.filter(school=cast.C1, year=2025).delete()
    monitoring_recompute(year=2025, region=_region("430181"))
    city.refresh_from_db()
    assert city.school_count == sum(c.school_count for c in counties.all())


def test_deleted_base_data_removes_its_results(cast, county):
    monitoring_recompute(year=2025)
    gone = county["宁乡测试丁小"]
    assert SchoolResult.objects.filter(school=gone).count() == 2  # both schemes
    SchoolYearData.objects.filter(school=gone).delete()
    monitoring_recompute(year=2025, region=_region("430182"))
    assert not SchoolResult.objects.filter(school=gone).exists()
    area = AreaResult.objects.get(scheme="quality_2017", year=2025, stage="primary", region_code="430182")
    assert {e["school_id"]: e["reason"] for e in area.excluded}[gone.pk] == "no_year_data"
    # Without 丁 (100 pupils at 8.0) the basic L4 CV is over A1, 乙 and 丙 only: check against the formula.
    basic = AreaResult.objects.get(scheme="basic_2012", year=2025, stage="primary", region_code="430182")
    assert basic.cv["B1"] == pytest.approx(ind.coefficient_of_variation([5.0, 3.0, 5.5], [1200, 300, 600]))


def test_cv_contributions_add_up_and_rank(cast, county):
    monitoring_recompute(year=2025)
    basic = AreaResult.objects.get(scheme="basic_2012", year=2025, stage="primary", region_code="430182")
    parts = cv_contributions(basic, "B1")
    # §9.4 terms: A1 0, 乙 12/22, 丙 1.5/22, 丁 9/22 → 乙 first, then 丁, then 丙, then A1.
    assert [school.name for school, _ in parts] == ["宁乡测试乙小", "宁乡测试丁小", "宁乡测试丙小", cast.A1.name]
    assert math.fsum(share for _, share in parts) == pytest.approx(basic.cv["B1"])
    assert parts[0][1] == pytest.approx(WORKED_CV * 12 / 22.5)
    details = cv_contribution_details(basic, "B1")
    assert details[0].above_mean is False and details[1].above_mean is True
    assert math.fsum(d.percent for d in details) == pytest.approx(100)


def test_verdicts_follow_the_rules(cast, county):
    monitoring_recompute(year=2025)
    # Factory data: 3 key teachers per 600 pupils = 0.5 per 100, half the standard → schools fail.
    area = AreaResult.objects.get(scheme="quality_2017", year=2025, stage="junior", region_code="430182")
    a2 = SchoolResult.objects.get(school=cast.A2, scheme="quality_2017", stage="junior")
    assert a2.met["L2"] is False and a2.passes is False
    assert area.verdict == "fail" and area.schools_passing == 0
    assert area.cv["L1"] == 0.0 and area.data_filled["indicators"]["L1"]["status"] == "single_school"
    assert any("未达到单校标准" in r for r in area.data_filled["reasons"])


def test_failure_is_recorded_on_the_run(cast, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(ind, "evaluate_stage", broken)
    with pytest.raises(RuntimeError):
        monitoring_recompute(year=2025)
    run = MonitoringRun.objects.get(trigger="manual")
    assert run.status == "failed" and "boom" in run.error and run.finished_at
    assert not SchoolResult.objects.exists()  # nothing half-written


def test_saving_base_data_enqueues_one_debounced_recompute(cast, county, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        for students in (700, 710, 720):
            row = SchoolYearData.objects.get(school=cast.A1, year=2025, stage="primary")
            row.students = students
            row.save()
        other = SchoolYearData.objects.get(school=cast.C1, year=2025)
        other.students = 333
        other.save()
    runs = MonitoringRun.objects.filter(status="queued").order_by("pk")
    assert [(r.region.code, r.trigger) for r in runs] == [("430182", "data_change"), ("430181", "data_change")]
    assert len(callbacks) == 2  # three saves in 宁乡 share one request
    for callback in callbacks:
        callback()  # the immediate tasks backend runs the recompute now
    assert set(MonitoringRun.objects.values_list("status", flat=True)) == {"succeeded"}
    a1 = SchoolResult.objects.get(school=cast.A1, scheme="quality_2017")
    assert a1.students == 720
    # A request covering the county already queued (the whole province) absorbs new ones.
    with django_capture_on_commit_callbacks(execute=False):
        province = monitoring_request_recompute(year=2025, region_code="43")
        row = SchoolYearData.objects.get(school=cast.A1, year=2025, stage="primary")
        row.save()
    assert MonitoringRun.objects.filter(status="queued").get() == province


def test_deleting_base_data_enqueues_a_recompute(cast, county, django_capture_on_commit_callbacks):
    monitoring_recompute(year=2025)
    with django_capture_on_commit_callbacks(execute=True):
        SchoolYearData.objects.get(school=county["宁乡测试丁小"]).delete()
    assert not SchoolResult.objects.filter(school=county["宁乡测试丁小"]).exists()
    assert MonitoringRun.objects.filter(trigger="data_change", status="succeeded").exists()


def test_year_data_import_recomputes_once(cast, county, client, django_capture_on_commit_callbacks):
    from django.urls import reverse

    from dudao.imports.models import ImportJob
    from dudao.schools.importers import YearDataImporter
    from tests.imports.helpers import upload, xlsx_bytes

    header = [col.title for col in YearDataImporter.columns]

    def row(code, students):
        data = {col.title: 0 for col in YearDataImporter.columns}
        data.update({"学校标识码": code, "学年": 2025, "学段": "小学", "在校生数": students, "专任教师数": 30,
                     "本科学历教师": 30, "教学及辅助用房面积(㎡)": students * 6})
        return [data[h] for h in header]

    client.force_login(cast.county_staff)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("imports:new"), {"kind": "year_data", "file": upload(
            "年度.xlsx", xlsx_bytes(header, [row(cast.A1.code, 800), row(county["宁乡测试乙小"].code, 400)]))})
    assert ImportJob.objects.get().status == "succeeded"
    runs = MonitoringRun.objects.filter(trigger="import")
    assert [(r.region.code, r.status) for r in runs] == [("430182", "succeeded")]
    assert SchoolResult.objects.get(school=cast.A1, scheme="quality_2017").values["L4"] == pytest.approx(6.0)
    # The hook itself: a job that is not yearly data asks for nothing.
    job = ImportJob.objects.get()
    job.kind = "schools"
    assert monitoring_after_import(job=job, rows=[(cast.A1.pk, 2025, "primary")]) == []
    # Rows in two counties of 长沙市 in 2024, one county in 2023 → one request per year, covering them.
    job.kind = "year_data"
    MonitoringRun.objects.all().delete()
    with django_capture_on_commit_callbacks(execute=False):
        runs = monitoring_after_import(job=job, rows=[(cast.A1.pk, 2024, "primary"), (cast.B1.pk, 2024, "primary"),
                                                      (cast.A2.pk, 2023, "junior"), (cast.A3.pk, 2022, "preschool")])
    assert [(r.year, r.region.code) for r in runs] == [(2023, "430182"), (2024, "4301")]


def test_daily_job_recomputes_changed_years_only(cast, county):
    from dudao.core.schedule import get_job

    assert get_job("monitoring.recompute").path == "dudao.monitoring.services.monitoring_recompute_daily"
    assert monitoring_recompute_daily() == {"years": {"2025": SchoolResult.objects.count()}}
    assert monitoring_recompute_daily() == {"years": {}}
    SchoolYearData.objects.filter(school=cast.A1).update(students=999)  # bulk: no signal
    from django.utils import timezone

    SchoolYearData.objects.filter(school=cast.A1).update(updated_at=timezone.now())
    assert list(monitoring_recompute_daily()["years"]) == ["2025"]
    assert SchoolResult.objects.get(school=cast.A1, scheme="quality_2017").students == 999


def test_results_are_scoped_like_schools(cast, county):
    from tests.personas import EXPECTED

    monitoring_recompute(year=2025)
    names = {getattr(cast, key).pk: key for key in ("A1", "A2", "A3", "B1", "B2", "C1", "D1")}
    for persona, user in cast.personas().items():
        seen = {names[pk] for pk in SchoolResult.objects.visible_to(user).values_list("school_id", flat=True) if pk in names}
        expected = {s for s in EXPECTED[persona] if s != "A3"}  # A3 is a kindergarten: no result
        assert seen == expected, persona
    county_rows = set(AreaResult.objects.visible_to(cast.county_staff).values_list("region_code", flat=True))
    assert county_rows == {"430182"}
    assert set(AreaResult.objects.visible_to(cast.province_staff).values_list("region_code", flat=True)) >= {"43", "4301", "430182", "430112", "430181"}
    assert "11" not in set(AreaResult.objects.visible_to(cast.province_staff).values_list("region_code", flat=True))
    assert not AreaResult.objects.visible_to(cast.nobody).exists()
    assert MonitoringRun.objects.visible_to(cast.admin).count() == 1
    assert not MonitoringRun.objects.visible_to(cast.county_staff).exists()  # the national run is admin-only
