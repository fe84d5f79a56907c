"""Import jobs: one uploaded file, its validation errors and its progress."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BackgroundJob


class ImportKind(models.TextChoices):
    SCHOOLS = "schools", _("学校名录")
    YEAR_DATA = "year_data", _("学校年度基础数据")
    SUPERVISORS = "supervisors", _("督学名册")
    ZONES = "zones", _("督学责任区")
    ZONE_SCHOOLS = "zone_schools", _("责任区学校")
    ZONE_SUPERVISORS = "zone_supervisors", _("责任区督学")


class ImportStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    VALIDATING = "validating", _("校验中")
    WRITING = "writing", _("写入中")
    SUCCEEDED = "succeeded", _("导入成功")
    FAILED = "failed", _("导入失败")


class ImportJobQuerySet(models.QuerySet):
    def visible_to(self, user) -> ImportJobQuerySet:
        """Admins see every job; everyone else sees the jobs they started."""
        from dudao.access import is_system_admin

        if is_system_admin(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)

    def needing_attention(self, *, now=None, days: int = 7) -> ImportJobQuerySet:
        """Failed in the last `days`, or unfinished with no heartbeat for `core.jobs.STALE_AFTER`
        (a worker that died): what the workbench counts and `?attention=1` lists."""
        from datetime import timedelta

        from django.db.models import Q
        from django.utils import timezone

        from dudao.core.jobs import STALE_AFTER

        now = now or timezone.now()
        unfinished = (ImportStatus.PENDING, ImportStatus.VALIDATING, ImportStatus.WRITING)
        return self.filter(created_at__gte=now - timedelta(days=days)).filter(
            Q(status=ImportStatus.FAILED) | Q(status__in=unfinished, updated_at__lt=now - STALE_AFTER))


class ImportJob(BackgroundJob):
    kind = models.CharField(_("导入类型"), max_length=20, choices=ImportKind.choices)
    status = models.CharField(_("状态"), max_length=12, choices=ImportStatus.choices, default=ImportStatus.PENDING)
    file = models.FileField(_("文件"), upload_to="imports/%Y/%m/")
    original_name = models.CharField(_("原文件名"), max_length=255)
    file_size = models.PositiveBigIntegerField(_("文件大小"), default=0)
    total_rows = models.PositiveIntegerField(_("数据行数"), default=0)
    processed_rows = models.PositiveIntegerField(_("已处理行数"), default=0)
    created_count = models.PositiveIntegerField(_("新增"), default=0)
    updated_count = models.PositiveIntegerField(_("更新"), default=0)
    error_count = models.PositiveIntegerField(_("错误数"), default=0)
    errors = models.JSONField(_("错误明细"), default=list, blank=True)
    message = models.CharField(_("结果说明"), max_length=500, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="import_jobs")
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)

    objects = ImportJobQuerySet.as_manager()

    class Meta(BackgroundJob.Meta):
        verbose_name = _("导入任务")
        verbose_name_plural = _("导入任务")

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.original_name}"

    def progress_share(self) -> int:
        # Validation is the first 80 %, writing the last 20 %.
        return 95 if self.status == ImportStatus.WRITING else 80
