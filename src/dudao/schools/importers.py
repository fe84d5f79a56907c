"""Excel/CSV importers of the school registry and of yearly base data (used by dudao.imports).

Each importer knows its columns, checks a parsed row against the database and the importing
user's write scope, and writes all rows in one go. The engine (imports/services.py) runs them
all-or-nothing: one error anywhere and nothing is written.
"""

from __future__ import annotations

import operator
from collections.abc import Sequence
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import connection, models
from django.utils import timezone

from dudao.access import school_q
from dudao.core import columns as c
from dudao.regions.models import Region
from dudao.schools.models import (
    STAGES_OF_KIND,
    YEAR_DATA_FIELDS,
    Locality,
    Ownership,
    School,
    SchoolKind,
    SchoolYearData,
    Stage,
)
from dudao.schools.pinyin import initials

if TYPE_CHECKING:
    from dudao.people.models import User

RowProblem = tuple[str, str]  # (column title, message)


def _labels(enum) -> dict[str, str]:
    return {m.value: str(m.label) for m in enum}


class SchoolImporter:
    kind = "schools"
    sheet_name = "学校名录"
    columns: list[c.Column] = [
        c.Column("code", "学校标识码", c.digits(10), required=True, example="3143004321", help="10位数字，请把该列设为文本格式"),
        c.Column("name", "学校名称", c.text(100), required=True, example="宁乡市城郊街道中心小学"),
        c.Column("kind", "办学类型", c.choice(_labels(SchoolKind)), required=True, example="小学",
                 help="、".join(_labels(SchoolKind).values())),
        c.Column("ownership", "举办者", c.choice(_labels(Ownership)), example="公办", help="公办、民办；空白视为公办"),
        c.Column("locality", "城乡类型", c.choice(_labels(Locality)), example="镇区", help="城区、镇区、乡村；空白视为城区"),
        c.Column("region_code", "区划代码", c.region_code, required=True, example="430182001",
                 help="所在县（6位）或乡镇街道（9位）代码，见“区划代码”工作表"),
        c.Column("address", "地址", c.text(200), example="宁乡市城郊街道××路1号"),
        c.Column("longitude", "经度", c.optional_decimal(minimum=73, maximum=136), example="112.5512"),
        c.Column("latitude", "纬度", c.optional_decimal(minimum=3, maximum=54), example="28.2778"),
        c.Column("head_name", "校长（园长）", c.text(32), example="张××", aliases=("校长", "园长")),
        c.Column("phone", "联系电话", c.text(32), example="0731-87812345"),
        c.Column("is_boarding", "寄宿制", c.boolean, example="否"),
        c.Column("is_city_direct", "市直学校", c.boolean, example="否"),
    ]
    defaults = {"ownership": Ownership.PUBLIC, "locality": Locality.URBAN}

    def __init__(self, user: User):
        self.user = user
        self.seen: dict[str, int] = {}
        self.region_ids: dict[str, int | None] = {}
        self.existing: dict[str, tuple[int, bool]] = {}
        self.to_create: list[dict] = []
        self.to_update: list[dict] = []

    def prepare(self, codes_hint: Sequence[str] = ()) -> None:
        writable = set(School.objects.filter(school_q(self.user, write=True)).values_list("id", flat=True))
        self.existing = {code: (pk, pk in writable) for code, pk in School.objects.values_list("code", "id")}
        writable_regions = Region.objects.filter(_region_write_q(self.user))
        self.region_ids = dict(writable_regions.values_list("code", "id"))

    def check(self, row: dict, rownum: int) -> list[RowProblem]:
        problems: list[RowProblem] = []
        code = row["code"]
        if code in self.seen:
            problems.append(("学校标识码", f"与第 {self.seen[code]} 行重复"))
        else:
            self.seen[code] = rownum
        region_id = self.region_ids.get(row["region_code"])
        if region_id is None:
            if Region.objects.filter(code=row["region_code"]).exists():
                problems.append(("区划代码", f"{row['region_code']} 不在您的管辖范围内"))
            else:
                problems.append(("区划代码", f"{row['region_code']} 不是有效的行政区划代码"))
        existing = self.existing.get(code)
        if existing and not existing[1]:
            problems.append(("学校标识码", "该学校已登记在其他单位名下，您无权修改"))
        if problems:
            return problems
        for key, default in self.defaults.items():
            if not row.get(key):
                row[key] = default
        row["region_id"] = region_id
        (self.to_update if existing else self.to_create).append(row)
        if existing:
            row["id"] = existing[0]
        return problems

    def write(self) -> tuple[int, int]:
        now = timezone.now()
        fields = ["name", "kind", "ownership", "locality", "region_id", "region_code", "address", "longitude",
                  "latitude", "head_name", "phone", "is_boarding", "is_city_direct"]

        def build(row: dict) -> School:
            school = School(code=row["code"], **{f: row.get(f) if row.get(f) is not None else _blank(f) for f in fields})
            school.name_initials = initials(school.name)
            school.created_at = school.updated_at = now
            if "id" in row:
                school.pk = row["id"]
            return school

        School.objects.bulk_create([build(r) for r in self.to_create], batch_size=1000)
        if self.to_update:
            School.objects.bulk_update([build(r) for r in self.to_update], fields + ["name_initials", "updated_at"], batch_size=1000)
        return len(self.to_create), len(self.to_update)


def _blank(field_name: str):
    return None if field_name in {"longitude", "latitude"} else ("" if field_name not in {"is_boarding", "is_city_direct"} else False)


def _region_write_q(user: User) -> models.Q:
    from dudao.access import write_region_q

    return write_region_q(user)


def _year_field_parser(name: str):
    field = SchoolYearData._meta.get_field(name)
    if isinstance(field, models.DecimalField):
        return c.decimal(maximum=float(10 ** (field.max_digits - field.decimal_places) - 1), places=field.decimal_places)
    return c.integer(maximum=1_000_000 if name != "books" else 100_000_000)


_year_values = operator.itemgetter(*YEAR_DATA_FIELDS)  # a checked row's figures, in YEAR_DATA_FIELDS order


class YearDataImporter:
    kind = "year_data"
    sheet_name = "年度基础数据"
    key_columns = [
        c.Column("code", "学校标识码", c.digits(10), required=True, example="3143004321"),
        c.Column("year", "学年", c.integer(minimum=2000, maximum=2100), required=True, example="2025",
                 help="学年开始的年份：2025 表示 2025—2026 学年"),
        c.Column("stage", "学段", c.choice(_labels(Stage)), required=True, example="小学",
                 help="九年一贯制等多学段学校每个学段填一行"),
    ]
    columns: list[c.Column] = key_columns + [
        c.Column(name, str(SchoolYearData._meta.get_field(name).verbose_name), _year_field_parser(name), example="0")
        for name in YEAR_DATA_FIELDS
    ]

    def __init__(self, user: User):
        self.user = user
        self.seen: dict[tuple, int] = {}
        self.schools: dict[str, tuple[int, str]] = {}
        self.rows: list[tuple] = []

    def prepare(self, codes_hint: Sequence[str] = ()) -> None:
        self.schools = {
            code: (pk, kind)
            for code, pk, kind in School.objects.filter(school_q(self.user, write=True)).values_list("code", "id", "kind")
        }

    def check(self, row: dict, rownum: int) -> list[RowProblem]:
        problems: list[RowProblem] = []
        school = self.schools.get(row["code"])
        if school is None:
            problems.append(("学校标识码", f"{row['code']} 不存在或不在您的管辖范围内：请先导入学校名录"))
        elif row["stage"] not in STAGES_OF_KIND.get(school[1], ()):
            kind_label = SchoolKind(school[1]).label
            problems.append(("学段", f"该校办学类型为“{kind_label}”，没有“{Stage(row['stage']).label}”学段"))
        key = (row["code"], row["year"], row["stage"])
        if key in self.seen:
            problems.append(("学校标识码", f"同一学校、学年、学段与第 {self.seen[key]} 行重复"))
        else:
            self.seen[key] = rownum
        bands = row["classes_upto_45"] + row["classes_46_55"] + row["classes_56_65"] + row["classes_66_plus"]
        if bands and bands != row["classes"]:
            problems.append(("班级数", f"各班额段班级数之和（{bands}）应等于班级数（{row['classes']}）"))
        degrees = row["teachers_postgraduate"] + row["teachers_bachelor"] + row["teachers_associate"] + row["teachers_below_associate"]
        if degrees > row["teachers"]:
            problems.append(("专任教师数", f"各学历教师之和（{degrees}）不能超过专任教师数（{row['teachers']}）"))
        for name in ("key_teachers", "pe_teachers", "music_teachers", "art_teachers", "certified_teachers"):
            if row[name] > row["teachers"]:
                title = str(SchoolYearData._meta.get_field(name).verbose_name)
                problems.append((title, f"不能超过专任教师数（{row['teachers']}）"))
        if not problems:
            self.rows.append((school[0], row["year"], row["stage"], *_year_values(row)))
        return problems

    def write(self) -> tuple[int, int]:
        if not self.rows:
            return 0, 0
        if connection.vendor == "postgresql":
            created = _copy_upsert_year_rows(self.rows)
            return created, len(self.rows) - created
        school_ids = {r[0] for r in self.rows}
        years = {r[1] for r in self.rows}
        existing = set(
            SchoolYearData.objects.filter(year__in=years, school_id__in=school_ids if len(school_ids) < 5000 else School.objects.all().values("id"))
            .values_list("school_id", "year", "stage")
        )
        updated = sum(1 for r in self.rows if (r[0], r[1], r[2]) in existing)
        _bulk_upsert_year_rows(self.rows)
        return len(self.rows) - updated, updated


def _bulk_upsert_year_rows(rows: list[tuple]) -> None:
    now = timezone.now()
    objs = [
        SchoolYearData(school_id=r[0], year=r[1], stage=r[2], created_at=now, updated_at=now,
                       **dict(zip(YEAR_DATA_FIELDS, r[3:], strict=True)))
        for r in rows
    ]
    SchoolYearData.objects.bulk_create(
        objs, batch_size=500, update_conflicts=True, unique_fields=["school", "year", "stage"],
        update_fields=[*YEAR_DATA_FIELDS, "updated_at"],
    )


def _copy_upsert_year_rows(rows: list[tuple]) -> int:
    """PostgreSQL: COPY into a temporary table, then one INSERT … ON CONFLICT (10× faster).
    Returns how many rows were new: the upsert says it (xmax is 0 on a row it inserted), so the
    existing keys need not be fetched beforehand."""
    table = SchoolYearData._meta.db_table
    cols = ["school_id", "year", "stage", *YEAR_DATA_FIELDS]
    col_sql = ", ".join(cols)
    with connection.cursor() as cursor:
        # Only the imported columns, with their types and no constraints (id/created_at are filled below).
        cursor.execute(f"CREATE TEMP TABLE tmp_year_import ON COMMIT DROP AS SELECT {col_sql} FROM {table} WITH NO DATA")
        raw = cursor.cursor  # the psycopg cursor underneath Django's wrapper
        with raw.copy(f"COPY tmp_year_import ({col_sql}) FROM STDIN") as copy:
            for r in rows:
                copy.write_row(r)
        updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in YEAR_DATA_FIELDS)
        cursor.execute(
            f"WITH written AS (INSERT INTO {table} ({col_sql}, created_at, updated_at) "
            f"SELECT {col_sql}, now(), now() FROM tmp_year_import "
            f"ON CONFLICT (school_id, year, stage) DO UPDATE SET {updates}, updated_at = now() "
            "RETURNING xmax = 0 AS inserted) SELECT count(*) FILTER (WHERE inserted) FROM written"
        )
        created = cursor.fetchone()[0]
        cursor.execute("DROP TABLE IF EXISTS tmp_year_import")
    return created


IMPORTERS = {SchoolImporter.kind: SchoolImporter, YearDataImporter.kind: YearDataImporter}

__all__ = ["IMPORTERS", "Decimal"]
