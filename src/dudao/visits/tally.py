"""The monthly tally of submitted routine visits (`VisitTally`; campaign and 随访 visits never count): what it must equal, and its rebuild.

Triggers on visits_visit keep it (migration 0006_tally_visit_tally); nothing in Python writes it
except `visit_tally_rebuild`, the repair for a table restored without its triggers or a bulk load
made with triggers disabled."""

from __future__ import annotations

from django.db import connection, transaction
from django.db.models import Count, Max
from django.db.models.functions import TruncMonth

from dudao.visits.models import COUNTED, Visit, VisitBasis, VisitStatus, VisitTally


def visit_tally_expected() -> dict[tuple, tuple[int, object]]:
    """(month, supervisor, school) → (visits, last visit day), grouped afresh from the visits."""
    return {(month, supervisor_id, school_id): (n, last) for month, supervisor_id, school_id, n, last in
            Visit.objects.filter(COUNTED).annotate(month=TruncMonth("visit_date"))
            .values_list("month", "supervisor_id", "school_id").annotate(n=Count("*"), last=Max("visit_date")).order_by()}


def visit_tally_stored() -> dict[tuple, tuple[int, object]]:
    return {(month, supervisor_id, school_id): (n, last) for month, supervisor_id, school_id, n, last in
            VisitTally.objects.values_list("month", "supervisor_id", "school_id", "visits", "last_visit")}


@transaction.atomic
def visit_tally_rebuild() -> int:
    """Refill the tally from the visits in one grouped statement; returns the rows written.
    On PostgreSQL the visits are locked against writes (SHARE) while it runs, so none is missed."""
    table = VisitTally._meta.db_table
    if connection.vendor == "postgresql":
        month = "date_trunc('month', s.visit_date)::date"
        lock = f"LOCK TABLE {Visit._meta.db_table} IN SHARE MODE"
    else:
        month = "substr(s.visit_date, 1, 8) || '01'"
        lock = ""
    with connection.cursor() as cursor:
        if lock:
            cursor.execute(lock)
        cursor.execute(f"DELETE FROM {table}")
        cursor.execute(f"INSERT INTO {table} (month, supervisor_id, school_id, visits, last_visit) "
                       f"SELECT {month}, s.supervisor_id, s.school_id, COUNT(*), MAX(s.visit_date) "
                       f"FROM {Visit._meta.db_table} s WHERE s.status = %s AND s.basis = %s GROUP BY 1, 2, 3",
                       [VisitStatus.SUBMITTED, VisitBasis.ROUTINE])
        return cursor.rowcount
