"""Writes and shaped reads of schools. Callers authorise first (access_school / visible_to)."""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from decimal import Decimal

from django.db import transaction
from django.db.models import Field

from dudao.schools.models import YEAR_DATA_FIELDS, School, SchoolYearData
from dudao.schools.signals import school_basics_changed

# Fields that decide whether and how a school is counted in balance monitoring (monitoring/services.py).
COUNTED_FIELDS = ("kind", "ownership", "is_county_run", "is_city_direct", "is_active", "region")
EDITABLE_FIELDS = ("name", "kind", "ownership", "locality", "region", "address", "longitude", "latitude",
                   "head_name", "phone", "is_boarding", "is_county_run", "is_city_direct", "is_active")

SCHOOL_EXPORT_COLUMNS: list[tuple[str, str]] = [
    ("code", "学校标识码"),
    ("name", "学校名称"),
    ("kind", "办学类型"),
    ("ownership", "举办者"),
    ("locality", "城乡类型"),
    ("region_code", "区划代码"),
    ("region", "所在区划"),
    ("address", "地址"),
    ("longitude", "经度"),
    ("latitude", "纬度"),
    ("head_name", "校长（园长）"),
    ("phone", "联系电话"),
    ("is_boarding", "寄宿制"),
    ("is_city_direct", "市直学校"),
]


def school_export_rows(schools: Iterable[School]) -> tuple[list[str], Iterator[Sequence]]:
    headers = [title for _f, title in SCHOOL_EXPORT_COLUMNS]

    def rows() -> Iterator[Sequence]:
        for s in schools.iterator(chunk_size=2000) if hasattr(schools, "iterator") else schools:
            yield [
                s.code, s.name, s.get_kind_display(), s.get_ownership_display(), s.get_locality_display(),
                s.region_code, s.region.name, s.address,
                float(s.longitude) if s.longitude is not None else None,
                float(s.latitude) if s.latitude is not None else None,
                s.head_name, s.phone, s.is_boarding, s.is_city_direct,
            ]

    return headers, rows()


def _plain(value) -> int | float:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def year_data_table(rows: Sequence[SchoolYearData]) -> dict:
    """Yearly data pivoted for reading: one column per (year, stage), one row per field."""
    columns = [{"title": f"{r.year} {r.get_stage_display()}", "year": r.year, "stage": r.stage} for r in rows]
    table_rows = []
    for name in YEAR_DATA_FIELDS:
        field = SchoolYearData._meta.get_field(name)
        assert isinstance(field, Field)  # YEAR_DATA_FIELDS are columns, never a reverse relation
        table_rows.append({"name": name, "label": str(field.verbose_name), "values": [_plain(getattr(r, name)) for r in rows]})
    for label, fn in (("平均班额", lambda r: r.average_class_size), ("大班额班级数(≥56人)", lambda r: r.large_classes)):
        table_rows.append({"name": "", "label": label, "values": [fn(r) for r in rows]})
    return {"columns": columns, "rows": table_rows}


@transaction.atomic
def school_update(*, school: School, **fields) -> School:
    """Change a school's basic information (the operation log records who and what, see core/apps.py).

    The code never changes here. When a field that decides how the school is counted changes, the
    listeners of `school_basics_changed` are told (monitoring queues a recompute of the county).
    """
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise ValueError(f"not editable: {sorted(unknown)}")
    old_region_code = school.region_code
    before = {name: getattr(school, name) for name in COUNTED_FIELDS}
    for name, value in fields.items():
        setattr(school, name, value)
    school.full_clean()
    school.save()
    changed = {name for name in COUNTED_FIELDS if getattr(school, name) != before[name]}
    if changed:
        school_basics_changed.send(sender=School, school=school, changed=changed, old_region_code=old_region_code)
    return school
