from django.db import models
from django.utils.translation import gettext_lazy as _


class BaseModel(models.Model):
    """Every table records when a row was made and last changed."""

    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        abstract = True


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
