"""Administrative divisions (行政区划) and supervision offices (督导室).

The official division code is the materialised path: province "43", city "4301", county
"430182", township "430182101". Everything under county 430182 is `code LIKE '430182%'`, one
indexed prefix query (PostgreSQL gets a varchar_pattern_ops index from `db_index`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class RegionLevel(models.TextChoices):
    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县级")
    TOWNSHIP = "township", _("乡镇级")


class RegionQuerySet(models.QuerySet):
    def under(self, code: str, *, include_self: bool = True) -> RegionQuerySet:
        qs = self.filter(code__startswith=code)
        return qs if include_self else qs.exclude(code=code)

    def visible_to(self, user: User) -> RegionQuerySet:
        from dudao.access import region_q

        return self.filter(region_q(user))


class Region(models.Model):
    code = models.CharField(_("区划代码"), max_length=12, unique=True)
    name = models.CharField(_("名称"), max_length=64)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices, db_index=True)
    kind = models.CharField(_("类型"), max_length=16, blank=True, help_text=_("如 地级市、县级市、市辖区、镇、街道"))
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    full_name = models.CharField(_("全称"), max_length=128, blank=True)
    source = models.CharField(_("数据来源"), max_length=64, blank=True)
    source_version = models.CharField(_("数据版本"), max_length=32, blank=True)

    objects = RegionQuerySet.as_manager()

    class Meta:
        ordering = ["code"]
        verbose_name = _("行政区划")
        verbose_name_plural = _("行政区划")

    def __str__(self) -> str:
        return self.name


class OfficeQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> OfficeQuerySet:
        from dudao.access import office_q

        return self.filter(office_q(user))


class Office(BaseModel):
    """A government education-supervision office (政府教育督导室) of a province, city or county."""

    region = models.OneToOneField(Region, on_delete=models.PROTECT, related_name="office")
    name = models.CharField(_("名称"), max_length=128)
    level = models.CharField(_("级别"), max_length=10, choices=RegionLevel.choices)
    address = models.CharField(_("地址"), max_length=200, blank=True)
    phone = models.CharField(_("办公电话"), max_length=32, blank=True)
    complaint_phone = models.CharField(_("投诉电话"), max_length=32, blank=True)
    head_name = models.CharField(_("负责人"), max_length=32, blank=True)

    objects = OfficeQuerySet.as_manager()

    class Meta:
        ordering = ["region__code"]
        verbose_name = _("督导室")
        verbose_name_plural = _("督导室")

    def __str__(self) -> str:
        return self.name
