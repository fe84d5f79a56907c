"""Pages of the monthly work summaries (工作月报): the office's months, the figures of one summary
with its Excel file, the draft form and regenerating a draft.

Who sees what: an office's summaries are read by its staff and leaders and those above (and admins) —
`MonthlySummary.objects.visible_to` (the summary's document, documents `document_q`); another office's
summary is a 404. Drafting and regenerating are for the office's staff and those above
(documents.access.may_draft / may_edit): a leader reads (403 on writes) and signs off on the document
page. The document itself (edit, 审核, 签发) is the documents app's page.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.core.errors import add_service_errors
from dudao.core.excel import xlsx_sheets_response
from dudao.documents import access as document_access
from dudao.monthly import selectors, services, writing
from dudao.monthly.forms import DraftForm


@login_required
@require_GET
def summary_index(request: HttpRequest) -> HttpResponse:
    office = selectors.summary_office(request.user, request.GET.get("office"))
    today = timezone.localdate()
    context = {
        "office": office,
        "offices": selectors.summary_offices(request.user),
        "rows": selectors.month_rows(user=request.user, office=office, today=today),
        "may_draft": document_access.may_draft(request.user, office),
        "today": today,
    }
    return render(request, "monthly/index.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def summary_draft(request: HttpRequest) -> HttpResponse:
    """Office and month; the month in the future is refused; a second draft of the same office and
    month opens the existing summary."""
    offices = selectors.draft_offices(request.user)
    asked = request.POST.get("office") or request.GET.get("office")
    if asked not in (None, ""):
        office = selectors.summary_office(request.user, asked)  # 404 outside the scope, 403 not an office's reader
        if not document_access.may_draft(request.user, office):
            raise PermissionDenied(_("只有本督导室的工作人员可以起草工作月报。"))
    elif not offices:
        raise PermissionDenied(_("只有督导室工作人员可以起草工作月报。"))
    today = timezone.localdate()
    initial = {"office": asked or offices[0].pk, "month": request.GET.get("month") or f"{today.year}-{today.month:02d}"}
    form = DraftForm(request.POST or None, offices=offices, initial=initial)
    if request.method == "POST" and form.is_valid():
        year, month = form.cleaned_data["month"]
        try:
            summary, created = services.draft_summary(by=request.user, office=form.cleaned_data["office"], year=year,
                                                      month=month, today=today)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if created:
                messages.success(request, _("已根据数据起草工作月报，请核对数据后编辑文稿并送审。"))
            else:
                messages.info(request, _("该督导室这个月的工作月报已经起草，已为您打开。"))
            return redirect("monthly:detail", pk=summary.pk)
    return render(request, "monthly/draft.html", {"form": form})


def _page_context(request: HttpRequest, summary) -> dict:
    f = summary.figures
    return {
        "summary": summary, "f": f, "office": summary.office,
        "title": writing.title(f), "intro": writing.intro(f),
        "sections": writing.sections(f),
        "chart": writing.visits_chart(f) if f["visits"]["zones"] else None,
        "document_url": selectors.document_url(summary.document_id),
        "may_regenerate": not summary.is_locked and document_access.may_edit(request.user, summary.document),
    }


@login_required
@require_GET
def summary_detail(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.access_summary(request.user, pk)
    return render(request, "monthly/detail.html", _page_context(request, summary))


@login_required
@require_GET
def summary_export(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.access_summary(request.user, pk)
    sheets, notes = selectors.export_sheets(summary)
    return xlsx_sheets_response(f"工作月报-{summary.office.name}-{summary.year}年{summary.month}月", sheets, notes=notes)


@login_required
@require_POST
def summary_regenerate(request: HttpRequest, pk: int) -> HttpResponse:
    summary = selectors.access_summary(request.user, pk)
    if not document_access.may_draft(request.user, summary.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以重新生成工作月报。"))
    try:
        services.regenerate(by=request.user, summary=summary)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("已按最新数据重新生成，文稿正文已更新。"))
    return redirect("monthly:detail", pk=summary.pk)
