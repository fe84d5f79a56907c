"""A province-scale dataset: every county and township of Hunan (43) and Hubei (42).

The shapes follow the 长沙市 demo (dudao/demo/build.py): each township gets a centre primary
school (中心小学), a centre kindergarten, a junior middle school and village primaries, each county
its county-level schools. Yearly numbers are invented but internally consistent, so that the same
generator feeds both the database and the import file (the importer checks the sums).
Deterministic: a fixed seed gives the same schools on every run.
"""

from __future__ import annotations

import random
from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.db import connection
from django.utils import timezone

from dudao.demo.build import VILLAGE_WORDS, short
from dudao.regions.models import Region, RegionLevel
from dudao.schools.models import (
    STAGES_OF_KIND,
    YEAR_DATA_FIELDS,
    Locality,
    Ownership,
    School,
    SchoolKind,
    SchoolYearData,
)
from dudao.schools.pinyin import initials

PROVINCES = ("43", "42")
# Rough province centres (longitude, latitude) for plausible coordinates.
CENTRES = {"43": (111.7, 27.6), "42": (112.3, 30.9)}
SEED_YEARS = (2023, 2024)  # yearly data stored with the dataset
SURNAMES = "王李张刘陈杨黄赵周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆"
GIVEN = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华慧巧美建国红梅志刚玉兰海燕德胜春花晓东文斌"


@dataclass(frozen=True)
class Section:
    """One stage section (学段) of a school: the unit of yearly data."""

    school_id: int
    code: str
    kind: str
    locality: str
    stage: str


class SchoolPlanner:
    """Collects the schools of one run; names are unique, codes are county code + sequence."""

    def __init__(self, rng: random.Random):
        self.rng = rng
        self.schools: list[School] = []
        self.names: set[str] = set()
        self.sequence: dict[str, int] = defaultdict(int)

    def add(self, name: str, kind: str, region: Region, county: Region, *, locality: str = Locality.URBAN,
            ownership: str = Ownership.PUBLIC, boarding: bool = False) -> None:
        if name in self.names:
            return
        self.names.add(name)
        self.sequence[county.code] += 1
        rng = self.rng
        lng, lat = CENTRES[county.code[:2]]
        self.schools.append(School(
            # 6-digit county code + 4-digit sequence: unique 10-digit 学校标识码.
            code=f"{county.code}{self.sequence[county.code]:04d}",
            name=name, name_initials=initials(name),  # bulk_create bypasses School.save()
            kind=kind, ownership=ownership, locality=locality,
            region=region, region_code=region.code,
            address=f"{region.name}{rng.choice(VILLAGE_WORDS)}路{rng.randint(1, 399)}号",
            longitude=Decimal(f"{lng + rng.uniform(-2, 2):.6f}"), latitude=Decimal(f"{lat + rng.uniform(-1.5, 1.5):.6f}"),
            head_name=rng.choice(SURNAMES) + "".join(rng.choice(GIVEN) for _ in range(rng.choice((1, 2)))),
            phone=f"0{rng.randint(710, 739)}-{rng.randint(2000000, 8999999)}",
            is_boarding=boarding, is_county_run=ownership == Ownership.PUBLIC,
        ))

    def county(self, county: Region, towns: list[Region]) -> None:
        rng, cname = self.rng, county.name
        seat = towns[0] if towns else county
        # County-level schools (县直).
        for i, label in enumerate(("第一中学", "第二中学", "第三中学", "第四中学")):
            self.add(f"{cname}{label}", SchoolKind.SENIOR if i < 2 else SchoolKind.COMPLETE_SECONDARY, seat, county, boarding=True)
        for label, kind in (("职业中专学校", SchoolKind.VOCATIONAL), ("特殊教育学校", SchoolKind.SPECIAL_EDUCATION),
                            ("实验小学", SchoolKind.PRIMARY), ("实验中学", SchoolKind.JUNIOR), ("城北小学", SchoolKind.PRIMARY),
                            ("城南小学", SchoolKind.PRIMARY), ("机关幼儿园", SchoolKind.KINDERGARTEN)):
            self.add(f"{cname}{label}", kind, seat, county)
        for label, kind in (("博雅学校", SchoolKind.NINE_YEAR), ("外国语学校", SchoolKind.NINE_YEAR), ("英才学校", SchoolKind.TWELVE_YEAR)):
            self.add(f"{cname}{label}", kind, seat, county, ownership=Ownership.PRIVATE, boarding=True)
        for town in towns:
            s = short(town.name)
            if town.name.endswith("街道"):
                self.add(f"{cname}{s}小学", SchoolKind.PRIMARY, town, county)
                self.add(f"{cname}{s}第二小学", SchoolKind.PRIMARY, town, county)
                if rng.random() < 0.6:
                    self.add(f"{cname}{s}中学", SchoolKind.JUNIOR, town, county)
                else:
                    self.add(f"{cname}{s}学校", SchoolKind.NINE_YEAR, town, county)
                self.add(f"{cname}{s}幼儿园", SchoolKind.KINDERGARTEN, town, county)
                if rng.random() < 0.5:
                    name = rng.choice(("贝贝", "童乐", "小天使", "金太阳", "启航"))
                    self.add(f"{cname}{s}{name}幼儿园", SchoolKind.KINDERGARTEN, town, county, ownership=Ownership.PRIVATE)
                continue
            unit = "镇" if town.name.endswith("镇") else "乡"
            self.add(f"{cname}{s}{unit}中心小学", SchoolKind.PRIMARY, town, county, locality=Locality.TOWN)
            self.add(f"{cname}{s}{unit}中心幼儿园", SchoolKind.KINDERGARTEN, town, county, locality=Locality.TOWN)
            kind = SchoolKind.JUNIOR if rng.random() < 0.8 else SchoolKind.NINE_YEAR
            self.add(f"{cname}{s}{'中学' if kind == SchoolKind.JUNIOR else '学校'}", kind, town, county,
                     locality=Locality.TOWN, boarding=True)
            villages = rng.sample(VILLAGE_WORDS, 6)
            for village in villages[: rng.choice((2, 3, 3, 4))]:
                self.add(f"{cname}{s}{unit}{village}小学", SchoolKind.PRIMARY, town, county, locality=Locality.RURAL)
            if rng.random() < 0.4:
                self.add(f"{cname}{s}{villages[4]}教学点", SchoolKind.TEACHING_POINT, town, county, locality=Locality.RURAL)
            if rng.random() < 0.3:
                self.add(f"{cname}{s}{villages[5]}幼儿园", SchoolKind.KINDERGARTEN, town, county,
                         locality=Locality.RURAL, ownership=Ownership.PRIVATE)


def create_schools(seed: int = 2026) -> list[School]:
    """Plan and insert the schools of PROVINCES; returns them with their primary keys."""
    planner = SchoolPlanner(random.Random(seed))
    regions = list(Region.objects.filter(code__regex=rf"^({'|'.join(PROVINCES)})").order_by("code"))
    towns: dict[int, list[Region]] = defaultdict(list)
    for region in regions:
        if region.level == RegionLevel.TOWNSHIP and "管理" not in region.name:
            towns[region.parent_id].append(region)
    for county in (r for r in regions if r.level == RegionLevel.COUNTY):
        planner.county(county, towns[county.pk])
    now = timezone.now()
    for school in planner.schools:
        school.created_at = school.updated_at = now
    # PostgreSQL returns the new ids from bulk_create.
    return School.objects.bulk_create(planner.schools, batch_size=5000)


def sections_of(schools: list[School]) -> list[Section]:
    return [Section(s.pk, s.code, s.kind, s.locality, stage) for s in schools for stage in STAGES_OF_KIND[s.kind]]


def year_values(rng: random.Random, section: Section, stage_count: int) -> list:
    """Consistent numbers for one stage section and year, in YEAR_DATA_FIELDS order.

    Guaranteed: the class bands sum to `classes`; degrees, titles and ages sum to `teachers`;
    key/PE/music/art/certified teachers never exceed `teachers` (the importer's checks).
    """
    kind, urban, rural = section.kind, section.locality == Locality.URBAN, section.locality == Locality.RURAL
    if kind == SchoolKind.TEACHING_POINT:
        students = rng.randint(8, 45)
    elif kind in {SchoolKind.SENIOR, SchoolKind.COMPLETE_SECONDARY, SchoolKind.TWELVE_YEAR, SchoolKind.VOCATIONAL}:
        students = rng.randint(1500, 4200)
    elif kind == SchoolKind.SPECIAL_EDUCATION:
        students = rng.randint(60, 260)
    elif kind == SchoolKind.KINDERGARTEN:
        students = rng.randint(60, 420)
    else:
        students = rng.randint(40, 320) if rural else rng.randint(900, 3200) if urban else rng.randint(450, 1600)
    students = max(5, students // stage_count)
    size = {SchoolKind.KINDERGARTEN: 30, SchoolKind.SPECIAL_EDUCATION: 10}.get(kind, 28 if rural else 44 if not urban else 52)
    size = max(4.0, rng.gauss(size, 4))
    classes = max(1, round(students / size))
    # Split the classes over the four size bands around the average class size.
    bands = [0, 0, 0, 0]
    for _ in range(classes):
        n = rng.gauss(students / classes, 5)
        bands[0 if n <= 45 else 1 if n <= 55 else 2 if n <= 65 else 3] += 1
    teachers = max(2, round(students / (11 if rural else 14 if not urban else 18) * rng.uniform(0.85, 1.1)))

    def split(total: int, *shares: float) -> list[int]:
        """`total` split into len(shares)+1 parts that sum to it."""
        parts, left = [], total
        for share in shares:
            part = min(left, int(total * share))
            parts.append(part)
            left -= part
        return [*parts, left]

    degrees = split(teachers, rng.uniform(0.02, 0.1), rng.uniform(0.5, 0.75), rng.uniform(0.1, 0.3))
    titles = split(teachers, rng.uniform(0.05, 0.25), rng.uniform(0.3, 0.5))
    ages = split(teachers, rng.uniform(0.1, 0.3), rng.uniform(0.2, 0.3), rng.uniform(0.2, 0.3))
    poor = rural and rng.random() < 0.5
    pe, music, art = (min(teachers, round(students / per * rng.uniform(0.6, 1.3))) for per in
                      ((900, 1500, 1500) if poor else (300, 450, 450)))
    values = {
        "students": students, "classes": classes,
        "classes_upto_45": bands[0], "classes_46_55": bands[1], "classes_56_65": bands[2], "classes_66_plus": bands[3],
        "teachers": teachers,
        "teachers_postgraduate": degrees[0], "teachers_bachelor": degrees[1],
        "teachers_associate": degrees[2], "teachers_below_associate": degrees[3],
        "teachers_senior_title": titles[0], "teachers_mid_title": titles[1], "teachers_junior_title": titles[2],
        "teachers_age_under_30": ages[0], "teachers_age_30_39": ages[1], "teachers_age_40_49": ages[2],
        "teachers_age_50_plus": ages[3],
        "key_teachers": int(teachers * rng.uniform(0.02, 0.12)),
        "pe_teachers": pe, "music_teachers": music, "art_teachers": art,
        "certified_teachers": teachers - (1 if rural and rng.random() < 0.2 else 0),
        "teachers_trained_360h": int(teachers * rng.uniform(0.85, 1.0)),
        "teaching_aux_area": _money(students * rng.uniform(3.2, 9.5)),
        "indoor_sports_area": _money(0 if rural else students * rng.uniform(0.1, 0.4)),
        "sports_ground_area": _money(students * rng.uniform(3.0, 16.0)),
        "equipment_value": _money(students * rng.uniform(700, 4200) / 10000),
        "multimedia_rooms": round(classes * rng.uniform(0.2, 1.1)),
        "music_rooms": 0 if poor else max(1, classes // 12),
        "music_room_area": _money(0 if poor else rng.uniform(80, 120)),
        "art_rooms": 0 if poor else max(1, classes // 12),
        "art_room_area": _money(0 if poor else rng.uniform(75, 110)),
        "books": int(students * rng.uniform(18, 42)),
        "computers": int(students * rng.uniform(0.05, 0.2)),
        "public_funding": _money(rng.uniform(650, 900) if section.stage == "primary" else rng.uniform(850, 1200)),
    }
    return [values[name] for name in YEAR_DATA_FIELDS]


def _money(value: float) -> Decimal:
    return Decimal(f"{value:.2f}")


def stage_counts(sections: list[Section]) -> dict[int, int]:
    counts: dict[int, int] = defaultdict(int)
    for section in sections:
        counts[section.school_id] += 1
    return counts


def create_year_data(sections: list[Section], years: tuple[int, ...] = SEED_YEARS, seed: int = 2027) -> int:
    """COPY one row per section and year into SchoolYearData; returns the row count."""
    rng = random.Random(seed)
    per_school = stage_counts(sections)
    now = timezone.now()
    table = SchoolYearData._meta.db_table
    columns = ", ".join(["school_id", "year", "stage", *YEAR_DATA_FIELDS, "created_at", "updated_at"])
    count = 0
    with connection.cursor() as cursor:
        with cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
            for year in years:
                for section in sections:
                    copy.write_row((section.school_id, year, section.stage,
                                    *year_values(rng, section, per_school[section.school_id]), now, now))
                    count += 1
    return count
