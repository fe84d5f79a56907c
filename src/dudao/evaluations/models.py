"""The county dossier (申报材料) of a whole-county evaluation and its entries, evidence and history.

One dossier per county, kind (优质均衡 / 基本均衡) and year. Its items are defined as data in
`items.py`; a `DossierItem` row holds what was entered (or computed from base data) for one of
them. The resources part is never stored here: it is read from monitoring's stored results.
Who reads a dossier: the offices of its county and of the regions above (staff and leaders) and
admins — the office region subtree of `dudao.access` (`DossierQuerySet.visible_to`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel
from dudao.evaluations.items import DossierKind

if TYPE_CHECKING:
    from dudao.people.models import User


class DossierState(models.TextChoices):
    DRAFT = "draft", _("县级准备中")
    CITY_REVIEW = "city_review", _("市级审核中")
    PROVINCE_REVIEW = "province_review", _("省级评估中")
    NATIONAL = "national", _("已报国家认定")
    RECOGNISED = "recognised", _("已通过国家认定")


def subtree_q(user: User, *, prefix: str = "region__", write: bool = False) -> Q:
    """The office region subtrees of the user's grants (staff and leaders; `write`: staff only), as a
    filter over a region relation; everything for admins. Schools' regions give nothing here: a
    supervisor or a school account does not read a county's dossier."""
    from dudao.access import get_scope

    scope = get_scope(user)
    if scope.write_everything if write else scope.everything:
        return Q()
    codes = scope.write_region_codes if write else scope.region_codes
    q = Q(pk__in=[])
    for code in codes:
        q |= Q(**{f"{prefix}code__startswith": code})
    return q


class DossierQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> DossierQuerySet:
        return self.filter(subtree_q(user))


class Dossier(BaseModel):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="dossiers",
                               verbose_name=_("县（市、区）"))
    kind = models.CharField(_("评估类型"), max_length=10, choices=DossierKind.choices)
    year = models.PositiveSmallIntegerField(_("申报年度"), help_text=_("资源配置读取该学年的均衡发展监测结果"))
    state = models.CharField(_("状态"), max_length=16, choices=DossierState.choices, default=DossierState.DRAFT)
    basic_passed_on = models.DateField(_("通过基本均衡认定日期"), null=True, blank=True)
    # The questionnaires are often asked in the year of application, after the school year whose
    # monitoring results the dossier reads: empty = the same year.
    survey_year = models.PositiveSmallIntegerField(_("问卷调查年度"), null=True, blank=True,
                                                   help_text=_("社会认可度读取该年度的问卷调查；空：同申报年度"))
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="dossiers", verbose_name=_("省级实地核查（督政项目）"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    applied_at = models.DateTimeField(_("申报时间"), null=True, blank=True)
    computed_at = models.DateTimeField(_("基础数据计算时间"), null=True, blank=True)

    objects = DossierQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "region__code", "kind"]
        verbose_name = _("县域评估申报材料")
        verbose_name_plural = _("县域评估申报材料")
        constraints = [models.UniqueConstraint(fields=["region", "kind", "year"], name="evaluations_dossier_unique")]

    def __str__(self) -> str:
        return f"{self.region.name} {self.year} {self.get_kind_display()}"

    @property
    def scheme(self) -> str:
        """The monitoring scheme its resources part reads."""
        return "quality_2017" if self.kind == DossierKind.QUALITY else "basic_2012"


class DossierItem(BaseModel):
    """What the dossier holds for one item of `items.py`: the value(s), or the judgement, a note.

    `met` is the judgement of a judgement item, and for a veto item "the thing exists" (True = the
    veto applies); for a measured item it is derived from the value when saved."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="items")
    code = models.CharField(_("指标代码"), max_length=8)
    value = models.DecimalField(_("数值"), max_digits=14, decimal_places=4, null=True, blank=True)
    value2 = models.DecimalField(_("第二项数值"), max_digits=14, decimal_places=4, null=True, blank=True)
    met = models.BooleanField(_("达标/存在"), null=True, blank=True)
    note = models.TextField(_("说明"), blank=True)
    computed = models.BooleanField(_("由基础数据计算"), default=False)
    detail = models.JSONField(_("计算明细"), default=dict, blank=True)
    entered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")

    class Meta:
        ordering = ["dossier_id", "id"]
        verbose_name = _("申报指标")
        verbose_name_plural = _("申报指标")
        constraints = [models.UniqueConstraint(fields=["dossier", "code"], name="evaluations_item_unique")]

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.code}"


class DossierEvidence(BaseModel):
    """An uploaded document for one item (or the dossier as a whole, code ""): checked type and size
    (the findings ledger's upload checks), hashed, served only through the dossier's access check."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="evidence")
    code = models.CharField(_("指标代码"), max_length=8, blank=True)
    file = models.FileField(_("文件"), upload_to="evaluations/evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+")

    class Meta:
        ordering = ["dossier_id", "code", "created_at", "id"]
        verbose_name = _("申报佐证材料")
        verbose_name_plural = _("申报佐证材料")


class DossierEvent(models.Model):
    """One step of the review chain (or a change worth keeping): who, when, what, why."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=24)
    from_state = models.CharField(max_length=16, blank=True)
    to_state = models.CharField(max_length=16, blank=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    at = models.DateTimeField(_("时间"), auto_now_add=True)
    comment = models.TextField(_("意见"), blank=True)

    class Meta:
        ordering = ["dossier_id", "at", "id"]
        verbose_name = _("申报流转记录")
        verbose_name_plural = _("申报流转记录")

    def __str__(self) -> str:
        return f"{self.dossier_id} {self.action}"
