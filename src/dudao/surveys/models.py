"""Questionnaires (问卷调查, frameworks.md §5; domain-rules §4.1.4, §4.2).

- `Questionnaire` → `Question`: the form. Built-ins (`office` empty) are read-only with their source
  (基本均衡 公众满意度调查表, 优质均衡 社会认可度, 政府履职满意度, the derived 双减 banks); an office copies
  one to adapt it. Question types: single, multiple, scale, text, matrix, number; required; skip logic
  (`show_if`); which respondent groups see a question (`groups`).
- `Survey`: one administration of a questionnaire by an office — a period (one response per device per
  survey), a region in scope, optionally part of a campaign (then it counts as the 问卷调查 method).
- `SurveyLink`: an anonymous link (and QR code) per school, county or campaign, with a sample target.
- `Response`: one anonymous answer sheet. `rated` / `satisfied` are counted when it is stored, so the
  satisfaction index of a school or a county is two SUMs over indexed rows (1,000,000 responses < 3 s).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

# 社会认可度 ≥ 85 % (domain-rules §4.1.4, 优质均衡) and 公众满意度 ≥ 85 % (§4.2, 基本均衡).
PASS_LINE = Decimal("85")
# Students answer from grade 3 (frameworks.md §5.3: 小学三年级及以上学生).
MIN_STUDENT_GRADE = 3


class RespondentGroup(models.TextChoices):
    PARENT = "parent", _("学生家长")
    STUDENT = "student", _("学生")
    TEACHER = "teacher", _("教师")
    PRINCIPAL = "principal", _("校长")
    DEPUTY = "deputy", _("人大代表、政协委员")
    OFFICIAL = "official", _("政府及部门工作人员")
    PUBLIC = "public", _("其他社会人士")


class SurveyKind(models.TextChoices):
    SATISFACTION = "satisfaction", _("公众满意度（基本均衡）")
    RECOGNITION = "recognition", _("社会认可度（优质均衡）")
    FULFILMENT = "fulfilment", _("政府履职满意度（督政）")
    CAMPAIGN = "campaign", _("专项督导问卷")
    OTHER = "other", _("其他调查")


class QuestionType(models.TextChoices):
    SINGLE = "single", _("单选")
    MULTIPLE = "multiple", _("多选")
    SCALE = "scale", _("量表")
    TEXT = "text", _("填空")
    MATRIX = "matrix", _("矩阵量表")
    NUMBER = "number", _("数字")


class QuestionnaireQuerySet(models.QuerySet["Questionnaire"]):
    def visible_to(self, user) -> QuestionnaireQuerySet:
        """Built-ins and the questionnaires of the person's offices and those above (`access.questionnaire_q`)."""
        from dudao.access import questionnaire_q

        return self.filter(questionnaire_q(user))


class Questionnaire(BaseModel):
    office = models.ForeignKey("regions.Office", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="questionnaires", verbose_name=_("所属督导室"),
                               help_text=_("为空表示内置问卷（只读）"))
    code = models.CharField(_("编号"), max_length=40)
    name = models.CharField(_("名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=16, choices=SurveyKind.choices, default=SurveyKind.OTHER)
    intro = models.TextField(_("说明"), blank=True)
    source = models.TextField(_("来源"), blank=True)
    groups = models.JSONField(_("调查对象"), default=list, blank=True,
                              help_text=_("可作答的对象，如 [\"parent\", \"teacher\"]；为空表示不限"))
    copied_from = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    objects = QuestionnaireQuerySet.as_manager()

    class Meta:
        ordering = ["office_id", "code"]
        verbose_name = _("问卷")
        verbose_name_plural = _("问卷")
        constraints = [
            models.UniqueConstraint(fields=["office", "code"], name="questionnaire_code_once"),
            models.UniqueConstraint(fields=["code"], condition=models.Q(office__isnull=True),
                                    name="builtin_questionnaire_code_once"),
        ]

    def __str__(self) -> str:
        return self.name

    @property
    def is_builtin(self) -> bool:
        return self.office_id is None


class Question(BaseModel):
    """One question. `options`: [{"value": "满意", "label": "满意", "satisfied": true}, …] — `satisfied`
    marks the answers that count as satisfied/recognised in the index; `rows`: the matrix's rows (each
    answered on `options`); `show_if`: {"question": "Q1", "in": ["是"]} (skip logic)."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.CASCADE, related_name="questions")
    order = models.PositiveSmallIntegerField(_("顺序"), default=0)
    code = models.CharField(_("题号"), max_length=20)
    text = models.CharField(_("题目"), max_length=300)
    type = models.CharField(_("题型"), max_length=10, choices=QuestionType.choices)
    required = models.BooleanField(_("必答"), default=True)
    options = models.JSONField(_("选项"), default=list, blank=True)
    rows = models.JSONField(_("矩阵行"), default=list, blank=True)
    groups = models.JSONField(_("适用对象"), default=list, blank=True, help_text=_("为空表示所有对象"))
    show_if = models.JSONField(_("显示条件"), default=dict, blank=True)
    in_index = models.BooleanField(_("计入满意度指数"), default=False)

    class Meta:
        ordering = ["questionnaire_id", "order", "id"]
        verbose_name = _("题目")
        verbose_name_plural = _("题目")
        constraints = [models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_once")]

    def __str__(self) -> str:
        return f"{self.code} {self.text}"


class SurveyState(models.TextChoices):
    DRAFT = "draft", _("未发布")
    OPEN = "open", _("收集中")
    CLOSED = "closed", _("已结束")


class SurveyQuerySet(models.QuerySet["Survey"]):
    def visible_to(self, user) -> SurveyQuerySet:
        """The surveys of the offices in the person's office subtrees (admins: all; `access.survey_q`);
        respondents never sign in."""
        from dudao.access import survey_q

        return self.filter(survey_q(user))

    def writable_by(self, user) -> SurveyQuerySet:
        from dudao.access import survey_q

        return self.filter(survey_q(user, write=True))


class Survey(BaseModel):
    """One administration: a questionnaire asked in a region over a period (one response per device)."""

    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="surveys",
                               verbose_name=_("组织单位"))
    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="surveys",
                                      verbose_name=_("问卷"))
    name = models.CharField(_("调查名称"), max_length=120)
    kind = models.CharField(_("类型"), max_length=16, choices=SurveyKind.choices)
    year = models.PositiveSmallIntegerField(_("年度"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("调查范围"))
    campaign = models.ForeignKey("campaigns.Campaign", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="surveys", verbose_name=_("所属督导项目"))
    opens_on = models.DateField(_("开始日期"))
    closes_on = models.DateField(_("截止日期"))
    state = models.CharField(_("状态"), max_length=10, choices=SurveyState.choices, default=SurveyState.DRAFT)
    pass_line = models.DecimalField(_("达标线（%）"), max_digits=5, decimal_places=2, default=PASS_LINE)
    min_student_grade = models.PositiveSmallIntegerField(_("学生最低年级"), default=MIN_STUDENT_GRADE)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                   related_name="+")

    objects = SurveyQuerySet.as_manager()

    class Meta:
        ordering = ["-year", "-opens_on", "id"]
        verbose_name = _("问卷调查")
        verbose_name_plural = _("问卷调查")

    def __str__(self) -> str:
        return self.name


class SurveyLink(BaseModel):
    """An anonymous link (and its QR code) for one school, one county/township or the campaign as a
    whole, optionally for one respondent group, with the sample target to reach."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="links")
    token = models.CharField(_("链接码"), max_length=32, unique=True)
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("学校"))
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+",
                               verbose_name=_("区域"), help_text=_("学校链接为学校所在区划"))
    group = models.CharField(_("调查对象"), max_length=12, choices=RespondentGroup.choices, blank=True)
    target = models.PositiveIntegerField(_("样本目标"), default=0)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["survey_id", "region__code", "school_id", "group"]
        verbose_name = _("调查链接")
        verbose_name_plural = _("调查链接")

    def __str__(self) -> str:
        return self.token


class Response(models.Model):
    """One anonymous answer sheet. Nothing identifies the person: the device and the address are kept
    as keyed hashes (enough to refuse a second response and to count per address)."""

    survey = models.ForeignKey(Survey, on_delete=models.CASCADE, related_name="responses")
    link = models.ForeignKey(SurveyLink, on_delete=models.PROTECT, related_name="responses")
    # copied from the link when stored, so the index groups by school or region without a join
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", db_index=False)
    region_code = models.CharField(_("区划代码"), max_length=12)
    group = models.CharField(_("调查对象"), max_length=12, choices=RespondentGroup.choices)
    grade = models.PositiveSmallIntegerField(_("年级"), null=True, blank=True, help_text=_("学生作答时填写"))
    answers = models.JSONField(_("答案"), default=dict)
    # counted when stored from the questions `in_index`: matrix rows count one each
    rated = models.PositiveSmallIntegerField(default=0)
    satisfied = models.PositiveSmallIntegerField(default=0)
    device_hash = models.CharField(max_length=64)
    ip_hash = models.CharField(max_length=64, blank=True)
    submitted_at = models.DateTimeField(_("提交时间"))
    seconds = models.PositiveIntegerField(_("作答用时（秒）"), null=True, blank=True)
    voided = models.BooleanField(_("已作废"), default=False)
    void_reason = models.CharField(_("作废理由"), max_length=200, blank=True)
    voided_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT,
                                  related_name="+")
    voided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-submitted_at", "-id"]
        verbose_name = _("答卷")
        verbose_name_plural = _("答卷")
        constraints = [models.UniqueConstraint(fields=["survey", "device_hash"], name="response_once_per_device")]
        indexes = [
            models.Index(fields=["survey", "school"], name="response_survey_school"),
            models.Index(fields=["survey", "region_code"], name="response_survey_region"),
            models.Index(fields=["ip_hash", "submitted_at"], name="response_ip_time"),
        ]

    def __str__(self) -> str:
        return f"{self.survey_id}#{self.pk}"
