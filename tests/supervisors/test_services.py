"""The team rules: part-time terms (条例 Art 6), 动态管理 with reasons, training hours (督学办法)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from dudao.supervisors.models import SupervisorStatus, TrainingMode
from dudao.supervisors.selectors import training_hours
from dudao.supervisors.services import (
    supervisor_change_status,
    term_add,
    term_warnings,
    training_attendance_set,
    training_session_create,
)
from dudao.zones.models import Assignment
from dudao.zones.services import assignment_create


def _terms(supervisor, *spans):
    for number, (start, end) in enumerate(spans, start=1):
        term_add(supervisor=supervisor, number=number, starts_on=date.fromisoformat(start), ends_on=date.fromisoformat(end))


THREE_RUNS = [("2014-01-01", "2016-12-31"), ("2017-01-01", "2019-12-31"), ("2020-01-01", "2022-12-31")]


def test_three_consecutive_part_time_terms_are_allowed(make_supervisor):
    supervisor = make_supervisor(kind="part_time")
    _terms(supervisor, *THREE_RUNS)
    assert term_warnings(supervisor=supervisor) == []


def test_a_fourth_consecutive_part_time_term_warns(make_supervisor):
    supervisor = make_supervisor(kind="part_time")
    _terms(supervisor, *THREE_RUNS, ("2023-01-01", "2025-12-31"))
    assert term_warnings(supervisor=supervisor) == ["已连续聘任 4 届，兼职督学连续聘任一般不得超过 3 届。"]


def test_a_gap_between_terms_resets_the_run(make_supervisor):
    supervisor = make_supervisor(kind="part_time")
    _terms(supervisor, *THREE_RUNS, ("2024-01-01", "2026-12-31"))  # a year out of office before the 4th
    assert term_warnings(supervisor=supervisor) == []


def test_a_part_time_term_should_last_three_years(make_supervisor):
    supervisor = make_supervisor(kind="part_time")
    _terms(supervisor, ("2020-01-01", "2021-12-31"))
    assert term_warnings(supervisor=supervisor) == ["第 1 届任期为 2.0 年，兼职督学每届任期应为 3 年。"]


def test_full_time_terms_are_not_limited(make_supervisor):
    supervisor = make_supervisor(kind="full_time")
    _terms(supervisor, *THREE_RUNS, ("2023-01-01", "2025-12-31"))
    assert term_warnings(supervisor=supervisor) == []


def test_a_term_number_is_registered_once(make_supervisor):
    supervisor = make_supervisor(kind="part_time")
    _terms(supervisor, THREE_RUNS[0])
    with pytest.raises(ValidationError) as exc:
        term_add(supervisor=supervisor, number=1, starts_on=date(2017, 1, 1), ends_on=date(2019, 12, 31))
    assert exc.value.message_dict == {"number": ["第 1 届任期已登记。"]}


def test_creating_records_the_entry_on_the_appointment_date(make_supervisor):
    supervisor = make_supervisor(appointed_on=date(2023, 8, 15))
    event = supervisor.status_events.get()
    assert (event.status, event.effective_on, event.reason) == (SupervisorStatus.ACTIVE, date(2023, 8, 15), "聘任（任命）")


@pytest.mark.parametrize("status", [SupervisorStatus.RETIRED, SupervisorStatus.DISMISSED, SupervisorStatus.SUSPENDED])
def test_leaving_or_pausing_requires_a_reason(make_supervisor, status):
    supervisor = make_supervisor()
    with pytest.raises(ValidationError) as exc:
        supervisor_change_status(supervisor=supervisor, status=status, effective_on=date(2030, 1, 1), reason="  ", by=None)
    assert exc.value.message_dict == {"reason": ["请填写状态变更原因。"]}
    supervisor.refresh_from_db()
    assert supervisor.status == SupervisorStatus.ACTIVE and supervisor.status_events.count() == 1


def test_leaving_ends_the_open_assignments_on_the_effective_date(cast, make_supervisor):
    supervisor = make_supervisor(appointed_on=date(2020, 1, 1))
    assignment = assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2024, 9, 1))
    supervisor_change_status(supervisor=supervisor, status=SupervisorStatus.RETIRED, effective_on=date(2025, 3, 1),
                             reason="任期届满", by=cast.county_staff)
    assignment.refresh_from_db()
    assert assignment.ends_on == date(2025, 3, 1) and "任期届满" in assignment.reason
    assert not Assignment.objects.filter(supervisor=supervisor, ends_on__isnull=True).exists()
    event = supervisor.status_events.order_by("-id").first()
    assert (event.status, event.reason, event.by) == ("retired", "任期届满", cast.county_staff)


def test_a_status_change_cannot_predate_the_last_one(make_supervisor):
    supervisor = make_supervisor(appointed_on=date(2023, 8, 15))
    with pytest.raises(ValidationError) as exc:
        supervisor_change_status(supervisor=supervisor, status="retired", effective_on=date(2023, 1, 1), reason="调离", by=None)
    assert "effective_on" in exc.value.message_dict


def _session(office, held_on: str, hours: int, mode=TrainingMode.CONCENTRATED):
    return training_session_create(by=None, office=office, topic=f"培训{held_on}", held_on=date.fromisoformat(held_on),
                                   hours=Decimal(hours), mode=mode)


def test_forty_concentrated_hours_meet_the_rule_online_hours_do_not_count(ningxiang, make_supervisor):
    done, short = make_supervisor(), make_supervisor()
    for session in (_session(ningxiang, "2024-03-01", 24), _session(ningxiang, "2024-08-25", 16)):
        training_attendance_set(session=session, supervisors=[done])
    training_attendance_set(session=_session(ningxiang, "2024-03-01", 30), supervisors=[short])
    training_attendance_set(session=_session(ningxiang, "2024-05-01", 20, TrainingMode.ONLINE), supervisors=[short])
    training_attendance_set(session=_session(ningxiang, "2024-06-01", 10, TrainingMode.SELF_STUDY), supervisors=[short])
    rows = {r.supervisor.pk: r for r in training_hours(supervisors=[done, short], year=2024)}
    assert (rows[done.pk].concentrated, rows[done.pk].meets_rule) == (Decimal(40), True)
    assert (rows[short.pk].concentrated, rows[short.pk].other, rows[short.pk].meets_rule) == (Decimal(30), Decimal(30), False)
    assert rows[short.pk].missing == Decimal(10)


def test_hours_count_in_the_calendar_year_the_session_was_held(ningxiang, make_supervisor):
    supervisor = make_supervisor()
    training_attendance_set(session=_session(ningxiang, "2023-12-31", 40), supervisors=[supervisor])
    training_attendance_set(session=_session(ningxiang, "2024-01-01", 8), supervisors=[supervisor])
    assert training_hours(supervisors=[supervisor], year=2023)[0].concentrated == Decimal(40)
    row_2024 = training_hours(supervisors=[supervisor], year=2024)[0]
    assert (row_2024.concentrated, row_2024.meets_rule) == (Decimal(8), False)


def test_attendance_credits_the_session_hours_once(ningxiang, make_supervisor):
    supervisor = make_supervisor()
    session = _session(ningxiang, "2024-03-01", 8)
    assert training_attendance_set(session=session, supervisors=[supervisor]) == 1
    assert training_attendance_set(session=session, supervisors=[supervisor]) == 0
    assert session.attendance.get().hours == Decimal(8)
    with pytest.raises(ValidationError):
        training_attendance_set(session=session, supervisors=[make_supervisor()], hours=Decimal(9))
