"""Compliance figures kept a few minutes, so a province office's pages do not each recompute them.

The report of a province (3,000 supervisors, 20,000 schools, 500,000 visits) takes a second or more
to compute (bench/visits.py); the compliance page, its API and Excel file, and the workbench read it
on every view. Two caches, both bounded by `COMPLIANCE_CACHE_SECONDS` (5 minutes; 0 under the tests,
which check the cache in tests/visits/test_compliance_fast.py):

- the whole report with its table, in this process's memory: unpickling a province report from a
  shared cache cost 0.7 s, as much as computing it, so each worker keeps its own few recent reports;
- the workbench's (behind, supervisors) of an office, in the shared cache (two integers).

Figures may therefore be up to that many minutes old; the pages say so and when they were computed.
"""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.core.cache import cache
from django.utils import timezone

from dudao.regions.models import Office
from dudao.visits.compliance import (
    Column,
    ComplianceReport,
    SupervisorLine,
    compliance_report,
    compliance_table,
)
from dudao.visits.periods import period_of

DEFAULT_SECONDS = 300
REPORTS_KEPT = 8  # a province report holds about 20 MB of rows


def cache_seconds() -> int:
    return int(getattr(settings, "COMPLIANCE_CACHE_SECONDS", DEFAULT_SECONDS))


@dataclass
class CachedCompliance:
    report: ComplianceReport
    columns: list[Column]
    lines: list[SupervisorLine]
    computed_at: datetime  # when the figures were computed (shown on the page)


_reports: OrderedDict[tuple, tuple[float, CachedCompliance]] = OrderedDict()
_lock = threading.Lock()


def _key(office: Office, kind: str, day: date, today: date) -> tuple:
    return (office.pk, kind, period_of(kind, day).start, today)


def compliance_cached(*, office: Office, kind: str, day: date, today: date | None = None) -> CachedCompliance:
    """The report and table of `compliance_report` / `compliance_table`, computed at most once per
    `cache_seconds()` per (office, period, today) in this process."""
    today = today or timezone.localdate()
    seconds = cache_seconds()
    key = _key(office, kind, day, today)
    now = time.monotonic()
    if seconds > 0:
        with _lock:
            hit = _reports.get(key)
            if hit is not None and now - hit[0] < seconds:
                _reports.move_to_end(key)
                return hit[1]
    report = compliance_report(office=office, kind=kind, day=day, today=today)
    columns, lines = compliance_table(report)
    # the summaries over every school, computed once with the report rather than on a page view
    _ = report.zones, report.schools_behind, report.schools_not_visited, report.visit_count
    fresh = CachedCompliance(report=report, columns=columns, lines=lines, computed_at=timezone.now())
    if seconds > 0:
        with _lock:
            _reports[key] = (now, fresh)
            _reports.move_to_end(key)
            while len(_reports) > REPORTS_KEPT:
                _reports.popitem(last=False)
    return fresh


def behind_cached(office: Office, *, kind: str = "month", day: date, today: date | None = None,
                  seconds: int | None = None) -> tuple[int, int]:
    """(behind, supervisors) of the office's compliance table, kept in the shared cache."""
    from dudao.visits import pace

    today = today or timezone.localdate()
    seconds = cache_seconds() if seconds is None else seconds
    key = "compliance:behind:{}:{}:{}:{}".format(*_key(office, kind, day, today))
    if seconds > 0:
        found = cache.get(key)
        if found is not None:
            return tuple(found)
    done = compliance_cached(office=office, kind=kind, day=day, today=today)
    figures = (sum(1 for line in done.lines if line.state == pace.BEHIND), len(done.report.supervisors))
    if seconds > 0:
        cache.set(key, figures, seconds)
    return figures
