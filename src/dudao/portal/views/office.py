"""公示管理 (behind login): an office's 公示 — list, create, edit, withdraw.

Who reads: staff and leaders of the office or an office above, and admins (`Publicity.objects.visible_to`);
a notice outside one's office subtrees answers 404. Who writes: office staff of the office or above and
admins (`access.can_manage_office`, asked again by the services); leaders read, 403 on every change.
Supervisors, school accounts and evaluators read 公示 on the public portal: 403 here.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dudao.access import can_manage_office, get_visible_or_404, is_office_user
from dudao.core.errors import add_service_errors, joined_messages
from dudao.core.pagination import CappedPaginator
from dudao.portal import selectors, services
from dudao.portal.forms import PublicityForm
from dudao.portal.models import Publicity
from dudao.regions.models import Office
from dudao.regions.selectors import managed_offices


def _require_reader(request: HttpRequest) -> None:
    if not is_office_user(request.user):
        raise PermissionDenied


def _offices(user) -> list[Office]:
    return managed_offices(user)


@login_required
def manage(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    qs = selectors.staff_publicities(request.user).order_by("-starts_on", "-id")
    page = CappedPaginator(qs, 20).get_page(request.GET.get("page"))
    today = timezone.localdate()
    rows = [(p, p.state(today), can_manage_office(request.user, p.office)) for p in page]
    return render(request, "portal/manage_list.html", {
        "page": page, "rows": rows, "can_create": bool(_offices(request.user))})


def _form_data(form: PublicityForm) -> dict:
    data = dict(form.cleaned_data)
    data["files"] = data.pop("attachments")
    data.pop("office")
    return data


@login_required
def create(request: HttpRequest) -> HttpResponse:
    _require_reader(request)
    offices = _offices(request.user)
    if not offices:
        raise PermissionDenied
    choices = Office.objects.filter(pk__in=[o.pk for o in offices]).order_by("region__code")
    form = PublicityForm(request.POST or None, request.FILES or None, offices=choices,
                         initial={"office": offices[-1].pk, "starts_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            item = services.publicity_create(by=request.user, office=form.cleaned_data["office"], **_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("公示已保存，将于 %(day)s 起在公开网站显示。") % {"day": item.starts_on.isoformat()})
            return redirect("portal:manage")
    return render(request, "portal/manage_form.html", {"form": form, "item": None})


@login_required
def edit(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    item = get_visible_or_404(Publicity.objects.visible_to(request.user).select_related("office__region"), pk=pk)
    if not can_manage_office(request.user, item.office):
        raise PermissionDenied
    choices = Office.objects.filter(pk=item.office_id)
    initial = {"office": item.office_id, "kind": item.kind, "title": item.title, "body": item.body,
               "starts_on": item.starts_on, "ends_on": item.ends_on, "contact": item.contact}
    form = PublicityForm(request.POST or None, request.FILES or None, offices=choices, initial=initial)
    attachments = list(item.attachments.all())
    if request.method == "POST" and form.is_valid():
        remove = [int(v) for v in request.POST.getlist("remove") if v.isdigit()]
        try:
            services.publicity_update(item, by=request.user, remove=remove, **_form_data(form))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("portal:manage")
    return render(request, "portal/manage_form.html", {
        "form": form, "item": item, "state": item.state(), "attachments": attachments})


@login_required
@require_POST
def withdraw(request: HttpRequest, pk: int) -> HttpResponse:
    _require_reader(request)
    item = get_visible_or_404(Publicity.objects.visible_to(request.user).select_related("office__region"), pk=pk)
    if not can_manage_office(request.user, item.office):
        raise PermissionDenied
    try:
        services.publicity_withdraw(item, by=request.user, reason=request.POST.get("reason", ""))
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
    else:
        messages.success(request, _("公示“%(title)s”已撤回，公开网站不再显示。") % {"title": item.title})
    return redirect("portal:manage")
