"""A small county evaluation checked by hand (the evaluations tests share it).

宁乡市 (430182) of the cast, schools A1 (primary, 600 pupils) and A2 (junior, 600 pupils).

Year 2025 — the failing case:
  G5 class size: A1 primary classes 46–55: 3, 56–65: 1 → 4 over 45; A2 junior 56–65: 1 → 1 over 50
     (its 3 classes of 46–55 cannot be split, but the item already fails): 5 classes → fails, "超出 5 个".
  G9 training: A1 40 of 40, A2 38 of 40 → 78 / 80 = 97.50 % < 100 % → fails, "低于标准 2.5%".
  G4 school size: 600 and 600 ≤ 2000 → 0 schools over → passes. G12 certificates 80 / 80 = 100 % passes.
  G3 rooms: 12 classes each → need 1 music and 1 art room; each has 1 of 96 / 90 ㎡ → passes.
  G7: no special-education school → not computed; entered 6500 元 ≥ 6000 → passes.
  Resources (stored monitoring results): primary pass; junior fail — L3 CV 0.52 > 0.45 (by 0.070).
  Recognition: the surveys world's 2025 survey, 1 of 3 satisfied = 33.33 % < 85 → fails; V4 applies.
  V2 违规择校 entered "yes" → the veto applies.
Year 2026 — the passing case: every class ≤ 45 / ≤ 50, all teachers trained and certified, both stages
  pass the monitoring, recognition 85.00 % (the surveys world's 2026 survey), every item entered as met.
"""

from __future__ import annotations

from decimal import Decimal

from django.utils import timezone

from dudao.evaluations import services
from dudao.evaluations.items import JUDGEMENT, VETO, item_defs
from dudao.monitoring.models import AreaResult
from dudao.regions.models import Region
from tests.factories import YearDataFactory

FAILING_YEAR, PASSING_YEAR = 2025, 2026


def year_data(cast, year: int, *, passing: bool) -> None:
    common = {"students": 600, "classes": 12, "teachers": 40, "certified_teachers": 40, "music_rooms": 1,
              "music_room_area": Decimal("96"), "art_rooms": 1, "art_room_area": Decimal("90")}
    for school, stage in ((cast.A1, "primary"), (cast.A2, "junior")):
        row = YearDataFactory(school=school, year=year, stage=stage)
        for name, value in common.items():
            setattr(row, name, value)
        if passing:
            row.classes_upto_45, row.classes_46_55, row.classes_56_65, row.classes_66_plus = 12, 0, 0, 0
            row.teachers_trained_360h = 40
        else:
            row.classes_upto_45, row.classes_46_55, row.classes_56_65, row.classes_66_plus = 8, 3, 1, 0
            row.teachers_trained_360h = 40 if school == cast.A1 else 38
        row.save()


def monitoring(year: int, *, junior_passes: bool) -> None:
    county = Region.objects.get(code="430182")
    for stage, verdict, cv, ok in (("primary", "pass", 0.31, True),
                                   ("junior", "pass" if junior_passes else "fail", 0.40 if junior_passes else 0.52, junior_passes)):
        AreaResult.objects.update_or_create(
            scheme="quality_2017", year=year, stage=stage, region=county,
            defaults={"level": "county", "region_code": county.code, "school_count": 1, "schools_passing": 1,
                      "students": 600, "cv": {"L3": cv}, "cv_pass": {"L3": ok}, "verdict": verdict,
                      "computed_at": timezone.now()})


def fill_all(dossier, by, *, veto_code: str = "") -> None:
    """Enter every item that is not computed: judgements met, numbers at their thresholds, vetoes "no"."""
    entered = {e.code for e in dossier.items.filter(computed=True)}
    for item in item_defs(dossier.kind):
        if item.computed == "recognition" or item.code in entered or item.code == "C1":
            continue
        if item.rule == VETO:
            services.item_save(by=by, dossier=dossier, code=item.code, met=item.code == veto_code, note="经核查")
        elif item.rule == JUDGEMENT:
            services.item_save(by=by, dossier=dossier, code=item.code, met=True)
        else:
            value = item.threshold if item.rule != "lt" else item.threshold - Decimal("0.01")
            if item.code == "G7":
                value = Decimal("6500")
            value2 = item.second.threshold if item.second is not None else None
            services.item_save(by=by, dossier=dossier, code=item.code, value=value, value2=value2)


def county_dossier(cast, year: int, *, passing: bool):
    import datetime as dt

    year_data(cast, year, passing=passing)
    monitoring(year, junior_passes=passing)
    dossier = services.dossier_create(by=cast.county_staff, region=Region.objects.get(code="430182"), kind="quality",
                                      year=year, basic_passed_on=dt.date(2016, 11, 1))
    fill_all(dossier, cast.county_staff, veto_code="" if passing else "V2")
    return dossier
