"""Shared set-up of the dashboard tests: the persona cast plus a few 宁乡 schools whose base data
make some schools fail, then one recompute so the stored results exist (dashboards read only those)."""

from __future__ import annotations

from decimal import Decimal

from dudao.monitoring.models import MonitoringRun
from dudao.monitoring.services import monitoring_recompute
from dudao.schools.models import SchoolYearData
from tests.factories import SchoolFactory, YearDataFactory

YEAR = 2025


SCALED = ("classes", "classes_upto_45", "teachers", "teachers_bachelor", "teachers_associate", "key_teachers",
          "pe_teachers", "music_teachers", "art_teachers", "teaching_aux_area", "sports_ground_area", "equipment_value",
          "multimedia_rooms", "books", "computers", "teachers_mid_title", "teachers_senior_title", "teachers_junior_title",
          "teachers_age_under_30", "teachers_age_30_39", "teachers_age_40_49", "teachers_age_50_plus")


def good_primary(students: int = 600, **over) -> dict:
    """A primary section meeting all seven 优质均衡 standards with room to spare, at the same per-pupil
    values whatever its size: L1 6.67, L2 1.33, L3 1.33, L4 5.0 ㎡, L5 10 ㎡, L6 2500 元, L7 2.67."""
    base = dict(
        classes=14, classes_upto_45=14, teachers=40, teachers_bachelor=30, teachers_associate=10, key_teachers=8,
        pe_teachers=4, music_teachers=2, art_teachers=2, teaching_aux_area=3000, sports_ground_area=6000,
        equipment_value=150, multimedia_rooms=16, books=18000, computers=80, teachers_mid_title=15,
        teachers_senior_title=5, teachers_junior_title=20, teachers_age_under_30=10, teachers_age_30_39=12,
        teachers_age_40_49=10, teachers_age_50_plus=8,
    )
    k = students / 600
    data = {name: (Decimal(str(round(v * k, 2))) if isinstance(v, float) or name in {"teaching_aux_area", "sports_ground_area", "equipment_value"}
                   else round(v * k)) for name, v in base.items()}
    data.update(students=students, classes_46_55=0, classes_56_65=0, classes_66_plus=0, indoor_sports_area=Decimal(0),
                teachers_postgraduate=0, teachers_below_associate=0)
    data.update(over)
    return data


def build(cast) -> dict:
    """宁乡 (430182) primaries: A1 meets everything; 宁乡测试二小 misses L2, L3 (below 85 %) and L7
    (87 %) → fails; 宁乡测试三小 misses only L4 but at 80 % of its standard → fails (the rest rule).
    A1 and 二小 have large classes. A2 is a junior school; 望城 (B1, B2) and 浏阳 (C1) keep the
    factory data. Then one recompute of 2025 everywhere."""
    SchoolYearData.objects.filter(school=cast.A1, year=YEAR, stage="primary").update(**good_primary(
        600, classes_upto_45=8, classes_46_55=3, classes_56_65=2, classes_66_plus=1))
    second = SchoolFactory(name="宁乡测试二小", region=cast.A1.region)
    YearDataFactory(school=second, year=YEAR, stage="primary", **good_primary(
        1200, key_teachers=6, pe_teachers=4, music_teachers=2, art_teachers=2, multimedia_rooms=24,
        classes_upto_45=18, classes_46_55=6, classes_56_65=3, classes_66_plus=1,
        teachers_age_under_30=3, teachers_age_30_39=17, teachers_age_40_49=30, teachers_age_50_plus=30))
    third = SchoolFactory(name="宁乡测试三小", region=cast.A1.region)
    # L4 standard 4.5 ㎡: 300 pupils × 3.6 ㎡ = 1080 ㎡ → 80 % (below the 85 % floor).
    YearDataFactory(school=third, year=YEAR, stage="primary", **good_primary(300, teaching_aux_area=Decimal(1080)))
    MonitoringRun.objects.all().delete()
    monitoring_recompute(year=YEAR)
    return {"second": second, "third": third}
