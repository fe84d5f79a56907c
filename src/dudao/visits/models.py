"""Routine visits (经常性督导 / 随访督导), visit plans and quota rules.

A visit is what a responsible supervisor records at a school gate on a phone: when (server and
device time), where (browser location and distance to the school), how (methods), what (topics:
the 8 挂牌 items and the office's focus topics), what was seen, opinions given, photos, problems
found — each problem a structured item that the findings ledger of issue [4] takes over — and
whether the school refused or obstructed (seed 001: recorded and escalated).
"""

from __future__ import annotations

import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class VisitMode(models.TextChoices):
    ANNOUNCED = "announced", _("明查")
    UNANNOUNCED = "unannounced", _("暗访")


class VisitBasis(models.TextChoices):
    """Why the visit was made. Only routine 挂牌 visits count toward quotas and compliance (the
    tally's triggers, compliance.py, not_visited.py, plans.py); the others are recorded with the
    same phone form and the same evidence but count for nothing."""

    ROUTINE = "routine", _("挂牌督导")
    CAMPAIGN = "campaign", _("专项/综合督导实地核查")
    FOLLOWUP = "followup", _("随访·视导")


class VisitStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    SUBMITTED = "submitted", _("已提交")


class LocationStatus(models.TextChoices):
    OK = "ok", _("已定位")
    DENIED = "denied", _("未授权定位")
    UNAVAILABLE = "unavailable", _("无法定位")
    NONE = "none", _("未记录")


# Code lists the office may extend (system.DictionaryItem): methods and topics of a visit.
METHOD_DICTIONARY = "visit_method"
TOPIC_DICTIONARIES = ("supervision_item", "visit_focus")
PROBLEM_CATEGORY_DICTIONARY = "problem_category"


class VisitQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> VisitQuerySet:
        """Visits at schools in the user's scope (a school sees its own visits; an office its subtree)."""
        from dudao.access import school_q

        return self.filter(school_q(user, prefix="school__"))

    def submitted(self) -> VisitQuerySet:
        return self.filter(status=VisitStatus.SUBMITTED)

    def counted(self) -> VisitQuerySet:
        """The visits quotas count: submitted routine (挂牌) visits (the `visit_quota_routine` index)."""
        return self.filter(COUNTED)


# What every quota, compliance and not-visited figure counts (and the tally's triggers, in SQL).
COUNTED = models.Q(status="submitted", basis="routine")


class Visit(BaseModel):
    client_id = models.UUIDField(_("客户端编号"), unique=True, default=uuid.uuid4,
                                 help_text=_("手机端生成，同一记录重复提交只保存一次"))
    # Routine visits have their supervisor (a constraint); a campaign inspection or a 随访 may be made
    # by someone without a supervisor record: the inspector is always `created_by`.
    supervisor = models.ForeignKey("supervisors.Supervisor", on_delete=models.PROTECT, related_name="visits", verbose_name=_("督学"),
                                   null=True, blank=True)
    basis = models.CharField(_("督导依据"), max_length=10, choices=VisitBasis.choices, default=VisitBasis.ROUTINE,
                             db_default=VisitBasis.ROUTINE)
    # what the basis refers to, kept by its owner (e.g. "campaign:12"): visits never imports campaigns
    basis_ref = models.CharField(_("依据对象"), max_length=40, blank=True, db_default="")
    # the basis's own answers on the same form (a campaign's framework items), kept with the draft
    answers = models.JSONField(_("评分项填写"), default=dict, blank=True, db_default=models.Value({}, models.JSONField()))
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="visits", verbose_name=_("学校"))
    mode = models.CharField(_("督导方式"), max_length=12, choices=VisitMode.choices, default=VisitMode.ANNOUNCED)
    status = models.CharField(_("状态"), max_length=10, choices=VisitStatus.choices, default=VisitStatus.DRAFT, db_index=True)
    started_at = models.DateTimeField(_("开始时间"))
    ended_at = models.DateTimeField(_("结束时间"), null=True, blank=True)
    device_started_at = models.DateTimeField(_("设备开始时间"), null=True, blank=True)
    device_ended_at = models.DateTimeField(_("设备结束时间"), null=True, blank=True)
    visit_date = models.DateField(_("督导日期"), db_index=True, help_text=_("按北京时间的开始日期，配额统计用"))
    latitude = models.DecimalField(_("纬度"), max_digits=9, decimal_places=6, null=True, blank=True)
    longitude = models.DecimalField(_("经度"), max_digits=9, decimal_places=6, null=True, blank=True)
    location_accuracy_m = models.PositiveIntegerField(_("定位精度(米)"), null=True, blank=True)
    location_status = models.CharField(_("定位状态"), max_length=12, choices=LocationStatus.choices, default=LocationStatus.NONE)
    distance_m = models.PositiveIntegerField(_("距学校(米)"), null=True, blank=True)
    methods = models.JSONField(_("督导方法"), default=list, blank=True)
    topics = models.JSONField(_("督导内容"), default=list, blank=True)
    narrative = models.TextField(_("督导情况"), blank=True)
    opinions = models.TextField(_("意见建议"), blank=True)
    refused = models.BooleanField(_("拒绝、阻挠督导或提供虚假材料"), default=False)
    refusal_note = models.TextField(_("拒绝阻挠情况说明"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = VisitQuerySet.as_manager()

    class Meta:
        ordering = ["-visit_date", "-started_at"]
        verbose_name = _("督导记录")
        verbose_name_plural = _("督导记录")
        indexes = [
            models.Index(fields=["supervisor", "visit_date"], name="visit_supervisor_date"),
            models.Index(fields=["school", "visit_date"], name="visit_school_date"),
            # the visit ledger's order (newest first): a page reads its rows off the index
            models.Index(fields=["-visit_date", "-started_at", "-id"], name="visit_ledger_order",
                         condition=models.Q(status="submitted")),
            # the compliance report's groups read the submitted visits of a month or a period from
            # this index alone (an index-only scan), never the wide table (visits/compliance.py)
            models.Index(fields=["visit_date", "supervisor", "school"], name="visit_quota_routine",
                         condition=models.Q(status="submitted", basis="routine")),
            models.Index(fields=["basis_ref"], name="visit_basis_ref", condition=~models.Q(basis_ref="")),
        ]
        constraints = [
            models.CheckConstraint(condition=~models.Q(basis="routine") | models.Q(supervisor__isnull=False),
                                   name="visit_routine_has_supervisor"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_date} {self.inspector_name} → {self.school}"

    @property
    def is_routine(self) -> bool:
        return self.basis == VisitBasis.ROUTINE

    @property
    def inspector_name(self) -> str:
        """The supervisor's name, or for a visit without one the inspecting account's name."""
        if self.supervisor_id:
            return str(self.supervisor)
        return self.created_by.display_name if self.created_by_id else ""


class VisitPhoto(BaseModel):
    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="photos")
    client_id = models.UUIDField(unique=True, default=uuid.uuid4)
    image = models.ImageField(_("照片"), upload_to="visits/photos/%Y/%m/")
    content_hash = models.CharField(_("内容指纹"), max_length=64, db_index=True)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    original_bytes = models.PositiveIntegerField(_("原始大小"), default=0)
    taken_at = models.DateTimeField(_("拍摄时间(EXIF)"), null=True, blank=True)
    exif_latitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    exif_longitude = models.DecimalField(max_digits=9, decimal_places=6, null=True, blank=True)
    caption = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        ordering = ["visit_id", "created_at"]
        verbose_name = _("督导照片")
        verbose_name_plural = _("督导照片")
        constraints = [models.UniqueConstraint(fields=["visit", "content_hash"], name="visit_photo_once")]


class VisitProblem(BaseModel):
    """A problem found on a visit, with a requirement and a deadline. Issue [4]'s findings ledger
    links each one to a Finding (source = visit) — the fields here are the finding's fields."""

    visit = models.ForeignKey(Visit, on_delete=models.CASCADE, related_name="problems")
    category = models.CharField(_("问题类别"), max_length=40)
    description = models.TextField(_("问题描述"))
    requirement = models.TextField(_("整改要求"))
    deadline = models.DateField(_("整改期限"))
    # The visit's photos that show this problem: they become the finding's first evidence.
    photos = models.ManyToManyField(VisitPhoto, blank=True, related_name="problems", verbose_name=_("问题照片"))

    class Meta:
        ordering = ["visit_id", "id"]
        verbose_name = _("发现问题")
        verbose_name_plural = _("发现问题")


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> PlanQuerySet:
        """A supervisor's own plans; the office sees every plan of its supervisors."""
        from dudao.supervisors.models import Supervisor

        return self.filter(supervisor__in=Supervisor.objects.visible_to(user))


class VisitPlan(BaseModel):
    """A supervisor's monthly plan: which schools, on which dates."""

    supervisor = models.ForeignKey("supervisors.Supervisor", on_delete=models.CASCADE, related_name="visit_plans")
    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = PlanQuerySet.as_manager()

    class Meta:
        ordering = ["-month"]
        verbose_name = _("督导计划")
        verbose_name_plural = _("督导计划")
        constraints = [models.UniqueConstraint(fields=["supervisor", "month"], name="one_plan_per_month")]


class VisitPlanItem(BaseModel):
    plan = models.ForeignKey(VisitPlan, on_delete=models.CASCADE, related_name="items")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    planned_on = models.DateField(_("计划日期"))
    reason = models.CharField(_("安排理由"), max_length=200, blank=True)

    class Meta:
        ordering = ["planned_on", "id"]
        verbose_name = _("计划条目")
        verbose_name_plural = _("计划条目")


class QuotaPeriod(models.TextChoices):
    MONTH = "month", _("每月")
    SEMESTER = "semester", _("每学期")
    YEAR = "year", _("每年")


class QuotaMetric(models.TextChoices):
    VISITS_PER_SUPERVISOR = "visits_per_supervisor", _("每名督学督导次数")
    VISITS_PER_ASSIGNED_SCHOOL = "visits_per_assigned_school", _("每所挂牌学校被督导次数")
    VISITS_PER_ZONE_SCHOOL = "visits_per_zone_school", _("责任区每所学校被督导次数")
    VISITS_PER_COUNTY = "visits_per_county", _("到所负责的每个县市区督导次数")
    VISITS_TO_CITY_DIRECT = "visits_to_city_direct", _("到市直学校督导次数")


class VisitTally(models.Model):
    """The submitted visits per (month, supervisor, school) and the last visit day among them.

    Kept by database triggers on visits_visit (migration 0006), in the same transaction as every
    write of a visit however it is made — the services, bulk_create, a COPY, a raw UPDATE — so it
    cannot drift. A year's compliance reads some 200,000 rows of it instead of 500,000 visits
    (bench/visits.py); `visits/tally.py` rebuilds it from the visits."""

    month = models.DateField(_("月份"), help_text=_("该月第一天"))
    supervisor = models.ForeignKey("supervisors.Supervisor", on_delete=models.CASCADE, related_name="+", db_index=False)
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+", db_index=False)
    visits = models.PositiveIntegerField(_("已提交督导次数"))
    last_visit = models.DateField(_("本月最后督导日期"))

    class Meta:
        verbose_name = _("月度督导计数")
        verbose_name_plural = _("月度督导计数")
        constraints = [models.UniqueConstraint(fields=["month", "supervisor", "school"], name="visit_tally_key")]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m} {self.supervisor_id} → {self.school_id}: {self.visits}"


# Whose quota a rule sets: supervisors of a county office (county zones), of a city office (city
# zones), or of a province office — the province's 随访 supervisors, who hold no zone and have no
# quota unless the province sets one.
ZONE_LEVEL_CHOICES = [("city", _("市级责任区督学")), ("county", _("县级责任区督学")), ("province", _("省级督学（随访督导）"))]


class QuotaRule(BaseModel):
    """A quota as data (domain-rules §9.3; seed 001). Rules are versioned, never edited in place:
    a change closes the old row (`valid_to`) and opens a new one, so past periods are judged by
    the rule that was in force on their first day."""

    office = models.ForeignKey("regions.Office", null=True, blank=True, on_delete=models.CASCADE, related_name="quota_rules",
                               verbose_name=_("适用督导室"), help_text=_("空 = 全国默认"))
    zone_level = models.CharField(_("适用督学"), max_length=10, choices=ZONE_LEVEL_CHOICES)
    supervisor_kind = models.CharField(_("督学类别"), max_length=12, blank=True,
                                       choices=[("", _("全部")), ("full_time", _("专职")), ("part_time", _("兼职"))])
    metric = models.CharField(_("统计口径"), max_length=32, choices=QuotaMetric.choices)
    period = models.CharField(_("周期"), max_length=10, choices=QuotaPeriod.choices)
    required = models.PositiveSmallIntegerField(_("至少次数"))
    source = models.CharField(_("依据"), max_length=200)
    valid_from = models.DateField(_("生效日期"))
    valid_to = models.DateField(_("失效日期"), null=True, blank=True)
    replaces = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+", verbose_name=_("取代"))

    class Meta:
        ordering = ["office_id", "zone_level", "metric", "period", "-valid_from"]
        verbose_name = _("配额规则")
        verbose_name_plural = _("配额规则")

    def __str__(self) -> str:
        return f"{self.get_metric_display()} {self.get_period_display()} ≥ {self.required}"
