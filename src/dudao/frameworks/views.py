"""Pages of the framework library: list, detail (the tree), create, edit a draft, publish, copy,
deactivate, Excel import and export. Thin: access → form → service → render; who may write is
the access layer's (`may_edit_framework`, `may_own_framework`), asked through the selectors and
again by the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.access import may_edit_framework
from dudao.frameworks import excel, services
from dudao.frameworks.forms import CopyForm, FrameworkForm, FrameworkInfoForm, ImportForm, IndicatorForm
from dudao.frameworks.models import Framework, FrameworkShape, Indicator, VersionState
from dudao.frameworks.selectors import (
    FrameworkFilters,
    access_framework,
    access_version,
    access_writable_framework,
    framework_list,
    framework_topics,
    version_rows,
    versions_for,
    writable_offices,
)

PAGE_SIZE = 30


def _messages(exc: ValidationError) -> list[str]:
    return exc.messages


@login_required
@require_GET
def framework_list_view(request: HttpRequest) -> HttpResponse:
    filters = FrameworkFilters(q=request.GET.get("q", "").strip()[:100], shape=request.GET.get("shape", ""),
                               topic=request.GET.get("topic", "")[:64], owner=request.GET.get("owner", ""),
                               active="" if request.GET.get("all") else "1")
    page = Paginator(framework_list(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in request.GET.items() if k != "page" and v}
    context = {
        "page": page, "rows": list(page.object_list), "filters": filters, "query": query,
        "shapes": FrameworkShape.choices, "topics": [(t, t) for t in framework_topics(user=request.user)],
        "owners": [("builtin", _("内置")), ("mine", _("本督导室"))],
        "can_create": writable_offices(request.user).exists(),
    }
    template = "frameworks/framework_list.html#results" if request.htmx else "frameworks/framework_list.html"
    return render(request, template, context)


@login_required
@require_GET
def framework_detail(request: HttpRequest, pk: int) -> HttpResponse:
    framework = access_framework(request.user, pk)
    number = request.GET.get("v")
    version = access_version(request.user, framework, int(number) if number and number.isdigit() else None)
    can_edit = may_edit_framework(request.user, framework)
    return render(request, "frameworks/framework_detail.html", {
        "framework": framework, "version": version, "versions": versions_for(request.user, framework),
        "rows": version_rows(version), "bands": list(version.grade_bands.all()),
        "problems": services.version_problems(version) if version.state == VersionState.DRAFT else [],
        "can_edit": can_edit, "can_copy": writable_offices(request.user).exists(),
    })


@login_required
@require_http_methods(["GET", "POST"])
def framework_create(request: HttpRequest) -> HttpResponse:
    offices = writable_offices(request.user)
    if not offices.exists():
        raise PermissionDenied
    form = FrameworkForm(request.POST or None, request.FILES or None, offices=offices)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            parsed = excel.read_upload(data["file"]) if data["file"] else None
            with transaction.atomic():
                framework = services.framework_create(
                    by=request.user, owner=data["owner"], name=data["name"], shape=data["shape"], topic=data["topic"],
                    description=data["description"], source=data["source"], weighting=data["weighting"],
                    total_score=data["total_score"])
                if parsed is not None:
                    excel.version_import(by=request.user, version=framework.versions.get(), parsed=parsed)
        except excel.FrameworkImportError as exc:
            for line in exc.errors:
                form.add_error("file", line)
        except ValidationError as exc:
            for line in _messages(exc):
                form.add_error(None, line)
        else:
            messages.success(request, _("已新建指标体系“%(name)s”（草稿）。") % {"name": framework.name})
            return redirect("frameworks:edit", pk=framework.pk)
    return render(request, "frameworks/framework_form.html", {"form": form, "title": _("新建指标体系")})


def _draft_for(request: HttpRequest, pk: int):
    framework = access_writable_framework(request.user, pk)
    version = services.latest_version(framework)
    if version is None or version.state != VersionState.DRAFT:
        return framework, None
    return framework, version


@login_required
@require_http_methods(["GET", "POST"])
def framework_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """The draft's page: description, settings, grade bands, and the tree with edit links."""
    framework, version = _draft_for(request, pk)
    if version is None:
        return render(request, "frameworks/framework_no_draft.html", {"framework": framework})
    initial = {"name": framework.name, "topic": framework.topic, "source": framework.source,
               "description": framework.description, "weighting": version.weighting, "total_score": version.total_score,
               "note": version.note, "grade_bands": excel.bands_to_text(version)}
    form = FrameworkInfoForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            bands = excel.bands_from_text(data["grade_bands"])
        except ValueError as exc:
            form.add_error("grade_bands", str(exc))
        else:
            try:
                with transaction.atomic():
                    services.framework_update(by=request.user, framework=framework, name=data["name"], topic=data["topic"],
                                              description=data["description"], source=data["source"])
                    services.version_update(by=request.user, version=version, weighting=data["weighting"],
                                            total_score=data["total_score"], note=data["note"])
                    services.grade_bands_set(by=request.user, version=version, bands=bands)
            except ValidationError as exc:
                for line in _messages(exc):
                    form.add_error(None, line)
            else:
                messages.success(request, _("已保存。"))
                return redirect("frameworks:edit", pk=framework.pk)
    return render(request, "frameworks/framework_edit.html", {
        "framework": framework, "version": version, "form": form, "rows": version_rows(version),
        "problems": services.version_problems(version)})


@login_required
@require_POST
def framework_new_draft(request: HttpRequest, pk: int) -> HttpResponse:
    framework = access_writable_framework(request.user, pk)
    version = services.version_new_draft(by=request.user, framework=framework)
    messages.success(request, _("已生成第 %(n)s 版草稿：修改后发布，已发布的版本保持不变。") % {"n": version.number})
    return redirect("frameworks:edit", pk=framework.pk)


def _indicator_form_save(request: HttpRequest, form: IndicatorForm, version, indicator: Indicator | None):
    data = form.cleaned_data
    try:
        levels = excel.levels_from_text(data["levels"])
    except ValueError as exc:
        form.add_error("levels", str(exc))
        return None
    parent = version.indicators.get(pk=int(data["parent"])) if data["parent"] else None
    fields = {"code": data["code"], "text": data["text"], "scoring": data["scoring"], "max_score": data["max_score"],
              "weight": data["weight"], "levels": levels, "evidence": data["evidence"].splitlines(),
              "methods": data["methods"], "scoring_rule": data["scoring_rule"], "is_veto": data["is_veto"],
              "is_key": data["is_key"], "active": data["active"], "note": data["note"]}
    try:
        with transaction.atomic():
            if indicator is None:
                return services.indicator_add(by=request.user, version=version, parent=parent,
                                              order=data["order"], **fields)
            services.indicator_update(by=request.user, indicator=indicator, **fields)
            if parent != indicator.parent or (data["order"] is not None and data["order"] != indicator.order):
                services.indicator_move(by=request.user, indicator=indicator, parent=parent, order=data["order"])
            return indicator
    except ValidationError as exc:
        if hasattr(exc, "error_dict"):
            for field, errors in exc.message_dict.items():
                for error in errors:
                    form.add_error(field if field in form.fields else None, error)
        else:
            for line in exc.messages:
                form.add_error(None, line)
    return None


@login_required
@require_http_methods(["GET", "POST"])
def indicator_edit(request: HttpRequest, pk: int, indicator_pk: int | None = None) -> HttpResponse:
    framework, version = _draft_for(request, pk)
    if version is None:
        return redirect("frameworks:edit", pk=pk)
    indicator = get_object_or_404(version.indicators, pk=indicator_pk) if indicator_pk else None
    excluded = set()
    if indicator is not None:  # not under itself or its subtree
        stack = [indicator]
        while stack:
            node = stack.pop()
            excluded.add(node.pk)
            stack.extend(node.children.all())
    parents = [i for i in version_rows(version) if i.pk not in excluded]
    initial: dict = {"active": True}
    if indicator is not None:
        initial = {"parent": str(indicator.parent_id or ""), "code": indicator.code, "text": indicator.text,
                   "scoring": indicator.scoring, "max_score": indicator.max_score, "weight": indicator.weight,
                   "levels": excel.levels_to_text(indicator.levels), "evidence": "\n".join(indicator.evidence),
                   "methods": indicator.methods, "scoring_rule": indicator.scoring_rule, "is_veto": indicator.is_veto,
                   "is_key": indicator.is_key, "active": indicator.active, "note": indicator.note, "order": indicator.order}
    elif request.GET.get("parent", "").isdigit():
        initial["parent"] = request.GET["parent"]
    form = IndicatorForm(request.POST or None, initial=initial, parents=parents)
    if request.method == "POST" and form.is_valid():
        saved = _indicator_form_save(request, form, version, indicator)
        if saved is not None:
            messages.success(request, _("已保存指标「%(code)s」。") % {"code": saved.code})
            return redirect("frameworks:edit", pk=framework.pk)
    return render(request, "frameworks/indicator_form.html", {
        "framework": framework, "version": version, "indicator": indicator, "form": form})


@login_required
@require_POST
def indicator_delete(request: HttpRequest, pk: int, indicator_pk: int) -> HttpResponse:
    framework, version = _draft_for(request, pk)
    if version is None:
        return redirect("frameworks:edit", pk=pk)
    indicator = get_object_or_404(version.indicators, pk=indicator_pk)
    services.indicator_delete(by=request.user, indicator=indicator)
    messages.success(request, _("已删除指标「%(code)s」及其下级指标。") % {"code": indicator.code})
    return redirect("frameworks:edit", pk=framework.pk)


@login_required
@require_POST
def framework_publish(request: HttpRequest, pk: int) -> HttpResponse:
    framework, version = _draft_for(request, pk)
    if version is None:
        messages.error(request, _("没有可发布的草稿版本。"))
        return redirect("frameworks:detail", pk=pk)
    try:
        services.version_publish(by=request.user, version=version)
    except ValidationError as exc:
        for line in exc.messages:
            messages.error(request, line)
        return redirect("frameworks:edit", pk=pk)
    messages.success(request, _("已发布第 %(n)s 版，督导项目可以选用。") % {"n": version.number})
    return redirect("frameworks:detail", pk=pk)


@login_required
@require_POST
def framework_active(request: HttpRequest, pk: int) -> HttpResponse:
    framework = access_writable_framework(request.user, pk)
    active = request.POST.get("active") == "1"
    services.framework_set_active(by=request.user, framework=framework, active=active)
    messages.success(request, _("已启用。") if active else _("已停用：新的督导项目不再可选，已选用的项目不受影响。"))
    return redirect("frameworks:detail", pk=pk)


@login_required
@require_http_methods(["GET", "POST"])
def framework_copy(request: HttpRequest, pk: int) -> HttpResponse:
    source = access_framework(request.user, pk)
    offices = writable_offices(request.user)
    if not offices.exists():
        raise PermissionDenied
    form = CopyForm(request.POST or None, offices=offices, initial={"name": f"{source.name}（副本）"})
    if request.method == "POST" and form.is_valid():
        try:
            copy = services.framework_copy(by=request.user, source=source, owner=form.cleaned_data["owner"],
                                           name=form.cleaned_data["name"])
        except ValidationError as exc:
            for line in exc.messages:
                form.add_error(None, line)
        else:
            messages.success(request, _("已复制为“%(name)s”（草稿），可修改后发布。") % {"name": copy.name})
            return redirect("frameworks:edit", pk=copy.pk)
    return render(request, "frameworks/framework_copy.html", {"framework": source, "form": form})


@login_required
@require_GET
def framework_export(request: HttpRequest, pk: int) -> HttpResponse:
    framework = access_framework(request.user, pk)
    number = request.GET.get("v")
    version = access_version(request.user, framework, int(number) if number and number.isdigit() else None)
    return excel.export_response(version)


@login_required
@require_http_methods(["GET", "POST"])
def framework_import(request: HttpRequest, pk: int) -> HttpResponse:
    """Replace the draft's tree from Excel (a published latest version first gets a new draft)."""
    framework: Framework = access_writable_framework(request.user, pk)
    form = ImportForm(request.POST or None, request.FILES or None)
    errors: list[str] = []
    if request.method == "POST" and form.is_valid():
        try:
            version, parsed = excel.framework_import(by=request.user, framework=framework,
                                                     upload=form.cleaned_data["file"])
        except excel.FrameworkImportError as exc:
            errors = exc.errors
        except ValidationError as exc:
            errors = exc.messages
        else:
            messages.success(request, _("已导入 %(n)s 个指标到第 %(v)s 版草稿。") % {"n": len(parsed.rows), "v": version.number})
            return redirect("frameworks:edit", pk=framework.pk)
    return render(request, "frameworks/framework_import.html", {"framework": framework, "form": form, "errors": errors})
