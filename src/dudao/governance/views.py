"""督政 pages (docs/governance.md). Thin: reads through `selectors` (404 outside what the person
reads), writes through `services`, which ask the rules of `governance/access.py` (403 when the
person reads the page but may not act)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao.access import can_write_anything, get_scope, may_act_on_area, write_region_q
from dudao.campaigns.access import may_manage_campaign, sees_whole_campaign
from dudao.campaigns.models import ScoreKind
from dudao.campaigns.results import load_tree
from dudao.core import documents
from dudao.core.downloads import download_response, stored_file_response
from dudao.core.errors import add_service_errors, error_dict
from dudao.documents.links import document_url
from dudao.governance import access, selectors, services
from dudao.governance import documents as opinion_documents
from dudao.governance.forms import OpinionForm, RecheckForm, UnitForm
from dudao.governance.models import REPORT_SECTIONS, GovernmentUnit, Opinion, UnitEvidence, UnitScore

PAGE_SIZE = 30


def _managed_offices(user):
    from dudao.regions.selectors import managed_offices

    return list(managed_offices(user))


# --- the index and the units ------------------------------------------------------------------------------
@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """督政: the campaigns the user reads; a 政府单位用户 also its own entries (`?todo=self`: the
    self-assessments to submit now, exactly the workbench's count)."""
    todo = request.GET.get("todo") == "self"
    mine = selectors.self_due(request.user) if todo else selectors.my_entries(request.user)
    page = Paginator(selectors.government_campaigns(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/index.html", {
        "page": page, "rows": list(page.object_list), "mine": list(mine[:100]), "todo": todo,
        "is_unit_user": bool(get_scope(request.user).government_unit_ids),
        "can_manage_units": can_write_anything(request.user)})


@login_required
@require_GET
def unit_list(request: HttpRequest) -> HttpResponse:
    q = (request.GET.get("q") or "").strip()[:50]
    units = selectors.visible_units(request.user)
    if q:
        units = units.filter(name__contains=q)
    page = Paginator(units, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "governance/unit_list.html", {
        "page": page, "rows": list(page.object_list), "q": q, "offices": _managed_offices(request.user)})


@login_required
@require_POST
def units_generate(request: HttpRequest) -> HttpResponse:
    offices = _managed_offices(request.user)
    office = next((o for o in offices if str(o.pk) == request.POST.get("office")), offices[0] if offices else None)
    if office is None:
        raise PermissionDenied(_("只有督导室工作人员可以生成政府单位。"))
    n = services.units_from_regions(by=request.user, office=office)
    messages.success(request, _("已按区划生成 %(n)s 个政府单位（已有的不重复生成）。") % {"n": n})
    return redirect("governance:units")


def _unit_form_page(request: HttpRequest, unit: GovernmentUnit | None) -> HttpResponse:
    from dudao.regions.models import Region

    regions = list(Region.objects.filter(write_region_q(request.user)).order_by("code")[:3000])
    if unit is not None and unit.region not in regions:  # an admin's list is cut: keep the unit's own region
        regions.append(unit.region)
    units = GovernmentUnit.objects.visible_to(request.user, write=True)
    initial = {}
    if unit is not None:
        initial = {"region": unit.region.code, "name": unit.name, "kind": unit.kind, "parent": unit.parent,
                   "contact": unit.contact, "phone": unit.phone, "active": unit.active}
    form = UnitForm(request.POST or None, initial=initial, regions=regions, units=units)
    if request.method == "POST" and form.is_valid():
        region = Region.objects.get(code=form.cleaned_data["region"])
        try:
            services.unit_save(by=request.user, unit=unit, region=region, name=form.cleaned_data["name"],
                               kind=form.cleaned_data["kind"], parent=form.cleaned_data["parent"],
                               contact=form.cleaned_data["contact"], phone=form.cleaned_data["phone"],
                               active=form.cleaned_data["active"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("governance:units")
    return render(request, "governance/unit_form.html", {"form": form, "unit": unit},
                  status=400 if form.errors else 200)


@login_required
@require_http_methods(["GET", "POST"])
def unit_create(request: HttpRequest) -> HttpResponse:
    if not can_write_anything(request.user):
        raise PermissionDenied(_("只有督导室工作人员可以添加政府单位。"))
    return _unit_form_page(request, None)


@login_required
@require_http_methods(["GET", "POST"])
def unit_edit(request: HttpRequest, pk: int) -> HttpResponse:
    unit = selectors.access_unit(request.user, pk)
    if not may_act_on_area(request.user, unit.region.code):
        raise PermissionDenied(_("只有本督导室工作人员可以修改政府单位。"))
    return _unit_form_page(request, unit)


# --- a 督政 campaign ----------------------------------------------------------------------------------------
@login_required
@require_GET
def campaign(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.access_gov_campaign(request.user, pk)
    entries = list(selectors.entries_for(request.user, c))
    manage = may_manage_campaign(request.user, c)
    candidates = []
    if manage and c.state == "draft":
        chosen = {e.unit_id for e in entries}
        candidates = [(u, u.pk in chosen) for u in GovernmentUnit.objects.filter(
            region__code__startswith=c.office.region.code, active=True).select_related("region")[:500]]
    return render(request, "governance/campaign.html", {
        "campaign": c, "entries": entries, "manage": manage, "whole": sees_whole_campaign(request.user, c),
        "candidates": candidates, "teams": list(c.teams.all()), "late": services.late_list(c) if manage or sees_whole_campaign(request.user, c) else []})


@login_required
@require_POST
def campaign_units(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.access_gov_campaign(request.user, pk)
    if not may_manage_campaign(request.user, c):
        raise PermissionDenied(_("只有组织督导室（或上级督导室）的工作人员可以确定督政对象。"))
    ids = [int(v) for v in request.POST.getlist("unit") if v.isdigit()]
    units = list(GovernmentUnit.objects.filter(pk__in=ids).select_related("region"))
    try:
        n = services.campaign_units_set(by=request.user, campaign=c, units=units)
        messages.success(request, _("督政对象已保存：共 %(n)s 个单位。") % {"n": n})
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("governance:campaign", pk=c.pk)


@login_required
@require_POST
def unit_team(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    c = selectors.access_gov_campaign(request.user, pk)
    e = selectors.access_entry(request.user, c, entry)
    wanted = request.POST.get("team") or ""
    team = c.teams.filter(pk=int(wanted)).first() if wanted.isdigit() else None
    try:
        services.unit_team_set(by=request.user, entry=e, team=team)
        messages.success(request, _("已分配督查组。"))
    except ValidationError as exc:
        messages.error(request, "；".join(exc.messages))
    return redirect("governance:campaign", pk=c.pk)


@login_required
@require_GET
def late(request: HttpRequest, pk: int) -> HttpResponse:
    c = selectors.access_gov_campaign(request.user, pk)
    if not sees_whole_campaign(request.user, c):
        raise PermissionDenied
    from django.utils import timezone

    return render(request, "governance/late.html", {
        "campaign": c, "rows": services.late_list(c),
        "passed": c.self_deadline is not None and timezone.localdate() > c.self_deadline})


@login_required
@require_GET
def results(request: HttpRequest, pk: int) -> HttpResponse:
    """The results table of the campaign: self and verified totals, grade, veto per unit (the office)."""
    c = selectors.access_gov_campaign(request.user, pk)
    if not sees_whole_campaign(request.user, c):
        raise PermissionDenied
    entries = list(selectors.entries_for(request.user, c).order_by(*selectors.RESULTS_ORDER))
    return render(request, "governance/results.html", {"campaign": c, "entries": entries})


@login_required
@require_GET
def results_export(request: HttpRequest, pk: int) -> HttpResponse:
    """The results table as Excel: the same rows and figures as the page (the stored results)."""
    from dudao.core.excel import xlsx_response

    c = selectors.access_gov_campaign(request.user, pk)
    if not sees_whole_campaign(request.user, c):
        raise PermissionDenied
    entries = selectors.entries_for(request.user, c).order_by(*selectors.RESULTS_ORDER)
    headers = [_("单位"), _("所在区划"), _("督查组"), _("自评状态"), _("自评总分"), _("核查总分"), _("等级"), _("一票否决")]
    rows = ([e.unit.name, e.unit.region.name, e.team.name if e.team else "", e.get_self_state_display(),
             e.self_total, e.verified_total, e.grade, _("是") if e.vetoed else ""] for e in entries)
    return xlsx_response(f"{c.name}-督政结果", _("督政结果"), headers, rows)


# --- one unit of the campaign ------------------------------------------------------------------------------
def _entry(request: HttpRequest, pk: int, entry: int):
    c = selectors.access_gov_campaign(request.user, pk)
    return c, selectors.access_entry(request.user, c, entry)


@login_required
@require_GET
def entry(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    c, e = _entry(request, pk, entry)
    user = request.user
    show = access.sees_result(user, e)
    result, _notes = services.outcome(e) if show else (None, {})
    problems = list(e.findings.select_related("finding").prefetch_related("rechecks")) if show else []
    return render(request, "governance/entry.html", {
        "campaign": c, "entry": e, "result": result, "show_result": show, "problems": problems,
        "sections": [(heading, getattr(e, name)) for name, heading in REPORT_SECTIONS],
        "evidence": list(e.evidence.order_by("id")), "manage": may_manage_campaign(user, c),
        "may_fill": access.may_fill_self(user, e), "may_score": access.may_score(user, e),
        "may_reconcile": access.may_reconcile(user, e), "opinion": Opinion.objects.filter(entry=e).first(),
        "recheck_form": RecheckForm(), "pending_count": _unregistered(e) if show else 0})


def _unregistered(e) -> int:
    """Problems of the unit not yet in the ledger (the button's count)."""
    done = set(e.findings.values_list("indicator_id", flat=True))
    return sum(1 for p in services.problems(e) if p.item.id not in done)


def _posted(request: HttpRequest, tree) -> dict[int, services.AnswerIn]:
    answers = {}
    for item in tree.items.values():
        keys = (f"value_{item.id}", f"choice_{item.id}", f"note_{item.id}")
        if any(k in request.POST for k in keys):
            answers[item.id] = services.AnswerIn(value=request.POST.get(keys[0]), choice=request.POST.get(keys[1], ""),
                                                 note=request.POST.get(keys[2], ""))
    return answers


def _rows(tree, stored: dict[int, UnitScore], posted: dict[int, services.AnswerIn], errors: dict) -> list[dict]:
    rows = []
    for item in tree.items.values():
        s, given = stored.get(item.id), posted.get(item.id)
        rows.append({"item": item,
                     "value": given.value if given else (s.value if s and not s.choice else ""),
                     "choice": given.choice if given else (s.choice if s else ""),
                     "note": given.note if given else (s.note if s else ""),
                     "errors": errors.get(f"value_{item.id}", [])})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def self_form(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """The unit's self-assessment report: sections, a self-score per indicator, evidence."""
    c, e = _entry(request, pk, entry)
    if not access.is_unit_user(request.user, e):
        raise PermissionDenied(_("只有本单位的政府单位用户可以填报自评报告。"))
    tree = load_tree(c.framework_version)
    posted: dict[int, services.AnswerIn] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        posted = _posted(request, tree)
        sections = {name: request.POST.get(name, "") for name, _h in REPORT_SECTIONS}
        try:
            errors = services.self_save(by=request.user, entry=e, answers=posted, sections=sections)
            if not errors and request.POST.get("action") == "submit":
                services.self_submit(by=request.user, entry=e)
                messages.success(request, _("自评报告已提交。"))
                return redirect("governance:entry", pk=c.pk, entry=e.pk)
            if not errors:
                messages.success(request, _("已保存草稿。"))
                return redirect("governance:self_form", pk=c.pk, entry=e.pk)
        except ValidationError as exc:
            errors = error_dict(exc)
        e.refresh_from_db()
    stored = {s.indicator_id: s for s in UnitScore.objects.filter(entry=e, kind=ScoreKind.SELF)}
    sections = [(name, heading, request.POST.get(name, getattr(e, name)) if errors else getattr(e, name))
                for name, heading in REPORT_SECTIONS]
    return render(request, "governance/self_form.html", {
        "campaign": c, "entry": e, "rows": _rows(tree, stored, posted, errors), "sections": sections,
        "errors": errors.get("__all__", []), "open": access.may_fill_self(request.user, e),
        "evidence": list(e.evidence.order_by("id")), "days_left": selectors.days_left(c)},
        status=400 if errors else 200)


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    c, e = _entry(request, pk, entry)
    if not access.is_unit_user(request.user, e):
        raise PermissionDenied(_("只有本单位的政府单位用户可以上传自评佐证材料。"))
    upload = request.FILES.get("file")
    indicator = request.POST.get("indicator") or ""
    if upload is None:
        messages.error(request, _("请选择要上传的文件。"))
    else:
        try:
            services.evidence_add(by=request.user, entry=e, upload=upload,
                                  indicator_id=int(indicator) if indicator.isdigit() else None)
            messages.success(request, _("已上传：%(name)s") % {"name": upload.name})
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    return redirect("governance:self_form", pk=c.pk, entry=e.pk)


@login_required
@require_GET
def evidence_file(request: HttpRequest, pk: int, entry: int, evidence: int) -> HttpResponse:
    c = selectors.access_gov_campaign(request.user, pk)
    item: UnitEvidence = selectors.access_evidence(request.user, c, entry, evidence)
    return stored_file_response(item.file, item.content_type, filename=item.original_name)


@login_required
@require_http_methods(["GET", "POST"])
def score(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """On-site scores of a team member (or, `reconcile`, the leader's reconciled scores); works on a phone."""
    c, e = _entry(request, pk, entry)
    reconcile = request.resolver_match.url_name == "reconcile"
    allowed = access.may_reconcile(request.user, e) if reconcile else access.may_score(request.user, e)
    if not allowed:
        raise PermissionDenied(_("只有该单位所在督查组的成员在实地督导阶段可以评分（核定由组长进行）。"))
    tree = load_tree(c.framework_version)
    posted: dict[int, services.AnswerIn] = {}
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        posted = _posted(request, tree)
        try:
            errors = services.onsite_save(by=request.user, entry=e, answers=posted, reconcile=reconcile)
        except ValidationError as exc:
            errors = error_dict(exc)
        if not errors:
            messages.success(request, _("评分已保存。"))
            return redirect("governance:entry", pk=c.pk, entry=e.pk)
    kind = ScoreKind.RECONCILED if reconcile else ScoreKind.ONSITE
    mine = UnitScore.objects.filter(entry=e, kind=kind)
    mine = mine.filter(rater__isnull=True) if reconcile else mine.filter(rater=request.user)
    stored = {s.indicator_id: s for s in mine}
    spread = {}
    if reconcile:
        result, _notes = services.outcome(e, tree)
        spread = {row.item.id: row for row in result.items}
    self_scores = {s.indicator_id: s for s in UnitScore.objects.filter(entry=e, kind=ScoreKind.SELF)}
    rows = _rows(tree, stored, posted, errors)
    for row in rows:
        row["self"] = self_scores.get(row["item"].id)
        row["agg"] = spread.get(row["item"].id)
    return render(request, "governance/score.html", {
        "campaign": c, "entry": e, "rows": rows, "reconcile": reconcile, "errors": errors.get("__all__", [])},
        status=400 if errors else 200)


# --- the 督导意见书 -------------------------------------------------------------------------------------------
@login_required
@require_http_methods(["GET", "POST"])
def opinion(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """Edit the opinion (drafted from the results the first time): the office's staff."""
    c, e = _entry(request, pk, entry)
    if not may_manage_campaign(request.user, c):
        raise PermissionDenied(_("只有组织督导室（或上级督导室）的工作人员可以编辑督导意见书。"))
    stored = Opinion.objects.filter(entry=e).first()
    instance = stored or services.opinion_draft(e)
    form = OpinionForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.opinion_save(by=request.user, entry=e, data=form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("督导意见书已保存。"))
            return redirect("governance:entry", pk=c.pk, entry=e.pk)
    document = opinion_documents.opinion_document(e)
    return render(request, "governance/opinion_form.html", {
        "campaign": c, "entry": e, "form": form, "stored": stored, "document": document,
        "document_url": document_url(document.pk) if document else ""}, status=400 if form.errors else 200)


def _opinion_for_print(request: HttpRequest, pk: int, entry: int):
    c, e = _entry(request, pk, entry)
    if not access.sees_result(request.user, e):
        raise PermissionDenied(_("督导意见书在反馈初步意见后向被督导单位公开。"))
    op = Opinion.objects.filter(entry=e).first() or services.opinion_draft(e)
    return c, e, op


@login_required
@require_GET
def opinion_print(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """The opinion on the document engine's page (governance/documents.py)."""
    _c, e, op = _opinion_for_print(request, pk, entry)
    return HttpResponse(opinion_documents.opinion_html(e, op))


@login_required
@require_GET
def opinion_pdf(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    """The engine's PDF: the frozen version once issued, the draft's preview until then."""
    _c, e, op = _opinion_for_print(request, pk, entry)
    pdf = opinion_documents.opinion_pdf(e, op)
    return download_response(pdf, f"督导意见书-{e.unit.name}-{e.pk}.pdf", documents.PDF, inline=True)


# --- findings and re-inspection ----------------------------------------------------------------------------
@login_required
@require_POST
def findings_register(request: HttpRequest, pk: int, entry: int) -> HttpResponse:
    c, e = _entry(request, pk, entry)
    created, skipped = services.findings_register(by=request.user, entry=e)
    messages.success(request, _("已登记整改问题 %(n)s 条（已登记过的 %(m)s 条未重复登记）。") % {"n": len(created), "m": skipped})
    return redirect("governance:entry", pk=c.pk, entry=e.pk)


@login_required
@require_POST
def recheck(request: HttpRequest, pk: int, entry: int, problem: int) -> HttpResponse:
    c = selectors.access_gov_campaign(request.user, pk)
    p = selectors.access_problem(request.user, c, entry, problem)
    if not may_manage_campaign(request.user, c):
        raise PermissionDenied(_("只有组织督导室（或上级督导室）的工作人员可以复查。"))
    form = RecheckForm(request.POST)
    if form.is_valid():
        try:
            services.recheck_record(by=request.user, problem=p, result=form.cleaned_data["result"],
                                    note=form.cleaned_data["note"], checked_on=form.cleaned_data["checked_on"])
            messages.success(request, _("复查已记录。"))
        except ValidationError as exc:
            messages.error(request, "；".join(exc.messages))
    else:
        messages.error(request, "；".join(m for msgs in form.errors.values() for m in msgs))
    return redirect("governance:entry", pk=c.pk, entry=p.entry_id)
