"""Staff pages for complaints: the list in scope, a complaint with its triage actions, the
受理、核实投诉记录表 (PDF), statistics with Excel, recording a call or a letter, and the office's
response deadline.

Who: everyone sees complaints through `Complaint.objects.visible_to` (404 outside); the phone, the
name and the internal record only the office and the assigned supervisor (`access.sees_complaint_contact`);
triage, close and notes the assigned supervisor, the office's staff and admins (`access.may_handle_complaint`,
403 for leaders, schools and zone colleagues).
"""

from __future__ import annotations

from datetime import date
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from dudao import access
from dudao.complaints import services
from dudao.complaints.forms import (
    AssignForm,
    CloseForm,
    ComplaintRegisterForm,
    NoteForm,
    PolicyForm,
    TriageForm,
)
from dudao.complaints.models import (
    CLOSE_FROM,
    TRIAGE_FROM,
    Complaint,
    ComplaintOutcome,
    ComplaintState,
)
from dudao.complaints.selectors import (
    EXPORT_HEADERS,
    STATS_HEADERS,
    ComplaintFilters,
    access_complaint,
    category_labels,
    complaint_export_rows,
    complaint_list,
    complaint_stats,
    handler_view,
    phone_for,
    public_timeline,
    stats_export_rows,
)
from dudao.core.charts import bar_chart, pie_chart, stacked_bar_chart
from dudao.core.documents import PDF, render_pdf
from dudao.core.downloads import download_response, stored_file_response
from dudao.core.errors import add_service_errors
from dudao.core.excel import xlsx_response
from dudao.core.exports import Workbook, capped_count, export_response

PAGE_SIZE = 30
RECORD_TITLE = "受理、核实投诉记录表"


# --- the list ------------------------------------------------------------------------------------------
@login_required
@require_GET
def complaint_list_view(request: HttpRequest) -> HttpResponse:
    filters = ComplaintFilters.from_params(request.GET)
    qs = complaint_list(user=request.user, filters=filters)
    today = timezone.localdate()
    # the total and the overdue count of the filtered rows in one aggregate (FILTER), not two COUNTs
    overdue = Q(answered_at__isnull=True, response_due__lt=today) & ~Q(state=ComplaintState.CLOSED)
    totals = qs.order_by().aggregate(total=Count("pk"), overdue=Count("pk", filter=overdue))
    paginator = Paginator(qs, PAGE_SIZE)
    paginator.count = totals["total"]
    page = paginator.get_page(request.GET.get("page"))
    labels = category_labels()
    context = {
        "page": page, "filters": filters, "query": filters.as_query(), "today": today,
        "rows": [(c, c.is_overdue(today), labels.get(c.category, c.category)) for c in page.object_list],
        "labels": labels, "states": [("open", _("未办结")), *ComplaintState.choices],
        "outcomes": ComplaintOutcome.choices,
        # of the filtered rows, and its link keeps the filters: it opens exactly the rows it counts
        "overdue_count": totals["overdue"],
        "overdue_query": urlencode({**filters.as_query(), "overdue": "1"}),
        "is_supervisor": access.has_supervisor_record(request.user),
        "can_register": _registrable_schools(request.user).exists(),
    }
    template = "complaints/complaint_list.html#results" if request.htmx else "complaints/complaint_list.html"
    return render(request, template, context)


@login_required
@require_GET
def complaint_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel, with the same scope and the same phone masking as the page."""
    filters = ComplaintFilters.from_params(request.GET)
    return export_response(request, "dudao.complaints.views.office.complaint_workbook",
                           rows=capped_count(complaint_list(user=request.user, filters=filters)), title=_("群众反映台账"))


def complaint_workbook(user, params) -> Workbook:
    """The builder of the list's Excel file (core/exports.py): at once when small, else in the background."""
    complaints = complaint_list(user=user, filters=ComplaintFilters.from_params(params))
    return Workbook("群众反映台账", [("群众反映", EXPORT_HEADERS, complaint_export_rows(user=user, complaints=complaints))],
                    total=complaints.count)


# --- one complaint -----------------------------------------------------------------------------------------
def _finding_url(complaint: Complaint) -> str:
    if not complaint.finding_id:
        return ""
    try:
        return reverse("findings:detail", args=[complaint.finding_id])
    except NoReverseMatch:
        return ""


def _detail_context(request: HttpRequest, complaint: Complaint, *, triage_forms: dict | None = None,
                    close_form=None, note_form=None, assign_form=None, open_outcome: str = "") -> dict:
    user = request.user
    view = handler_view(user, complaint)
    can_handle = view["may_handle"]
    triage_forms = triage_forms or {}
    context = {
        "complaint": complaint, "view": view, "category": category_labels().get(complaint.category, complaint.category),
        "photos": list(complaint.photos.all()), "timeline": public_timeline(complaint),
        "overdue": complaint.is_overdue(), "finding_url": _finding_url(complaint), "open_outcome": open_outcome,
        "events": list(complaint.events.select_related("actor")) if view["sees_contact"] else [],
        "triage": [], "close_form": None, "note_form": None, "assign_form": None,
    }
    if can_handle and complaint.state in TRIAGE_FROM:
        context["triage"] = [
            (code, label, triage_forms.get(code) or TriageForm(outcome=code, complaint=complaint))
            for code, label in ComplaintOutcome.choices
        ]
    if can_handle and complaint.state in CLOSE_FROM:
        context["close_form"] = close_form or CloseForm()
        if complaint.finding_id and complaint.state == ComplaintState.INVESTIGATING:
            context["finding_open"] = complaint.finding.state not in ("closed", "cancelled")
    if can_handle:
        context["note_form"] = note_form or NoteForm()
    if complaint.state != ComplaintState.CLOSED and access.may_reassign_complaint(user, complaint):
        context["assign_form"] = assign_form or AssignForm(supervisors=_office_supervisors(complaint))
    return context


def _office_supervisors(complaint: Complaint):
    from dudao.supervisors.models import Supervisor, SupervisorStatus

    if complaint.office_id is None:
        return Supervisor.objects.none()
    return Supervisor.objects.filter(office=complaint.office, status=SupervisorStatus.ACTIVE).order_by("name")


@login_required
@require_GET
def complaint_detail(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = access_complaint(request.user, pk)
    return render(request, "complaints/complaint_detail.html", _detail_context(request, complaint))


def _require_handler(request: HttpRequest, complaint: Complaint) -> None:
    if not access.may_handle_complaint(request.user, complaint):
        raise PermissionDenied(_("只有该校的责任督学、负责的督导室工作人员和管理员可以处理群众反映。"))


@login_required
@require_POST
def complaint_triage(request: HttpRequest, pk: int, outcome: str) -> HttpResponse:
    """One outcome's form: answer the complainant and record the decision (investigated → a finding)."""
    complaint = access_complaint(request.user, pk)
    if outcome not in ComplaintOutcome.values:
        raise Http404
    _require_handler(request, complaint)
    form = TriageForm(request.POST, outcome=outcome, complaint=complaint)
    if form.is_valid():
        data = form.cleaned_data
        finding = None
        if outcome == ComplaintOutcome.INVESTIGATED:
            finding = services.FindingIn(category=data["finding_category"], description=data["description"],
                                         requirement=data["requirement"], deadline=data["deadline"],
                                         severity=data["severity"] or "normal")
        try:
            services.complaint_triage(
                by=request.user, complaint=complaint, outcome=outcome, public_answer=data["public_answer"],
                reply_method=data["reply_method"], note=data.get("note", ""), referred_to=data.get("referred_to", ""),
                verified_on=data.get("verified_on"), verification_method=data.get("verification_method", ""),
                verification_note=data.get("verification_note", ""), finding=finding,
            )
        except ValidationError as exc:
            add_service_errors(form, exc, aliases={"category": "finding_category"})
        else:
            messages.success(request, _("已处理：%(outcome)s。") % {"outcome": ComplaintOutcome(outcome).label})
            return redirect("complaints:detail", pk=complaint.pk)
    complaint.refresh_from_db()
    context = _detail_context(request, complaint, triage_forms={outcome: form}, open_outcome=outcome)
    return render(request, "complaints/complaint_detail.html", context, status=400)


@login_required
@require_POST
def complaint_close(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = access_complaint(request.user, pk)
    _require_handler(request, complaint)
    form = CloseForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_close(by=request.user, complaint=complaint, note=form.cleaned_data["note"],
                                     public_answer=form.cleaned_data["public_answer"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已办结。"))
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/complaint_detail.html", _detail_context(request, complaint, close_form=form), status=400)


@login_required
@require_POST
def complaint_note(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = access_complaint(request.user, pk)
    _require_handler(request, complaint)
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            services.complaint_note_add(by=request.user, complaint=complaint, note=form.cleaned_data["note"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已添加备注。"))
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/complaint_detail.html", _detail_context(request, complaint, note_form=form), status=400)


@login_required
@require_POST
def complaint_assign(request: HttpRequest, pk: int) -> HttpResponse:
    complaint = access_complaint(request.user, pk)
    if not access.may_reassign_complaint(request.user, complaint):
        raise PermissionDenied(_("只有负责的督导室工作人员和管理员可以改派责任督学。"))
    form = AssignForm(request.POST, supervisors=_office_supervisors(complaint))
    if form.is_valid():
        try:
            services.complaint_assign(by=request.user, complaint=complaint, supervisor=form.cleaned_data["supervisor"])
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已改派给 %(name)s。") % {"name": form.cleaned_data["supervisor"].name})
            return redirect("complaints:detail", pk=complaint.pk)
    return render(request, "complaints/complaint_detail.html", _detail_context(request, complaint, assign_form=form), status=400)


@login_required
@require_GET
def complaint_photo(request: HttpRequest, pk: int, photo_pk: int) -> HttpResponse:
    """Photos are served through the scope check, never from a public media address."""
    complaint = access_complaint(request.user, pk)
    photo = complaint.photos.filter(pk=photo_pk).first()
    if photo is None:
        raise Http404
    return stored_file_response(photo.image, "image/jpeg")


@login_required
@require_GET
def complaint_record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """受理、核实投诉记录表 (domain-rules §2.5, §8; fields after frameworks.md §4): the handlers'
    record of one complaint, with the complainant's contact — so only for those who see it."""
    complaint = access_complaint(request.user, pk)
    if not access.sees_complaint_contact(request.user, complaint):
        raise PermissionDenied(_("受理、核实投诉记录表含反映人联系方式，只有督导室和责任督学可以打印。"))
    context = {
        "title": RECORD_TITLE, "complaint": complaint, "phone": phone_for(request.user, complaint),
        "category": category_labels().get(complaint.category, complaint.category),
        "received": timezone.localtime(complaint.received_at),
        "answered": timezone.localtime(complaint.answered_at) if complaint.answered_at else None,
        "closed": timezone.localtime(complaint.closed_at) if complaint.closed_at else None,
        "notes": [e for e in complaint.events.select_related("actor") if e.note],
        "printed": timezone.localdate(),
    }
    name = f"{timezone.localdate(complaint.received_at):%Y%m%d}-{complaint.school.name}-{RECORD_TITLE}.pdf"
    return download_response(render_pdf("complaints/record_pdf.html", context), name, PDF, inline=True)


# --- statistics --------------------------------------------------------------------------------------------
def _period(request: HttpRequest) -> tuple[date, date]:
    today = timezone.localdate()

    def day(name: str) -> date | None:
        try:
            return parse_date((request.GET.get(name) or "").strip())
        except ValueError:
            return None

    start = day("start") or today.replace(month=1, day=1)
    end = day("end") or today
    if end < start:
        start, end = end, start
    return start, end


@login_required
@require_GET
def complaint_stats_view(request: HttpRequest) -> HttpResponse:
    """By outcome (most contacts are questions), category, month, channel and school; response times."""
    start, end = _period(request)
    stats = complaint_stats(user=request.user, start=start, end=end)
    outcomes = [(label, n) for code, label, n in stats.by_outcome if n]
    context = {
        "stats": stats, "start": start, "end": end,
        "school_rows": [(s, [s.outcomes[code] for code in ComplaintOutcome.values]) for s in stats.schools[:50]],
        "outcome_chart": pie_chart(_("处理结果"), outcomes),
        "category_chart": bar_chart(_("反映类别"), stats.by_category, _("件数")),
        "month_chart": stacked_bar_chart(_("每月受理件数"), [m for m, _n in stats.by_month],
                                         [(_("件数"), [n for _m, n in stats.by_month])], stacked=False),
        "outcome_labels": [label for _code, label in ComplaintOutcome.choices],
    }
    return render(request, "complaints/complaint_stats.html", context)


@login_required
@require_GET
def complaint_stats_export(request: HttpRequest) -> HttpResponse:
    start, end = _period(request)
    stats = complaint_stats(user=request.user, start=start, end=end)
    notes = [f"群众反映统计 {start} 至 {end}", f"反映总数：{stats.total}",
             *[f"{label}：{n}" for _code, label, n in stats.by_outcome],
             f"咨询类占已处理件数：{stats.question_share}%",
             f"平均答复用时（天）：{stats.average_days if stats.average_days is not None else '—'}",
             f"按期答复：{stats.on_time} / {stats.answered}（{stats.on_time_share}%）",
             f"当前逾期未答复：{stats.overdue_now}",
             *[f"类别 {label}：{n}" for label, n in stats.by_category],
             f"统计日期：{timezone.localdate()}"]
    return xlsx_response(f"群众反映统计-{start}-{end}", "按学校", STATS_HEADERS, stats_export_rows(stats), notes=notes)


# --- recording a call or a letter (受理登记) -------------------------------------------------------------
def _registrable_schools(user):
    """Schools the user may record complaints for (`access.may_register_complaint` as a filter)."""
    from dudao.schools.models import School

    return School.objects.filter(access.acting_school_q(user), is_active=True).order_by("name")


@login_required
@require_http_methods(["GET", "POST"])
def complaint_register(request: HttpRequest) -> HttpResponse:
    schools = _registrable_schools(request.user)
    if not schools.exists():
        raise PermissionDenied(_("只有督导室工作人员和责任督学可以登记群众反映。"))
    form = ComplaintRegisterForm(request.POST or None, schools=schools)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            complaint = services.complaint_submit(
                by=request.user, school=data["school"], channel=data["channel"], received_at=data["received_at"],
                category=data["category"], text=data["text"], anonymous=data["anonymous"],
                contact_name=data["contact_name"], phone=data["phone"],
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已登记，查询码 %(code)s（可告知反映人）。") % {"code": complaint.tracking_code_display})
            return redirect("complaints:detail", pk=complaint.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "complaints/complaint_register.html", {"form": form}, status=status)


# --- the office's response deadline -----------------------------------------------------------------------------
def _policy_offices(user):
    from dudao.zones.selectors import zone_offices

    return [o for o in zone_offices(user).order_by("region__code") if access.sees_office_details(user, o)]


@login_required
@require_http_methods(["GET", "POST"])
def complaint_policy(request: HttpRequest) -> HttpResponse:
    """答复时限: each office's response deadline (days, working days or not) with its source."""
    offices = _policy_offices(request.user)
    if not offices:
        raise PermissionDenied(_("只有督导室工作人员、领导和管理员可以查看答复时限设置。"))
    wanted = (request.GET.get("office") or request.POST.get("office") or "").strip()
    office = next((o for o in offices if str(o.pk) == wanted), None) if wanted else offices[0]
    if office is None:
        raise Http404
    policy = services.policy_for(office)
    can_manage = access.can_manage_office(request.user, office)
    form = None
    if can_manage:
        initial = {"response_days": policy.response_days, "working_days": policy.working_days, "source": policy.source}
        form = PolicyForm(request.POST or None, initial=initial)
    elif request.method == "POST":
        raise PermissionDenied(_("只有督导室工作人员和管理员可以修改答复时限。"))
    if request.method == "POST" and form is not None and form.is_valid():
        try:
            services.complaint_policy_set(by=request.user, office=office, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存答复时限。"))
            return redirect(reverse("complaints:policy") + f"?office={office.pk}")
    context = {"offices": offices, "office": office, "policy": policy, "own": policy.office_id == office.pk,
               "form": form, "can_manage": can_manage}
    return render(request, "complaints/policy.html", context, status=400 if request.method == "POST" else 200)
