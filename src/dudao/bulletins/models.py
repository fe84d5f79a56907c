"""通报 (issue [11] item 3): a bulletin is a `documents.Document` of kind "bulletin" drafted from the data.

`Bulletin` keeps what the document was drafted from — a campaign, or a period over the office's
region subtree — and the figures computed at drafting time (`figures`), so the figures page, the
Excel file and the document's text show the same numbers however the data change afterwards.
`examples` are the named good and bad examples the service proposed, each with the office's pick
(kept, so a re-draft keeps the choice). See docs/bulletins.md.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class PeriodKind(models.TextChoices):
    MONTH = "month", _("月度")
    QUARTER = "quarter", _("季度")
    SEMESTER = "semester", _("学期")
    YEAR = "year", _("年度")


class BulletinTone(models.TextChoices):
    """frameworks.md §4.7: 表扬性、批评性、情况通报."""

    SITUATION = "situation", _("情况通报")
    PRAISE = "praise", _("表扬性通报")
    CRITICISM = "criticism", _("批评性通报")


class BulletinQuerySet(models.QuerySet["Bulletin"]):
    def visible_to(self, user: User) -> BulletinQuerySet:
        """The office's bulletins (figures, picks, drafts) for the staff and leaders of its region and
        above, and admins. The units read the issued document itself (documents inbox), not this."""
        from dudao.access import get_scope

        scope = get_scope(user)
        if scope.everything:
            return self.all()
        parts = [Q(office__region__code__startswith=code) for code in scope.region_codes]
        return self.filter(reduce(or_, parts)) if parts else self.none()

    def writable_by(self, user: User) -> BulletinQuerySet:
        from dudao.access import get_scope

        scope = get_scope(user)
        if scope.write_everything:
            return self.all()
        parts = [Q(office__region__code__startswith=code) for code in scope.write_region_codes]
        return self.filter(reduce(or_, parts)) if parts else self.none()


class Bulletin(BaseModel):
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="bulletins",
                               verbose_name=_("督导室"))
    document = models.OneToOneField("documents.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="bulletin", verbose_name=_("公文"))
    tone = models.CharField(_("通报类型"), max_length=10, choices=BulletinTone.choices, default=BulletinTone.SITUATION)
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.PROTECT,
                                 related_name="bulletins", verbose_name=_("督导项目"))
    period_kind = models.CharField(_("通报周期"), max_length=10, choices=PeriodKind.choices, blank=True)
    period_start = models.DateField(_("起始日期"), null=True, blank=True)
    period_end = models.DateField(_("截止日期"), null=True, blank=True)
    subject = models.CharField(_("通报事项"), max_length=200)
    figures = models.JSONField(_("数据快照"), default=dict)
    examples = models.JSONField(_("典型单位"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("拟稿人"))

    objects = BulletinQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("通报")
        verbose_name_plural = _("通报")
        constraints = [
            models.CheckConstraint(
                condition=Q(campaign__isnull=False, period_kind="")
                | Q(campaign__isnull=True, period_start__isnull=False, period_end__isnull=False)
                & ~Q(period_kind=""),
                name="bulletin_campaign_or_period"),
        ]

    def __str__(self) -> str:
        return self.subject
