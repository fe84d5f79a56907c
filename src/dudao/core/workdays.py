"""Working days in mainland China: Saturdays, Sundays and public holidays are rest days, except the
weekend days worked in lieu (调休上班). The dates come from the State Council's yearly notice
(国务院办公厅关于部分节假日安排的通知) as packaged by `chinesecalendar` (2004 to the latest notice
it carries). For a year the package does not know yet, only Saturdays and Sundays are rest days:
`is_covered` tells callers, so a deadline can say that holidays were not allowed for.
"""

from __future__ import annotations

from datetime import date, timedelta

import chinese_calendar


def is_covered(day: date) -> bool:
    """Whether the year's holiday notice is known (else weekends only)."""
    try:
        chinese_calendar.is_workday(day)
    except NotImplementedError:
        return False
    return True


def is_workday(day: date) -> bool:
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return day.weekday() < 5


def add_workdays(start: date, days: int) -> date:
    """The `days`-th working day after `start` (start itself not counted)."""
    day, left = start, days
    while left > 0:
        day += timedelta(days=1)
        if is_workday(day):
            left -= 1
    return day


def workdays_between(start: date, end: date) -> list[date]:
    """Working days from `start` to `end`, both included."""
    days, day = [], start
    while day <= end:
        if is_workday(day):
            days.append(day)
        day += timedelta(days=1)
    return days

