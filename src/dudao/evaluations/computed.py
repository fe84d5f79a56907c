"""Items computed from the platform's yearly base data (schools.SchoolYearData), not typed in.

Which items (items.py `computed`): G3 music and art rooms, G4 school size, G5 class size, G7
special-education funding, G9 360-hour training, G12 teacher certificates (all from the county's
yearly school data of the dossier's year), C1 years since basic balance (from the date on the
dossier). Each function answers `Computed(value, value2, met, detail)`: `met` None when the data
cannot decide (no rows; G5 junior classes of 46–55 pupils, which the data does not split at 50).

Schools counted: the county's active compulsory-education schools (primary, junior, 9-year,
12-year, complete secondary — their junior section — and 教学点), all of them as the national
statistics list them (domain-rules §4.1 "all compulsory-education schools"); G7 reads the
special-education schools.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from dudao.evaluations.models import Dossier

COMPULSORY_KINDS = ("primary", "junior", "nine_year", "twelve_year", "complete_secondary", "teaching_point")
COMPULSORY_STAGES = ("primary", "junior")
SIZE_LIMIT, SIZE_LIMIT_THROUGH = 2000, 2500  # G4: 9-year and 12-year schools 2500
MUSIC_ROOM_AREA, ART_ROOM_AREA, CLASSES_PER_ROOM = Decimal("96"), Decimal("90"), 12  # G3
DETAIL_ROWS = 50  # schools named in a detail (the count is always whole)


@dataclass
class Computed:
    value: Decimal | None
    met: bool | None
    value2: Decimal | None = None
    detail: dict = field(default_factory=dict)


def _pct(part: int, whole: int) -> Decimal | None:
    if not whole:
        return None
    return (Decimal(part) * 100 / Decimal(whole)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


def _rows(dossier: Dossier, *, kinds=COMPULSORY_KINDS, stages=COMPULSORY_STAGES):
    from dudao.schools.models import SchoolYearData

    return (SchoolYearData.objects
            .filter(year=dossier.year, stage__in=stages, school__region_code__startswith=dossier.region.code,
                    school__is_active=True, school__kind__in=kinds)
            .select_related("school").order_by("school__name", "school_id", "stage"))


def _named(rows: list[dict]) -> list[dict]:
    return rows[:DETAIL_ROWS]


def school_size(dossier: Dossier) -> Computed:
    """G4: schools whose primary + junior pupils (9-year and 12-year: all sections) exceed the limit."""
    from dudao.schools.models import SchoolYearData

    totals: dict[int, int] = defaultdict(int)
    schools = {}
    rows = (SchoolYearData.objects.filter(year=dossier.year, school__region_code__startswith=dossier.region.code,
                                          school__is_active=True, school__kind__in=COMPULSORY_KINDS)
            .select_related("school"))
    for row in rows:
        through = row.school.kind in ("nine_year", "twelve_year")
        if through or row.stage in COMPULSORY_STAGES:
            totals[row.school_id] += row.students
            schools[row.school_id] = row.school
    if not schools:
        return Computed(None, None, detail={"reason": _("该年度没有义务教育学校的基础数据。")})
    over = []
    for pk, students in totals.items():
        school = schools[pk]
        limit = SIZE_LIMIT_THROUGH if school.kind in ("nine_year", "twelve_year") else SIZE_LIMIT
        if students > limit:
            over.append({"school": school.name, "students": students, "limit": limit, "over": students - limit})
    over.sort(key=lambda r: -r["over"])
    return Computed(Decimal(len(over)), not over, detail={"schools": len(schools), "failing": _named(over)})


def class_size(dossier: Dossier) -> Computed:
    """G5: primary classes over 45 (the bands 46–55, 56–65, 66+) and junior classes over 50 (56–65, 66+;
    the 46–55 band cannot be split at 50, so junior classes in it leave the item undecided)."""
    over, unsure, rows_seen = [], 0, 0
    for row in _rows(dossier):
        rows_seen += 1
        if row.stage == "primary":
            count = row.classes_46_55 + row.classes_56_65 + row.classes_66_plus
            doubtful = 0
        else:
            count = row.classes_56_65 + row.classes_66_plus
            doubtful = row.classes_46_55
        unsure += doubtful
        if count:
            over.append({"school": row.school.name, "stage": row.get_stage_display(), "classes": count})
    if not rows_seen:
        return Computed(None, None, detail={"reason": _("该年度没有义务教育学校的基础数据。")})
    total = sum(r["classes"] for r in over)
    over.sort(key=lambda r: -r["classes"])
    met: bool | None = False if total else (None if unsure else True)
    detail = {"failing": _named(over), "junior_46_55": unsure}
    if met is None:
        detail["reason"] = _("初中有 %(n)s 个 46—55 人的班级，基础数据无法判断是否超过 50 人，请人工核实。") % {"n": unsure}
    return Computed(Decimal(total), met, detail=detail)


def art_rooms(dossier: Dossier) -> Computed:
    """G3: each school has ≥ ⌈classes ÷ 12⌉ (at least 1) music rooms and art rooms, of ≥ 96 / 90 ㎡.

    The yearly data's room area is read as the area of one room (the yearly form records it per
    room, as the demo data does)."""
    classes: dict[int, int] = defaultdict(int)
    first: dict[int, object] = {}
    for row in _rows(dossier):
        classes[row.school_id] += row.classes
        first.setdefault(row.school_id, row)  # rooms are the school's, on its first section's row
    if not first:
        return Computed(None, None, detail={"reason": _("该年度没有义务教育学校的基础数据。")})
    failing = []
    for pk, row in first.items():
        need = max(1, math.ceil(classes[pk] / CLASSES_PER_ROOM))
        problems = []
        if row.music_rooms < need:
            problems.append(_("音乐教室 %(have)s 间，应 ≥ %(need)s 间") % {"have": row.music_rooms, "need": need})
        elif row.music_room_area < MUSIC_ROOM_AREA:
            problems.append(_("音乐教室 %(a)s ㎡，应 ≥ 96 ㎡") % {"a": row.music_room_area})
        if row.art_rooms < need:
            problems.append(_("美术教室 %(have)s 间，应 ≥ %(need)s 间") % {"have": row.art_rooms, "need": need})
        elif row.art_room_area < ART_ROOM_AREA:
            problems.append(_("美术教室 %(a)s ㎡，应 ≥ 90 ㎡") % {"a": row.art_room_area})
        if problems:
            failing.append({"school": row.school.name, "problems": "；".join(problems)})
    return Computed(Decimal(len(failing)), not failing, detail={"schools": len(first), "failing": _named(failing)})


def special_funding(dossier: Dossier) -> Computed:
    """G7: the lowest per-student public funding among the county's special-education schools."""
    rows = list(_rows(dossier, kinds=("special_education",), stages=("special",)))
    if not rows:
        return Computed(None, None, detail={"reason": _("该年度没有特殊教育学校的基础数据，请填写说明。")})
    lowest = min(rows, key=lambda r: r.public_funding)
    value = Decimal(lowest.public_funding)
    return Computed(value, value >= Decimal("6000"),
                    detail={"schools": len(rows), "lowest": {"school": lowest.school.name, "funding": str(value)}})


def _teacher_rate(dossier: Dossier, field_name: str) -> Computed:
    teachers = done = 0
    for row in _rows(dossier):
        teachers += row.teachers
        done += getattr(row, field_name)
    rate = _pct(done, teachers)
    if rate is None:
        return Computed(None, None, detail={"reason": _("该年度没有专任教师数据。")})
    return Computed(rate, done >= teachers, detail={"teachers": teachers, "done": done, "short": teachers - done})


def training(dossier: Dossier) -> Computed:
    """G9: teachers with 360 hours in 5 years ÷ full-time teachers."""
    return _teacher_rate(dossier, "teachers_trained_360h")


def certified(dossier: Dossier) -> Computed:
    """G12: teachers holding a teacher certificate ÷ full-time teachers."""
    return _teacher_rate(dossier, "certified_teachers")


def since_basic(dossier: Dossier) -> Computed:
    """C1: full calendar years from the basic-balance recognition to the dossier's year."""
    if dossier.basic_passed_on is None:
        return Computed(None, None, detail={"reason": _("请填写通过基本均衡国家认定的日期。")})
    years = dossier.year - dossier.basic_passed_on.year
    return Computed(Decimal(years), years >= 3, detail={"passed_on": dossier.basic_passed_on.isoformat()})


COMPUTATIONS = {
    "school_size": school_size, "class_size": class_size, "art_rooms": art_rooms,
    "special_funding": special_funding, "training": training, "certified": certified, "since_basic": since_basic,
}
