"""Draft review (征求意见, issue [11] item 2): a draft goes to its units with a deadline in working days;
each unit comments on or contests (意见 / 异议) a paragraph (by the body block's stable `key`) or the
whole draft; the office answers every comment (采纳 / 部分采纳 / 不采纳) before the draft may go on to
审核 and 签发. Services: documents/review.py; docs/documents.md "Draft review and receipts"."""

from __future__ import annotations

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

DEFAULT_REVIEW_DAYS = 5


class ReviewSettings(BaseModel):
    """An office's default period for comments on its drafts (working days)."""

    office = models.OneToOneField("regions.Office", on_delete=models.CASCADE, related_name="review_settings",
                                  verbose_name=_("督导室"))
    days = models.PositiveSmallIntegerField(_("征求意见期限（工作日）"), default=DEFAULT_REVIEW_DAYS,
                                            validators=[MinValueValidator(1), MaxValueValidator(30)])

    class Meta:
        verbose_name = _("征求意见设置")
        verbose_name_plural = _("征求意见设置")

    def __str__(self) -> str:
        return f"{self.office_id}: {self.days}"


class DraftReview(BaseModel):
    """One sending of a draft for comments (a draft may be sent again after it was changed: round 2…)."""

    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="reviews",
                                 verbose_name=_("公文"))
    round = models.PositiveSmallIntegerField(_("轮次"), default=1)
    days = models.PositiveSmallIntegerField(_("征求意见期限（工作日）"))
    deadline = models.DateField(_("反馈截止日期"))
    note = models.CharField(_("说明"), max_length=500, blank=True)
    sent_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("发送人"))

    class Meta:
        ordering = ["document_id", "round"]
        verbose_name = _("征求意见")
        verbose_name_plural = _("征求意见")
        constraints = [models.UniqueConstraint(fields=["document", "round"], name="draft_review_round_once")]

    def __str__(self) -> str:
        return f"{self.document_id} #{self.round}"


class CommentKind(models.TextChoices):
    OPINION = "opinion", _("意见")
    OBJECTION = "objection", _("异议")


class AnswerKind(models.TextChoices):
    ADOPTED = "adopted", _("采纳")
    PARTLY = "partly", _("部分采纳")
    REJECTED = "rejected", _("不采纳")


class ReviewComment(BaseModel):
    """A unit's comment on a paragraph (`block_key`; empty = the whole draft) and the office's answer.
    The paragraph's text is kept as it was when commented (`block_text`): the office may edit the
    draft afterwards, the history still shows what was commented on. The unit's name is kept too."""

    review = models.ForeignKey(DraftReview, on_delete=models.CASCADE, related_name="comments",
                               verbose_name=_("征求意见"))
    document = models.ForeignKey("documents.Document", on_delete=models.CASCADE, related_name="review_comments",
                                 verbose_name=_("公文"))
    recipient = models.ForeignKey("documents.DocumentRecipient", null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="review_comments", verbose_name=_("收文单位"))
    unit_name = models.CharField(_("单位名称"), max_length=200)
    block_key = models.CharField(_("段落"), max_length=32, blank=True)
    block_text = models.TextField(_("原文"), blank=True)
    kind = models.CharField(_("类型"), max_length=10, choices=CommentKind.choices, default=CommentKind.OPINION)
    text = models.TextField(_("意见内容"), max_length=2000)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("提出人"))
    answer = models.CharField(_("处理结果"), max_length=10, choices=AnswerKind.choices, blank=True)
    explanation = models.TextField(_("处理说明"), max_length=2000, blank=True)
    answered_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                    related_name="+", verbose_name=_("答复人"))
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["document_id", "created_at", "id"]
        verbose_name = _("征求意见反馈")
        verbose_name_plural = _("征求意见反馈")
        indexes = [models.Index(fields=["document", "answer"], name="review_comment_open")]

    def __str__(self) -> str:
        return f"{self.unit_name}: {self.text[:20]}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)


def open_comments(document) -> models.QuerySet[ReviewComment]:
    """The comments on the draft not yet answered: while any is left, the draft cannot be submitted
    (`services.submit`). Here rather than in review.py so that services.py needs no import of it."""
    return ReviewComment.objects.filter(document=document, answer="")
