"""The supervision team (督学队伍): supervisors, their terms, status history and training.

Rules (domain-rules §1.2, §3, §9.3): part-time terms are 3 years, at most 3 consecutive
(条例 Art 6); each supervisor needs ≥ 40 hours of concentrated training a year (督学办法).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class SupervisorKind(models.TextChoices):
    FULL_TIME = "full_time", _("专职")
    PART_TIME = "part_time", _("兼职")


class SupervisorLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")


class SupervisorStatus(models.TextChoices):
    ACTIVE = "active", _("在岗")
    SUSPENDED = "suspended", _("暂停履职")
    RETIRED = "retired", _("离任")
    DISMISSED = "dismissed", _("解聘")


class Gender(models.TextChoices):
    MALE = "male", _("男")
    FEMALE = "female", _("女")


class Degree(models.TextChoices):
    POSTGRADUATE = "postgraduate", _("研究生")
    BACHELOR = "bachelor", _("本科")
    ASSOCIATE = "associate", _("专科")
    OTHER = "other", _("其他")


class Title(models.TextChoices):
    FULL_SENIOR = "full_senior", _("正高级")
    SENIOR = "senior", _("高级")
    MIDDLE = "middle", _("中级（一级）")
    JUNIOR = "junior", _("初级及以下")
    NONE = "none", _("无")


# Background (来源背景) is a code list the office may extend: system.DictionaryItem "supervisor_background".
BACKGROUND_DICTIONARY = "supervisor_background"


class SupervisorQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> SupervisorQuerySet:
        from dudao.access import supervisor_q

        return self.filter(supervisor_q(user))

    def active(self) -> SupervisorQuerySet:
        return self.filter(status=SupervisorStatus.ACTIVE)


class Supervisor(BaseModel):
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="supervisor",
        verbose_name=_("登录账号"),
    )
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="supervisors", verbose_name=_("所属督导室"))
    name = models.CharField(_("姓名"), max_length=32)
    gender = models.CharField(_("性别"), max_length=8, choices=Gender.choices, blank=True)
    birth_date = models.DateField(_("出生日期"), null=True, blank=True)
    phone = models.CharField(_("手机号"), max_length=20, blank=True)
    kind = models.CharField(_("类别"), max_length=12, choices=SupervisorKind.choices)
    level = models.CharField(_("级别"), max_length=10, choices=SupervisorLevel.choices)
    appointed_on = models.DateField(_("聘任（任命）日期"), null=True, blank=True)
    appointing_body = models.CharField(_("聘任（任命）机关"), max_length=100, blank=True)
    letter_no = models.CharField(_("聘书编号"), max_length=40, blank=True)
    certificate_no = models.CharField(_("督学证编号"), max_length=40, blank=True)
    background = models.CharField(_("来源背景"), max_length=40, blank=True)
    former_post = models.CharField(_("原工作单位及职务"), max_length=100, blank=True)
    degree = models.CharField(_("学历"), max_length=16, choices=Degree.choices, blank=True)
    title = models.CharField(_("职称"), max_length=16, choices=Title.choices, blank=True)
    photo = models.ImageField(_("照片"), upload_to="supervisors/photos/", blank=True)
    status = models.CharField(_("状态"), max_length=12, choices=SupervisorStatus.choices, default=SupervisorStatus.ACTIVE)
    note = models.CharField(_("备注"), max_length=200, blank=True)

    objects = SupervisorQuerySet.as_manager()

    class Meta:
        ordering = ["office_id", "kind", "name"]
        verbose_name = _("督学")
        verbose_name_plural = _("督学")
        indexes = [models.Index(fields=["office", "status"], name="supervisor_office_status")]

    def __str__(self) -> str:
        return self.name

    def age_on(self, day: date) -> int | None:
        if not self.birth_date:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def masked_phone(self) -> str:
        """138****1234: lists and exports show this to anyone but the supervisor's office."""
        p = self.phone
        if len(p) >= 7:
            return p[:3] + "*" * (len(p) - 7) + p[-4:]
        return "*" * len(p)


class SupervisorTerm(BaseModel):
    """A term of appointment (届), e.g. 第六届. Part-time terms: 3 years (条例 Art 6)."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="terms")
    number = models.PositiveSmallIntegerField(_("届次"))
    starts_on = models.DateField(_("任期开始"))
    ends_on = models.DateField(_("任期结束"))
    note = models.CharField(_("备注"), max_length=200, blank=True)

    class Meta:
        ordering = ["supervisor_id", "starts_on"]
        verbose_name = _("任期")
        verbose_name_plural = _("任期")
        constraints = [
            models.CheckConstraint(condition=models.Q(ends_on__gt=models.F("starts_on")), name="term_ends_after_start"),
        ]

    def __str__(self) -> str:
        return f"第{self.number}届 {self.starts_on}—{self.ends_on}"


class SupervisorStatusEvent(BaseModel):
    """Entry, suspension and exit with reasons (动态管理): the history the team statistics read."""

    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="status_events")
    status = models.CharField(_("状态"), max_length=12, choices=SupervisorStatus.choices)
    effective_on = models.DateField(_("生效日期"))
    reason = models.CharField(_("原因"), max_length=200, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["supervisor_id", "effective_on", "id"]
        verbose_name = _("状态变更")
        verbose_name_plural = _("状态变更")

    def __str__(self) -> str:
        return f"{self.supervisor} {self.get_status_display()} {self.effective_on}"


class TrainingMode(models.TextChoices):
    CONCENTRATED = "concentrated", _("集中培训")
    ONLINE = "online", _("网络培训")
    SELF_STUDY = "self_study", _("自学")


class TrainingSessionQuerySet(models.QuerySet["TrainingSession"]):
    def visible_to(self, user: User) -> TrainingSessionQuerySet:
        """Sessions of offices whose team the user sees (the office and those above it), plus the
        sessions a supervisor attended. Schools and evaluators see none."""
        from dudao.access import is_system_admin
        from dudao.regions.selectors import team_offices

        if is_system_admin(user):
            return self.all()
        if not getattr(user, "is_authenticated", False):
            return self.none()
        office_ids = [o.pk for o in team_offices(user)]
        attended = self.filter(attendance__supervisor__user=user).values("pk")
        return self.filter(models.Q(office_id__in=office_ids) | models.Q(pk__in=attended))


class TrainingSession(BaseModel):
    """A training session (培训) organised for supervisors; seed 002's meeting had 62 attendees."""

    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="training_sessions",
                               verbose_name=_("组织单位"))
    topic = models.CharField(_("培训主题"), max_length=200)
    held_on = models.DateField(_("培训日期"))
    hours = models.DecimalField(_("学时"), max_digits=5, decimal_places=1)
    mode = models.CharField(_("培训方式"), max_length=16, choices=TrainingMode.choices, default=TrainingMode.CONCENTRATED)
    organiser = models.CharField(_("主办方"), max_length=100, blank=True)
    location = models.CharField(_("地点"), max_length=100, blank=True)
    attendees = models.ManyToManyField(Supervisor, through="TrainingAttendance", related_name="training_sessions")

    objects = TrainingSessionQuerySet.as_manager()

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = _("培训")
        verbose_name_plural = _("培训")

    def __str__(self) -> str:
        return f"{self.held_on} {self.topic}"


class TrainingAttendance(BaseModel):
    session = models.ForeignKey(TrainingSession, on_delete=models.CASCADE, related_name="attendance")
    supervisor = models.ForeignKey(Supervisor, on_delete=models.CASCADE, related_name="attendance")
    hours = models.DecimalField(_("计入学时"), max_digits=5, decimal_places=1)

    class Meta:
        verbose_name = _("培训出勤")
        verbose_name_plural = _("培训出勤")
        constraints = [models.UniqueConstraint(fields=["session", "supervisor"], name="attendance_once")]
