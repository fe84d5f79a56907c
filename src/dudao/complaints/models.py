"""Complaints from the public (群众反映 / 受理、核实投诉): the parent at the school gate scans the
plaque's QR code, writes what is wrong, and gets a tracking code (查询码) to read the answer later.

挂牌办法 Art 3 makes "受理、核实相关举报和投诉" one of the responsible supervisor's five duties
(domain-rules §2.2): a complaint is routed to the school's responsible supervisor of that day and
to the office whose zones cover the school, with a response deadline (an office setting). The
handler triages it into one outcome: answered as a question (most contacts are questions),
referred to another department, investigated (it becomes a Finding in the rectification ledger),
kept for the next visit, or unfounded. Every change is a ComplaintEvent row.

What the public reads (the tracking page) is a fixed list: state, the public answer and dates.
The phone, the name, internal notes and the handlers' verification never leave the staff pages,
and even there the phone is masked except for the office and the assigned supervisor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User

CATEGORY_DICTIONARY = "complaint_category"  # system.DictionaryItem, builtin list in system/services.py


class ComplaintState(models.TextChoices):
    RECEIVED = "received", _("待处理")
    ANSWERED = "answered", _("已答复")
    REFERRED = "referred", _("已转办")
    INVESTIGATING = "investigating", _("立案整改中")
    KEPT_FOR_VISIT = "kept_for_visit", _("待督导时核实")
    UNFOUNDED = "unfounded", _("经核实不属实")
    CLOSED = "closed", _("已办结")


class ComplaintOutcome(models.TextChoices):
    QUESTION = "question", _("咨询答复")
    REFERRED = "referred", _("转有关部门办理")
    INVESTIGATED = "investigated", _("立案核查（转入整改台账）")
    KEPT_FOR_VISIT = "kept_for_visit", _("留待下次督导核实")
    UNFOUNDED = "unfounded", _("经核实不属实")


class ComplaintChannel(models.TextChoices):
    ONLINE = "online", _("网上（扫码反映）")
    PHONE = "phone", _("投诉电话")
    VISIT = "visit", _("来访")
    LETTER = "letter", _("来信")


class ReplyMethod(models.TextChoices):
    ONLINE = "online", _("网上答复（查询码可查）")
    PHONE = "phone", _("电话回复")
    IN_PERSON = "in_person", _("当面答复")
    LETTER = "letter", _("书面答复")


class ComplaintAction(models.TextChoices):
    RECEIVED = "received", _("受理")
    TRIAGED = "triaged", _("处理")
    CLOSED = "closed", _("办结")
    NOTE = "note", _("内部备注")
    ASSIGNED = "assigned", _("改派责任督学")
    REMINDED = "reminded", _("逾期提醒")


# The transition table: the outcome chosen at triage decides the next state.
OUTCOME_STATE: dict[str, str] = {
    ComplaintOutcome.QUESTION: ComplaintState.ANSWERED,
    ComplaintOutcome.REFERRED: ComplaintState.REFERRED,
    ComplaintOutcome.INVESTIGATED: ComplaintState.INVESTIGATING,
    ComplaintOutcome.KEPT_FOR_VISIT: ComplaintState.KEPT_FOR_VISIT,
    ComplaintOutcome.UNFOUNDED: ComplaintState.UNFOUNDED,
}
# Triage from a new complaint, or again after the visit it was kept for.
TRIAGE_FROM = (ComplaintState.RECEIVED, ComplaintState.KEPT_FOR_VISIT)
CLOSE_FROM = (ComplaintState.ANSWERED, ComplaintState.REFERRED, ComplaintState.INVESTIGATING,
              ComplaintState.KEPT_FOR_VISIT, ComplaintState.UNFOUNDED)

# What the complainant reads on the tracking page, in plain words.
PUBLIC_STATE_LABELS: dict[str, str] = {
    ComplaintState.RECEIVED: _("已受理，正在处理"),
    ComplaintState.ANSWERED: _("已答复"),
    ComplaintState.REFERRED: _("已转有关部门办理"),
    ComplaintState.INVESTIGATING: _("已立案，正在督促学校整改"),
    ComplaintState.KEPT_FOR_VISIT: _("责任督学将在督导时现场核实"),
    ComplaintState.UNFOUNDED: _("已核实"),
    ComplaintState.CLOSED: _("已办结"),
}


class ComplaintQuerySet(models.QuerySet):
    def visible_to(self, user: User) -> ComplaintQuerySet:
        """Complaints at schools in the user's scope (`school_q`: the office its subtree, a
        supervisor their schools, a school its own), plus those assigned to the user as supervisor.

        Third-party evaluators (an account whose only role is 评估机构) see none: citizens' complaints
        carry personal data and evaluating schools is not handling complaints."""
        from dudao.access import get_scope, school_q
        from dudao.people.models import Role

        scope = get_scope(user)
        if scope.everything:
            return self.all()
        if scope.roles <= {Role.EVALUATOR}:
            return self.none()
        q = school_q(user, prefix="school__")
        if getattr(user, "is_authenticated", False):
            q |= Q(supervisor__user=user)
        return self.filter(q)

    def unanswered(self) -> ComplaintQuerySet:
        return self.filter(answered_at__isnull=True).exclude(state=ComplaintState.CLOSED)

    def overdue(self, today=None) -> ComplaintQuerySet:
        """Not answered yet and past the response deadline."""
        return self.unanswered().filter(response_due__lt=today or timezone.localdate())


class Complaint(BaseModel):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="complaints", verbose_name=_("涉及学校"))
    # The office whose zones cover the school (county, or city for city-level schools); None only
    # where no office exists up the region chain (then the system admins handle it).
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, null=True, blank=True,
                               related_name="complaints", verbose_name=_("负责督导室"))
    supervisor = models.ForeignKey("supervisors.Supervisor", on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="complaints", verbose_name=_("责任督学"))
    tracking_code = models.CharField(_("查询码"), max_length=12, unique=True)
    channel = models.CharField(_("来源渠道"), max_length=10, choices=ComplaintChannel.choices, default=ComplaintChannel.ONLINE)
    category = models.CharField(_("反映类别"), max_length=40)
    text = models.TextField(_("反映内容"))
    contact_name = models.CharField(_("反映人称呼"), max_length=30, blank=True)
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    anonymous = models.BooleanField(_("匿名反映"), default=False)
    received_at = models.DateTimeField(_("受理时间"), default=timezone.now, db_index=True)
    response_due = models.DateField(_("答复期限"))

    state = models.CharField(_("状态"), max_length=20, choices=ComplaintState.choices, default=ComplaintState.RECEIVED,
                             db_index=True)
    outcome = models.CharField(_("处理结果"), max_length=20, choices=ComplaintOutcome.choices, blank=True)
    public_answer = models.TextField(_("答复内容"), blank=True, help_text=_("反映人凭查询码可以看到"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    reply_method = models.CharField(_("答复方式"), max_length=12, choices=ReplyMethod.choices, blank=True)
    referred_to = models.CharField(_("转办单位"), max_length=100, blank=True)
    verified_on = models.DateField(_("核实日期"), null=True, blank=True)
    verification_method = models.CharField(_("核实方式"), max_length=100, blank=True)
    verification_note = models.TextField(_("核实情况"), blank=True)
    handling_note = models.TextField(_("处理意见"), blank=True)
    finding = models.ForeignKey("findings.Finding", on_delete=models.SET_NULL, null=True, blank=True,
                                related_name="complaints", verbose_name=_("整改问题"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    handled_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("处理人"))

    # Abuse protection: a keyed hash of the address (never the address itself) and a short agent.
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)
    user_agent = models.CharField(max_length=120, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                                   related_name="+", verbose_name=_("登记人"))

    objects = ComplaintQuerySet.as_manager()

    class Meta:
        ordering = ["-received_at", "-id"]
        verbose_name = _("群众反映")
        verbose_name_plural = _("群众反映")
        indexes = [
            models.Index(fields=["school", "received_at"], name="complaint_school_received"),
            models.Index(fields=["office", "state"], name="complaint_office_state"),
            models.Index(fields=["state", "response_due"], name="complaint_state_due"),
        ]

    def __str__(self) -> str:
        return f"{self.school}：{self.text[:30]}"

    @property
    def public_state_label(self) -> str:
        return str(PUBLIC_STATE_LABELS.get(self.state, self.get_state_display()))

    @property
    def tracking_code_display(self) -> str:
        """ABCDE 23456: two groups of five are easier to copy by hand."""
        code = self.tracking_code
        return f"{code[:5]} {code[5:]}" if len(code) == 10 else code

    @property
    def masked_phone(self) -> str:
        p = self.phone
        if len(p) >= 7:
            return p[:3] + "*" * (len(p) - 7) + p[-4:]
        return "*" * len(p)

    def is_overdue(self, today=None) -> bool:
        return (self.answered_at is None and self.state != ComplaintState.CLOSED
                and self.response_due < (today or timezone.localdate()))


class ComplaintPhoto(BaseModel):
    """A photo sent with a complaint: checked by content, re-encoded without EXIF (no location of
    the sender leaks), stored under the private media folder and served only through the scope."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="photos")
    image = models.ImageField(_("照片"), upload_to="complaints/photos/%Y/%m/")
    content_hash = models.CharField(max_length=64)
    width = models.PositiveIntegerField(default=0)
    height = models.PositiveIntegerField(default=0)
    original_bytes = models.PositiveIntegerField(_("原始大小"), default=0)

    class Meta:
        ordering = ["complaint_id", "id"]
        verbose_name = _("反映照片")
        verbose_name_plural = _("反映照片")
        constraints = [models.UniqueConstraint(fields=["complaint", "content_hash"], name="complaint_photo_once")]


class ComplaintEvent(BaseModel):
    """One step of a complaint's handling. Never edited; notes are internal (never public)."""

    complaint = models.ForeignKey(Complaint, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=ComplaintAction.choices)
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20, blank=True)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True,
                              related_name="+", verbose_name=_("操作人"))
    note = models.TextField(_("说明"), blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["complaint_id", "created_at", "id"]
        verbose_name = _("处理记录")
        verbose_name_plural = _("处理记录")


class ComplaintPolicy(BaseModel):
    """An office's response time limit; office=None is the shipped default row.

    No national figure exists: domain-rules §9.1 leaves complaint deadlines to the region, so the
    default (5 working days) is a local choice the office can change, with its source noted."""

    office = models.OneToOneField("regions.Office", on_delete=models.CASCADE, null=True, blank=True,
                                  related_name="complaint_policy")
    response_days = models.PositiveSmallIntegerField(_("答复期限（天）"), default=5)
    working_days = models.BooleanField(_("按工作日计算"), default=True, help_text=_("不计周六、周日和法定节假日，调休上班日计入"))
    source = models.CharField(_("依据"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("答复时限设置")
        verbose_name_plural = _("答复时限设置")
