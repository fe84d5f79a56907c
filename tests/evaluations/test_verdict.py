"""The verdict by hand on the small county of tests/evaluations/world.py: every part and its reasons."""

from __future__ import annotations

from decimal import Decimal

from dudao.evaluations.checklist import dossier_checklist, missing_count
from dudao.evaluations.verdict import dossier_verdict


def _item(verdict, code):
    return next(r for p in verdict.parts for r in p.items if r.item.code == code)


def test_failing_case_every_part_and_why(failing):
    verdict = dossier_verdict(failing)
    status = {p.part: p.passes for p in verdict.parts}
    assert status == {"resources": False, "guarantee": False, "quality": True, "recognition": False,
                      "conditions": True, "veto": False}
    assert verdict.passes is False
    # computed from base data by hand
    g5, g9, g4, g12, g3 = (_item(verdict, c) for c in ("G5", "G9", "G4", "G12", "G3"))
    assert (g5.value, g5.met, g5.computed) == (Decimal("5"), False, True)
    assert "超出 5 个" in g5.reason
    assert (g9.value, g9.met) == (Decimal("97.50"), False)
    assert "培训完成率 97.5%（标准 ≥ 100%），低于标准 2.5%" in g9.reason
    assert (g4.value, g4.met, g12.value, g12.met, g3.value, g3.met) == (Decimal("0"), True, Decimal("100.00"), True, Decimal("0"), True)
    g7 = _item(verdict, "G7")  # no special school: typed in
    assert (g7.value, g7.met, g7.computed) == (Decimal("6500"), True, False)
    resources = verdict.part("resources")
    assert [s.verdict for s in resources.stages] == ["pass", "fail"]
    assert "初中 L3 差异系数 0.520，超过限值 0.45（超出 0.070）" in resources.reasons
    recognition = verdict.part("recognition")
    assert (recognition.recognition.rate, recognition.recognition.valid) == (Decimal("33.33"), 1)
    assert "认可比例 33.33%，低于 85% 达标线 51.67 个百分点" in recognition.reasons
    veto = verdict.part("veto")
    assert {r.item.code for r in veto.items if r.met is False} == {"V2", "V4"}
    c1 = _item(verdict, "C1")
    assert (c1.value, c1.met) == (Decimal("9"), True)  # 2025 − 2016


def test_passing_case(passing):
    verdict = dossier_verdict(passing)
    assert [p.passes for p in verdict.parts] == [True] * 6
    assert verdict.passes is True and verdict.reasons == []
    assert verdict.part("recognition").recognition.rate == Decimal("85.00")


def test_an_item_not_entered_leaves_the_verdict_open(passing, cast):
    passing.items.filter(code="Q8").delete()
    verdict = dossier_verdict(passing)
    assert verdict.part("quality").passes is None and verdict.passes is None
    assert any("Q8" in r and "尚未填报" in r for r in verdict.reasons)


def test_checklist_names_what_is_missing(failing):
    verdict = dossier_verdict(failing)
    checklist = dossier_checklist(verdict, basic_passed_on=failing.basic_passed_on)
    rows = {r.code: r for p in checklist for r in p.rows}
    # entered items without an upload miss their evidence; computed ones need none
    assert rows["G1"].missing == ["缺少佐证材料：县域义务教育学校布局规划及批复文件"]
    assert rows["G4"].missing == [] and rows["G9"].missing == []
    assert rows["C1"].missing == ["缺少佐证材料：基本均衡国家认定文件"]
    entered_with_evidence = sum(1 for p in checklist for r in p.rows if r.item and r.required and not r.missing)
    assert missing_count(checklist) == sum(1 for p in checklist for r in p.rows if r.missing)
    assert entered_with_evidence == 5  # G3 G4 G5 G9 G12: computed from base data


def test_basic_balance_has_its_own_parts(cast, surveys):
    """基本均衡 (§4.2): the provincial standard, the comprehensive CV (stored results), public satisfaction."""
    from django.utils import timezone

    from dudao.evaluations import services
    from dudao.monitoring.models import AreaResult
    from dudao.regions.models import Region

    county = Region.objects.get(code="430182")
    for stage, composite, verdict in (("primary", 0.41, "pass"), ("junior", 0.58, "fail")):
        AreaResult.objects.create(scheme="basic_2012", year=2026, stage=stage, region=county, level="county",
                                  region_code=county.code, school_count=2, students=900, composite_cv=composite,
                                  verdict=verdict, computed_at=timezone.now())
    d = services.dossier_create(by=cast.county_staff, region=county, kind="basic", year=2026)
    services.item_save(by=cast.county_staff, dossier=d, code="S1", value=Decimal("1"))
    verdict = dossier_verdict(d)
    assert [(p.part, p.passes) for p in verdict.parts] == [("standard", False), ("resources", False), ("recognition", None)]
    assert "未达省定办学基本标准的学校数 1 所（标准 ≤ 0 所），超出 1 所" in verdict.part("standard").reasons[0]
    assert "初中 综合差异系数 0.580，超过限值 0.55（超出 0.030）" in verdict.part("resources").reasons
    assert verdict.part("recognition").label == "公众满意度"  # no satisfaction survey in 2026: undecided
    assert verdict.passes is False


def test_the_survey_year_may_differ_from_the_monitoring_year(failing):
    """Surveys asked in the year of application: the 2026 survey (85.00 %) for the 2025 school year."""
    failing.survey_year = 2026
    failing.save()
    part = dossier_verdict(failing).part("recognition")
    assert (part.passes, part.recognition.rate, part.recognition.valid) == (True, Decimal("85.00"), 7)
    assert next(r for r in dossier_verdict(failing).part("veto").items if r.item.code == "V4").met is True
