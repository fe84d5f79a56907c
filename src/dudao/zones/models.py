"""Supervision zones (督学责任区), plaque assignments (挂牌督导) and plaque batches (督导公示牌).

Zones of a county office cover every school of its county except senior-stage and city-direct
schools, which city zones cover (seed 001; domain-rules §2.1). A school is in exactly one zone of
each level — the database enforces it. Assignments keep history: who was responsible for a
school on any date is always answerable.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BackgroundJob, BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class ZoneLevel(models.TextChoices):
    CITY = "city", _("市级责任区")
    COUNTY = "county", _("县级责任区")


class ZoneQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ZoneQuerySet:
        from dudao.access import zone_q

        return self.filter(zone_q(user))


class Zone(BaseModel):
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="zones", verbose_name=_("所属督导室"))
    name = models.CharField(_("责任区名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=10, choices=ZoneLevel.choices)
    head = models.ForeignKey("supervisors.Supervisor", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="zones_headed", verbose_name=_("责任区主任"))
    members = models.ManyToManyField("supervisors.Supervisor", blank=True, related_name="zones", verbose_name=_("成员督学"))
    office_address = models.CharField(_("办公地点"), max_length=200, blank=True)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = ZoneQuerySet.as_manager()

    class Meta:
        ordering = ["office_id", "name"]
        verbose_name = _("督学责任区")
        verbose_name_plural = _("督学责任区")
        constraints = [models.UniqueConstraint(fields=["office", "name"], name="zone_name_unique_in_office")]

    def __str__(self) -> str:
        return self.name


class ZoneSchool(BaseModel):
    """Membership of a school in a zone; `level` is copied so that one zone per level is a constraint."""

    zone = models.ForeignKey(Zone, on_delete=models.CASCADE, related_name="memberships")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="zone_memberships")
    level = models.CharField(max_length=10, choices=ZoneLevel.choices, editable=False)

    class Meta:
        verbose_name = _("责任区学校")
        verbose_name_plural = _("责任区学校")
        constraints = [models.UniqueConstraint(fields=["school", "level"], name="school_in_one_zone_per_level")]

    def save(self, *args, **kwargs) -> None:
        self.level = self.zone.level
        super().save(*args, **kwargs)


class AssignmentQuerySet(models.QuerySet):
    def current(self, on: date | None = None) -> AssignmentQuerySet:
        from django.utils import timezone

        day = on or timezone.localdate()
        return self.filter(starts_on__lte=day).filter(models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=day))

    def visible_to(self, user: User) -> AssignmentQuerySet:
        from dudao.access import school_q

        return self.filter(school_q(user, prefix="school__"))


class Assignment(BaseModel):
    """挂牌: a responsible supervisor for a school from `starts_on` to `ends_on` (inclusive; open = current)."""

    supervisor = models.ForeignKey("supervisors.Supervisor", on_delete=models.PROTECT, related_name="assignments",
                                   verbose_name=_("责任督学"))
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="assignments", verbose_name=_("学校"))
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"), null=True, blank=True)
    reason = models.CharField(_("变更原因"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    objects = AssignmentQuerySet.as_manager()

    class Meta:
        ordering = ["school_id", "starts_on", "id"]
        verbose_name = _("挂牌督导")
        verbose_name_plural = _("挂牌督导")
        constraints = [
            models.UniqueConstraint(fields=["supervisor", "school"], condition=models.Q(ends_on__isnull=True),
                                    name="one_open_assignment_per_pair"),
            models.CheckConstraint(condition=models.Q(ends_on__isnull=True) | models.Q(ends_on__gte=models.F("starts_on")),
                                   name="assignment_ends_after_start"),
        ]
        indexes = [models.Index(fields=["school", "ends_on"], name="assignment_school_open")]

    def __str__(self) -> str:
        return f"{self.supervisor} → {self.school}"


class PlaqueBatchStatus(models.TextChoices):
    PENDING = "pending", _("排队中")
    RUNNING = "running", _("生成中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class PlaqueBatchQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> PlaqueBatchQuerySet:
        from dudao.access import is_system_admin

        if is_system_admin(user):
            return self
        if not getattr(user, "is_authenticated", False):
            return self.none()
        return self.filter(created_by=user)


class PlaqueBatch(BackgroundJob):
    """One PDF of plaques (a school, a zone or a whole county), generated in the background."""

    title = models.CharField(_("名称"), max_length=200)
    school_ids = models.JSONField(_("学校"), default=list)
    status = models.CharField(_("状态"), max_length=12, choices=PlaqueBatchStatus.choices, default=PlaqueBatchStatus.PENDING)
    total = models.PositiveIntegerField(_("总数"), default=0)
    done = models.PositiveIntegerField(_("已生成"), default=0)
    file = models.FileField(_("文件"), upload_to="plaques/%Y/%m/", blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    # The public address the QR codes of this PDF encode (plaques.public_address), kept so that the
    # page can still warn about a PDF printed while it was a loopback address.
    qr_base = models.CharField(_("二维码地址"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    total_field, done_field = "total", "done"
    percent_cap = 100  # the last chunk written shows 100 % before the status turns

    objects = PlaqueBatchQuerySet.as_manager()

    class Meta(BackgroundJob.Meta):
        verbose_name = _("公示牌批次")
        verbose_name_plural = _("公示牌批次")
