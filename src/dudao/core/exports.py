"""Excel exports of any size: a small file is written while the user waits (as before), a large one
by a background worker, with a progress page and a download when it is ready (issue [7]).

A province's findings ledger (60,000 rows) took more than 30 s to write, all of it before the first
byte, holding a web worker and then timing out behind a proxy. Every export of a list is now a
*workbook builder*, a function (user, params) → Workbook named by its dotted path (the job's kind),
that the app's view calls for a small file and the worker calls for a large one, so both files are
the same, cell for cell (tests/core/test_export_jobs.py).

- `export_response(request, kind, rows=n)`: below `EXPORT_ASYNC_ROWS` rows (settings; 2,000), the file
  as before; from there an ExportJob is queued (on commit) and the user is sent to its page.
- the worker (`export_job_run`, core/tasks.py) claims a pending job with a conditional UPDATE, writes
  the file counting rows (the page's progress bar; the count also moves `updated_at`, the heartbeat the
  stalled-job sweep reads, core/jobs.py), and stores it under media `exports/`.
- only the person who asked sees the job and downloads the file: it holds the rows of their scope.
- jobs and files older than `KEEP_DAYS` are deleted at night (`export_jobs_expire`).
"""

from __future__ import annotations

import logging
import tempfile
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files import File
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.translation import gettext as _

from dudao.core.excel import write_xlsx_sheets, xlsx_sheets_response
from dudao.core.models import ExportJob, ExportStatus

if TYPE_CHECKING:
    from dudao.people.models import User

logger = logging.getLogger("dudao.exports")

DEFAULT_ASYNC_ROWS = 2000  # about a second of writing at most (3,000 supervisors took 1.3 s): sent at once
PROGRESS_EVERY = 500  # rows between two progress updates (and heartbeats)
KEEP_DAYS = 7


@dataclass
class Workbook:
    """What an export writes: the file name (without date and extension), its sheets and notes."""

    filename: str
    sheets: list[tuple[str, Sequence[str], Iterable[Sequence]]]
    notes: Sequence[str] = field(default_factory=list)
    total: Callable[[], int] | None = None  # the rows to write, counted by the worker (the progress bar)


def builder_for(kind: str) -> Callable[[User, QueryDict], Workbook]:
    """`kind` is the dotted path of a function (user, params: QueryDict) → Workbook, a module-level
    name in `dudao.` (it is stored on the job, so any worker process finds it)."""
    if not kind.startswith("dudao."):
        raise ValueError(kind)
    return import_string(kind)


def async_rows() -> int:
    return int(getattr(settings, "EXPORT_ASYNC_ROWS", DEFAULT_ASYNC_ROWS))


def capped_count(qs) -> int:
    """The rows of a list, counted up to the size that makes an export a background job (a
    province's 500,000 visits are not counted to learn that they are more than 2,000)."""
    return qs.order_by()[:async_rows()].count()


def _params(query: QueryDict) -> dict[str, list[str]]:
    return {key: query.getlist(key) for key in query if key != "page"}


def _query(params: dict[str, list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, values in params.items():
        query.setlist(key, list(values))
    return query


# --- the view's side ----------------------------------------------------------------------------------


def export_response(request: HttpRequest, kind: str, *, rows: int, title: str) -> HttpResponse:
    """The file now when it is small; otherwise a background job and its page."""
    if rows < async_rows():
        book = builder_for(kind)(request.user, request.GET)
        return xlsx_sheets_response(book.filename, book.sheets, notes=book.notes)
    job = export_job_create(by=request.user, kind=kind, title=title, params=_params(request.GET), rows=rows)
    return redirect("core:export_job", pk=job.pk)


def export_job_create(*, by: User, kind: str, title: str, params: dict[str, list[str]], rows: int) -> ExportJob:
    """Queue an export; the worker is told once the row is committed."""
    builder_for(kind)  # a mistyped builder fails here, not in the worker
    job = ExportJob.objects.create(kind=kind, title=title[:200], params=params, total_rows=rows, created_by=by)
    transaction.on_commit(lambda: _enqueue(job.pk))
    return job


def _enqueue(job_id: int) -> None:
    from dudao.core.tasks import export_job_run_task

    export_job_run_task.enqueue(job_id)


def access_export_job(user: User, pk) -> ExportJob:
    """The user's own export; anyone else's 404 (the file holds its owner's scope)."""
    job = ExportJob.objects.filter(pk=pk, created_by_id=getattr(user, "pk", None)).first()
    if job is None:
        raise Http404
    return job


# --- the worker's side --------------------------------------------------------------------------------


def _counted(job_id: int, rows: Iterable[Sequence], done: list[int]) -> Iterator[Sequence]:
    """The rows, recording every PROGRESS_EVERY of them on the job (progress and heartbeat)."""
    for row in rows:
        yield row
        done[0] += 1
        if done[0] % PROGRESS_EVERY == 0:
            ExportJob.objects.filter(pk=job_id).update(processed_rows=done[0], updated_at=timezone.now())


def export_job_run(*, job_id: int) -> None:
    """Write the job's file. Idempotent: a job another worker claimed, or a finished one, is left alone."""
    now = timezone.now()
    claimed = ExportJob.objects.filter(pk=job_id, status=ExportStatus.PENDING).update(
        status=ExportStatus.RUNNING, started_at=now, updated_at=now, processed_rows=0)
    if not claimed:
        return
    job = ExportJob.objects.select_related("created_by").get(pk=job_id)
    try:
        book = builder_for(job.kind)(job.created_by, _query(job.params))
        if book.total is not None:
            ExportJob.objects.filter(pk=job.pk).update(total_rows=book.total(), updated_at=timezone.now())
        done = [0]
        sheets = [(name, headers, _counted(job.pk, rows, done)) for name, headers, rows in book.sheets]
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        filename = f"{book.filename}-{stamp}.xlsx"
        with tempfile.NamedTemporaryFile(suffix=".xlsx") as tmp:
            write_xlsx_sheets(tmp.name, sheets, notes=book.notes)
            tmp.seek(0)
            job.file.save(f"export-{job.pk}.xlsx", File(tmp), save=False)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.SUCCEEDED, file=job.file.name, filename=filename, processed_rows=done[0],
            total_rows=done[0], finished_at=timezone.now(), updated_at=timezone.now(),
            message=_("已生成 %(n)s 行。") % {"n": done[0]})
    except Exception:
        logger.exception("export %s failed", job.pk)
        ExportJob.objects.filter(pk=job.pk).update(
            status=ExportStatus.FAILED, finished_at=timezone.now(), updated_at=timezone.now(),
            message=_("导出失败，请稍后重试；如仍失败请联系系统管理员。"))


def export_job_check_stalled(job: ExportJob, *, now: datetime | None = None) -> ExportJob:
    """A job whose worker died is queued again (writing a file is idempotent), at most a few times."""
    from dudao.core.jobs import revive_or_fail

    if revive_or_fail(job, pending=ExportStatus.PENDING, running=[ExportStatus.RUNNING], failed=ExportStatus.FAILED,
                      message=_("导出中断（后台任务无响应），请重新导出。"), enqueue=lambda: _enqueue(job.pk),
                      now=now, requeue_running=True):
        job.refresh_from_db()
    return job


def export_jobs_expire(now: datetime | None = None) -> dict[str, int]:
    """Delete the jobs (and their files) older than KEEP_DAYS: an export is a copy, not a record."""
    old = ExportJob.objects.filter(created_at__lt=(now or timezone.now()) - timedelta(days=KEEP_DAYS))
    deleted = 0
    for job in old.iterator():
        if job.file:
            job.file.delete(save=False)
        job.delete()
        deleted += 1
    return {"deleted": deleted}
