"""督政: county and township governments (and their departments) as the inspected units of a campaign.

- `GovernmentUnit`: a government (or one of its departments) of a region of the region tree; made
  from the tree for an office's area (`services.units_from_regions`) and editable. A 政府单位用户
  (people.Role.GOVERNMENT_USER) grant names one unit: the account reads that unit's pages only.
- `CampaignUnit`: a unit in the scope of a 督政 campaign (campaigns.CampaignKind.GOVERNMENT), the
  team it is allocated to, its self-assessment report (自评报告, frameworks.md §4.5), and its result
  (computed by campaigns/scoring.py's pure functions, never typed).
- `UnitScore`: one answer to one indicator for one unit — the unit's self-score, one team member's
  on-site score, the leader's reconciled score or the re-inspection score (the kinds of campaigns'
  `ScoreKind`).
- `UnitEvidence`: a file the unit attaches to its report (checked, hashed, served through access checks).
- `Opinion`: the 督导意见书 per unit (frameworks.md §4.2), drafted from the results, edited by the office.
- `UnitFinding`: the link of one problem (unit, indicator) to its finding in the one ledger — unique,
  so a problem is registered exactly once; `Recheck` the re-inspection (复查) of one such finding.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from django_stubs_ext import StrOrPromise

    from dudao.people.models import User


class UnitKind(models.TextChoices):
    GOVERNMENT = "government", _("人民政府")
    DEPARTMENT = "department", _("政府部门")


class GovernmentUnitQuerySet(models.QuerySet["GovernmentUnit"]):
    def visible_to(self, user: User, *, write: bool = False) -> GovernmentUnitQuerySet:
        """Through the one scope mechanism (`dudao.access.government_unit_q`)."""
        from dudao.access import government_unit_q

        return self.filter(government_unit_q(user, write=write))


class GovernmentUnit(BaseModel):
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="government_units",
                               verbose_name=_("所在区划"))
    name = models.CharField(_("单位名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=12, choices=UnitKind.choices, default=UnitKind.GOVERNMENT)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="departments",
                               verbose_name=_("所属政府"))
    contact = models.CharField(_("联系人"), max_length=50, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    active = models.BooleanField(_("启用"), default=True)

    objects = GovernmentUnitQuerySet.as_manager()

    class Meta:
        ordering = ["region__code", "kind", "name"]
        constraints = [models.UniqueConstraint(fields=["region", "name"], name="government_unit_region_name")]
        verbose_name = _("政府单位")
        verbose_name_plural = _("政府单位")

    def __str__(self) -> str:
        return self.name


class SelfState(models.TextChoices):
    NOT_STARTED = "", _("未开始")
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")


# The sections of a township's or county's self-assessment report (frameworks.md §4.5 (a), the 强镇
# outline): field name -> heading.
REPORT_SECTIONS: list[tuple[str, StrOrPromise]] = [
    ("report_overview", _("一、基本概况")),
    ("report_work", _("二、主要做法和工作成效")),
    ("report_shortfalls", _("三、存在不足及努力方向")),
    ("report_result", _("四、自评结果")),
]


class CampaignUnit(BaseModel):
    campaign = models.ForeignKey("campaigns.Campaign", on_delete=models.CASCADE, related_name="units")
    unit = models.ForeignKey(GovernmentUnit, on_delete=models.PROTECT, related_name="campaign_entries",
                             verbose_name=_("政府单位"))
    team = models.ForeignKey("campaigns.Team", null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="government_units", verbose_name=_("督查组"))
    # --- the self-assessment report (自评报告) ---
    self_state = models.CharField(_("自评状态"), max_length=10, choices=SelfState.choices, default="", blank=True)
    report_overview = models.TextField(_("基本概况"), blank=True)
    report_work = models.TextField(_("主要做法和工作成效"), blank=True)
    report_shortfalls = models.TextField(_("存在不足及努力方向"), blank=True)
    report_result = models.TextField(_("自评结果"), blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")
    # --- the result (campaigns/scoring.py) ---
    self_total = models.DecimalField(_("自评总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    verified_total = models.DecimalField(_("核查总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=20, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        ordering = ["campaign_id", "unit__region__code", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "unit"], name="campaign_unit_once")]
        verbose_name = _("督政单位")
        verbose_name_plural = _("督政单位")

    def __str__(self) -> str:
        return f"{self.campaign} · {self.unit}"


class UnitScore(BaseModel):
    """`kind`: campaigns.ScoreKind (self / onsite / reconciled / reinspection); `value` and `choice` as
    campaigns.Score (the score of a level or yes=max/no=0, the level label or "yes"/"no")."""

    entry = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="scores")
    indicator = models.ForeignKey("frameworks.Indicator", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=12)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    value = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    choice = models.CharField(_("选项"), max_length=32, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["entry", "indicator", "kind", "rater"], name="unit_score_once_per_rater"),
            models.UniqueConstraint(fields=["entry", "indicator", "kind"], condition=models.Q(rater__isnull=True),
                                    name="unit_score_once_without_rater"),
        ]
        verbose_name = _("督政评分")
        verbose_name_plural = _("督政评分")


def unit_evidence_path(instance: UnitEvidence, filename: str) -> str:
    import uuid

    return f"governance/{instance.entry_id}/{uuid.uuid4().hex}"


class UnitEvidence(BaseModel):
    entry = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="evidence")
    indicator = models.ForeignKey("frameworks.Indicator", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    file = models.FileField(_("文件"), upload_to=unit_evidence_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("自评佐证材料")
        verbose_name_plural = _("自评佐证材料")


class Opinion(BaseModel):
    """督导意见书 (frameworks.md §4.2)."""

    entry = models.OneToOneField(CampaignUnit, on_delete=models.CASCADE, related_name="opinion")
    number = models.CharField(_("文号"), max_length=64, blank=True)
    basis = models.TextField(_("督导依据"), blank=True)
    process = models.TextField(_("督导过程"), blank=True)
    overall = models.TextField(_("总体评价"), blank=True)
    strengths = models.TextField(_("主要成绩"), blank=True)
    problems = models.TextField(_("存在问题"), blank=True)
    requirements = models.TextField(_("整改要求和建议"), blank=True)
    deadline = models.DateField(_("整改期限"), null=True, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    updated_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        verbose_name = _("督导意见书")
        verbose_name_plural = _("督导意见书")


class UnitFinding(BaseModel):
    """One problem of a unit (an indicator that lost marks) and its finding in the ledger: once."""

    entry = models.ForeignKey(CampaignUnit, on_delete=models.CASCADE, related_name="findings")
    indicator = models.ForeignKey("frameworks.Indicator", on_delete=models.PROTECT, related_name="+")
    finding = models.OneToOneField("findings.Finding", on_delete=models.PROTECT, related_name="government_problem")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["entry", "indicator"], name="unit_finding_once")]
        verbose_name = _("督政整改问题")
        verbose_name_plural = _("督政整改问题")


class RecheckResult(models.TextChoices):
    PASSED = "passed", _("整改到位，销号")
    RETURNED = "returned", _("整改不到位，退回")


class Recheck(BaseModel):
    """复查 of one finding of a unit: what was seen and the outcome (the finding is closed or returned
    through the findings workflow in the same step)."""

    problem = models.ForeignKey(UnitFinding, on_delete=models.CASCADE, related_name="rechecks")
    result = models.CharField(_("复查结论"), max_length=10, choices=RecheckResult.choices)
    note = models.TextField(_("复查情况"))
    checked_on = models.DateField(_("复查日期"))
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["problem_id", "-checked_on", "-id"]
        verbose_name = _("复查记录")
        verbose_name_plural = _("复查记录")
