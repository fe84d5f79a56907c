"""Pages of the county evaluation: the list, a new dossier, the dossier with its parts and verdict,
an item's entry form, evidence, the checklist, the review steps, the Excel export.

Thin: reads through `selectors` (scope: `Dossier.objects.visible_to`), writes through `services`
(which ask the workflow table). Evidence files are served only through `access_evidence`.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.core.downloads import stored_file_response
from dudao.core.errors import add_service_errors
from dudao.core.excel import xlsx_response
from dudao.evaluations import selectors, services, workflow
from dudao.evaluations.checklist import dossier_checklist as build_checklist
from dudao.evaluations.checklist import missing_count
from dudao.evaluations.forms import CampaignForm, DossierCreateForm, EvidenceForm, ItemForm, StepForm
from dudao.evaluations.items import DossierKind, Part, item_def
from dudao.evaluations.models import DossierState
from dudao.evaluations.verdict import dossier_verdict

PAGE_SIZE = 25


@login_required
@require_GET
def dossier_list(request: HttpRequest) -> HttpResponse:
    filters = selectors.DossierFilters(q=request.GET.get("q", "").strip()[:50], kind=request.GET.get("kind", ""),
                                       year=request.GET.get("year", ""), state=request.GET.get("state", ""))
    page = Paginator(selectors.dossier_list(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page, "rows": list(page.object_list), "filters": filters,
        "kinds": DossierKind.choices, "states": DossierState.choices,
        "years": [(str(y), str(y)) for y in selectors.dossier_years(user=request.user)],
        "can_create": selectors.creatable_counties(request.user).exists(),
    }
    template = "evaluations/dossier_list.html#results" if request.htmx else "evaluations/dossier_list.html"
    return render(request, template, context)


@login_required
@require_http_methods(["GET", "POST"])
def dossier_create(request: HttpRequest) -> HttpResponse:
    counties = selectors.creatable_counties(request.user)
    if not counties.exists():
        raise PermissionDenied(_("只有县级督导室可以建立申报材料。"))
    form = DossierCreateForm(request.POST or None, counties=counties)
    if request.method == "POST" and form.is_valid():
        try:
            dossier = services.dossier_create(by=request.user, region=form.cleaned_data["region"],
                                              kind=form.cleaned_data["kind"], year=form.cleaned_data["year"],
                                              basic_passed_on=form.cleaned_data["basic_passed_on"],
                                              survey_year=form.cleaned_data["survey_year"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已建立申报材料，可由基础数据计算的指标已自动计算。"))
            return redirect("evaluations:detail", pk=dossier.pk)
    return render(request, "evaluations/dossier_create.html", {"form": form}, status=400 if form.errors else 200)


def _context(request: HttpRequest, dossier) -> dict:
    verdict = dossier_verdict(dossier)
    checklist = build_checklist(verdict, basic_passed_on=dossier.basic_passed_on)
    steps = workflow.steps_for(request.user, dossier)
    step_rows = [(s, workflow.missing_for(dossier, s, verdict)) for s in steps]
    levels = workflow.levels_of(request.user, dossier)
    evidence = {}
    for e in dossier.evidence.select_related("uploaded_by"):
        evidence.setdefault(e.code, []).append(e)
    return {
        "dossier": dossier, "verdict": verdict, "checklist": checklist, "missing": missing_count(checklist),
        "steps": step_rows, "can_edit": workflow.may_edit(request.user, dossier), "levels": levels,
        "holder": workflow.LEVEL_LABELS.get(workflow.HOLDER[dossier.state], ""),
        "history": selectors.dossier_history(dossier), "evidence": evidence, "chain": workflow.CHAIN,
        "chain_labels": dict(DossierState.choices), "step_form": StepForm(),
        "campaign_form": CampaignForm(initial={"campaign": dossier.campaign_id},
                                      campaigns=selectors.campaign_choices(request.user, dossier))
        if workflow.PROVINCE in levels and dossier.state == DossierState.PROVINCE_REVIEW else None,
        "Part": Part,
    }


@login_required
@require_GET
def dossier_detail(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.access_dossier(request.user, pk)
    return render(request, "evaluations/dossier_detail.html", _context(request, dossier))


@login_required
@require_GET
def dossier_checklist(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.access_dossier(request.user, pk)
    verdict = dossier_verdict(dossier)
    checklist = build_checklist(verdict, basic_passed_on=dossier.basic_passed_on)
    return render(request, "evaluations/dossier_checklist.html", {
        "dossier": dossier, "checklist": checklist, "missing": missing_count(checklist),
        "can_edit": workflow.may_edit(request.user, dossier)})


@login_required
@require_GET
def dossier_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The dossier's item table: the same rows as the page and the API (`selectors.item_rows`)."""
    dossier = selectors.access_dossier(request.user, pk)
    verdict = dossier_verdict(dossier)
    rows = [[r["part"], r["code"], r["label"], r["standard"], r["value"], r["value2"], r["result"], r["reason"],
             r["evidence"], r["source"], r["note"]] for r in selectors.item_rows(verdict)]
    overall = {True: "达标", False: "未达标", None: "尚未判定"}[verdict.passes]
    notes = [f"{dossier.region.name} {dossier.year} 年{dossier.get_kind_display()}申报材料 · 状态：{dossier.get_state_display()}",
             f"总体结论：{overall}", *verdict.reasons]
    return xlsx_response(f"县域评估-{dossier.region.name}-{dossier.year}", "指标", selectors.ITEM_HEADERS, rows, notes=notes)


def _editable(request: HttpRequest, pk: int):
    dossier = selectors.access_dossier(request.user, pk)
    if not workflow.may_edit(request.user, dossier):
        raise PermissionDenied(_("只有县级督导室在准备阶段可以修改申报材料。"))
    return dossier


@login_required
@require_POST
def dossier_refresh(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _editable(request, pk)
    count = services.dossier_refresh(by=request.user, dossier=dossier)
    messages.success(request, _("已由基础数据重新计算 %(n)s 项。") % {"n": count})
    return redirect("evaluations:detail", pk=dossier.pk)


@login_required
@require_http_methods(["GET", "POST"])
def item_edit(request: HttpRequest, pk: int, code: str) -> HttpResponse:
    dossier = _editable(request, pk)
    try:
        item = item_def(dossier.kind, code)
    except KeyError:
        raise Http404 from None
    if item.computed == "recognition":
        raise Http404
    entry = dossier.items.filter(code=code).first()
    computed = entry is not None and entry.computed and item.code != "C1"
    initial = {"note": entry.note if entry else "", "basic_passed_on": dossier.basic_passed_on}
    if entry is not None and not entry.computed:
        initial.update(value=entry.value, value2=entry.value2, met={True: "1", False: "0"}.get(entry.met, ""))
    form = ItemForm(request.POST or None, initial=initial, item=item, computed=computed)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.item_save(by=request.user, dossier=dossier, code=code, value=data.get("value"),
                               value2=data.get("value2"), met=data.get("met"), note=data.get("note", ""),
                               basic_passed_on=data.get("basic_passed_on"))
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存 %(code)s。") % {"code": code})
            return redirect(f"{_detail_url(dossier)}#item-{code}")
    return render(request, "evaluations/item_form.html", {
        "dossier": dossier, "item": item, "entry": entry, "form": form, "computed": computed,
        "evidence": list(dossier.evidence.filter(code=code)), "evidence_form": EvidenceForm(),
    }, status=400 if form.errors else 200)


def _detail_url(dossier) -> str:
    from django.urls import reverse

    return reverse("evaluations:detail", kwargs={"pk": dossier.pk})


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = _editable(request, pk)
    code = request.POST.get("code", "")[:8]
    form = EvidenceForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            services.evidence_add(by=request.user, dossier=dossier, code=code, upload=form.cleaned_data["file"])
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("已上传佐证材料。"))
    else:
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
    if code and request.POST.get("back") == "item":
        return redirect("evaluations:item", pk=dossier.pk, code=code)
    return redirect(f"{_detail_url(dossier)}#item-{code}")


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    dossier = _editable(request, pk)
    evidence = dossier.evidence.filter(pk=evidence_pk).first()
    if evidence is None:
        raise Http404
    code = evidence.code
    services.evidence_delete(by=request.user, evidence=evidence)
    messages.success(request, _("已删除佐证材料。"))
    return redirect(f"{_detail_url(dossier)}#item-{code}")


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int) -> FileResponse:
    """A dossier's evidence file, for those who see the dossier; images and PDF open inline."""
    item = selectors.access_evidence(request.user, pk)
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    return stored_file_response(item.file, item.content_type or "application/octet-stream", filename=item.original_name,
                                inline=inline, cache_control="private, no-store", nosniff=True)


@login_required
@require_POST
def dossier_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    dossier = selectors.access_dossier(request.user, pk)
    chosen = workflow.STEPS.get(step)
    if chosen is None:
        raise Http404
    if chosen.level not in workflow.levels_of(request.user, dossier):
        raise PermissionDenied(_("您无权执行此步骤：%(step)s。") % {"step": chosen.label})
    form = StepForm(request.POST)
    note = form.data.get("note", "")[:2000]
    try:
        services.dossier_step(by=request.user, dossier=dossier, name=step, note=note)
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
        context = _context(request, dossier)
        context["open_step"], context["step_note"] = step, note
        return render(request, "evaluations/dossier_detail.html", context, status=400)
    messages.success(request, _("已完成：%(step)s。") % {"step": chosen.label})
    return redirect("evaluations:detail", pk=dossier.pk)


@login_required
@require_POST
def dossier_campaign(request: HttpRequest, pk: int) -> HttpResponse:
    dossier = selectors.access_dossier(request.user, pk)
    if workflow.PROVINCE not in workflow.levels_of(request.user, dossier):
        raise PermissionDenied(_("只有省级督导室可以关联实地核查项目。"))
    form = CampaignForm(request.POST, campaigns=selectors.campaign_choices(request.user, dossier))
    if not form.is_valid():
        messages.error(request, _("请选择一个可见的督政项目。"))
        return redirect("evaluations:detail", pk=dossier.pk)
    try:
        services.dossier_set_campaign(by=request.user, dossier=dossier, campaign=form.cleaned_data["campaign"])
    except ValidationError as exc:
        for message in exc.messages:
            messages.error(request, message)
    else:
        messages.success(request, _("已关联省级实地核查项目。"))
    return redirect("evaluations:detail", pk=dossier.pk)
