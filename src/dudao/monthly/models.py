"""The monthly work summary (工作月报, issue [11] item 5): a snapshot of an office's month.

`MonthlySummary` keeps the figures of one office and one month (its region subtree) as they were
computed (`figures`, JSON): the figures page, its Excel file and the document (`documents.Document`
of kind "monthly") are all drawn from this one snapshot, so the three agree. Regenerating replaces the
figures and the draft's text only while the document is a draft; once issued the summary is locked
(a change is a new version of the document, through the documents workflow).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class MonthlySummaryQuerySet(models.QuerySet["MonthlySummary"]):
    def visible_to(self, user: User) -> MonthlySummaryQuerySet:
        """Whoever reads the summary's document (documents `document_q`: the office's staff and leaders
        and those above it, admins; the units it was sent to)."""
        from dudao.documents.models import Document

        return self.filter(document_id__in=Document.objects.visible_to(user).values("pk"))


class MonthlySummary(BaseModel):
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="monthly_summaries",
                               verbose_name=_("督导室"))
    year = models.PositiveSmallIntegerField(_("年份"))
    month = models.PositiveSmallIntegerField(_("月份"))
    figures = models.JSONField(_("数据"), default=dict)
    document = models.OneToOneField("documents.Document", on_delete=models.PROTECT, related_name="monthly_summary",
                                    verbose_name=_("公文"))
    generated_at = models.DateTimeField(_("生成时间"))
    generated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("生成人"))

    objects = MonthlySummaryQuerySet.as_manager()

    class Meta:
        ordering = ["office_id", "-year", "-month"]
        verbose_name = _("工作月报")
        verbose_name_plural = _("工作月报")
        constraints = [
            models.UniqueConstraint(fields=["office", "year", "month"], name="monthly_summary_once"),
            models.CheckConstraint(condition=models.Q(month__gte=1, month__lte=12), name="monthly_summary_month"),
        ]

    def __str__(self) -> str:
        return f"{self.office} {self.year}-{self.month:02d}"

    @property
    def is_locked(self) -> bool:
        """Issued (or on its way: 审核/签发): the figures no longer change."""
        return self.document.status != "draft"
