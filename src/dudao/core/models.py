from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every table records when a row was made and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


class BackgroundJob(BaseModel):
    """A file written in the background with a progress bar: an Excel export (ExportJob), a PDF of
    plaques (zones.PlaqueBatch), an import (imports.ImportJob). Each keeps its own status choices,
    all ending in "succeeded" or "failed", and names its progress counters (`total_field`,
    `done_field`); the re-queue count and the end time are here, swept by core/jobs.py.

    `percent`: 100 once succeeded; otherwise the share of rows done, scaled by `progress_share()`
    (an import validates first), capped at `percent_cap` while the job is still running."""

    SUCCEEDED, FAILED = "succeeded", "failed"
    total_field, done_field = "total_rows", "processed_rows"
    percent_cap = 99

    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    attempts = models.PositiveSmallIntegerField(_("重新排队次数"), default=0)

    status: models.CharField

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    @property
    def is_finished(self) -> bool:
        return self.status in {self.SUCCEEDED, self.FAILED}

    def progress_share(self) -> int:
        return 100

    @property
    def percent(self) -> int:
        if self.status == self.SUCCEEDED:
            return 100
        total = getattr(self, self.total_field)
        if not total:
            return 0
        return min(self.percent_cap, int(getattr(self, self.done_field) * self.progress_share() / total))


class ScheduledRun(BaseModel):
    """One run of a daily job (core/schedule.py). The unique (name, run_date) row is the lock: two
    scheduler processes may both find a job due, only the one that inserts the row runs it."""

    name = models.CharField(_("任务"), max_length=100)
    run_date = models.DateField(_("日期"))
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    result = models.JSONField(_("结果"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    attempts = models.PositiveSmallIntegerField(_("重新排队次数"), default=0)

    class Meta:
        ordering = ["-run_date", "name"]
        verbose_name = _("定时任务运行记录")
        verbose_name_plural = _("定时任务运行记录")
        constraints = [models.UniqueConstraint(fields=["name", "run_date"], name="scheduled_run_once_a_day")]

    def __str__(self) -> str:
        return f"{self.name} {self.run_date}"

    @property
    def status(self) -> str:
        if self.finished_at:
            return "failed" if self.error else "done"
        return "running" if self.started_at else "queued"


class ExportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class ExportJob(BackgroundJob):
    """An Excel file too large to write while the user waits (core/exports.py): written by a worker,
    with progress, then downloaded by the one who asked for it (it holds their scope's rows)."""

    kind = models.CharField(_("导出类型"), max_length=100)  # the dotted path of the workbook builder
    title = models.CharField(_("名称"), max_length=200)
    params = models.JSONField(_("筛选条件"), default=dict, blank=True)  # the page's query string, name → values
    status = models.CharField(_("状态"), max_length=12, choices=ExportStatus.choices, default=ExportStatus.PENDING)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已写入行数"), default=0)
    file = models.FileField(_("文件"), upload_to="exports/%Y/%m/", blank=True)
    filename = models.CharField(_("文件名"), max_length=255, blank=True)
    message = models.CharField(_("结果说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs")
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)

    class Meta(BackgroundJob.Meta):
        verbose_name = _("导出任务")
        verbose_name_plural = _("导出任务")

    def __str__(self) -> str:
        return self.title
