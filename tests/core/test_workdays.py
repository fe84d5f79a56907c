"""Working days with China's public holidays and the weekend days worked in lieu (调休)."""

from __future__ import annotations

from datetime import date

from dudao.core.workdays import add_workdays, is_covered, is_workday, workdays_between


def test_national_day_week_and_its_working_saturday():
    # 国办发明电〔2024〕12号: 10月1日至8日放假调休；9月28日（周日）、10月11日（周六）上班
    assert not is_workday(date(2025, 10, 1)) and not is_workday(date(2025, 10, 8))
    assert is_workday(date(2025, 9, 28)) and is_workday(date(2025, 10, 11))
    assert add_workdays(date(2025, 9, 30), 1) == date(2025, 10, 9)
    assert add_workdays(date(2025, 10, 9), 2) == date(2025, 10, 11)  # a Saturday, worked in lieu


def test_spring_festival_2026():
    assert workdays_between(date(2026, 2, 13), date(2026, 2, 24)) == [date(2026, 2, 13), date(2026, 2, 14), date(2026, 2, 24)]


def test_a_year_without_a_notice_falls_back_to_weekends():
    assert is_covered(date(2026, 12, 31)) and not is_covered(date(2099, 1, 5))
    assert is_workday(date(2099, 1, 5)) and not is_workday(date(2099, 1, 3))  # a Monday, a Saturday
    assert add_workdays(date(2099, 1, 2), 1) == date(2099, 1, 5)
