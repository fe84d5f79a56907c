"""Campaigns (专项督导 / 综合督导 / 质量评价) against a pinned framework version.

The pieces, in the order of a campaign's life (issue [9]):

- `Campaign`: the 实施方案 fields (frameworks.md §4.1), approval, scope, phases with dates and an
  explicit state (the table in `campaigns/workflow.py`); every step is a `CampaignEvent`.
- `CampaignSchool`: a school in scope and the team it is allocated to.
- `Team` / `TeamMember` (督查组): supervisors, bureau staff with their section, third-party people.
- `SchoolTie`: what makes a member avoid a school (回避) besides their own 挂牌 schools.
- `SelfInspection` (自查自纠) and `Score`: every answer, self, on-site or at re-inspection, one row per
  (school, indicator, rater, kind); on-site scores link the visit they were captured in.
- `SchoolResult`: the aggregated and graded outcome per school, with discrepancy flags;
  `TeamFigures` / `ItemFigures`: the results summed per team and per item for the dashboard.
"""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class CampaignKind(models.TextChoices):
    SPECIAL = "special", _("专项督导")
    COMPREHENSIVE = "comprehensive", _("综合督导")
    QUALITY = "quality", _("质量评价")
    # 督政 (issue [10]): the units in scope are government units (governance.CampaignUnit), not schools
    GOVERNMENT = "government", _("督政")


class CampaignState(models.TextChoices):
    DRAFT = "draft", _("草拟")
    SUBMITTED = "submitted", _("待审批")
    APPROVED = "approved", _("已批准")
    SELF_INSPECTION = "self_inspection", _("学校自查")
    ONSITE = "onsite", _("实地督导")
    PRELIMINARY = "preliminary", _("初步意见")
    DEFENCE = "defence", _("单位申辩")
    FINAL = "final", _("最终意见")
    RECTIFICATION = "rectification", _("整改")
    REINSPECTION = "reinspection", _("复查")
    SUMMARY = "summary", _("总结")
    CLOSED = "closed", _("已结束")
    CANCELLED = "cancelled", _("已撤销")


# A 督政 campaign's units are governments, not schools: the self-inspection phase is their 自评
# (被督导单位自评); every other state reads the same for every kind.
GOVERNMENT_STATE_LABELS = {CampaignState.SELF_INSPECTION.value: pgettext_lazy("campaign state", "自评")}


def state_label(kind: str, state: str) -> str:
    """The state's name as a campaign of `kind` shows it."""
    if kind == CampaignKind.GOVERNMENT and state in GOVERNMENT_STATE_LABELS:
        return str(GOVERNMENT_STATE_LABELS[state])
    return str(CampaignState(state).label) if state in CampaignState.values else state


class ScopeMode(models.TextChoices):
    REGION = "region", _("区域内全部学校（可筛选）")
    PICKED = "picked", _("指定学校")
    SAMPLE = "sample", _("分层随机抽样")


class Aggregation(models.TextChoices):
    """How several raters' on-site scores of one item become the verified score."""

    MEAN = "mean", _("平均值")
    MEDIAN = "median", _("中位数")
    LEADER = "leader", _("组长核定")


# The event that records "the schools in scope were told" (campaigns/services.py writes it when the
# notice goes out, or for 暗访 when the preliminary opinion does): a school account sees the campaign
# from then on, never before.
SCHOOLS_NOTIFIED = "schools_notified"
# States in which a third-party evaluator's on-site window may open (approved and not cancelled).
WINDOW_STATES = ("approved", "self_inspection", "onsite", "preliminary", "defence", "final", "rectification",
                 "reinspection", "summary", "closed")


class CampaignQuerySet(models.QuerySet["Campaign"]):
    def of_offices_of(self, user: User) -> CampaignQuerySet:
        """The office part of `visible_to`: campaigns of the user's offices and the offices below
        them (admins: all). The team pages are read by these offices only, not by members or schools."""
        from dudao.access import get_scope

        scope = get_scope(user)
        if scope.everything:
            return self.all()
        q = Q(pk__in=[])
        for code in scope.region_codes:
            q |= Q(office__region__code__startswith=code)
        return self.filter(q)

    def visible_to(self, user: User, *, today: dt.date | None = None) -> CampaignQuerySet:
        """Who reads a campaign (docs/campaigns.md "Who reads"):

        - admins: every campaign; office staff and leaders: the campaigns of their office and of the
          offices below it (a campaign is seen by its office and the offices above it);
        - a school account: the campaigns its school is in, once the schools were notified
          (`SCHOOLS_NOTIFIED`; for 暗访 that is after the on-site phase);
        - team members (督查组): their campaigns; a third-party member (kind third_party) only while
          the on-site window is open (onsite_start..onsite_end inclusive, Beijing dates).
        """
        from dudao.access import get_scope
        from dudao.people.models import Role

        scope = get_scope(user)
        if scope.everything:
            return self.all()
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        q = Q(pk__in=[])
        for code in scope.region_codes:
            q |= Q(office__region__code__startswith=code)
        if Role.SCHOOL_USER in scope.roles:
            school_ids = user.role_grants.filter(role=Role.SCHOOL_USER).values("schools")
            told = CampaignEvent.objects.filter(campaign=OuterRef("pk"), action=SCHOOLS_NOTIFIED)
            entered = CampaignSchool.objects.filter(campaign=OuterRef("pk"), school__in=school_ids)
            q |= Q(Exists(told) & Exists(entered))
        day = today or timezone.localdate()
        members = TeamMember.objects.filter(team__campaign=OuterRef("pk"), user=user)
        q |= Exists(members.exclude(kind=MemberKind.THIRD_PARTY))
        q |= Q(Exists(members.filter(kind=MemberKind.THIRD_PARTY)), state__in=WINDOW_STATES,
               onsite_start__lte=day, onsite_end__gte=day)
        return self.filter(q)


class Campaign(BaseModel):
    kind = models.CharField(_("类型"), max_length=16, choices=CampaignKind.choices)
    name = models.CharField(_("名称"), max_length=200)
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="campaigns",
                               verbose_name=_("组织督导室"))
    year = models.PositiveSmallIntegerField(_("年度"))
    framework_version = models.ForeignKey("frameworks.FrameworkVersion", on_delete=models.PROTECT,
                                          related_name="campaigns", verbose_name=_("指标体系版本"))
    state = models.CharField(_("状态"), max_length=16, choices=CampaignState.choices, default=CampaignState.DRAFT,
                             db_index=True)
    # --- 实施方案 (frameworks.md §4.1) ---
    purpose = models.TextField(_("督导目的"), blank=True)
    basis = models.TextField(_("督导依据"), blank=True)
    scope_text = models.TextField(_("督导范围"), blank=True)
    time_text = models.TextField(_("时间安排"), blank=True)
    content = models.TextField(_("督导内容"), blank=True)
    method = models.TextField(_("方式方法"), blank=True)
    staffing = models.TextField(_("人员组成"), blank=True)
    requirements = models.TextField(_("工作要求"), blank=True)
    results_use = models.TextField(_("结果运用"), blank=True)
    # --- approval by a leader before the notice goes out ---
    approved_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                    related_name="+", verbose_name=_("审批人"))
    approved_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    # --- scope: which schools ---
    scope_mode = models.CharField(_("范围方式"), max_length=10, choices=ScopeMode.choices, default=ScopeMode.REGION)
    scope_region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+", verbose_name=_("范围区域"))
    # {"kinds": [...], "stages": [...], "urban_rural": [...], "ownership": [...]}
    scope_filters = models.JSONField(_("筛选条件"), default=dict, blank=True)
    sample_size = models.PositiveIntegerField(_("抽样数"), null=True, blank=True)
    sample_strata = models.CharField(_("分层依据"), max_length=32, blank=True)
    sample_seed = models.BigIntegerField(_("随机种子"), null=True, blank=True)
    # --- phases (dates; the state says where the campaign is) ---
    notice_date = models.DateField(_("通知日期"), null=True, blank=True)
    self_deadline = models.DateField(_("自查截止"), null=True, blank=True)
    onsite_start = models.DateField(_("实地督导开始"), null=True, blank=True)
    onsite_end = models.DateField(_("实地督导结束"), null=True, blank=True)
    preliminary_date = models.DateField(_("初步意见反馈"), null=True, blank=True)
    defence_deadline = models.DateField(_("申辩截止"), null=True, blank=True)
    final_date = models.DateField(_("最终意见"), null=True, blank=True)
    rectification_deadline = models.DateField(_("整改期限"), null=True, blank=True)
    reinspection_date = models.DateField(_("复查日期"), null=True, blank=True)
    summary_date = models.DateField(_("总结日期"), null=True, blank=True)
    # --- on-site rules ---
    unannounced = models.BooleanField(_("暗访（不提前通知学校）"), default=False)
    aggregation = models.CharField(_("多人评分汇总"), max_length=8, choices=Aggregation.choices,
                                   default=Aggregation.MEAN)
    discrepancy_threshold = models.DecimalField(_("自评与核查差异阈值（分）"), max_digits=6, decimal_places=2,
                                                default=2)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-id"]
        verbose_name = _("督导项目")
        verbose_name_plural = _("督导项目")

    def __str__(self) -> str:
        return self.name

    @property
    def is_government(self) -> bool:
        """A 督政 campaign: its scope, self-assessment, scoring and opinions are the governance app's
        (per government unit); the school-only steps and pages do not apply."""
        return self.kind == CampaignKind.GOVERNMENT

    @property
    def state_label(self) -> str:
        """The state's name for this campaign's kind (督政: 自评 rather than 学校自查)."""
        return state_label(self.kind, self.state)

    @property
    def has_self_inspection(self) -> bool:
        """自查自纠 is part of a campaign when it has a self-inspection deadline and is announced
        (a 暗访 campaign never tells the schools in advance, so it has none)."""
        return bool(self.self_deadline) and not self.unannounced


class CampaignEvent(BaseModel):
    """One logged step of a campaign (state change, approval, allocation, bulk findings …)."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="events")
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    action = models.CharField(_("操作"), max_length=32)
    from_state = models.CharField(_("原状态"), max_length=16, blank=True)
    to_state = models.CharField(_("新状态"), max_length=16, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["campaign_id", "created_at", "id"]
        verbose_name = _("督导项目日志")
        verbose_name_plural = _("督导项目日志")


class Team(BaseModel):
    """督查组."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="teams")
    name = models.CharField(_("组名"), max_length=64)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    note = models.TextField(_("备注"), blank=True)

    class Meta:
        ordering = ["campaign_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "name"], name="team_campaign_name")]
        verbose_name = _("督查组")
        verbose_name_plural = _("督查组")

    def __str__(self) -> str:
        return self.name


class MemberKind(models.TextChoices):
    SUPERVISOR = "supervisor", _("督学")
    STAFF = "staff", _("机关工作人员")
    THIRD_PARTY = "third_party", _("第三方评估人员")


class TeamMember(BaseModel):
    team = models.ForeignKey(Team, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="team_memberships")
    kind = models.CharField(_("身份"), max_length=12, choices=MemberKind.choices)
    section = models.CharField(_("所在科室/单位"), max_length=64, blank=True,
                               help_text=_("如 普教、纪检监察、宣教、综治、成职幼教，或第三方机构名称"))
    is_leader = models.BooleanField(_("组长"), default=False)
    phone = models.CharField(_("联系电话"), max_length=20, blank=True)

    class Meta:
        ordering = ["team_id", "-is_leader", "id"]
        constraints = [
            models.UniqueConstraint(fields=["team", "user"], name="team_member_once"),
            models.UniqueConstraint(fields=["team"], condition=models.Q(is_leader=True), name="team_one_leader"),
        ]
        verbose_name = _("督查组成员")
        verbose_name_plural = _("督查组成员")


class CampaignSchool(BaseModel):
    """A school in the campaign's scope, and the team it is allocated to."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="schools")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="campaign_entries")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.SET_NULL, related_name="schools")
    # the team was set by hand (调整): the automatic allocation keeps it and places only the others
    team_by_hand = models.BooleanField(_("手工调整"), default=False)
    stratum = models.CharField(_("抽样层"), max_length=64, blank=True)

    class Meta:
        ordering = ["campaign_id", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="campaign_school_once")]
        verbose_name = _("督导学校")
        verbose_name_plural = _("督导学校")


class TieKind(models.TextChoices):
    WORKED = "worked", _("曾任职")
    RELATIVE = "relative", _("亲属任职")
    OTHER = "other", _("其他利害关系")


class SchoolTie(BaseModel):
    """A reason for a person to avoid inspecting a school (回避), besides their own 挂牌 schools."""

    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="school_ties")
    school = models.ForeignKey("schools.School", on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("关系"), max_length=10, choices=TieKind.choices, default=TieKind.WORKED)
    start = models.DateField(_("起始"), null=True, blank=True)
    end = models.DateField(_("截止"), null=True, blank=True)
    note = models.CharField(_("说明"), max_length=200, blank=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["user", "school", "kind"], name="school_tie_once")]
        verbose_name = _("回避关系")
        verbose_name_plural = _("回避关系")


class SelfInspectionState(models.TextChoices):
    DRAFT = "draft", _("填报中")
    SUBMITTED = "submitted", _("已提交")


class SelfInspection(BaseModel):
    """自查自纠: the school's own answers (as `Score` rows of kind self), report and total."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="self_inspections")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    state = models.CharField(_("状态"), max_length=10, choices=SelfInspectionState.choices,
                             default=SelfInspectionState.DRAFT)
    report = models.TextField(_("自查报告"), blank=True)
    self_total = models.DecimalField(_("自评总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"), null=True, blank=True)
    submitted_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                     related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="self_inspection_once")]
        verbose_name = _("学校自查")
        verbose_name_plural = _("学校自查")


class ScoreKind(models.TextChoices):
    SELF = "self", _("自评")
    ONSITE = "onsite", _("实地核查")
    RECONCILED = "reconciled", _("组长核定")
    REINSPECTION = "reinspection", _("复查")


class Score(BaseModel):
    """One answer to one item for one school: by the school (self), by one rater on site, the team
    leader's reconciled value, or at re-inspection. `value` holds points/counts/computed numbers and
    the score of a rubric level or yes (1) / no (0); `choice` the level label or "yes"/"no"."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="scores")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey("frameworks.Indicator", on_delete=models.PROTECT, related_name="+")
    kind = models.CharField(_("类别"), max_length=12, choices=ScoreKind.choices)
    rater = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                              related_name="+")
    value = models.DecimalField(_("得分"), max_digits=8, decimal_places=2, null=True, blank=True)
    choice = models.CharField(_("选项"), max_length=32, blank=True)
    note = models.TextField(_("说明"), blank=True)
    # the phone's id of the submission: a retried submission never makes a second row
    client_id = models.UUIDField(null=True, blank=True, unique=True, default=None)
    visit = models.ForeignKey("visits.Visit", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["campaign", "school", "indicator", "kind", "rater"],
                                    name="score_once_per_rater"),
            # a school's own answer (self) has no rater: still one per item
            models.UniqueConstraint(fields=["campaign", "school", "indicator", "kind"],
                                    condition=models.Q(rater__isnull=True), name="score_once_without_rater"),
        ]
        indexes = [models.Index(fields=["campaign", "school", "kind"], name="score_campaign_school")]
        verbose_name = _("评分")
        verbose_name_plural = _("评分")


def evidence_path(instance: CampaignEvidence, filename: str) -> str:
    return f"campaigns/{instance.campaign_id}/{instance.school_id}/{uuid.uuid4().hex}"


class CampaignEvidence(BaseModel):
    """A file a school (self-inspection) or a rater (on site) attaches to an item: checked, hashed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="evidence")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    indicator = models.ForeignKey("frameworks.Indicator", null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    kind = models.CharField(_("类别"), max_length=12, choices=ScoreKind.choices)
    file = models.FileField(_("文件"), upload_to=evidence_path)
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")

    class Meta:
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class SchoolResult(BaseModel):
    """The outcome per school: computed from `Score` rows by `campaigns/scoring.py`, never typed."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="results")
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="+")
    self_total = models.DecimalField(_("自评总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    verified_total = models.DecimalField(_("核查总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    grade = models.CharField(_("等级"), max_length=20, blank=True)
    vetoed = models.BooleanField(_("一票否决"), default=False)
    rank = models.PositiveIntegerField(_("名次"), null=True, blank=True)
    flag_count = models.PositiveIntegerField(_("差异项数"), default=0)
    # [{"indicator": id, "code": "B1", "kind": "higher"|"yes_no", "self": 5, "verified": 2}, …]
    flags = models.JSONField(_("差异"), default=list, blank=True)
    computed_at = models.DateTimeField(_("计算时间"), null=True, blank=True)

    class Meta:
        ordering = ["campaign_id", "rank", "id"]
        constraints = [models.UniqueConstraint(fields=["campaign", "school"], name="school_result_once")]
        verbose_name = _("学校结果")
        verbose_name_plural = _("学校结果")


class ScoreTally(models.Model):
    """Per (campaign, school, item): the `Score` rows aggregated as the results computation reads them
    (scores in whole cents, clamped to [0, max]; yes = max, no = 0): the self answer, the on-site
    raters' count, sum and yes/no counts, the reconciled and re-inspection answers. Kept by triggers on
    campaigns_score (migration 0002_glue_score_tally; campaigns/tally.py says what it must equal), so
    computing a province campaign reads 1.2 million of these rows, not 4.8 million scores. Never
    written from Python except by `score_tally_rebuild`."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+", db_index=False)
    # a tally row exists only while scores of its key do, and scores protect their school and item
    school = models.ForeignKey("schools.School", on_delete=models.DO_NOTHING, related_name="+", db_index=False)
    indicator = models.ForeignKey("frameworks.Indicator", on_delete=models.DO_NOTHING, related_name="+",
                                  db_index=False)
    self_cents = models.IntegerField(null=True)
    self_choice = models.CharField(max_length=32, null=True)  # noqa: DJ001 - NULL: no such answer (as the GROUP BY)
    onsite_count = models.IntegerField(default=0)
    onsite_sum = models.BigIntegerField(null=True)
    onsite_yes = models.IntegerField(default=0)
    onsite_no = models.IntegerField(default=0)
    reconciled_cents = models.IntegerField(null=True)
    reconciled_choice = models.CharField(max_length=32, null=True)  # noqa: DJ001 - NULL: no such answer (as the GROUP BY)
    reinspection_cents = models.IntegerField(null=True)
    reinspection_choice = models.CharField(max_length=32, null=True)  # noqa: DJ001 - NULL: no such answer (as the GROUP BY)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["campaign", "school", "indicator"], name="score_tally_key")]
        verbose_name = _("评分汇总")
        verbose_name_plural = _("评分汇总")

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.school_id}/{self.indicator_id}"


class TeamFigures(models.Model):
    """The stored results of a campaign summed per team (the team each school had when the figures
    were written; `team` NULL: the unallocated schools), so the dashboard reads a few rows instead of
    20,000 results. Written by `campaigns/figures.py` with the results (campaign_results_compute) and
    again on the first read after `figures_forget` (a re-inspection, a school moved between teams, a
    team deleted, the scope changed). Only what comes from `SchoolResult`: the progress (schools,
    submitted, scored) is read live."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    team = models.ForeignKey(Team, null=True, blank=True, on_delete=models.CASCADE, related_name="+", db_index=False)
    results = models.IntegerField(default=0)
    graded = models.IntegerField(default=0)
    total_cents = models.BigIntegerField(default=0)
    vetoed = models.IntegerField(default=0)
    flagged = models.IntegerField(default=0)
    flags = models.IntegerField(default=0)
    grades = models.JSONField(default=dict)  # {grade label: schools}
    computed_at = models.DateTimeField(null=True)  # the latest SchoolResult.computed_at counted

    class Meta:
        verbose_name = _("督查组结果汇总")
        verbose_name_plural = _("督查组结果汇总")

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.team_id or '-'}"


class ItemFigures(models.Model):
    """Per item with full marks: the verified scores summed over the schools with one, as of the last
    computation of the results (the dashboard's weakest items). Written by `campaigns/figures.py`
    from the same pass over the score tally that computes the results; after a re-inspection, again
    on the first read."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="+")
    indicator = models.ForeignKey("frameworks.Indicator", on_delete=models.CASCADE, related_name="+",
                                  db_index=False)
    position = models.IntegerField()  # the item's place in the framework (ties of the weakest items)
    total_cents = models.BigIntegerField(default=0)
    schools = models.IntegerField(default=0)
    computed_at = models.DateTimeField(null=True)

    class Meta:
        verbose_name = _("指标结果汇总")
        verbose_name_plural = _("指标结果汇总")

    def __str__(self) -> str:
        return f"{self.campaign_id}/{self.indicator_id}"
