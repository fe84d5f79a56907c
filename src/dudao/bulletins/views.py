"""通报 pages (docs/bulletins.md). Thin: reads through `selectors` (404 outside what the person
reads), writes through `services` (403 when the person reads but may not write: leaders, offices above
reading only). The document itself (edit, 审核, 签发, 印发, 公开, read receipts) is the documents app's."""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.access import is_office_user
from dudao.bulletins import selectors, services
from dudao.bulletins.forms import ComputeForm
from dudao.bulletins.models import Bulletin
from dudao.core.charts import bar_chart
from dudao.core.errors import add_service_errors
from dudao.core.excel import xlsx_sheets_response
from dudao.core.pagination import CappedPaginator
from dudao.documents.models import DocumentStatus

PAGE_SIZE = 20


def document_url(pk: int) -> str:
    """The generic document page (documents app); its URL name may not exist yet in every branch."""
    try:
        return reverse("documents:detail", args=[pk])
    except NoReverseMatch:
        return f"/documents/{pk}/"


def _office_only(request: HttpRequest) -> None:
    if not is_office_user(request.user):
        raise PermissionDenied(_("通报由督导室拟写和管理；学校请在收文中阅读通报。"))


@login_required
@require_GET
def bulletin_list(request: HttpRequest) -> HttpResponse:
    _office_only(request)
    filters = selectors.BulletinFilters.from_params(request.GET)
    page = CappedPaginator(selectors.bulletin_list(request.user, filters), PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    for b in rows:
        b.document_link = document_url(b.document_id) if b.document_id else ""
    template = "bulletins/list.html#results" if getattr(request, "htmx", False) else "bulletins/list.html"
    return render(request, template, {
        "page": page, "rows": rows, "filters": filters, "query": filters.as_query(),
        "years": [(str(y), str(y)) for y in selectors.bulletin_years(request.user)], "offices": selectors.bulletin_offices(request.user),
        "states": [*DocumentStatus.choices, (selectors.NOT_DRAFTED, _("待生成公文"))],
        "may_draft": bool(selectors.drafting_offices(request.user))})


@login_required
@require_http_methods(["GET", "POST"])
def bulletin_new(request: HttpRequest) -> HttpResponse:
    offices = selectors.drafting_offices(request.user)
    if not offices:
        raise PermissionDenied(_("只有督导室的工作人员可以拟写通报。"))
    campaigns = selectors.campaigns_for(request.user, offices)
    form = ComputeForm(request.POST or None, offices=offices, campaigns=campaigns)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        office = next(o for o in offices if str(o.pk) == data["office"])
        campaign = next((c for c in campaigns if str(c.pk) == data["campaign"]), None)
        try:
            bulletin = services.compute(by=request.user, office=office, campaign=campaign,
                                        period_kind=data["period_kind"], day=data["day"], tone=data["tone"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("数据已统计。请核对数据，勾选要点名的典型单位，然后生成公文。"))
            return redirect("bulletins:detail", pk=bulletin.pk)
    return render(request, "bulletins/new.html", {"form": form, "has_campaigns": bool(campaigns)},
                  status=400 if form.errors else 200)


def _examples(bulletin: Bulletin, kind: str) -> list[dict]:
    return [e for e in bulletin.examples if e.get("kind") == kind]


@login_required
@require_GET
def bulletin_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The figures page and the review step (which named examples go into the document)."""
    bulletin = selectors.access_bulletin(request.user, pk)
    document = bulletin.document
    may_write = services.may_draft(request.user, bulletin.office)
    read, total = selectors.read_receipts(bulletin)
    f = bulletin.figures
    return render(request, "bulletins/detail.html", {
        "b": bulletin, "f": f, "document": document,
        "document_link": document_url(document.pk) if document else "",
        "good": _examples(bulletin, "good"), "bad": _examples(bulletin, "bad"),
        "may_pick": may_write and (document is None or document.status == DocumentStatus.DRAFT),
        "read": read, "total": total,
        "chart": bar_chart(_(f["chart"]["title"]), [tuple(i) for i in f["chart"]["items"]]) if f["chart"]["items"] else None})


@login_required
@require_POST
def bulletin_draft(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.access_bulletin(request.user, pk)
    if not services.may_draft(request.user, bulletin.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以拟写通报。"))
    deadline = None
    raw = (request.POST.get("deadline") or "").strip()
    if raw:
        try:
            deadline = date.fromisoformat(raw)
        except ValueError:
            messages.error(request, _("整改报送期限的日期格式不正确。"))
            return redirect("bulletins:detail", pk=bulletin.pk)
    try:
        document = services.draft(bulletin, by=request.user, picks=set(request.POST.getlist("pick")),
                                  deadline=deadline)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        return redirect("bulletins:detail", pk=bulletin.pk)
    messages.success(request, _("通报公文已生成。请修改完善后送审。"))
    return redirect(document_url(document.pk))


@login_required
@require_GET
def bulletin_export(request: HttpRequest, pk: int) -> HttpResponse:
    bulletin = selectors.access_bulletin(request.user, pk)
    return xlsx_sheets_response(f"通报数据-{bulletin.pk}", services.figure_sheets(bulletin),
                                notes=[bulletin.subject, f"{bulletin.figures['start']} — {bulletin.figures['end']}"])
