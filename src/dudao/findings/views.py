"""The ledger pages (整改台账): one ledger whose rows follow the user's scope, its statistics, a
finding's page with the workflow's buttons, recording a finding by hand, and an office's time
limits and escalation ladder.

Who sees what:
- the ledger, its Excel file and a finding — everyone, through `Finding.objects.visible_to`
  (a school its own findings, a supervisor those of their schools, an office its subtree,
  government units included; schools never see a government unit's findings); outside: 404;
- a step — whoever `workflow.allowed_actions` lets take it (the service checks again: 403);
- evidence files — only through `access_evidence` (the finding must be visible), never a media URL;
- statistics and settings — staff and leaders of an office and admins (403 for the others);
  changing the settings — those who manage the office (`can_manage_office`; leaders read only).
"""

from __future__ import annotations

from datetime import timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao import access
from dudao.core import documents
from dudao.core.charts import pie_chart, stacked_bar_chart
from dudao.core.downloads import download_response, stored_file_response
from dudao.core.errors import add_service_errors
from dudao.core.exports import Workbook, capped_count, export_response
from dudao.findings import selectors, workflow
from dudao.findings.forms import ActionForm, FindingCreateForm, PolicyForm, StepFormSet
from dudao.findings.models import FindingAction, FindingSeverity, FindingSource, FindingState
from dudao.findings.selectors import UNFINISHED, FindingFilters
from dudao.regions.models import Region

PAGE_SIZE = 30
LEDGER_TITLE = "整改台账"
# The kinds of reminder (an event's data["kind"]); every action's label is FindingAction's.
# gettext_lazy by its own name: makemessages does not know an alias such as _lazy.
REMIND_LABELS = {"before": gettext_lazy("到期提醒"), "overdue": gettext_lazy("逾期提醒"),
                 "dispute": gettext_lazy("申辩答复逾期提醒")}


def _regions(user) -> list[Region]:
    return list(Region.objects.visible_to(user).filter(level__in=["city", "county"]).order_by("code")[:200])


def _query_string(query: dict) -> str:
    return urlencode(query)


def _state_chart(counts: selectors.LedgerCounts) -> dict:
    chart = pie_chart(_("整改进度"), [
        (_("逾期未整改"), counts.overdue), (_("整改中（未逾期）"), counts.unfinished - counts.overdue),
        (_("已销号"), counts.closed), (_("已撤销"), counts.cancelled),
    ])
    chart["color"] = ["#d63939", "#f59f00", "#2fb344", "#9ba9be"]  # red, amber, green, grey: as in the table
    return chart


# --- the ledger --------------------------------------------------------------------------------------


@login_required
@require_GET
def ledger(request: HttpRequest) -> HttpResponse:
    """整改台账: the findings in the user's scope, filtered, the most urgent first, 30 a page, with
    the counts of exactly these rows (open, overdue, due soon, closed, overdue rate, days to close)."""
    today = timezone.localdate()
    filters = FindingFilters.from_params(request.GET)
    qs = selectors.finding_list(user=request.user, filters=filters, today=today)
    counts, counted_at = selectors.kept_figures(user=request.user, filters=filters, today=today, what="counts",
                                                compute=lambda: selectors.ledger_counts(qs, today=today))
    paginator = Paginator(qs, PAGE_SIZE)
    paginator.count = counts.total  # the cards' aggregate already counted these rows: no second COUNT(*)
    page = paginator.get_page(request.GET.get("page"))
    categories = selectors.category_labels()
    query = filters.as_query()
    context = {
        "page": page, "filters": filters, "query": query, "qs": _query_string(query), "counts": counts, "today": today,
        "counted_at": counted_at, "kept_minutes": selectors.figures_cache_seconds() // 60,
        "rows": [(f, categories.get(f.category, f.category), (f.deadline - today).days, (today - f.deadline).days)
                 for f in page.object_list],
        "states": FindingState.choices, "sources": FindingSource.choices, "severities": FindingSeverity.choices,
        "categories": selectors.category_choices(), "regions": _regions(request.user),
        "due_soon_days": selectors.DUE_SOON_DAYS, "is_office": access.is_office_user(request.user),
        "is_supervisor": access.has_supervisor_record(request.user),
        "can_create": access.may_create_findings(request.user),
        "state_chart": _state_chart(counts) if counts.total else None,
        # each card's link opens exactly the filtered rows it counts (None: nothing to open)
        "cards": {name: selectors.card_query(filters, key, value) for name, key, value in (
            ("unfinished", "state", UNFINISHED), ("overdue", "due", "overdue"), ("soon", "due", "soon"),
            ("closed", "state", FindingState.CLOSED))},
    }
    template = "findings/ledger.html#results" if request.htmx else "findings/ledger.html"
    return render(request, template, context)


def ledger_workbook(user, params) -> Workbook:
    """The filtered ledger, exactly as listed, in the usual 台账 columns (core/exports.py builder)."""
    today = timezone.localdate()
    filters = FindingFilters.from_params(params)
    qs = selectors.finding_list(user=user, filters=filters, today=today)
    notes = [f"整改台账（导出人：{user.display_name}）", f"导出日期：{today.isoformat()}",
             "是否逾期：未销号且已过整改期限，或在整改期限之后才销号。",
             "整改情况：被督导单位最近一次报送的整改情况；核查人：核查销号的责任督学或督导室工作人员。"]
    return Workbook(LEDGER_TITLE, [(LEDGER_TITLE, selectors.LEDGER_HEADERS, selectors.ledger_rows(qs, today=today))], notes,
                    total=qs.count)


@login_required
@require_GET
def ledger_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger as Excel: at once when small, else written in the background (core/exports.py)."""
    rows = capped_count(selectors.finding_list(user=request.user, filters=FindingFilters.from_params(request.GET)))
    return export_response(request, "dudao.findings.views.ledger_workbook", rows=rows, title=_("整改台账"))


# --- statistics --------------------------------------------------------------------------------------


@login_required
@require_GET
def stats(request: HttpRequest) -> HttpResponse:
    """For offices: open vs closed, overdue rate and average days to close by county, by school and
    by category, over the same filters as the ledger."""
    if not access.is_office_user(request.user):
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看整改统计。"))
    today = timezone.localdate()
    filters = FindingFilters.from_params(request.GET)
    qs = selectors.finding_list(user=request.user, filters=filters, today=today)
    query = filters.as_query()
    # By county; a county office (one county) reads its townships instead.
    found, counted_at = selectors.kept_figures(user=request.user, filters=filters, today=today, what="stats",
                                               compute=lambda: selectors.ledger_stats(qs, today=today, schools=30))
    counts, area_by = found.counts, found.area_by
    groups = {area_by: found.areas, "school": found.schools, "category": found.categories}
    link_param = {"county": "region", "township": "region", "school": "school", "category": "category"}
    for by, rows in groups.items():
        for row in rows:
            row.link = reverse("findings:ledger") + "?" + urlencode({**query, link_param[by]: row.key})

    def progress(title, rows):
        return stacked_bar_chart(title, [r.label for r in rows], [
            (_("逾期未整改"), [r.overdue for r in rows]), (_("整改中"), [r.unfinished - r.overdue for r in rows]),
            (_("已销号"), [r.closed for r in rows])], colors=["#d63939", "#f59f00", "#2fb344"])

    def figure(title, rows, attr, name):
        """One value per group (missing as 0); bars with a slider when there are many groups."""
        if not rows:
            return None
        return stacked_bar_chart(title, [r.label for r in rows], [(name, [getattr(r, attr) or 0 for r in rows])],
                                 stacked=False)

    area, category, school = groups[area_by], groups["category"], groups["school"]
    area_label = _("各乡镇（街道）") if area_by == "township" else _("各区县")
    context = {
        "filters": filters, "query": query, "qs": _query_string(query), "counts": counts, "today": today,
        "counted_at": counted_at, "kept_minutes": selectors.figures_cache_seconds() // 60, "groups": groups, "area_by": area_by, "is_office": True, "states": FindingState.choices, "sources": FindingSource.choices,
        "severities": FindingSeverity.choices, "categories": selectors.category_choices(), "regions": _regions(request.user),
        "charts": {
            "state": _state_chart(counts) if counts.total else None,
            "area": progress(_("%(area)s整改进度") % {"area": area_label}, area) if area else None,
            "area_rate": figure(_("%(area)s逾期率（%%）") % {"area": area_label}, area, "overdue_rate", _("逾期率")),
            "area_days": figure(_("%(area)s平均整改天数") % {"area": area_label}, area, "avg_days_to_close", _("天")),
            "category": progress(_("各类问题整改进度"), category) if category else None,
            "category_rate": figure(_("各类问题逾期率（%）"), category, "overdue_rate", _("逾期率")),
            "school": progress(_("问题较多的学校（单位）"), school[:15]) if school else None,
        },
    }
    return render(request, "findings/stats.html", context)


# --- a finding ---------------------------------------------------------------------------------------


def _detail_context(request: HttpRequest, finding, *, open_action: str = "", form: ActionForm | None = None) -> dict:
    today = timezone.localdate()
    actions = workflow.allowed_actions(request.user, finding)
    forms = []
    for t in actions:
        bound = form if (form is not None and t.name == open_action) else None
        forms.append((t, bound or ActionForm(transition=t, current_deadline=finding.deadline, auto_id=f"id_{t.name}_%s")))
    roles = access.finding_roles(request.user, finding)
    timeline = selectors.finding_timeline(finding)
    states = dict(FindingState.choices)
    for ev in timeline:
        if ev.action == FindingAction.REMIND:
            ev.label = REMIND_LABELS.get((ev.data or {}).get("kind"), FindingAction.REMIND.label)
        else:
            ev.label = ev.get_action_display()  # an unknown action shows as itself
        ev.state_label = states.get(ev.to_state, "") if ev.to_state and ev.to_state != ev.from_state else ""
    evidence = list(finding.evidence.select_related("uploaded_by", "event").order_by("created_at", "id"))
    # the photos the supervisor took of the problem on the visit (filed with the "created" step)
    site_photos = [e for e in evidence if e.event is not None and e.event.action == "created" and e.content_type.startswith("image/")]
    sees_escalation = bool(roles & {workflow.OFFICE, workflow.LEADER, workflow.SUPERVISOR}) or access.is_system_admin(request.user)
    return {
        "finding": finding, "today": today, "days_left": (finding.deadline - today).days,
        "is_overdue": finding.is_overdue(today), "is_late": selectors.is_late(finding, today),
        "category": selectors.category_labels().get(finding.category, finding.category),
        "actions": forms, "open_action": open_action, "roles": [workflow.ROLE_LABELS[r] for r in sorted(roles)],
        "timeline": timeline, "evidence": evidence, "site_photos": site_photos,
        "escalations": list(finding.escalations.select_related("step").order_by("created_at")) if sees_escalation else [],
        "source_url": _safe_source_url(finding.source_url),
        "due_soon_days": selectors.DUE_SOON_DAYS,
    }


def _safe_source_url(url: str) -> str:
    """Only links inside the platform (a visit, a complaint, a warning) are shown as links."""
    return url if url.startswith("/") and not url.startswith("//") else ""


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    finding = selectors.access_finding(request.user, pk)
    return render(request, "findings/detail.html", _detail_context(request, finding))


@login_required
@require_POST
def act(request: HttpRequest, pk: int, action: str) -> HttpResponse:
    """One workflow step (services.finding_transition); errors come back on the form, input kept."""
    from dudao.findings.services import finding_transition

    finding = selectors.access_finding(request.user, pk)
    transition = workflow.ACTIONS.get(action)
    if transition is None:
        raise Http404
    if transition not in workflow.allowed_actions(request.user, finding):
        if not access.may_take_finding_step(request.user, finding, transition.roles):
            raise PermissionDenied(_("您无权对该问题执行“%(action)s”。") % {"action": transition.label})
        messages.error(request, _("该问题当前状态为“%(state)s”，不能%(action)s。") % {
            "state": finding.get_state_display(), "action": transition.label})
        return redirect("findings:detail", pk=finding.pk)
    form = ActionForm(request.POST, request.FILES, transition=transition, current_deadline=finding.deadline,
                      auto_id=f"id_{transition.name}_%s")
    if form.is_valid():
        data = form.cleaned_data
        extra = {"deadline": data["deadline"].isoformat()} if data.get("deadline") else {}
        try:
            finding_transition(by=request.user, finding=finding, action=action, note=data.get("note", ""),
                               files=data.get("files") or (), data=extra)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已完成：%(action)s。") % {"action": transition.label})
            return redirect("findings:detail", pk=finding.pk)
    context = _detail_context(request, finding, open_action=action, form=form)
    return render(request, "findings/detail.html", context, status=400)


@login_required
@require_GET
def evidence(request: HttpRequest, pk: int) -> FileResponse:
    """An evidence file, for those who see its finding; images open inline, documents download."""
    item = selectors.access_evidence(request.user, pk)
    inline = item.content_type.startswith("image/") or item.content_type == "application/pdf"
    name = item.original_name or item.file.name.rsplit("/", 1)[-1]
    return stored_file_response(item.file, item.content_type or "application/octet-stream", filename=name, inline=inline,
                                cache_control="private, no-store", nosniff=True)


def _notice_response(request: HttpRequest, pk: int, fmt: str) -> HttpResponse:
    from dudao.findings import notices

    finding = selectors.access_finding(request.user, pk)
    name = notices.notice_filename(finding, fmt)
    if fmt == "pdf":
        return download_response(notices.notice_pdf(finding), name, documents.PDF, inline=True)
    return download_response(notices.notice_docx(finding), name, documents.DOCX)


@login_required
@require_GET
def notice_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """整改通知书 (PDF) of a finding the user sees."""
    return _notice_response(request, pk, "pdf")


@login_required
@require_GET
def notice_docx(request: HttpRequest, pk: int) -> HttpResponse:
    """整改通知书 (Word) of a finding the user sees."""
    return _notice_response(request, pk, "docx")


# --- recording a finding by hand ----------------------------------------------------------------------


@login_required
@require_http_methods(["GET", "POST"])
def create(request: HttpRequest) -> HttpResponse:
    """Office staff and supervisors record a problem found outside a visit (a campaign, an
    evaluation, a report): at a school, or at a government unit (offices only)."""
    from dudao.findings.services import finding_create, policy_for
    from dudao.schools.models import School

    offices = access.finding_offices(request.user)
    if not offices:
        raise PermissionDenied(_("只有督导室工作人员和责任督学可以登记整改问题。"))
    regions = [(r.code, r.name) for r in _regions(request.user)]
    kwargs = {"user": request.user, "offices": offices, "categories": selectors.category_choices(), "regions": regions}
    if request.method == "POST":
        form = FindingCreateForm(request.POST, **kwargs)
        if form.is_valid():
            data = form.cleaned_data
            region = Region.objects.filter(code=data["region"]).first() if data["school"] is None else None
            try:
                finding = finding_create(
                    by=request.user, office=data["office"], source=data["source"], category=data["category"],
                    description=data["description"], requirement=data["requirement"], deadline=data["deadline"],
                    school=data["school"], region=region, unit_name=data["unit_name"], severity=data["severity"],
                    source_label=data["source_label"], responsible_unit=data["responsible_unit"],
                    responsible_person=data["responsible_person"], responsible_phone=data["responsible_phone"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            except PermissionDenied as exc:
                form.add_error(None, str(exc) or _("您无权为该单位登记整改问题。"))
            else:
                messages.success(request, _("已登记整改问题：%(unit)s。") % {"unit": finding.unit_name})
                return redirect("findings:detail", pk=finding.pk)
        return render(request, "findings/create.html", {"form": form}, status=400)
    school = None
    raw = (request.GET.get("school") or "").strip()
    if raw.isdigit() and len(raw) < 12:
        school = School.objects.visible_to(request.user).filter(pk=int(raw)).first()
    office = selectors.default_office_for(offices, school)
    days = policy_for(office).default_deadline_days if office else 30
    initial = {"office": str(office.pk) if office else "", "deadline": timezone.localdate() + timedelta(days=days),
               "school": school.code if school else ""}
    return render(request, "findings/create.html", {"form": FindingCreateForm(initial=initial, **kwargs)})


# --- an office's time limits and escalation ladder ---------------------------------------------------


def _settings_context(request: HttpRequest, office, offices, *, policy_form=None, step_formset=None) -> dict:
    policy, policy_owner = selectors.office_policy(office)
    steps, steps_owner = selectors.office_ladder(office)
    manage = access.can_manage_office(request.user, office)
    if manage and policy_form is None:
        policy_form = PolicyForm(initial={"remind_days_before": policy.remind_days_before,
                                          "dispute_answer_days": policy.dispute_answer_days,
                                          "default_deadline_days": policy.default_deadline_days,
                                          "source": policy.source if policy_owner == office else ""})
    if manage and step_formset is None:
        step_formset = StepFormSet(prefix="steps", initial=[
            {"days_overdue": s.days_overdue, "action": s.action, "source": s.source, "disabled": not s.is_active}
            for s in steps])
    return {
        "offices": offices, "office": office, "can_manage": manage, "policy": policy, "policy_owner": policy_owner,
        "steps": steps, "steps_owner": steps_owner, "policy_form": policy_form if manage else None,
        "step_formset": step_formset if manage else None,
    }


@login_required
@require_GET
def office_settings(request: HttpRequest) -> HttpResponse:
    """An office's time limits (提醒、申辩答复、默认整改期限) and escalation ladder, with where each
    comes from (its own, an office above, or the shipped default)."""
    offices = selectors.settings_offices(request.user)
    wanted = (request.GET.get("office") or "").strip()
    if wanted:
        office = selectors.access_settings_office(request.user, wanted)
    elif offices:
        office = offices[-1] if len(offices) == 1 else offices[0]
    else:
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看整改时限与升级设置。"))
    return render(request, "findings/settings.html", _settings_context(request, office, offices))


@login_required
@require_POST
def settings_save(request: HttpRequest, pk: int) -> HttpResponse:
    """Save the office's own time limits or ladder (those who manage the office; leaders 403)."""
    from dudao.findings.office_settings import escalation_ladder_save, finding_policy_save

    office = selectors.access_settings_office(request.user, pk)
    if not access.can_manage_office(request.user, office):
        raise PermissionDenied(_("只有督导室工作人员和管理员可以修改整改时限与升级设置。"))
    offices = selectors.settings_offices(request.user)
    part = request.POST.get("part")
    if part == "policy":
        form = PolicyForm(request.POST)
        if form.is_valid():
            finding_policy_save(by=request.user, office=office, **form.cleaned_data)
            messages.success(request, _("已保存%(office)s的整改时限。") % {"office": office.name})
            return redirect(reverse("findings:settings") + f"?office={office.pk}")
        return render(request, "findings/settings.html", _settings_context(request, office, offices, policy_form=form), status=400)
    if part == "ladder":
        formset = StepFormSet(request.POST, prefix="steps")
        if formset.is_valid():
            steps = [{**f.cleaned_data, "is_active": not f.cleaned_data.get("disabled")} for f in formset.forms
                     if f.cleaned_data and not f.cleaned_data.get("DELETE")]
            try:
                escalation_ladder_save(by=request.user, office=office, steps=steps)
            except ValidationError as exc:
                formset._non_form_errors = formset.error_class(exc.messages)
            else:
                messages.success(request, _("已保存%(office)s的升级步骤。") % {"office": office.name})
                return redirect(reverse("findings:settings") + f"?office={office.pk}")
        return render(request, "findings/settings.html", _settings_context(request, office, offices, step_formset=formset),
                      status=400)
    raise Http404
