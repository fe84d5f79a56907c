"""公示 (public notices with a period) of the results portal (/public/, issue [11] item 4).

A `Publicity` is an office's notice — e.g. the supervisors it intends to appoint — shown to the
public from `starts_on` to `ends_on` (both included) and archived as 公示已结束 afterwards. The period
must hold the minimum working days of its kind (rules.py, checked in services.py). A withdrawn notice
(`withdrawn_at`) is never shown again. Published documents are not stored here: the portal reads
`documents.Document.objects.published()`.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel
from dudao.portal.rules import PublicityKind

if TYPE_CHECKING:
    from dudao.people.models import User


def attachment_path(instance: PublicityAttachment, filename: str) -> str:
    return f"publicity/{instance.publicity.office_id}/{instance.publicity_id}/{filename}"


class PublicityQuerySet(models.QuerySet["Publicity"]):
    def visible_to(self, user: User) -> PublicityQuerySet:
        """The staff pages: the notices of the offices in the person's office subtrees (staff and leaders
        of the office or above, admins). Supervisors, schools and evaluators read them on the portal."""
        from dudao.access import get_scope

        scope = get_scope(user)
        if scope.everything:
            return self.all()
        parts = Q(pk__in=[])
        for code in scope.region_codes:
            parts |= Q(office__region__code__startswith=code)
        return self.filter(parts)

    def public(self, today: date | None = None) -> PublicityQuerySet:
        """What the portal shows: not withdrawn and started (current and ended alike)."""
        today = today or timezone.localdate()
        return self.filter(withdrawn_at__isnull=True, starts_on__lte=today)

    def current(self, today: date | None = None) -> PublicityQuerySet:
        today = today or timezone.localdate()
        return self.public(today).filter(ends_on__gte=today)

    def ended(self, today: date | None = None) -> PublicityQuerySet:
        today = today or timezone.localdate()
        return self.public(today).filter(ends_on__lt=today)


class Publicity(BaseModel):
    """One 公示 of an office (see the module docstring)."""

    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="publicities",
                               verbose_name=_("督导室"))
    kind = models.CharField(_("公示事项"), max_length=30, choices=PublicityKind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("公示内容"), max_length=20000)
    starts_on = models.DateField(_("公示开始日期"))
    ends_on = models.DateField(_("公示结束日期"))
    contact = models.CharField(_("意见反映方式"), max_length=200, blank=True,
                               help_text=_("例如：公示期间如有异议，请致电 0731-xxxxxxxx 或来信反映"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("发布人"))
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    withdrawn_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                     related_name="+", verbose_name=_("撤回人"))
    withdrawn_reason = models.CharField(_("撤回原因"), max_length=200, blank=True)

    objects = PublicityQuerySet.as_manager()

    class Meta:
        ordering = ["-starts_on", "-id"]
        verbose_name = _("公示")
        verbose_name_plural = _("公示")
        indexes = [models.Index(fields=["starts_on", "ends_on"], name="publicity_period")]
        constraints = [models.CheckConstraint(condition=Q(ends_on__gte=models.F("starts_on")),
                                              name="publicity_period_ordered")]

    def __str__(self) -> str:
        return self.title

    def state(self, today: date | None = None) -> str:
        """"withdrawn", "scheduled" (not started), "open" or "ended"."""
        today = today or timezone.localdate()
        if self.withdrawn_at:
            return "withdrawn"
        if today < self.starts_on:
            return "scheduled"
        return "open" if today <= self.ends_on else "ended"


class PublicityAttachment(BaseModel):
    """A file of a 公示 (a list of names, a table of results), served only while the notice is public."""

    publicity = models.ForeignKey(Publicity, on_delete=models.CASCADE, related_name="attachments")
    file = models.FileField(_("文件"), upload_to=attachment_path)
    name = models.CharField(_("文件名"), max_length=200)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["publicity_id", "id"]
        verbose_name = _("公示附件")
        verbose_name_plural = _("公示附件")

    def __str__(self) -> str:
        return self.name
