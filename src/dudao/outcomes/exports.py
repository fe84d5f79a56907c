"""The county sheet as Excel: one row per school, the page's columns (a background job for a large
office, core/exports.py; both write the same cells)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from dudao.core.exports import Workbook
from dudao.outcomes.selectors import (
    HEADERS,
    decisions_by_school,
    parse_year,
    school_sheets,
    sheet_notes,
    sheet_office,
    sheet_row,
)

if TYPE_CHECKING:
    from django.http import QueryDict

    from dudao.people.models import User

KIND = "dudao.outcomes.exports.county_workbook"


def county_workbook(user: User, params: QueryDict) -> Workbook:
    office = sheet_office(user, (params.get("office") or "").strip())
    year = parse_year(params.get("year"))
    sheets = school_sheets(user=user, office=office, year=year)
    decisions = decisions_by_school(user, [s.school.pk for s in sheets], year)
    rows = [sheet_row(s, decisions.get(s.school.pk, [])) for s in sheets]
    return Workbook(filename=f"{office.name}-{year}年结果运用表", sheets=[("结果运用表", HEADERS, rows)],
                    notes=sheet_notes(office, year), total=lambda: len(rows))
