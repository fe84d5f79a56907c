"""通知公告 and the policy library (issue [11] item 7; docs/library.md).

- `Policy`: a law, regulation, policy document or handbook (法规政策文件汇编, 督学工作手册) with its 文号,
  issuing body, date and validity, an optional attachment, and its text segmented by jieba into
  `search_text` — searched by PostgreSQL full text (`to_tsvector('simple', search_text)`, a GIN index
  made by migration 0002) and by a plain token match on SQLite (the demo). Built-ins (no office) are the
  national regulations of domain-rules.md, read-only.
- `Announcement`: a notice of an office to its subtree (offices below, supervisors, schools); publishing
  fixes its readers as `AnnouncementReceipt` rows, which are also its read receipts.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class PolicyCategory(models.TextChoices):
    LAW = "law", _("法律")
    REGULATION = "regulation", _("行政法规")
    RULE = "rule", _("部门规章")
    NORMATIVE = "normative", _("规范性文件")
    LOCAL = "local", _("地方文件")
    HANDBOOK = "handbook", _("工作手册")


class PolicyStatus(models.TextChoices):
    VALID = "valid", _("现行有效")
    AMENDED = "amended", _("已修订")
    REPEALED = "repealed", _("已废止")


class PolicyQuerySet(models.QuerySet["Policy"]):
    def visible_to(self, user: User) -> PolicyQuerySet:
        from dudao.access import policy_q

        return self.filter(policy_q(user))


def policy_path(instance: Policy, filename: str) -> str:
    return f"library/{instance.office_id or 'builtin'}/{filename}"


class Policy(BaseModel):
    office = models.ForeignKey("regions.Office", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="policies", verbose_name=_("督导室"))
    title = models.CharField(_("标题"), max_length=200)
    number = models.CharField(_("文号"), max_length=60, blank=True)
    issuer = models.CharField(_("发布机关"), max_length=100)
    category = models.CharField(_("类别"), max_length=12, choices=PolicyCategory.choices,
                                default=PolicyCategory.NORMATIVE)
    issued_on = models.DateField(_("发布日期"), null=True, blank=True)
    issued_year = models.PositiveSmallIntegerField(_("发布年份"), null=True, blank=True)  # known when the day is not
    effective_on = models.DateField(_("施行日期"), null=True, blank=True)
    status = models.CharField(_("效力"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.VALID)
    summary = models.TextField(_("摘要"), blank=True)
    full_text = models.TextField(_("全文"), blank=True)
    source = models.CharField(_("来源"), max_length=300, blank=True)
    attachment = models.FileField(_("附件"), upload_to=policy_path, blank=True)
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment_sha256 = models.CharField(max_length=64, blank=True)
    search_text = models.TextField(blank=True, editable=False)  # jieba tokens, space-separated, lower case
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("录入人"))

    objects = PolicyQuerySet.as_manager()

    class Meta:
        ordering = ["-issued_year", "-issued_on", "title"]
        verbose_name = _("政策法规")
        verbose_name_plural = _("政策法规")
        constraints = [models.UniqueConstraint(fields=["title"], condition=models.Q(office__isnull=True),
                                               name="policy_builtin_title_once")]

    def __str__(self) -> str:
        return f"{self.title}（{self.number}）" if self.number else self.title

    @property
    def is_builtin(self) -> bool:
        return self.office_id is None


class Audience(models.TextChoices):
    ALL = "all", _("辖区全体（督导室、督学、学校）")
    OFFICES = "offices", _("下级督导室")
    SUPERVISORS = "supervisors", _("责任督学")
    SCHOOLS = "schools", _("学校")


class AnnouncementQuerySet(models.QuerySet["Announcement"]):
    def visible_to(self, user: User) -> AnnouncementQuerySet:
        from dudao.access import announcement_q

        return self.filter(announcement_q(user)).distinct()


def announcement_path(instance: Announcement, filename: str) -> str:
    return f"library/notices/{instance.office_id}/{filename}"


class Announcement(BaseModel):
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="announcements",
                               verbose_name=_("发布单位"))
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("正文"))
    audience = models.CharField(_("发送范围"), max_length=12, choices=Audience.choices, default=Audience.ALL)
    pinned = models.BooleanField(_("置顶"), default=False)
    attachment = models.FileField(_("附件"), upload_to=announcement_path, blank=True)
    attachment_name = models.CharField(_("附件名称"), max_length=200, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发布人"))

    objects = AnnouncementQuerySet.as_manager()

    class Meta:
        ordering = ["-pinned", "-published_at", "-created_at"]
        verbose_name = _("通知公告")
        verbose_name_plural = _("通知公告")

    def __str__(self) -> str:
        return self.title

    @property
    def is_live(self) -> bool:
        return self.published_at is not None and self.withdrawn_at is None


class AnnouncementReceipt(BaseModel):
    """One reader of a published notice; `read_at` is the read receipt."""

    announcement = models.ForeignKey(Announcement, on_delete=models.CASCADE, related_name="receipts")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    unit = models.CharField(_("单位"), max_length=200, blank=True)  # the reader's office or school, for the list
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)

    class Meta:
        ordering = ["announcement_id", "unit", "user_id"]
        verbose_name = _("阅读回执")
        verbose_name_plural = _("阅读回执")
        constraints = [models.UniqueConstraint(fields=["announcement", "user"], name="announcement_receipt_once")]
