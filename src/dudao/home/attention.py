"""后台任务需处理: the background work of the last week that failed or whose worker died — imports,
monitoring recomputes and plaque batches — within the user's scope, each with a link to where the
user can act (the import page, the monitoring page with 重新计算, the plaque batch page).

Scope: each kind through its own `visible_to` (an import or a plaque batch: its creator and the
admins; a monitoring run: the regions of the user's offices), and monitoring runs further to the
regions the user may recompute (`access.may_act_on_area`: office staff of the region or above, admins).
Only people who may change data (`can_write_anything`) have this page, like the import pages.

The workbench tile counts `job_counts`, the page lists `job_rows`: the same three querysets, so
the tile's figure is the page's row count. Both first let the stalled-job checks of core/jobs.py
run on the user's stalled jobs (as the import list and the monitoring page do), so a job that is
in fact re-queued is not counted, and one that is failed shows its message.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TYPE_CHECKING
from urllib.parse import urlencode

from django.db.models import Exists, OuterRef, Q, QuerySet
from django.db.models.functions import Substr
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

if TYPE_CHECKING:
    from dudao.people.models import User

RECENT_JOB_DAYS = 7  # failed or stalled jobs of the last week are still news
REVIVE_LIMIT = 50  # stalled jobs checked per kind and request (the sweep does the rest every minute)

KIND_IMPORT, KIND_MONITORING, KIND_PLAQUE = "import", "monitoring", "plaque"


@dataclass(frozen=True)
class JobRow:
    """One row of 后台任务需处理."""

    kind: str
    kind_label: str
    what: str
    started_by: str
    at: datetime
    status: str  # the model's status code
    status_label: str
    failed: bool  # failed for good (else: stalled, its worker silent)
    message: str
    url: str
    action: str


def _trigger_labels() -> dict[str, str]:
    return {
        "manual": _("手动重新计算"), "import": _("导入年度数据后自动计算"), "data_change": _("修改年度数据后自动计算"),
        "school_change": _("修改学校信息后自动计算"), "daily": _("每日定时计算"), "demo": _("演示数据"),
    }


# --- the three querysets ----------------------------------------------------------------------------


def _imports(user: User, now: datetime) -> QuerySet:
    from dudao.imports.models import ImportJob

    return ImportJob.objects.visible_to(user).needing_attention(now=now, days=RECENT_JOB_DAYS)


def _monitoring_stalled_q(now: datetime) -> Q:
    from dudao.monitoring.models import RunStatus
    from dudao.monitoring.services import RUN_STALE_AFTER

    limit = now - RUN_STALE_AFTER
    return Q(status=RunStatus.QUEUED, requested_at__lt=limit) | Q(status=RunStatus.RUNNING, started_at__lt=limit)


def _monitoring_in_scope(user: User) -> QuerySet:
    from dudao.access import write_region_q
    from dudao.monitoring.models import MonitoringRun

    return MonitoringRun.objects.visible_to(user).filter(write_region_q(user, prefix="region__"))


def _monitoring(user: User, now: datetime) -> QuerySet:
    """Failed or stalled runs of the week, unless a later run that covers the same region and year
    (its own, a region above it or the whole country) succeeded: the monitoring page shows that
    newer run, and there is nothing left to do."""
    from dudao.monitoring.models import MonitoringRun, RunStatus

    code = OuterRef("region__code")
    covering = (Q(region__isnull=True) | Q(region_id=OuterRef("region_id"))
                | Q(region__code=Substr(code, 1, 2)) | Q(region__code=Substr(code, 1, 4)))
    superseded = MonitoringRun.objects.filter(covering, year=OuterRef("year"), status=RunStatus.SUCCEEDED,
                                              requested_at__gt=OuterRef("requested_at"))
    return (_monitoring_in_scope(user).filter(requested_at__gte=now - timedelta(days=RECENT_JOB_DAYS))
            .filter(Q(status=RunStatus.FAILED) | _monitoring_stalled_q(now))
            .exclude(Exists(superseded)))


def _plaque_stalled_q(now: datetime) -> Q:
    from dudao.core.jobs import STALE_AFTER
    from dudao.zones.models import PlaqueBatchStatus

    return Q(status__in=[PlaqueBatchStatus.PENDING, PlaqueBatchStatus.RUNNING], updated_at__lt=now - STALE_AFTER)


def _plaques(user: User, now: datetime) -> QuerySet:
    from dudao.zones.models import PlaqueBatch, PlaqueBatchStatus

    return (PlaqueBatch.objects.visible_to(user).filter(created_at__gte=now - timedelta(days=RECENT_JOB_DAYS))
            .filter(Q(status=PlaqueBatchStatus.FAILED) | _plaque_stalled_q(now)))


def _revive_stalled(user: User, now: datetime) -> None:
    """Let each kind's own check re-queue or fail the user's stalled jobs before they are counted."""
    from dudao.imports.models import ImportStatus
    from dudao.imports.services import import_job_check_stalled
    from dudao.monitoring.services import monitoring_run_check_stalled
    from dudao.zones.plaques import plaque_batch_check_stalled

    for job in _imports(user, now).exclude(status=ImportStatus.FAILED)[:REVIVE_LIMIT]:
        import_job_check_stalled(job, now=now)
    for run in _monitoring_in_scope(user).filter(_monitoring_stalled_q(now))[:REVIVE_LIMIT]:
        monitoring_run_check_stalled(run, now=now)
    for batch in _plaques(user, now).filter(_plaque_stalled_q(now))[:REVIVE_LIMIT]:
        plaque_batch_check_stalled(batch, now=now)


def _allowed(user: User) -> bool:
    from dudao.access import can_write_anything

    return can_write_anything(user)


# --- what the workbench and the page read ----------------------------------------------------------


def job_counts(*, user: User, now: datetime | None = None) -> dict[str, int]:
    """The number of rows `job_rows` gives, per kind (the workbench tile shows their sum)."""
    if not _allowed(user):
        return {KIND_IMPORT: 0, KIND_MONITORING: 0, KIND_PLAQUE: 0}
    now = now or timezone.now()
    _revive_stalled(user, now)
    return {KIND_IMPORT: _imports(user, now).count(), KIND_MONITORING: _monitoring(user, now).count(),
            KIND_PLAQUE: _plaques(user, now).count()}


def job_rows(*, user: User, now: datetime | None = None) -> list[JobRow]:
    """Every failed or stalled job of the week in the user's scope, newest first."""
    if not _allowed(user):
        return []
    now = now or timezone.now()
    _revive_stalled(user, now)
    rows = [*_import_rows(user, now), *_monitoring_rows(user, now), *_plaque_rows(user, now)]
    rows.sort(key=lambda r: r.at, reverse=True)
    return rows


def _import_rows(user: User, now: datetime) -> list[JobRow]:
    from dudao.imports.models import ImportStatus

    return [
        JobRow(KIND_IMPORT, _("数据导入"), f"{job.get_kind_display()}：{job.original_name}", str(job.created_by),
               job.created_at, job.status, _("中断（无响应）") if job.status != ImportStatus.FAILED else job.get_status_display(),
               job.status == ImportStatus.FAILED, job.message, reverse("imports:detail", args=[job.pk]), _("查看导入"))
        for job in _imports(user, now).select_related("created_by")
    ]


def _monitoring_rows(user: User, now: datetime) -> list[JobRow]:
    from dudao.monitoring.models import RunStatus

    triggers = _trigger_labels()
    rows = []
    for run in _monitoring(user, now).select_related("region"):
        place = run.region.name if run.region else _("全国")
        query = {"region": run.region.code if run.region else "", "year": run.year}
        if run.scheme:
            query["scheme"] = run.scheme
        url = reverse("monitoring:index") + "?" + urlencode({k: v for k, v in query.items() if v != ""})
        failed = run.status == RunStatus.FAILED
        rows.append(JobRow(
            KIND_MONITORING, _("均衡发展监测计算"), _("%(place)s %(year)s 学年") % {"place": place, "year": run.year},
            _("系统（%(trigger)s）") % {"trigger": triggers.get(run.trigger, run.trigger or _("未记录"))},
            run.requested_at, run.status, run.get_status_display() if failed else _("中断（无响应）"), failed,
            run.message or (run.error.splitlines()[-1][:200] if run.error else ""), url, _("去重新计算")))
    return rows


def _plaque_rows(user: User, now: datetime) -> list[JobRow]:
    from dudao.zones.models import PlaqueBatchStatus

    return [
        JobRow(KIND_PLAQUE, _("公示牌批量生成"), batch.title, str(batch.created_by), batch.created_at, batch.status,
               batch.get_status_display() if batch.status == PlaqueBatchStatus.FAILED else _("中断（无响应）"),
               batch.status == PlaqueBatchStatus.FAILED, batch.message,
               reverse("zones:plaque_batch", args=[batch.pk]), _("查看批次"))
        for batch in _plaques(user, now).select_related("created_by")
    ]
