"""Pages of the policy library (/library/) and of 通知公告 (/library/notices/). Thin: reads through
selectors (404 outside what the person reads), every change through services (403 when not theirs)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.core.downloads import stored_file_response
from dudao.core.pagination import CappedPaginator
from dudao.library import search, selectors, services
from dudao.library.forms import NoticeForm, PolicyForm, with_office
from dudao.library.models import Policy, PolicyCategory, PolicyStatus

PAGE_SIZE = 20


def _offices(user):
    from dudao.regions.selectors import managed_offices

    return list(managed_offices(user))


def _pick_office(request: HttpRequest, offices: list):
    if not offices:
        raise PermissionDenied(_("只有督导室工作人员可以进行此操作。"))
    chosen = request.POST.get("office")
    return next((o for o in offices if str(o.pk) == chosen), offices[0])


def _errors_to_form(form, exc: ValidationError) -> None:
    if hasattr(exc, "error_dict"):
        for field, errors in exc.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc.messages)


# --- the policy library ---------------------------------------------------------------------------------
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """法规政策文件汇编: search (jieba + full text), category, validity, year, own entries or built-ins."""
    q = (request.GET.get("q") or "").strip()[: search.MAX_QUERY_CHARS]
    category = request.GET.get("category") or ""
    status = request.GET.get("status") or ""
    year = request.GET.get("year") or ""
    origin = request.GET.get("origin") or ""
    base = Policy.objects.visible_to(request.user)
    rows = base.select_related("office")
    if category in PolicyCategory.values:
        rows = rows.filter(category=category)
    if status in PolicyStatus.values:
        rows = rows.filter(status=status)
    if year.isdigit():
        rows = rows.filter(issued_year=int(year))
    if origin == "builtin":
        rows = rows.filter(office__isnull=True)
    elif origin == "local":
        rows = rows.filter(office__isnull=False)
    if q:
        rows = search.search(rows, q)
    page = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "library/index.html", {
        "page": page, "rows": list(page.object_list), "q": q, "category": category, "status": status,
        "year": year, "origin": origin, "categories": PolicyCategory.choices, "statuses": PolicyStatus.choices,
        "years": services.policy_years(base), "can_add": bool(_offices(request.user)),
        "total": page.paginator.count})


@login_required
@require_GET
def policy(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_policy(request.user, pk)
    return render(request, "library/policy.html", {
        "item": item, "can_edit": services.may_edit_policy(request.user, item)})


@login_required
@require_GET
def policy_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_policy(request.user, pk)
    if not item.attachment:
        from django.http import Http404

        raise Http404
    return stored_file_response(item.attachment, item.attachment_type or "application/octet-stream",
                                filename=item.attachment_name or None, inline=False, nosniff=True)


def _policy_form_page(request: HttpRequest, item: Policy | None) -> HttpResponse:
    offices = _offices(request.user) if item is None else [item.office]
    if item is not None and not services.may_edit_policy(request.user, item):
        raise PermissionDenied(_("内置条目只读；本督导室的条目只有本室工作人员可以修改。"))
    if item is None and not offices:
        raise PermissionDenied(_("只有督导室工作人员可以录入政策法规。"))
    initial = {f: getattr(item, f) for f in services.POLICY_FIELDS if hasattr(item, f)} if item else {}
    form = with_office(PolicyForm(request.POST or None, request.FILES or None, initial=initial),
                       offices if item is None else [])
    if request.method == "POST" and form.is_valid():
        data = {k: v for k, v in form.cleaned_data.items() if k not in ("attachment", "office")}
        try:
            if item is None:
                item = services.policy_create(by=request.user, office=_pick_office(request, offices), data=data,
                                              upload=form.cleaned_data.get("attachment"))
                messages.success(request, _("已录入。"))
            else:
                services.policy_update(by=request.user, policy=item, data=data,
                                       upload=form.cleaned_data.get("attachment"))
                messages.success(request, _("已保存。"))
            return redirect("library:policy", pk=item.pk)
        except ValidationError as exc:
            _errors_to_form(form, exc)
    return render(request, "library/policy_form.html", {"form": form, "item": item}, status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def policy_create(request: HttpRequest) -> HttpResponse:
    return _policy_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def policy_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _policy_form_page(request, selectors.access_policy(request.user, pk))


# --- 通知公告 ---------------------------------------------------------------------------------------------
@login_required
@require_GET
def notices(request: HttpRequest) -> HttpResponse:
    """Received notices (unread first) and, for offices, the notices they sent with their read counts."""
    unread = request.GET.get("unread") == "1"
    rows = selectors.received_notices(request.user)
    if unread:  # the workbench's count opens exactly these rows
        rows = rows.filter(my_read_at__isnull=True)
    received = CappedPaginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    sent_page = None
    sent_rows: list = []
    if request.user.is_authenticated:
        sent = selectors.sent_notices(request.user)
        if sent.exists() or _offices(request.user):
            sent_page = CappedPaginator(sent, PAGE_SIZE).get_page(request.GET.get("sent"))
            sent_rows = [(n, *services.receipt_counts(n)) for n in sent_page.object_list]
    return render(request, "library/notices.html", {
        "received": received, "received_rows": list(received.object_list), "sent_page": sent_page,
        "sent_rows": sent_rows, "can_send": bool(_offices(request.user)), "unread": unread})


@login_required
@require_GET
def notice(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_notice(request.user, pk)
    services.notice_mark_read(by=request.user, notice=item)
    manage = services.may_send(request.user, item.office)
    read, total = services.receipt_counts(item)
    return render(request, "library/notice.html", {"item": item, "manage": manage, "read": read, "total": total})


@login_required
@require_GET
def notice_file(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_notice(request.user, pk)
    if not item.attachment:
        from django.http import Http404

        raise Http404
    return stored_file_response(item.attachment, item.attachment_type or "application/octet-stream",
                                filename=item.attachment_name or None, inline=False, nosniff=True)


def _notice_form_page(request: HttpRequest, item) -> HttpResponse:
    offices = _offices(request.user) if item is None else [item.office]
    if item is None and not offices:
        raise PermissionDenied(_("只有督导室工作人员可以发布通知公告。"))
    if item is not None and not services.may_send(request.user, item.office):
        raise PermissionDenied(_("只有本督导室的工作人员可以修改通知公告。"))
    initial = {"title": item.title, "body": item.body, "audience": item.audience, "pinned": item.pinned} if item else {}
    form = with_office(NoticeForm(request.POST or None, request.FILES or None, initial=initial),
                       offices if item is None else [])
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            item = services.notice_save(
                by=request.user, office=_pick_office(request, offices) if item is None else item.office,
                title=data["title"], body=data["body"], audience=data["audience"], pinned=data["pinned"],
                upload=data.get("attachment"), notice=item)
            messages.success(request, _("已保存为草稿，核对后点“发布”。"))
            return redirect("library:notice", pk=item.pk)
        except ValidationError as exc:
            _errors_to_form(form, exc)
    return render(request, "library/notice_form.html", {"form": form, "item": item},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def notice_create(request: HttpRequest) -> HttpResponse:
    return _notice_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def notice_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _notice_form_page(request, selectors.access_notice(request.user, pk))


def _act(request: HttpRequest, pk: int, action) -> HttpResponse:
    item = selectors.access_notice(request.user, pk)
    try:
        message = action(item)
        messages.success(request, message)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("library:notice", pk=item.pk)


@login_required
@require_POST
def notice_publish(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item: _("已发布，送达 %(n)s 个账号。") % {
        "n": services.notice_publish(by=request.user, notice=item)})


@login_required
@require_POST
def notice_withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item: services.notice_withdraw(by=request.user, notice=item) and _("已撤回。"))


@login_required
@require_POST
def notice_remind(request: HttpRequest, pk: int) -> HttpResponse:
    return _act(request, pk, lambda item: _("已提醒 %(n)s 个未读账号（每天最多提醒一次）。") % {
        "n": services.notice_remind(by=request.user, notice=item)})


@login_required
@require_GET
def notice_receipts(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.access_notice(request.user, pk)
    if not services.may_send(request.user, item.office) and not _leads(request.user, item):
        raise PermissionDenied(_("只有发布单位可以查看阅读回执。"))
    show = request.GET.get("show") or ""
    rows = item.receipts.select_related("user").order_by("read_at", "unit", "user__username")
    if show == "unread":
        rows = rows.filter(read_at__isnull=True)
    page = CappedPaginator(rows, 50).get_page(request.GET.get("page"))
    read, total = services.receipt_counts(item)
    return render(request, "library/receipts.html", {
        "item": item, "page": page, "rows": list(page.object_list), "read": read, "total": total, "show": show,
        "manage": services.may_send(request.user, item.office)})


def _leads(user, item) -> bool:
    """Leaders of the sending office (or above) read the receipts too."""
    from dudao.access import sees_office_details

    return sees_office_details(user, item.office)
