"""One ledger of every problem found (整改台账): from a visit, a campaign, an evaluation, a survey, a
monitoring warning or a citizen's complaint, each problem is one Finding, followed to closure (销号).

The state machine lives in `dudao/findings/workflow.py` (an explicit transition table); every change
is a FindingEvent row, so the history of a finding is always readable. Overdue is not a state: it is
`deadline < today` on an unfinished finding, computed (`FindingQuerySet.overdue`). Escalation steps
are data per office (EscalationStep) and each step done is an EscalationRecord, unique per finding
and step, so nothing escalates twice.
"""

from __future__ import annotations

from functools import reduce
from operator import or_
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import ExpressionWrapper, F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User

CATEGORY_DICTIONARY = "problem_category"  # the same dictionary as a visit's problems (system/builtin)


class FindingSource(models.TextChoices):
    VISIT = "visit", _("经常性督导")
    CAMPAIGN = "campaign", _("专项/综合督导")
    EVALUATION = "evaluation", _("督导评估")
    SURVEY = "survey", _("问卷调查")
    MONITORING = "monitoring", _("监测预警")
    COMPLAINT = "complaint", _("群众反映")
    OTHER = "other", _("其他")


class FindingSeverity(models.TextChoices):
    NORMAL = "normal", _("一般")
    SERIOUS = "serious", _("较重")
    CRITICAL = "critical", _("严重")


class FindingState(models.TextChoices):
    OPEN = "open", _("待下发")  # recorded, no rectification notice issued yet
    NOTIFIED = "notified", _("已下发整改通知")
    IN_PROGRESS = "in_progress", _("整改中")
    REPORTED = "reported", _("已报送整改情况")
    RETURNED = "returned", _("退回重新整改")
    DISPUTED = "disputed", _("申辩中")
    CLOSED = "closed", _("已销号")
    CANCELLED = "cancelled", _("已撤销")


FINISHED_STATES = (FindingState.CLOSED, FindingState.CANCELLED)
# Finished or not, as the ledger sorts it (false first) and its index `finding_ledger_order` stores it.
LEDGER_FINISHED = ExpressionWrapper(Q(state__in=[str(s) for s in FINISHED_STATES]), output_field=models.BooleanField())


class FindingQuerySet(models.QuerySet["Finding"]):
    def visible_to(self, user: User) -> FindingQuerySet:
        """A school's findings follow the school scope (a school sees its own, a supervisor those of
        their schools, an office its subtree); a finding against a government unit (no school) is
        seen by offices whose region grants cover the unit's region and by the unit's own accounts
        (政府单位用户, through `government_unit`) — never by schools."""
        from dudao.access import get_scope, school_q

        scope = get_scope(user)
        if scope.everything:
            return self.all()
        unit_parts = [Q(school__isnull=True, region__code__startswith=code) for code in scope.region_codes]
        if scope.government_unit_ids:
            unit_parts.append(Q(school__isnull=True, government_unit_id__in=sorted(scope.government_unit_ids)))
        q = Q(school__isnull=False) & school_q(user, prefix="school__")
        if unit_parts:
            q |= reduce(or_, unit_parts)
        return self.filter(q)

    def unfinished(self) -> FindingQuerySet:
        return self.exclude(state__in=FINISHED_STATES)

    def overdue(self, today=None) -> FindingQuerySet:
        return self.unfinished().filter(deadline__lt=today or timezone.localdate())


class Finding(BaseModel):
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="findings",
                               verbose_name=_("负责督导室"))
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="findings", verbose_name=_("学校"))
    # The unit's region: the school's region, or the government unit's (a county failing a CV).
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="findings",
                               verbose_name=_("所在区划"))
    unit_name = models.CharField(_("被督导单位"), max_length=200, help_text=_("学校名称或政府/部门名称"))
    # 督政: the government unit that must rectify (its 政府单位用户 read and report); a string reference,
    # the governance app sits above findings.
    government_unit = models.ForeignKey("governance.GovernmentUnit", on_delete=models.PROTECT, null=True, blank=True,
                                        related_name="findings", verbose_name=_("政府单位"))
    supervisor = models.ForeignKey("supervisors.Supervisor", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="findings", verbose_name=_("责任督学"))

    source = models.CharField(_("来源"), max_length=20, choices=FindingSource.choices)
    source_label = models.CharField(_("来源说明"), max_length=200, blank=True)
    source_url = models.CharField(_("来源链接"), max_length=300, blank=True)
    source_data = models.JSONField(_("来源数据"), default=dict, blank=True)  # e.g. indicator values of a warning
    visit_problem = models.OneToOneField("visits.VisitProblem", on_delete=models.PROTECT, null=True, blank=True,
                                         related_name="finding", verbose_name=_("督导发现问题"))

    category = models.CharField(_("问题类别"), max_length=40)
    severity = models.CharField(_("严重程度"), max_length=10, choices=FindingSeverity.choices,
                                default=FindingSeverity.NORMAL)
    description = models.TextField(_("问题描述"))
    requirement = models.TextField(_("整改要求"))
    responsible_unit = models.CharField(_("整改责任单位"), max_length=200, blank=True)
    responsible_person = models.CharField(_("整改责任人"), max_length=50, blank=True)
    responsible_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    found_on = models.DateField(_("发现日期"), default=timezone.localdate)
    deadline = models.DateField(_("整改期限"))

    state = models.CharField(_("状态"), max_length=20, choices=FindingState.choices, default=FindingState.OPEN,
                             db_index=True)
    notified_at = models.DateTimeField(_("下发时间"), null=True, blank=True)
    reported_at = models.DateTimeField(_("报送时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("销号时间"), null=True, blank=True)
    dispute_due = models.DateField(_("申辩答复期限"), null=True, blank=True)
    escalation_level = models.PositiveSmallIntegerField(_("已升级步骤"), default=0)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+")

    objects = FindingQuerySet.as_manager()

    class Meta:
        ordering = ["-found_on", "-id"]
        verbose_name = _("问题")
        verbose_name_plural = _("整改台账")
        indexes = [
            models.Index(fields=["office", "state"], name="finding_office_state"),
            models.Index(fields=["state", "deadline"], name="finding_state_deadline"),
            # the ledger's order (selectors.finding_list): unfinished first, then the nearest deadline
            models.Index(LEDGER_FINISHED, "deadline", F("found_on").desc(), F("id").desc(), name="finding_ledger_order"),
        ]

    def __str__(self) -> str:
        return f"{self.unit_name}：{self.description[:30]}"

    @property
    def is_finished(self) -> bool:
        return self.state in FINISHED_STATES

    def is_overdue(self, today=None) -> bool:
        return not self.is_finished and self.deadline < (today or timezone.localdate())


class FindingAction(models.TextChoices):
    """What a FindingEvent records, with the label the timeline shows: the steps of the table
    (workflow.ACTIONS take their labels from here), and what the services and the daily task write."""

    CREATED = "created", _("登记问题")
    NOTIFY = "notify", _("下发整改通知")
    START = "start", _("开始整改")
    REPORT = "report", _("报送整改情况")
    VERIFY = "verify", _("核查销号")
    RETURN = "return", _("退回")
    DISPUTE = "dispute", _("申辩")
    DISPUTE_UPHOLD = "dispute_uphold", _("维持原整改要求")
    DISPUTE_ACCEPT = "dispute_accept", _("采纳申辩并撤销")
    EXTEND = "extend", _("延期")
    CANCEL = "cancel", _("撤销")
    REMIND = "remind", _("到期提醒")
    ESCALATE = "escalate", _("逾期升级")


class FindingEvent(BaseModel):
    """One change of a finding: a transition, an edit, a reminder, an escalation. Never edited."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=30, choices=FindingAction.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["finding_id", "created_at", "id"]
        verbose_name = _("整改记录")
        verbose_name_plural = _("整改记录")


class FindingEvidence(BaseModel):
    """A photo or document the unit (or the supervisor) attaches: checked type and size, hashed."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="evidence")
    event = models.ForeignKey(FindingEvent, on_delete=models.SET_NULL, null=True, blank=True, related_name="evidence")
    file = models.FileField(_("文件"), upload_to="findings/evidence/%Y/%m/")
    original_name = models.CharField(_("文件名"), max_length=200)
    content_type = models.CharField(max_length=100, blank=True)
    size = models.PositiveIntegerField(default=0)
    content_hash = models.CharField(max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                    related_name="+")

    class Meta:
        ordering = ["finding_id", "created_at"]
        verbose_name = _("佐证材料")
        verbose_name_plural = _("佐证材料")


class EscalationAction(models.TextChoices):
    NOTIFY_COUNTY_HEAD = "notify_county_head", _("提醒县级督导室负责人")
    NOTIFY_CITY_OFFICE = "notify_city_office", _("报告市级督导室")
    SUMMONS = "summons", _("约谈")
    BULLETIN = "bulletin", _("督导通报")
    ACCOUNTABILITY = "accountability", _("移交问责")


class EscalationStep(BaseModel):
    """An office's escalation ladder: `days_overdue` after the deadline (plus nothing else: the
    grace period is the first step's days), do `action`. office=None is the shipped default."""

    office = models.ForeignKey("regions.Office", on_delete=models.CASCADE, null=True, blank=True,
                               related_name="escalation_steps")
    order = models.PositiveSmallIntegerField(_("步骤"))
    days_overdue = models.PositiveSmallIntegerField(_("逾期天数"))
    action = models.CharField(_("措施"), max_length=30, choices=EscalationAction.choices)
    source = models.CharField(_("依据"), max_length=200, blank=True)
    is_active = models.BooleanField(_("启用"), default=True)

    class Meta:
        ordering = ["office_id", "order"]
        verbose_name = _("升级步骤")
        verbose_name_plural = _("升级步骤")
        constraints = [models.UniqueConstraint(fields=["office", "order"], name="escalation_step_order")]


class EscalationRecord(BaseModel):
    """A step done for a finding (约谈/通报/问责 records included). Unique: never twice."""

    finding = models.ForeignKey(Finding, on_delete=models.CASCADE, related_name="escalations")
    step = models.ForeignKey(EscalationStep, on_delete=models.PROTECT, related_name="records")
    action = models.CharField(_("措施"), max_length=30, choices=EscalationAction.choices)
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["finding_id", "created_at"]
        verbose_name = _("升级记录")
        verbose_name_plural = _("升级记录")
        constraints = [models.UniqueConstraint(fields=["finding", "step"], name="escalation_once_per_step")]


class FindingPolicy(BaseModel):
    """An office's time limits (domain-rules §1.8, local defaults); office=None is the default row."""

    office = models.OneToOneField("regions.Office", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="finding_policy")
    remind_days_before = models.CharField(_("到期前提醒（天）"), max_length=50, default="7,3,1")
    dispute_answer_days = models.PositiveSmallIntegerField(_("申辩答复期限（天）"), default=30)
    default_deadline_days = models.PositiveSmallIntegerField(_("默认整改期限（天）"), default=30)
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("整改时限设置")
        verbose_name_plural = _("整改时限设置")
