"""Background jobs that stalled: a worker that died mid-job, a task lost with a restarted queue.

Imports and plaque batches record their progress with a heartbeat (`updated_at` moves at least
every few seconds while they work). A page that shows such a job calls `revive_or_fail`: a job no
worker ever claimed is enqueued again; a job whose worker stopped beating is marked failed with a
message that says so, instead of a progress bar that never moves. Both changes are conditional
updates, so a worker that is in fact alive and a second page view cannot both win.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime, timedelta

from django.db import models, transaction
from django.utils import timezone

# Far longer than any gap between two heartbeats (a chunk of 50 plaques, 1,000 import rows, the
# write of a 100,000-row import in one transaction: seconds, bench/README.md).
STALE_AFTER = timedelta(minutes=15)


def revive_or_fail(job: models.Model, *, pending: str, running: Iterable[str], failed: str, message: str,
                   enqueue: Callable[[], None], now: datetime | None = None) -> bool:
    """Re-enqueue a stale unclaimed job or fail a stale running one; True when either happened."""
    now = now or timezone.now()
    stale = type(job).objects.filter(pk=job.pk, updated_at__lt=now - STALE_AFTER)
    if job.status == pending:
        if stale.filter(status=pending).update(updated_at=now):
            transaction.on_commit(enqueue)
            return True
        return False
    running = list(running)
    if job.status in running:
        return bool(stale.filter(status__in=running).update(status=failed, message=message, finished_at=now, updated_at=now))
    return False
