"""Official documents (公文, issue [11]): one model for every document an office issues.

A document is drafted from a template plus data (`body` holds the blocks: headings, paragraphs,
tables, charts), checked (审核) and signed off (签发) by a leader, then issued: at issuing it takes
the next 发文字号 of its series (`DocumentSeries`, per office, 机关代字 and year, without gaps or
duplicates even when two leaders sign at once) and its files are frozen as a `DocumentVersion` with
their SHA-256. An issued document is never changed in place: every later change is a new version.
`DocumentRecipient` rows are the units it goes to, with read receipts. `published_at` puts it on
the public portal (/public/).

Layout: GB/T 9704-2012 (frameworks.md §3); rendering lives in documents/render.py (PDF) and
documents/docx.py (Word).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from dudao.core.models import BaseModel

if TYPE_CHECKING:
    from dudao.people.models import User


class DocumentKind(models.TextChoices):
    """The document types of issue [11] item 1 (frameworks.md §3.5, §4)."""

    NOTICE = "notice", _("督导通知书")
    OPINION = "opinion", _("督导意见书")
    RECTIFICATION = "rectification", _("整改通知书")
    REPORT = "report", _("督导报告")
    BULLETIN = "bulletin", _("通报")
    RECORD_SHEET = "record_sheet", _("责任督学工作记录表")
    MONTHLY = "monthly", _("工作月报")
    SELF_ASSESSMENT = "self_assessment", _("自评报告")
    ANNOUNCEMENT = "announcement", _("通知")


class DocumentStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    CHECKING = "checking", _("待审核")
    SIGNING = "signing", _("待签发")
    ISSUED = "issued", _("已印发")


class DocumentTemplate(BaseModel):
    """The wording of a document type. Built-ins have no office; an office adapts the wording by
    keeping its own copy (one per kind), which wins over the built-in for that office and the offices
    below it without a copy of their own. `body` is Django template text over the data the builder
    passes (e.g. {{ school.name }}); `masthead` and `code` are the defaults of new documents."""

    kind = models.CharField(_("文种"), max_length=20, choices=DocumentKind.choices)
    office = models.ForeignKey("regions.Office", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="document_templates", verbose_name=_("督导室"))
    name = models.CharField(_("名称"), max_length=100)
    title = models.CharField(_("标题"), max_length=200, blank=True,
                             help_text=_("可使用占位符，例如 {{ school.name }}"))
    masthead = models.CharField(_("发文机关标志"), max_length=100, blank=True)
    code = models.CharField(_("机关代字"), max_length=20, blank=True, help_text=_("例如：宁教督"))
    body = models.TextField(_("正文模板"), blank=True)
    source = models.CharField(_("依据"), max_length=300, blank=True)

    class Meta:
        ordering = ["kind", "office_id"]
        verbose_name = _("公文模板")
        verbose_name_plural = _("公文模板")
        constraints = [
            models.UniqueConstraint(fields=["kind", "office"], name="document_template_one_per_office"),
            models.UniqueConstraint(fields=["kind"], condition=Q(office__isnull=True),
                                    name="document_template_one_builtin"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentSeries(BaseModel):
    """A 发文字号 series: 机关代字 + year, numbered 1, 2, 3 … without gaps (GB/T 9704 7.2.5:
    〔2026〕3号, no leading zeros). `last_number` is taken under a row lock when a document is issued."""

    office = models.ForeignKey("regions.Office", on_delete=models.CASCADE, related_name="document_series",
                               verbose_name=_("督导室"))
    code = models.CharField(_("机关代字"), max_length=20)
    year = models.PositiveSmallIntegerField(_("年份"))
    last_number = models.PositiveIntegerField(_("已用序号"), default=0)

    class Meta:
        ordering = ["office_id", "-year", "code"]
        verbose_name = _("发文字号")
        verbose_name_plural = _("发文字号")
        constraints = [models.UniqueConstraint(fields=["office", "code", "year"], name="document_series_unique")]

    def __str__(self) -> str:
        return f"{self.code}〔{self.year}〕"

    def number_text(self, number: int) -> str:
        return f"{self.code}〔{self.year}〕{number}号"


class DocumentQuerySet(models.QuerySet["Document"]):
    def visible_to(self, user: User) -> DocumentQuerySet:
        """The office's documents for its subtree's staff and leaders (and admins); a document sent
        to units (for review or issued) also for those who read the unit (docs/documents.md)."""
        from dudao.access import document_q

        return self.filter(document_q(user)).distinct()

    def published(self) -> DocumentQuerySet:
        """What the public portal shows: issued and published."""
        return self.filter(status=DocumentStatus.ISSUED, published_at__isnull=False)


class Document(BaseModel):
    """One official document of an office (see the module docstring)."""

    office = models.ForeignKey("regions.Office", on_delete=models.PROTECT, related_name="documents",
                               verbose_name=_("督导室"))
    kind = models.CharField(_("文种"), max_length=20, choices=DocumentKind.choices)
    template = models.ForeignKey(DocumentTemplate, null=True, blank=True, on_delete=models.SET_NULL,
                                 related_name="documents", verbose_name=_("模板"))
    status = models.CharField(_("状态"), max_length=10, choices=DocumentStatus.choices, default=DocumentStatus.DRAFT)
    # 版头
    masthead = models.CharField(_("发文机关标志"), max_length=100)
    series = models.ForeignKey(DocumentSeries, null=True, blank=True, on_delete=models.PROTECT,
                               related_name="documents", verbose_name=_("发文字号系列"))
    sequence = models.PositiveIntegerField(_("序号"), null=True, blank=True)
    number = models.CharField(_("发文字号"), max_length=40, blank=True)
    upward = models.BooleanField(_("上行文"), default=False, help_text=_("上行文（如报告）标注签发人"))
    signer_name = models.CharField(_("签发人"), max_length=32, blank=True)
    # 主体
    title = models.CharField(_("标题"), max_length=200)
    addressee = models.CharField(_("主送机关"), max_length=300, blank=True)
    # [{"type": "h1"|"h2"|"h3"|"p"|"table"|"chart"|"image"|"pagebreak", "text": …, "rows": [[…]],
    #   "header": […], "chart": {echarts-like data}, "key": "stable id for review comments"}]
    body = models.JSONField(_("正文"), default=list, blank=True)
    attachments = models.JSONField(_("附件说明"), default=list, blank=True)  # names, in order
    signatory = models.CharField(_("署名"), max_length=100, blank=True)
    note = models.CharField(_("附注"), max_length=200, blank=True)
    # 版记
    cc = models.CharField(_("抄送机关"), max_length=300, blank=True)
    printer = models.CharField(_("印发机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("成文日期"), null=True, blank=True)
    # where it came from: "<app>.<Model>:<pk>" of the thing it was drafted from (a finding, a campaign…)
    source = models.CharField(_("来源"), max_length=100, blank=True, db_index=True)
    # the region the document is about (a school's county, the office's own region): the portal's filter
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="+", verbose_name=_("地区"))
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.PROTECT,
                               related_name="documents", verbose_name=_("学校"))
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("拟稿人"))
    checked_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("审核人"))
    checked_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    signed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                  related_name="+", verbose_name=_("签发人"))
    signed_at = models.DateTimeField(_("签发时间"), null=True, blank=True)
    # sent to the units: for draft review (issue [11] item 2) or issued; opens it to them
    shared_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)

    objects = DocumentQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("公文")
        verbose_name_plural = _("公文")
        constraints = [
            models.UniqueConstraint(fields=["series", "sequence"], condition=Q(sequence__isnull=False),
                                    name="document_number_once"),
        ]
        indexes = [
            models.Index(fields=["office", "kind", "status"], name="document_office_kind"),
            # the public portal's lists: published documents newest first (portal/selectors.py)
            models.Index(fields=["-issued_on", "-published_at", "-id"], name="document_published_newest",
                         condition=Q(status="issued", published_at__isnull=False)),
        ]

    def __str__(self) -> str:
        return f"{self.number} {self.title}".strip()

    @property
    def is_issued(self) -> bool:
        return self.status == DocumentStatus.ISSUED

    @property
    def current_version(self) -> DocumentVersion | None:
        return self.versions.order_by("-version").first()


def version_path(instance: DocumentVersion, filename: str) -> str:
    return f"documents/{instance.document.office_id}/{instance.document_id}/{filename}"


class DocumentVersion(BaseModel):
    """The frozen files of an issued document (or of a later change to it): never updated, never
    deleted; `sha256` proves the PDF is the one issued."""

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="versions")
    version = models.PositiveIntegerField(_("版本"))
    pdf = models.FileField(_("PDF"), upload_to=version_path)
    docx = models.FileField(_("Word"), upload_to=version_path, blank=True)
    sha256 = models.CharField(_("PDF 的 SHA-256"), max_length=64)
    docx_sha256 = models.CharField(_("Word 的 SHA-256"), max_length=64, blank=True)
    snapshot = models.JSONField(_("内容快照"), default=dict)  # the fields as issued (title, body, number…)
    reason = models.CharField(_("修改说明"), max_length=200, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+", verbose_name=_("操作人"))

    class Meta:
        ordering = ["document_id", "version"]
        verbose_name = _("公文版本")
        verbose_name_plural = _("公文版本")
        constraints = [models.UniqueConstraint(fields=["document", "version"], name="document_version_unique")]

    def __str__(self) -> str:
        return f"{self.document} v{self.version}"

    def save(self, *args, **kwargs):
        if self.pk is not None and not kwargs.pop("_allow_update", False):
            raise ValueError("An issued document version is locked (公文版本不可修改)")
        super().save(*args, **kwargs)


class DocumentRecipient(BaseModel):
    """A unit the document goes to (主送/抄送 units): a school, a government unit (督政; an id, as
    governance sits above this app) or an office's region. `read_at` is the read receipt."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="recipients")
    school = models.ForeignKey("schools.School", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("学校"))
    government_unit_id = models.PositiveIntegerField(_("政府单位"), null=True, blank=True, db_index=True)
    region = models.ForeignKey("regions.Region", null=True, blank=True, on_delete=models.CASCADE,
                               related_name="+", verbose_name=_("地区"))
    name = models.CharField(_("单位名称"), max_length=200)
    read_at = models.DateTimeField(_("阅读时间"), null=True, blank=True)
    read_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="+", verbose_name=_("阅读人"))

    class Meta:
        ordering = ["document_id", "id"]
        verbose_name = _("收文单位")
        verbose_name_plural = _("收文单位")
        constraints = [
            models.CheckConstraint(
                condition=(Q(school__isnull=False) & Q(government_unit_id__isnull=True) & Q(region__isnull=True))
                | (Q(school__isnull=True) & Q(government_unit_id__isnull=False) & Q(region__isnull=True))
                | (Q(school__isnull=True) & Q(government_unit_id__isnull=True) & Q(region__isnull=False)),
                name="document_recipient_one_unit"),
        ]

    def __str__(self) -> str:
        return self.name


class DocumentEvent(BaseModel):
    """The history of a document (拟稿, 送审, 审核, 退回, 签发, 印发, 公开, 新版本 …), printable."""

    class Action(models.TextChoices):
        DRAFTED = "drafted", _("拟稿")
        EDITED = "edited", _("修改")
        SUBMITTED = "submitted", _("送审")
        CHECKED = "checked", _("审核通过")
        RETURNED = "returned", _("退回修改")
        ISSUED = "issued", _("签发印发")
        SHARED = "shared", _("送达单位")
        VERSION = "version", _("新版本")
        PUBLISHED = "published", _("公开")
        UNPUBLISHED = "unpublished", _("撤回公开")

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("操作"), max_length=20, choices=Action.choices)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                           related_name="+", verbose_name=_("操作人"))
    note = models.CharField(_("说明"), max_length=500, blank=True)

    class Meta:
        ordering = ["document_id", "created_at", "id"]
        verbose_name = _("公文记录")
        verbose_name_plural = _("公文记录")

    def __str__(self) -> str:
        return f"{self.document_id} {self.action}"


# Draft review (征求意见): its models live beside, registered here with the app.
from dudao.documents.models_review import (  # noqa: E402, F401
    AnswerKind,
    CommentKind,
    DraftReview,
    ReviewComment,
    ReviewSettings,
)
