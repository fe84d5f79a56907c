"""Decisions taken on a school's results (结果运用): the office records what it did with the figures —
a 约谈, a 通报表扬, 经费奖补, 问责, 评优评先 — with the date, the basis and, optionally, the document or
finding it rests on. The figures themselves are never stored here: the sheet reads them from each app."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class DecisionKind(models.TextChoices):
    INTERVIEW = "interview", _("约谈")
    COMMENDATION = "commendation", _("通报表扬")
    CRITICISM = "criticism", _("通报批评")
    FUNDING = "funding", _("经费奖补")
    ACCOUNTABILITY = "accountability", _("问责")
    EXCELLENCE = "excellence", _("评优评先")
    ASSESSMENT = "assessment", _("干部考核运用")
    OTHER = "other", _("其他")


class OutcomeDecisionQuerySet(models.QuerySet):
    def visible_to(self, user: User, *, write: bool = False) -> OutcomeDecisionQuerySet:
        """`access.outcome_decision_q`: offices whose region holds the school; admins all."""
        from dudao.access import outcome_decision_q

        return self.filter(outcome_decision_q(user, write=write))


class OutcomeDecision(BaseModel):
    school = models.ForeignKey("schools.School", on_delete=models.PROTECT, related_name="outcome_decisions")
    # the principal on the day of the decision: the school's head may change later, the record must not
    principal_name = models.CharField(_("校长（园长）"), max_length=32, blank=True)
    kind = models.CharField(_("运用方式"), max_length=16, choices=DecisionKind.choices)
    decided_on = models.DateField(_("决定日期"))
    basis = models.TextField(_("依据"), max_length=2000)
    document = models.ForeignKey("documents.Document", null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="+", verbose_name=_("相关公文"))
    finding = models.ForeignKey("findings.Finding", null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("相关问题"))
    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="+", verbose_name=_("督导室"))
    decided_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+",
                                   verbose_name=_("记录人"))

    objects = OutcomeDecisionQuerySet.as_manager()

    class Meta:
        ordering = ["-decided_on", "-id"]
        verbose_name = _("结果运用决定")
        verbose_name_plural = _("结果运用决定")
        indexes = [models.Index(fields=["school", "decided_on"], name="outcome_decision_school")]

    def __str__(self) -> str:
        return f"{self.school_id} {self.kind} {self.decided_on}"
