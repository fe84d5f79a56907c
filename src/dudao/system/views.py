"""System administration pages: code lists, operation log and login log (admins only)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from dudao.access import is_system_admin
from dudao.core.excel import xlsx_response
from dudao.system.audit import describe_all
from dudao.system.forms import DictionaryItemForm
from dudao.system.selectors import (
    dictionary_item,
    dictionary_items,
    dictionary_types,
    login_log_entries,
    operation_log_entries,
)
from dudao.system.services import DICTIONARY_TYPES


def _require_admin(request: HttpRequest) -> None:
    if not is_system_admin(request.user):
        raise PermissionDenied


@login_required
def dictionary_list(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    dict_type = request.GET.get("type", "")
    type_rows = dictionary_types()
    page = Paginator(dictionary_items(dict_type=dict_type), 50).get_page(request.GET.get("page"))
    return render(request, "system/dictionary_list.html", {"page": page, "dict_type": dict_type, "types": type_rows, "labels": DICTIONARY_TYPES})


@login_required
def dictionary_edit(request: HttpRequest, pk: int | None = None) -> HttpResponse:
    _require_admin(request)
    item = dictionary_item(pk) if pk else None
    initial = {"dict_type": request.GET.get("type", "")} if item is None else None
    form = DictionaryItemForm(request.POST or None, instance=item, initial=initial)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        messages.success(request, _("已保存。"))
        return redirect(f"{reverse('system:dictionary_list')}?type={saved.dict_type}")
    return render(request, "system/dictionary_form.html", {"form": form, "item": item})


@login_required
def operation_log(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    actor = request.GET.get("actor", "").strip()
    entries = operation_log_entries(actor=actor)
    if request.GET.get("export"):
        rows = ([line.when, line.actor, line.verb.removesuffix("了"), line.kind, line.name, line.details, line.sentence,
                 line.remote_addr] for line in describe_all(entries[:50000].iterator()))
        headers = [_("时间（北京时间）"), _("操作人"), _("操作"), _("对象类型"), _("对象"), _("变更内容"), _("记录"), "IP"]
        return xlsx_response(_("操作日志"), _("操作日志"), headers, rows)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "system/operation_log.html", {"page": page, "lines": describe_all(page.object_list), "actor": actor})


@login_required
def login_log(request: HttpRequest) -> HttpResponse:
    _require_admin(request)
    show = request.GET.get("show", "success")
    username = request.GET.get("username", "").strip()
    entries = login_log_entries(show=show, username=username)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "system/login_log.html", {"page": page, "show": show, "username": username})
