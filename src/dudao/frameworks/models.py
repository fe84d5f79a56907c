"""The framework library (frameworks.md §0): one model for both shapes.

- a *checklist* (检查细则/督查表): items answered yes/no or graded, with what to look at and the
  evidence to ask for, optionally points with deductions;
- a *weighted indicator framework* (指标体系): a tree A → B → C (→ 要点) with points or weights,
  scoring types, veto items (一票否决) and grade bands (优秀/良好/合格/不合格).

A campaign pins a `FrameworkVersion`; a published version never changes (editing makes a new
version). Built-ins (`owner` empty) are read-only with their source; an office copies one to adapt it.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel


class FrameworkShape(models.TextChoices):
    CHECKLIST = "checklist", _("检查表")
    WEIGHTED = "weighted", _("加权指标体系")


class EvidenceGrade(models.TextChoices):
    """How far the content was verified against its source (frameworks.md, head)."""

    TEXT = "T", _("原文")
    SECONDARY = "S", _("转述")
    LOCAL = "L", _("地方文件")
    UNVERIFIED = "M", _("待核实")


class Weighting(models.TextChoices):
    POINTS = "points", _("分值累加")  # leaf points add up to the parent (海南: A1 130 = B1 70 + …)
    WEIGHTS = "weights", _("百分制乘权重")  # each A scored out of 100 × its weight (湖北幼儿园)
    NONE = "none", _("不计分（达标判断）")  # national guides: key indicators judged descriptively


class VersionState(models.TextChoices):
    DRAFT = "draft", _("草稿")
    PUBLISHED = "published", _("已发布")


class ScoringType(models.TextChoices):
    POINTS = "points", _("分值")  # a number in [0, max_score], deductions by scoring_rule
    RUBRIC = "rubric", _("等级")  # one of `levels` (好/中/差; 落实/基本落实/未落实; A/B/C…)
    YES_NO = "yes_no", _("是/否")
    COUNT = "count", _("计数")  # a number counted on site (e.g. classes over 56)
    COMPUTED = "computed", _("基础数据计算")  # from the school's base data (`computed_key`)


class Method(models.TextChoices):
    """Inspection methods as the documents name them (frameworks.md §0.1)."""

    BRIEFING = "briefing", _("听取汇报")
    DOC_REVIEW = "doc_review", _("查阅资料")
    SITE_VISIT = "site_visit", _("实地查看")
    INTERVIEW = "interview", _("座谈访谈")
    QUESTIONNAIRE = "questionnaire", _("问卷调查")
    CLASS_OBSERVATION = "class_observation", _("推门听课")
    COVERT_VISIT = "covert_visit", _("明查暗访")
    MEASUREMENT = "measurement", _("实地测查")
    DATA_CHECK = "data_check", _("数据核对")
    FEEDBACK = "feedback", _("交流反馈")


class FrameworkQuerySet(models.QuerySet):
    def visible_to(self, user) -> FrameworkQuerySet:
        """The one scope rule of the library (`dudao.access.framework_q`, docs/access.md)."""
        from dudao.access import framework_q

        return self.filter(framework_q(user)).distinct()


class Framework(BaseModel):
    name = models.CharField(_("名称"), max_length=200)
    shape = models.CharField(_("形式"), max_length=12, choices=FrameworkShape.choices)
    # Empty owner: a built-in shipped with the platform, read-only; an office copies it to adapt it.
    owner = models.ForeignKey("regions.Office", null=True, blank=True, on_delete=models.PROTECT,
                              related_name="frameworks", verbose_name=_("所属督导室"))
    builtin_key = models.SlugField(_("内置编号"), max_length=64, unique=True, null=True, blank=True)
    topic = models.CharField(_("主题"), max_length=64, blank=True, help_text=_("如 开学工作、有偿补课、校园安全"))
    description = models.TextField(_("说明"), blank=True)
    source = models.TextField(_("来源"), blank=True, help_text=_("文件名称、文号、出处"))
    evidence_grade = models.CharField(_("核实程度"), max_length=1, choices=EvidenceGrade.choices,
                                      default=EvidenceGrade.LOCAL)
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="copies",
                                    verbose_name=_("复制自"))
    active = models.BooleanField(_("启用"), default=True)
    # 督政 (issue [10]): a framework that inspects governments (county/township), not schools
    for_governments = models.BooleanField(_("督政（评价政府）"), default=False)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    objects = FrameworkQuerySet.as_manager()

    class Meta:
        ordering = ["owner_id", "name", "id"]
        verbose_name = _("指标体系")
        verbose_name_plural = _("指标体系")

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.owner_id is None


class FrameworkVersion(BaseModel):
    framework = models.ForeignKey(Framework, on_delete=models.CASCADE, related_name="versions")
    number = models.PositiveIntegerField(_("版本号"))
    state = models.CharField(_("状态"), max_length=10, choices=VersionState.choices, default=VersionState.DRAFT)
    weighting = models.CharField(_("计分方式"), max_length=10, choices=Weighting.choices, default=Weighting.POINTS)
    total_score = models.DecimalField(_("总分"), max_digits=8, decimal_places=2, null=True, blank=True)
    note = models.TextField(_("版本说明"), blank=True)
    published_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    class Meta:
        ordering = ["framework_id", "-number"]
        constraints = [models.UniqueConstraint(fields=["framework", "number"], name="framework_version_number")]
        verbose_name = _("指标体系版本")
        verbose_name_plural = _("指标体系版本")

    def __str__(self) -> str:
        return f"{self.framework.name} v{self.number}"


class Indicator(models.Model):
    """A node of the tree: a section (一级/二级指标) or a scored item (三级指标 / 检查项 / 要点)."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="indicators")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.CASCADE, related_name="children")
    code = models.CharField(_("编号"), max_length=32)
    text = models.TextField(_("内容"))
    level = models.PositiveSmallIntegerField(_("层级"), default=1)
    order = models.PositiveIntegerField(_("顺序"), default=0)
    scoring = models.CharField(_("评分类型"), max_length=10, choices=ScoringType.choices, blank=True,
                               help_text=_("分组节点留空"))
    max_score = models.DecimalField(_("分值"), max_digits=8, decimal_places=2, null=True, blank=True)
    weight = models.DecimalField(_("权重"), max_digits=6, decimal_places=4, null=True, blank=True)
    # rubric levels: [{"label": "好", "descriptor": "…", "score": 3}, …]
    levels = models.JSONField(_("等级及描述"), default=list, blank=True)
    evidence = models.JSONField(_("佐证材料"), default=list, blank=True)
    methods = models.JSONField(_("检查方式"), default=list, blank=True)
    scoring_rule = models.TextField(_("评分办法"), blank=True)
    is_veto = models.BooleanField(_("一票否决"), default=False)
    is_key = models.BooleanField(_("重点项"), default=False)
    computed_key = models.CharField(_("计算依据"), max_length=64, blank=True,
                                    help_text=_("基础数据计算项的指标键"))
    note = models.TextField(_("备注"), blank=True)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["version_id", "order", "id"]
        constraints = [models.UniqueConstraint(fields=["version", "code"], name="indicator_version_code")]
        verbose_name = _("指标")
        verbose_name_plural = _("指标")

    def __str__(self) -> str:
        return f"{self.code} {self.text[:30]}"

    @property
    def indent(self) -> int:
        """The tree page's indentation (rem) of this level."""
        return max(0, self.level - 1)

    @property
    def method_labels(self) -> list[str]:
        labels = dict(Method.choices)
        return [str(labels.get(m, m)) for m in self.methods]


class GradeBand(models.Model):
    """A grade by total score: the highest band whose `min_score` the total reaches."""

    version = models.ForeignKey(FrameworkVersion, on_delete=models.CASCADE, related_name="grade_bands")
    label = models.CharField(_("等级"), max_length=20)
    min_score = models.DecimalField(_("最低分"), max_digits=8, decimal_places=2)
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        ordering = ["version_id", "-min_score"]
        constraints = [models.UniqueConstraint(fields=["version", "label"], name="grade_band_label")]
        verbose_name = _("等级线")
        verbose_name_plural = _("等级线")

    def __str__(self) -> str:
        return f"{self.label} ≥ {self.min_score}"
