"""Background jobs that stalled: a worker that died mid-job, a task lost with a restarted queue.

Imports, plaque batches and monitoring runs record when they were queued and a heartbeat while
they work (`updated_at` moves at least every few seconds; a monitoring run's `started_at`). A job
silent for longer than its limit lost its worker:

- a job no worker ever claimed is enqueued again;
- a job whose worker stopped mid-run is run again only when its work is idempotent and cannot have
  killed the worker itself (monitoring); an import or a plaque batch is failed, because the file
  or the batch may be what killed the worker and re-running it would kill the next one too;
- either way at most `MAX_ATTEMPTS` times: the next stall fails the job with a Chinese message.

`sweep_stalled` does this for every registered kind of job; the scheduler calls it every minute
(core/schedule.py), and the pages that show a job call `revive_or_fail` for the job they show, so a
progress bar never spins forever. Every change is a conditional update, so a worker that is in
fact alive and a second caller cannot both win.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from django.apps import apps
from django.db import models, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.module_loading import import_string

logger = logging.getLogger("dudao.jobs")

# Far longer than any gap between two heartbeats (a chunk of 50 plaques, 1,000 import rows, the
# write of a 100,000-row import in one transaction: seconds, bench/README.md).
STALE_AFTER = timedelta(minutes=15)
# How many times a lost job is enqueued again before it is failed for good.
MAX_ATTEMPTS = 3


def revive_or_fail(job: models.Model, *, pending: str, running: Iterable[str], failed: str, message: str,
                   enqueue: Callable[[], object], now: datetime | None = None, requeue_running: bool = False,
                   stale_after: timedelta = STALE_AFTER, running_after: timedelta | None = None,
                   pending_clock: str = "updated_at", running_clock: str = "updated_at",
                   message_field: str = "message", max_attempts: int = MAX_ATTEMPTS) -> bool:
    """Re-enqueue a stale job (capped by `attempts`) or fail it; True when either happened.

    `pending_clock` / `running_clock` name the field that moves while the job waits / works.
    """
    now = now or timezone.now()
    running = list(running)
    model = type(job)
    attempts_left = Q(attempts__lt=max_attempts)
    if job.status == pending:
        stale = model.objects.filter(pk=job.pk, status=pending, **{f"{pending_clock}__lt": now - stale_after})
        if stale.filter(attempts_left).update(attempts=F("attempts") + 1, **{pending_clock: now}):
            transaction.on_commit(enqueue)
            logger.warning("%s %s was never claimed: enqueued again", model.__name__, job.pk)
            return True
        return bool(stale.update(status=failed, finished_at=now, **_stamp(model, now, message_field, _gave_up(message, max_attempts))))
    if job.status in running:
        stale = model.objects.filter(pk=job.pk, status__in=running,
                                     **{f"{running_clock}__lt": now - (running_after or stale_after)})
        if requeue_running and stale.filter(attempts_left).update(status=pending, attempts=F("attempts") + 1,
                                                                  **{pending_clock: now}):
            transaction.on_commit(enqueue)
            logger.warning("%s %s lost its worker: enqueued again", model.__name__, job.pk)
            return True
        text = _gave_up(message, max_attempts) if requeue_running else message
        if stale.update(status=failed, finished_at=now, **_stamp(model, now, message_field, text)):
            logger.warning("%s %s lost its worker: failed", model.__name__, job.pk)
            return True
    return False


def _gave_up(message: str, attempts: int) -> str:
    return f"{message}（已自动重试 {attempts} 次仍未完成，不再重试。）"


def _stamp(model: type[models.Model], now: datetime, message_field: str, message: str) -> dict:
    values = {message_field: message}
    if any(f.name == "updated_at" for f in model._meta.concrete_fields):
        values["updated_at"] = now
    return values


@dataclass(frozen=True)
class Watched:
    """A kind of background job the sweep looks after (registered with `watch`)."""

    model: str  # "app_label.ModelName"
    check: str  # dotted path of a function(job) -> job: the model's own `revive_or_fail` call
    pending: str
    running: tuple[str, ...]
    stale_after: timedelta = STALE_AFTER
    running_after: timedelta | None = None
    pending_clock: str = "updated_at"
    running_clock: str = "updated_at"
    extra: dict = field(default_factory=dict, compare=False)

    def candidates(self, now: datetime) -> models.QuerySet:
        model = apps.get_model(self.model)
        return model.objects.filter(
            Q(status=self.pending, **{f"{self.pending_clock}__lt": now - self.stale_after})
            | Q(status__in=self.running, **{f"{self.running_clock}__lt": now - (self.running_after or self.stale_after)})
        )


_WATCHED: dict[str, Watched] = {}


def watch(model: str, check: str, *, pending: str, running: Iterable[str], **options) -> Watched:
    """Register a kind of job with the periodic sweep (in the app's `schedule.py`)."""
    watched = Watched(model=model, check=check, pending=pending, running=tuple(running), **options)
    _WATCHED[model] = watched
    return watched


def sweep_stalled(now: datetime | None = None) -> dict[str, int]:
    """Every registered kind of job: re-enqueue or fail the ones whose worker is gone. Counts per model."""
    from dudao.core.schedule import discover

    discover()
    now = now or timezone.now()
    done: dict[str, int] = {}
    for watched in _WATCHED.values():
        check = import_string(watched.check)
        changed = 0
        for job in watched.candidates(now)[:500]:
            before = (job.status, getattr(job, "attempts", None))
            job = check(job, now=now)
            changed += (job.status, getattr(job, "attempts", None)) != before
        if changed:
            done[watched.model] = changed
    return done
