"""Stored balance-monitoring results (均衡发展监测结果): aggregate tables the dashboards read.

Results are computed from schools.SchoolYearData by `services.monitoring_recompute` (the formulas
live in the Django-free `indicators.py`) and written in bulk; nothing on a page recomputes them
(style.md: Zulip-style aggregate tables). One row per scheme, year, stage and school / region.
`MonitoringRun` records each recompute: what was filled, when, and how it ended.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from dudao.people.models import User


class Scheme(models.TextChoices):
    QUALITY_2017 = "quality_2017", _("优质均衡（2017）")
    BASIC_2012 = "basic_2012", _("基本均衡（2012）")


class MonitoredStage(models.TextChoices):
    PRIMARY = "primary", _("小学")
    JUNIOR = "junior", _("初中")


class Verdict(models.TextChoices):
    PASS = "pass", _("达标")
    FAIL = "fail", _("未达标")
    INSUFFICIENT = "insufficient", _("数据不足")


class AreaLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class RunStatus(models.TextChoices):
    QUEUED = "queued", _("排队中")
    RUNNING = "running", _("计算中")
    SUCCEEDED = "succeeded", _("已完成")
    FAILED = "failed", _("失败")


class SchoolResultQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SchoolResultQuerySet:
        """The school scope of the person (access/scope.py), through the result's school."""
        from dudao.access import school_q

        return self.filter(school_q(user, prefix="school__"))

    def under(self, region_code: str) -> SchoolResultQuerySet:
        return self.filter(region_code__startswith=region_code)

    def counted(self) -> SchoolResultQuerySet:
        """The rows counted in their county's results (not excluded by a scope rule)."""
        return self.filter(excluded_reason="")


class SchoolResult(models.Model):
    """One stage section of one school in one year: its indicator values and the per-school rule."""

    scheme = models.CharField(_("评估办法"), max_length=16, choices=Scheme.choices)
    year = models.PositiveSmallIntegerField(_("学年"))
    stage = models.CharField(_("学段"), max_length=8, choices=MonitoredStage.choices)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="monitoring_results")
    # Denormalised from the school: prefix queries (`LIKE '430182%'`) for a county, city or province.
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    students = models.PositiveIntegerField(_("在校生数"), default=0)
    values = models.JSONField(_("指标值"), default=dict, help_text=_("{指标代码: 数值或 null}"))
    met = models.JSONField(_("是否达标"), default=dict, help_text=_("{指标代码: true/false/null}"))
    met_count = models.PositiveSmallIntegerField(_("达标项数"), default=0)
    passes = models.BooleanField(_("学校达标"), null=True, help_text=_("null：数据缺失或该办法无学校达标规则"))
    missing = models.JSONField(_("缺失指标"), default=list)
    # Non-empty: the school is shown but not counted in its county (indicators.REASON_LABELS, e.g.
    # "teaching_point_small", "zero_students", "missing"). The county CVs count exactly the rows
    # with an empty reason and a value for the indicator.
    excluded_reason = models.CharField(_("未纳入原因"), max_length=32, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = SchoolResultQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "school_id"]
        verbose_name = _("学校均衡监测结果")
        verbose_name_plural = _("学校均衡监测结果")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year", "stage", "school"], name="monitoring_school_result_unique"),
        ]
        indexes = [models.Index(fields=["scheme", "year", "stage", "region_code"], name="monitoring_sr_lookup")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.year} {self.stage} {self.scheme}"


class AreaResultQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> AreaResultQuerySet:
        from dudao.access import region_q

        return self.filter(region_q(user, prefix="region__"))

    def under(self, region_code: str) -> AreaResultQuerySet:
        return self.filter(region_code__startswith=region_code)


class AreaResult(models.Model):
    """A county (from its schools), or a city / province (summarising its counties)."""

    scheme = models.CharField(_("评估办法"), max_length=16, choices=Scheme.choices)
    year = models.PositiveSmallIntegerField(_("学年"))
    stage = models.CharField(_("学段"), max_length=8, choices=MonitoredStage.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.CASCADE, related_name="monitoring_results")
    level = models.CharField(_("级别"), max_length=10, choices=AreaLevel.choices)
    region_code = models.CharField(_("区划代码"), max_length=12, db_index=True)
    school_count = models.PositiveIntegerField(_("参评学校数"), default=0)
    students = models.PositiveIntegerField(_("在校生数"), default=0)
    schools_passing = models.PositiveIntegerField(_("达标学校数"), default=0)
    # County: per-indicator CV of its schools. City / province: per-indicator CV over all schools
    # of the area (for information; the verdict of a city is counted from its counties).
    cv = models.JSONField(_("差异系数"), default=dict)
    cv_pass = models.JSONField(_("差异系数达标"), default=dict)
    mean = models.JSONField(_("均值（全域生均）"), default=dict)
    composite_cv = models.FloatField(_("综合差异系数"), null=True, blank=True)
    verdict = models.CharField(_("结论"), max_length=12, choices=Verdict.choices, default=Verdict.INSUFFICIENT)
    # City / province only: counties passing / failing / without data.
    counties = models.JSONField(_("县级结论统计"), default=dict, blank=True)
    excluded = models.JSONField(_("未纳入学校"), default=list, help_text=_("[{school_id, name, reason}]"))
    data_filled = models.JSONField(_("数据填报情况"), default=dict)
    computed_at = models.DateTimeField(_("计算时间"))

    objects = AreaResultQuerySet.as_manager()

    class Meta:
        ordering = ["region_code", "stage"]
        verbose_name = _("区域均衡监测结果")
        verbose_name_plural = _("区域均衡监测结果")
        constraints = [
            models.UniqueConstraint(fields=["scheme", "year", "stage", "region"], name="monitoring_area_result_unique"),
        ]
        indexes = [models.Index(fields=["scheme", "year", "stage", "level", "region_code"], name="monitoring_ar_lookup")]

    def __str__(self) -> str:
        return f"{self.region_code} {self.year} {self.stage} {self.scheme}"


class MonitoringRunQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> MonitoringRunQuerySet:
        """Runs of the whole country (region null) are shown to system admins only."""
        from dudao.access import is_system_admin, region_q

        if is_system_admin(user):
            return self
        return self.filter(region__isnull=False).filter(region_q(user, prefix="region__"))


class MonitoringRun(models.Model):
    """One recompute: its scope, timing, counts (what was filled) and outcome."""

    scheme = models.CharField(_("评估办法"), max_length=16, blank=True, help_text=_("空：全部办法"))
    year = models.PositiveSmallIntegerField(_("学年"))
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="monitoring_runs", help_text=_("空：全国"))
    trigger = models.CharField(_("触发原因"), max_length=32, blank=True,
                               help_text=_("manual、import（导入年度数据）、data_change（修改年度数据）、school_change（修改学校基本信息）、daily、demo"))
    requested_at = models.DateTimeField(_("请求时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=RunStatus.choices, default=RunStatus.RUNNING)
    counts = models.JSONField(_("计数"), default=dict)
    error = models.TextField(_("错误"), blank=True)
    message = models.CharField(_("说明"), max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(_("重新排队次数"), default=0)

    objects = MonitoringRunQuerySet.as_manager()

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = _("监测计算记录")
        verbose_name_plural = _("监测计算记录")
        indexes = [models.Index(fields=["year", "-requested_at"], name="monitoring_run_recent"),
                   models.Index(fields=["status", "year"], name="monitoring_run_status")]

    def __str__(self) -> str:
        return f"{self.year} {self.region_id or '全国'} {self.status}"

    @property
    def seconds(self) -> float | None:
        if self.finished_at is None or self.started_at is None:
            return None
        return (self.finished_at - self.started_at).total_seconds()
