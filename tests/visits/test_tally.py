"""The monthly tally of submitted visits (visits/tally.py) equals a fresh group of the visits after
every kind of write: a submission through the services, a draft (not counted), an edit that moves
a visit to another month, school or supervisor, a withdrawal, a deletion, a bulk insert and a bulk
update, and a rebuild — the triggers of migration 0006 keep it, on SQLite and PostgreSQL alike."""

from __future__ import annotations

import uuid
from datetime import date, datetime, time

import pytest
from django.core.management import call_command
from django.utils import timezone
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.visits.models import Visit, VisitStatus, VisitTally
from dudao.visits.tally import visit_tally_expected, visit_tally_rebuild, visit_tally_stored
from tests.visits.field_support import draft_visit, submitted_visit


def _new(supervisor, school, day: date, by, status: str = VisitStatus.SUBMITTED) -> Visit:
    started = timezone.make_aware(datetime.combine(day, time(9)))
    return Visit(client_id=uuid.uuid4(), supervisor=supervisor, school=school, status=status, started_at=started,
                 visit_date=day, submitted_at=started, created_by=by)


def _row(supervisor, school, day: date) -> tuple[int, date] | None:
    """(visits, last visit day) of the tally row of that month, or None when there is none."""
    found = VisitTally.objects.filter(month=day.replace(day=1), supervisor=supervisor, school=school).first()
    return None if found is None else (found.visits, found.last_visit)


def assert_tally_fresh() -> None:
    expected = visit_tally_expected()
    assert visit_tally_stored() == expected


@pytest.fixture
def two(make_supervisor):
    return make_supervisor(), make_supervisor()


def test_a_submission_through_the_services_counts_and_a_draft_does_not(cast, field):
    today = timezone.localdate()
    draft = draft_visit(cast.supervisor, cast.A1, photo=False)
    assert draft.status == VisitStatus.DRAFT and _row(field.me, cast.A1, today) is None
    submitted_visit(cast.supervisor, cast.A2, photo=False)
    assert _row(field.me, cast.A2, today) == (1, today)
    assert_tally_fresh()


def test_a_draft_submitted_later_counts_once(cast, two):
    zhang, _li = two
    visit = _new(zhang, cast.A1, date(2025, 3, 4), cast.admin, status=VisitStatus.DRAFT)
    visit.save()
    visit.narrative = "自动保存"
    visit.save()
    assert _row(zhang, cast.A1, date(2025, 3, 4)) is None
    visit.status = VisitStatus.SUBMITTED
    visit.save()
    visit.narrative = "提交后改了说明"  # a save that changes no counted column
    visit.save()
    assert _row(zhang, cast.A1, date(2025, 3, 4)) == (1, date(2025, 3, 4))
    assert_tally_fresh()


@pytest.mark.parametrize("change", ["date_in_month", "date_other_month", "school", "supervisor", "withdrawn"])
def test_an_edit_moves_the_count(cast, two, change):
    zhang, li = two
    kept = _new(zhang, cast.A1, date(2025, 3, 4), cast.admin)
    kept.save()
    moved = _new(zhang, cast.A1, date(2025, 3, 20), cast.admin)
    moved.save()
    assert _row(zhang, cast.A1, date(2025, 3, 1)) == (2, date(2025, 3, 20))
    # when
    if change == "date_in_month":
        moved.visit_date = date(2025, 3, 2)
    elif change == "date_other_month":
        moved.visit_date = date(2025, 4, 30)
    elif change == "school":
        moved.school = cast.A2
    elif change == "supervisor":
        moved.supervisor = li
    else:
        moved.status = VisitStatus.DRAFT
    moved.save()
    # then: the month keeps the other visit, with its own last day
    assert _row(zhang, cast.A1, date(2025, 3, 1)) == (
        (2, date(2025, 3, 4)) if change == "date_in_month" else (1, date(2025, 3, 4)))
    expected_elsewhere = {
        "date_other_month": (zhang, cast.A1, date(2025, 4, 30)),
        "school": (zhang, cast.A2, date(2025, 3, 20)),
        "supervisor": (li, cast.A1, date(2025, 3, 20)),
    }.get(change)
    if expected_elsewhere:
        assert _row(*expected_elsewhere) == (1, expected_elsewhere[2])
    assert_tally_fresh()


def test_a_deletion_lowers_the_count_and_the_last_one_removes_the_row(cast, two):
    zhang, _li = two
    first = _new(zhang, cast.A1, date(2025, 5, 6), cast.admin)
    last = _new(zhang, cast.A1, date(2025, 5, 28), cast.admin)
    Visit.objects.bulk_create([first, last])
    last.delete()
    assert _row(zhang, cast.A1, date(2025, 5, 1)) == (1, date(2025, 5, 6))  # the last day went back
    first.delete()
    assert _row(zhang, cast.A1, date(2025, 5, 1)) is None
    assert_tally_fresh()


def test_bulk_writes_and_bulk_updates_are_counted(cast, two):
    zhang, li = two
    days = [date(2025, m, d) for m in (1, 2, 3) for d in (1, 15, 28)]
    Visit.objects.bulk_create([_new(who, school, day, cast.admin) for who in two for school in (cast.A1, cast.A2)
                               for day in days])
    assert _row(li, cast.A2, date(2025, 2, 1)) == (3, date(2025, 2, 28))
    # one statement moves many visits: every February visit of 李 to 张, and 张's January ones withdrawn
    Visit.objects.filter(supervisor=li, visit_date__month=2).update(supervisor=zhang)
    Visit.objects.filter(supervisor=zhang, visit_date__month=1).update(status=VisitStatus.DRAFT)
    assert _row(zhang, cast.A2, date(2025, 2, 1)) == (6, date(2025, 2, 28))
    assert _row(li, cast.A2, date(2025, 2, 1)) is None and _row(zhang, cast.A1, date(2025, 1, 1)) is None
    Visit.objects.filter(visit_date__month=3).delete()
    assert not VisitTally.objects.filter(month=date(2025, 3, 1)).exists()
    assert_tally_fresh()


def test_the_rebuild_repairs_a_damaged_tally(cast, two):
    zhang, li = two
    Visit.objects.bulk_create([_new(zhang, cast.A1, date(2025, 6, d), cast.admin) for d in (3, 9)]
                              + [_new(li, cast.A2, date(2025, 7, 1), cast.admin)])
    VisitTally.objects.filter(supervisor=zhang).update(visits=7)
    VisitTally.objects.filter(supervisor=li).delete()
    VisitTally.objects.create(month=date(2024, 1, 1), supervisor=li, school=cast.A1, visits=1, last_visit=date(2024, 1, 2))
    assert visit_tally_stored() != visit_tally_expected()
    with pytest.raises(SystemExit):
        call_command("visit_tally_rebuild", "--check")
    # when
    assert visit_tally_rebuild() == 2
    # then
    assert_tally_fresh()
    assert _row(zhang, cast.A1, date(2025, 6, 1)) == (2, date(2025, 6, 9))
    call_command("visit_tally_rebuild", "--check")


# a write: (kind, visit index, supervisor index, school index, day offset in 2025)
WRITES = st.lists(st.tuples(st.sampled_from(["add", "draft", "submit", "move", "withdraw", "delete"]),
                            st.integers(0, 20), st.integers(0, 1), st.integers(0, 1), st.integers(0, 364)),
                  min_size=1, max_size=25)


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(writes=WRITES)
def test_any_sequence_of_writes_keeps_the_tally_fresh(cast, two, writes):
    from datetime import timedelta

    schools = (cast.A1, cast.A2)
    for kind, i, who, where, offset in writes:
        day = date(2025, 1, 1) + timedelta(days=offset)
        visits = list(Visit.objects.order_by("pk"))
        visit = visits[i % len(visits)] if visits else None
        if kind in ("add", "draft") or visit is None:
            _new(two[who], schools[where], day, cast.admin,
                 status=VisitStatus.DRAFT if kind == "draft" else VisitStatus.SUBMITTED).save()
        elif kind == "submit":
            visit.status = VisitStatus.SUBMITTED
            visit.save()
        elif kind == "move":
            visit.supervisor, visit.school, visit.visit_date = two[who], schools[where], day
            visit.save()
        elif kind == "withdraw":
            visit.status = VisitStatus.DRAFT
            visit.save()
        else:
            visit.delete()
    assert_tally_fresh()


def test_a_bulk_load_by_the_database_is_counted_in_the_same_statement(cast, two):
    """bench/visits.py writes its 500,000 visits with COPY on PostgreSQL (one statement-level
    trigger run for the whole load); SQLite has no COPY, its bulk path is one multi-row INSERT."""
    from django.db import connection

    zhang, li = two
    now = timezone.now()
    rows = [(uuid.uuid4(), who.pk, school.pk, "announced", status, now, day, "none", "[]", "[]", "", "", False, "", now,
             cast.admin.pk, now, now)
            for who in two for school in (cast.A1, cast.A2) for day in (date(2025, 9, 1), date(2025, 9, 30), date(2025, 10, 8))
            for status in ("submitted", "draft")]
    columns = ["client_id", "supervisor_id", "school_id", "mode", "status", "started_at", "visit_date", "location_status",
               "methods", "topics", "narrative", "opinions", "refused", "refusal_note", "submitted_at", "created_by_id",
               "created_at", "updated_at"]
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            with cursor.cursor.copy(f"COPY visits_visit ({', '.join(columns)}) FROM STDIN") as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            one = f"({', '.join(['%s'] * len(columns))})"
            cursor.execute(f"INSERT INTO visits_visit ({', '.join(columns)}) VALUES {', '.join([one] * len(rows))}",
                           [value if not isinstance(value, uuid.UUID) else value.hex for row in rows for value in row])
    assert _row(zhang, cast.A1, date(2025, 9, 1)) == (2, date(2025, 9, 30))
    assert _row(li, cast.A2, date(2025, 10, 1)) == (1, date(2025, 10, 8))
    assert_tally_fresh()
