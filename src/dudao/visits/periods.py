"""Quota periods: month, semester, year — date arithmetic; only the labels go through gettext.

Semesters follow the Chinese school calendar: the autumn semester runs 1 September – 31 January,
the spring semester 1 February – 31 August (so that every day belongs to exactly one semester).
"""

from __future__ import annotations

from calendar import monthrange
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Period:
    kind: str  # "month" | "semester" | "year"
    start: date
    end: date  # inclusive

    @property
    def label(self) -> str:
        if self.kind == "month":
            return _("%(year)s年%(month)s月") % {"year": self.start.year, "month": self.start.month}
        if self.kind == "year":
            return _("%(year)s年") % {"year": self.start.year}
        school_year = self.start.year if self.start.month == 9 else self.start.year - 1
        years = {"start": school_year, "end": school_year + 1}
        if self.start.month == 9:
            return _("%(start)s—%(end)s学年秋季学期") % years
        return _("%(start)s—%(end)s学年春季学期") % years

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


def period_of(kind: str, day: date) -> Period:
    if kind == "month":
        return Period("month", day.replace(day=1), day.replace(day=monthrange(day.year, day.month)[1]))
    if kind == "year":
        return Period("year", date(day.year, 1, 1), date(day.year, 12, 31))
    if kind == "semester":
        if day.month >= 9:
            return Period("semester", date(day.year, 9, 1), date(day.year + 1, 1, 31))
        if day.month == 1:
            return Period("semester", date(day.year - 1, 9, 1), date(day.year, 1, 31))
        return Period("semester", date(day.year, 2, 1), date(day.year, 8, 31))
    raise ValueError(f"unknown period kind {kind!r}")


def elapsed_share(period: Period, today: date) -> float:
    """How much of the period has passed (1.0 once it is over): for "on track" hints mid-period."""
    if today >= period.end:
        return 1.0
    if today < period.start:
        return 0.0
    return ((today - period.start).days + 1) / period.days
