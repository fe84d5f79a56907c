"""Daily jobs: a small, explicit scheduler on top of the task queue (no cron inside Dudao).

Declaring a job is one line, in the app's `schedule.py` (found automatically, like `admin.py`):

    # src/dudao/<app>/schedule.py
    from dudao.core.schedule import daily

    daily("findings.daily", "dudao.findings.escalation.findings_daily", at="06:30")

The function takes no arguments and returns something JSON-friendly (a dict of counts is ideal);
it must be idempotent, because an operator may run it again by hand (`dudao scheduler --run`).
`daily(...)` in an `AppConfig.ready()` works as well; `dudao scheduler --list` shows every job.

How a job runs once a day: the scheduler (`dudao scheduler`, a thread in `dudao demo --serve`)
wakes every minute and, for each job whose time of day (Asia/Shanghai) has come, inserts a
`ScheduledRun(name, run_date)` row. The unique (name, run_date) constraint is the lock — with two
scheduler processes only one insert succeeds — and the winner enqueues the run on the task queue
(or runs it in-process with `--once`). A job that fails records its traceback in the row; the
scheduler and the other jobs carry on. A run whose task was lost (never started after 30 minutes)
is enqueued again, and so is one whose worker died mid-run (a few times, then it is closed with
an error). Every tick also sweeps the other background jobs (core/jobs.py). A scheduler started after a job's time runs it at once
(the same day only: missed days are not replayed).
"""

from __future__ import annotations

import importlib
import json
import logging
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from django.apps import apps
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import IntegrityError, close_old_connections, transaction
from django.utils import timezone, translation
from django.utils.module_loading import import_string, module_has_submodule

from dudao.core.tasks import task

logger = logging.getLogger("dudao.scheduler")


@dataclass(frozen=True)
class Job:
    name: str
    path: str  # dotted path of a function without arguments
    at: time  # local time of day (settings.TIME_ZONE) from which the job is due

    def load(self) -> Callable[[], Any]:
        return import_string(self.path)


_REGISTRY: dict[str, Job] = {}
_discovered = False
_discover_lock = threading.Lock()


def _parse_at(at: str | time) -> time:
    if isinstance(at, time):
        return at.replace(second=0, microsecond=0)
    try:
        hours, minutes = (int(part) for part in at.split(":"))
        return time(hours, minutes)
    except (ValueError, TypeError) as exc:
        raise ImproperlyConfigured(f"daily(): at={at!r} is not a time of day like '06:30'") from exc


def daily(name: str, path: str, *, at: str | time = "06:30") -> Job:
    """Register a job that runs once a day from `at` (local time). Registering the same job again
    is harmless; the same name for something else is a mistake and raises."""
    if not name or not isinstance(path, str) or "." not in path:
        raise ImproperlyConfigured(f"daily({name!r}, {path!r}): give a name and a dotted path to a function")
    job = Job(name=name, path=path, at=_parse_at(at))
    existing = _REGISTRY.get(name)
    if existing is not None and existing != job:
        raise ImproperlyConfigured(f"daily job {name!r} is already registered as {existing}")
    _REGISTRY[name] = job
    return job


def discover() -> None:
    """Import `schedule.py` of every Dudao app once, so their `daily(...)` lines run."""
    global _discovered
    with _discover_lock:
        if _discovered:
            return
        for app_config in apps.get_app_configs():
            if app_config.name.startswith("dudao.") and module_has_submodule(app_config.module, "schedule"):
                importlib.import_module(f"{app_config.name}.schedule")
        _discovered = True


def registered() -> list[Job]:
    discover()
    return sorted(_REGISTRY.values(), key=lambda job: (job.at, job.name))


def get_job(name: str) -> Job | None:
    discover()
    return _REGISTRY.get(name)


def due_jobs(now: datetime | None = None) -> list[Job]:
    """Jobs whose time of day has come and that have not run (or been claimed) today."""
    from dudao.core.models import ScheduledRun

    local = timezone.localtime(now or timezone.now())
    jobs = [job for job in registered() if local.time() >= job.at]
    done = set(ScheduledRun.objects.filter(run_date=local.date(), name__in=[j.name for j in jobs])
               .values_list("name", flat=True))
    return [job for job in jobs if job.name not in done]


def claim(job: Job, run_date: date):
    """Insert today's row for the job; None when another scheduler got there first."""
    from dudao.core.models import ScheduledRun

    try:
        with transaction.atomic():
            return ScheduledRun.objects.create(name=job.name, run_date=run_date)
    except IntegrityError:
        return None


def _jsonable(value: Any) -> Any:
    if value is None:
        return None
    return json.loads(json.dumps(value, ensure_ascii=False, default=str))


def execute(run_id: int):
    """Run a claimed job and record how it went. Exceptions are caught and recorded, never raised:
    one failing job must not stop the scheduler, the worker or the other jobs."""
    from dudao.core.models import ScheduledRun

    started = timezone.now()
    if not ScheduledRun.objects.filter(pk=run_id, started_at__isnull=True).update(started_at=started, updated_at=started):
        return ScheduledRun.objects.filter(pk=run_id).first()  # already started (a duplicate delivery)
    run = ScheduledRun.objects.get(pk=run_id)
    result, error = None, ""
    try:
        job = get_job(run.name)
        if job is None:
            raise LookupError(f"no daily job named {run.name!r} is registered")
        with translation.override(settings.LANGUAGE_CODE):
            result = _jsonable(job.load()())
    except Exception:  # noqa: BLE001 - recorded on the run, see the docstring
        error = traceback.format_exc()
        logger.exception("scheduled job %s (%s) failed", run.name, run.run_date)
    else:
        logger.info("scheduled job %s (%s) finished: %s", run.name, run.run_date, result)
    run.result, run.error, run.finished_at = result, error, timezone.now()
    run.save(update_fields=["result", "error", "finished_at", "updated_at"])
    return run


@task()
def scheduled_run_task(run_id: int) -> None:
    execute(run_id)


# A claimed run that no worker has started after this long lost its task (a worker restarted
# with the queue in memory, say): the scheduler enqueues it again, at most this often.
REQUEUE_AFTER = timedelta(minutes=30)
# A started run not finished after this long lost its worker (the daily jobs take seconds to
# minutes): it is run again (the jobs are idempotent), at most core.jobs.MAX_ATTEMPTS times.
RUNNING_STALE_AFTER = timedelta(hours=2)
LOST_MESSAGE = "运行中断：处理进程意外停止"


def requeue_lost(now: datetime | None = None) -> list[int]:
    """Runs of the last week claimed but never started for REQUEUE_AFTER, or started but not
    finished for RUNNING_STALE_AFTER: enqueue them again, or — after MAX_ATTEMPTS — close them
    with an error. Safe to repeat: `execute` starts a run only once (its `started_at` update is
    the guard) and every change here is a conditional update."""
    from django.db.models import F, Q

    from dudao.core.jobs import MAX_ATTEMPTS
    from dudao.core.models import ScheduledRun

    now = now or timezone.now()
    recent = ScheduledRun.objects.filter(run_date__gte=timezone.localtime(now).date() - timedelta(days=7),
                                         finished_at__isnull=True)
    never_started = Q(started_at__isnull=True, updated_at__lt=now - REQUEUE_AFTER)
    died = Q(started_at__isnull=False, started_at__lt=now - RUNNING_STALE_AFTER)
    requeued = []
    for run in recent.filter(never_started | died):
        same = recent.filter(pk=run.pk, started_at=run.started_at, updated_at=run.updated_at)
        if run.attempts >= MAX_ATTEMPTS:
            error = f"{LOST_MESSAGE}（已自动重试 {run.attempts} 次仍未完成，不再重试；可用 dudao scheduler --run {run.name} 手动运行。）"
            if same.update(finished_at=now, error=error, updated_at=now):
                logger.error("scheduled run %s (%s) lost its worker %s times: given up", run.name, run.run_date, run.attempts)
            continue
        if same.update(started_at=None, attempts=F("attempts") + 1, updated_at=now):
            requeued.append(run.pk)
            transaction.on_commit(lambda run_id=run.pk: scheduled_run_task.enqueue(run_id=run_id))
            logger.warning("scheduled run %s (%s) was lost: enqueued again", run.name, run.run_date)
    return requeued


def sweep(now: datetime | None = None, *, lost_runs: bool = True) -> None:
    """The periodic upkeep of background work, every scheduler tick: lost daily runs (not when the
    runs are executed in-process, `--once`) and every kind of job registered with `core.jobs.watch`
    (imports, plaque batches, monitoring runs)."""
    from dudao.core.jobs import sweep_stalled

    if lost_runs:
        requeue_lost(now)
    changed = sweep_stalled(now)
    if changed:
        logger.warning("stalled background jobs handled: %s", changed)


def run_due(*, now: datetime | None = None, inline: bool = False) -> list:
    """Claim every due job; enqueue it for the task worker, or (inline) run it here and now.
    Lost runs and stalled background jobs are enqueued again or failed first (`sweep`)."""
    local = timezone.localtime(now or timezone.now())
    sweep(local, lost_runs=not inline)
    runs = []
    for job in due_jobs(local):
        run = claim(job, local.date())
        if run is None:
            continue
        if inline:
            run = execute(run.pk)
        else:
            transaction.on_commit(lambda run_id=run.pk: scheduled_run_task.enqueue(run_id=run_id))
            logger.info("scheduled job %s (%s) enqueued", job.name, run.run_date)
        runs.append(run)
    return runs


def run_now(name: str):
    """Run one job immediately, in this process, whatever its time (an operator's "run it again")."""
    from dudao.core.models import ScheduledRun

    if get_job(name) is None:
        raise LookupError(name)
    today = timezone.localdate()
    run, _created = ScheduledRun.objects.update_or_create(
        name=name, run_date=today, defaults={"started_at": None, "finished_at": None, "result": None, "error": ""})
    return execute(run.pk)


def seconds_to_next_minute(now: datetime | None = None) -> float:
    now = now or timezone.now()
    following = (now + timedelta(minutes=1)).replace(second=0, microsecond=0)
    return max((following - now).total_seconds(), 1.0)


def loop(*, stop: threading.Event | None = None, inline: bool = False) -> None:
    """Every minute, claim and enqueue the due jobs, until `stop` is set. Database errors are
    logged and retried on the next tick (the database may be restarting)."""
    stop = stop or threading.Event()
    logger.info("scheduler started with %s job(s): %s", len(registered()), ", ".join(j.name for j in registered()))
    while not stop.is_set():
        close_old_connections()
        try:
            run_due(inline=inline)
        except Exception:  # noqa: BLE001 - keep the scheduler alive
            logger.exception("scheduler tick failed")
        finally:
            close_old_connections()
        stop.wait(seconds_to_next_minute())


def start_scheduler_thread() -> threading.Thread:
    """The scheduler as a thread of the one demo process (design.md: embedded default)."""
    thread = threading.Thread(target=loop, name="dudao-scheduler", daemon=True)
    thread.start()
    return thread


# The core app's own daily job (the other apps declare theirs in their `schedule.py`): files no row
# refers to any more, removed at night (core/media.py).
daily("core.media_cleanup", "dudao.core.media.media_cleanup", at="03:30")
# Large Excel exports (core/exports.py): a job whose worker died is queued again by the sweep; old
# files are deleted at night.
daily("core.exports_expire", "dudao.core.exports.export_jobs_expire", at="03:40")


def _watch_exports() -> None:
    from dudao.core.jobs import watch

    watch("core.ExportJob", "dudao.core.exports.export_job_check_stalled", pending="pending", running=["running"])


_watch_exports()
