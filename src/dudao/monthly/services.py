"""Drafting and regenerating a monthly work summary (工作月报).

A summary is drafted once per office and month: the figures are computed (monthly/figures.py), kept as
the `MonthlySummary` snapshot, and a `documents.Document` of kind "monthly" is drafted from them in the
office's wording (documents.services, never a numbering or workflow of our own). A second attempt for
the same office and month returns the existing one. Regenerating recomputes the figures and rewrites the
draft's title and body — only while the document is a draft; once it went to 审核, 签发 or was issued the
summary is locked (a correction is a new version through the documents workflow).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.documents import access as document_access
from dudao.documents import services as documents
from dudao.documents.models import DocumentKind, DocumentStatus
from dudao.monthly import writing
from dudao.monthly.figures import month_figures
from dudao.monthly.models import MonthlySummary
from dudao.regions.models import Office as OfficeModel
from dudao.regions.models import RegionLevel

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office

SUMMARY_LEVELS = (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY)
FIRST_YEAR = 2000


def check_month(year: int, month: int, *, today: date | None = None) -> None:
    """A month that has begun (the current one is drafted up to today); never one in the future."""
    today = today or timezone.localdate()
    if not (1 <= month <= 12) or year < FIRST_YEAR:
        raise ValidationError({"month": _("请选择有效的月份。")})
    if (year, month) > (today.year, today.month):
        raise ValidationError({"month": _("不能为尚未开始的月份起草工作月报。")})


def source_of(office: Office, year: int, month: int) -> str:
    return f"monthly.MonthlySummary:{office.pk}:{year}-{month:02d}"


def _addressee(office: Office) -> str:
    """The office above (a county's summary goes to its city's office), if there is one."""
    parent = office.region.parent_id and OfficeModel.objects.filter(region_id=office.region.parent_id).first()
    return parent.name if parent else ""


@transaction.atomic
def draft_summary(*, by: User | None, office: Office, year: int, month: int, today: date | None = None,
                  check: bool = True) -> tuple[MonthlySummary, bool]:
    """The office's summary of the month: the existing one (False), else a new draft (True).
    `check=False` for the scheduled job and the demo (no person drafts it)."""
    if check and (by is None or not document_access.may_draft(by, office)):
        raise PermissionDenied(_("只有本督导室的工作人员可以起草工作月报。"))
    if office.level not in SUMMARY_LEVELS:
        raise ValidationError({"office": _("只有省、市、县级督导室起草工作月报。")})
    check_month(year, month, today=today)
    # Two drafts of the same office at once: the office's row lock makes the second wait, then find the first.
    list(OfficeModel.objects.select_for_update().filter(pk=office.pk).order_by().values_list("pk", flat=True))
    existing = MonthlySummary.objects.filter(office=office, year=year, month=month).select_related("document").first()
    if existing is not None:
        return existing, False
    figures = month_figures(office, year, month, today=today)
    # The text is written from the figures (monthly/writing.py); the office's 工作月报 template gives the
    # masthead only — its body is the outline for a summary drafted by hand.
    document = documents.create_draft(
        by=by, office=office, kind=DocumentKind.MONTHLY, template=documents.template_for(DocumentKind.MONTHLY, office),
        title=writing.document_title(figures), body=writing.document_body(figures), addressee=_addressee(office),
        source=source_of(office, year, month), region=office.region, check=check)
    summary = MonthlySummary.objects.create(office=office, year=year, month=month, figures=figures,
                                            document=document, generated_at=timezone.now(), generated_by=by)
    return summary, True


@transaction.atomic
def regenerate(*, by: User, summary: MonthlySummary, today: date | None = None) -> MonthlySummary:
    """Recompute the figures and rewrite the draft's title and body (edits to the text are replaced)."""
    summary = MonthlySummary.objects.select_for_update().select_related("document", "office__region").get(pk=summary.pk)
    document = summary.document
    if document.status != DocumentStatus.DRAFT:
        raise ValidationError(_("工作月报已送审或印发，数据已锁定；如需更正，请通过公文修订形成新版本。"))
    if not document_access.may_edit(by, document):
        raise PermissionDenied(_("只有本督导室的工作人员可以重新生成工作月报。"))
    figures = month_figures(summary.office, summary.year, summary.month, today=today)
    documents.edit_draft(document, by=by, title=writing.document_title(figures), body=writing.document_body(figures))
    summary.figures = figures
    summary.generated_at, summary.generated_by = timezone.now(), by
    summary.save(update_fields=["figures", "generated_at", "generated_by", "updated_at"])
    return summary


def last_month(today: date) -> tuple[int, int]:
    return (today.year - 1, 12) if today.month == 1 else (today.year, today.month - 1)


def draft_last_month(today: date | None = None) -> dict[str, int]:
    """The scheduled job (monthly/schedule.py): on the 1st, last month's draft for every county, city
    and province office that has staff, unless it exists. Idempotent; other days it does nothing."""
    from dudao.people.models import Role, RoleGrant

    today = today or timezone.localdate()
    if today.day != 1:
        return {"drafted": 0, "existing": 0}
    year, month = last_month(today)
    staffed = RoleGrant.objects.filter(role=Role.OFFICE_STAFF, user__is_active=True).values("office_id")
    drafted = existing = 0
    for office in OfficeModel.objects.filter(pk__in=staffed, level__in=SUMMARY_LEVELS).select_related("region"):
        _summary, created = draft_summary(by=None, office=office, year=year, month=month, today=today, check=False)
        drafted += created
        existing += not created
    return {"drafted": drafted, "existing": existing}
