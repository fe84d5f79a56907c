"""Team pages: supervisors (督学), team statistics (队伍统计) and training (培训).

Thin views: access (scope) → form → service → page. Reads of other people's records go through
`access_supervisor` / `access_training_session`; writes require `can_manage_office`.
"""

from __future__ import annotations

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from dudao.access import can_manage_office, get_visible_or_404
from dudao.core.charts import bar_chart, pie_chart
from dudao.core.downloads import stored_file_response
from dudao.core.errors import add_service_errors
from dudao.core.excel import xlsx_response
from dudao.core.exports import Workbook, capped_count, export_response
from dudao.supervisors import services
from dudao.supervisors.forms import AttendanceForm, StatusForm, SupervisorForm, TermForm, TrainingSessionForm
from dudao.supervisors.models import (
    Supervisor,
    SupervisorKind,
    SupervisorLevel,
    SupervisorStatus,
    TrainingMode,
)
from dudao.supervisors.selectors import (
    SupervisorFilters,
    access_supervisor,
    access_training_session,
    background_labels,
    managed_offices,
    office_team,
    supervisor_export_rows,
    supervisor_list,
    supervisor_phone_for,
    supervisor_training_record,
    team_change,
    team_offices,
    team_stats,
    training_candidates,
    training_hours,
    training_session_list,
    training_year_rows,
)

PAGE_SIZE = 20
CANDIDATES_SHOWN = 200


def _date_param(value: str | None) -> date | None:
    try:
        return parse_date((value or "").strip())
    except ValueError:
        return None


def _year_param(value: str | None) -> int | None:
    value = (value or "").strip()
    return int(value) if value.isdigit() and 2000 <= int(value) <= 2100 else None


def _pick_office(request: HttpRequest, offices: list):
    """The office named by ?office=, which must be one of `offices` (else 404); default the widest."""
    wanted = request.GET.get("office", "").strip()
    if not wanted:
        return offices[0] if offices else None
    for office in offices:
        if str(office.pk) == wanted:
            return office
    raise Http404


# --- supervisors ---------------------------------------------------------------------------------


@login_required
def supervisor_list_view(request: HttpRequest) -> HttpResponse:
    filters = SupervisorFilters.from_params(request.GET)
    page = Paginator(supervisor_list(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    backgrounds = background_labels()
    offices = team_offices(request.user)  # once: the filter's choices and whether "新增督学" shows
    context = {
        "page": page,
        "rows": [(s, supervisor_phone_for(request.user, s), backgrounds.get(s.background, s.background))
                 for s in page.object_list],
        "filters": filters,
        "query": filters.as_query(),
        "offices": offices,
        "kinds": SupervisorKind.choices,
        "levels": SupervisorLevel.choices,
        "statuses": SupervisorStatus.choices,
        "backgrounds": backgrounds,
        "can_create": any(can_manage_office(request.user, o) for o in offices),  # = bool(managed_offices(user))
    }
    template = "supervisors/supervisor_list.html#results" if request.htmx else "supervisors/supervisor_list.html"
    return render(request, template, context)


@login_required
def supervisor_export(request: HttpRequest) -> HttpResponse:
    """The filtered list as Excel, with the same scope and the same phone masking as the page."""
    filters = SupervisorFilters.from_params(request.GET)
    return export_response(request, "dudao.supervisors.views.supervisor_workbook",
                           rows=capped_count(supervisor_list(user=request.user, filters=filters)), title=_("督学名册"))


def supervisor_workbook(user, params) -> Workbook:
    """The builder of the list's Excel file (core/exports.py): at once when small, else in the background."""
    supervisors = supervisor_list(user=user, filters=SupervisorFilters.from_params(params))
    headers, rows = supervisor_export_rows(user=user, supervisors=supervisors)
    return Workbook("督学名册", [("督学名册", headers, rows)], total=supervisors.count)


def _detail_context(request: HttpRequest, supervisor: Supervisor, *, status_form=None, term_form=None) -> dict:
    today = timezone.localdate()
    can_manage = can_manage_office(request.user, supervisor.office)
    terms = list(supervisor.terms.all())
    assignments = list(supervisor.assignments.select_related("school").order_by("-starts_on", "-id"))
    return {
        "supervisor": supervisor,
        "phone": supervisor_phone_for(request.user, supervisor),
        "background": background_labels().get(supervisor.background, supervisor.background),
        "can_manage": can_manage,
        "terms": terms,
        "term_warnings": services.term_warnings(supervisor=supervisor, terms=terms),
        "events": supervisor.status_events.select_related("by").order_by("-effective_on", "-id"),
        "current_assignments": [a for a in assignments if a.ends_on is None or a.ends_on >= today],
        "past_assignments": [a for a in assignments if a.ends_on is not None and a.ends_on < today],
        "zones": list(supervisor.zones.select_related("office")),
        "zones_headed": list(supervisor.zones_headed.select_related("office")),
        "year": today.year,
        "hours": training_hours(supervisors=[supervisor], year=today.year)[0],
        "required_hours": services.TRAINING_HOURS_PER_YEAR,
        "training": supervisor_training_record(supervisor=supervisor)[:30],
        "status_form": (status_form or StatusForm()) if can_manage else None,
        "term_form": (term_form or TermForm(initial=TermForm.initial_for(supervisor))) if can_manage else None,
    }


@login_required
def supervisor_detail(request: HttpRequest, pk: int) -> HttpResponse:
    supervisor = access_supervisor(request.user, pk)
    return render(request, "supervisors/supervisor_detail.html", _detail_context(request, supervisor))


@login_required
def supervisor_photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Photos are served through the scope check, never from a public media URL."""
    return stored_file_response(access_supervisor(request.user, pk).photo, "image/jpeg")


@login_required
def supervisor_create(request: HttpRequest) -> HttpResponse:
    offices = managed_offices(request.user)
    if not offices:
        raise PermissionDenied
    chosen = next((o for o in offices if str(o.pk) == request.GET.get("office")), offices[0] if len(offices) == 1 else None)
    form = SupervisorForm(request.POST or None, request.FILES or None, offices=offices,
                          initial={"office": chosen, "appointed_on": timezone.localdate()})
    if request.method == "POST" and form.is_valid():
        try:
            supervisor = services.supervisor_create(by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("督学“%(name)s”已登记。") % {"name": supervisor.name})
            return redirect("supervisors:detail", pk=supervisor.pk)
    return render(request, "supervisors/supervisor_form.html", {"form": form, "supervisor": None},
                  status=400 if form.errors else 200)


@login_required
def supervisor_edit(request: HttpRequest, pk: int) -> HttpResponse:
    supervisor = access_supervisor(request.user, pk, write=True)
    title = supervisor.name
    form = SupervisorForm(request.POST or None, request.FILES or None, instance=supervisor, offices=managed_offices(request.user))
    if request.method == "POST" and form.is_valid():
        try:
            services.supervisor_update(supervisor=supervisor, by=request.user, **form.service_fields())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存。"))
            return redirect("supervisors:detail", pk=supervisor.pk)
    return render(request, "supervisors/supervisor_form.html", {"form": form, "supervisor": supervisor, "title": title},
                  status=400 if form.errors else 200)


@login_required
@require_POST
def supervisor_status(request: HttpRequest, pk: int) -> HttpResponse:
    """动态管理: entry, suspension and exit with a reason; leaving ends the supervisor's assignments."""
    supervisor = access_supervisor(request.user, pk, write=True)
    form = StatusForm(request.POST)
    if form.is_valid():
        try:
            services.supervisor_change_status(supervisor=supervisor, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("状态已变更为“%(s)s”。") % {"s": supervisor.get_status_display()})
            return redirect("supervisors:detail", pk=supervisor.pk)
    return render(request, "supervisors/supervisor_detail.html", _detail_context(request, supervisor, status_form=form), status=400)


@login_required
@require_POST
def term_add(request: HttpRequest, pk: int) -> HttpResponse:
    supervisor = access_supervisor(request.user, pk, write=True)
    form = TermForm(request.POST)
    if form.is_valid():
        try:
            services.term_add(supervisor=supervisor, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("任期已登记。"))
            return redirect("supervisors:detail", pk=supervisor.pk)
    return render(request, "supervisors/supervisor_detail.html", _detail_context(request, supervisor, term_form=form), status=400)


# --- team statistics -----------------------------------------------------------------------------


@login_required
def team_stats_view(request: HttpRequest) -> HttpResponse:
    """The team of one office on a date, and its change since an earlier date (seed 002)."""
    offices = team_offices(request.user)
    office = _pick_office(request, offices)
    today = timezone.localdate()
    day = _date_param(request.GET.get("day")) or today
    since = _date_param(request.GET.get("since"))
    include_lower = request.GET.get("lower") == "1"
    context = {"offices": offices, "office": office, "day": day, "since": since, "include_lower": include_lower}
    if office is not None:
        team = office_team(user=request.user, office=office, include_lower=include_lower)
        stats = team_stats(supervisors=team, day=day)
        context.update(
            stats=stats,
            change=team_change(supervisors=team, since=since, day=day) if since and since != day else None,
            kind_chart=pie_chart(_("按类别"), list(stats.by_kind.items())),
            background_chart=bar_chart(_("按来源背景"), list(stats.by_background.items()), _("人数")),
            age_chart=bar_chart(_("按年龄段"), list(stats.by_age_band.items()), _("人数")),
        )
    return render(request, "supervisors/team_stats.html", context)


@login_required
def team_stats_export(request: HttpRequest) -> HttpResponse:
    """The statistics page as Excel: one row per figure (dimension, group, people), the change
    since the earlier date in the notes — what an office pastes into its annual report (seed 002)."""
    offices = team_offices(request.user)
    office = _pick_office(request, offices)
    day = _date_param(request.GET.get("day")) or timezone.localdate()
    since = _date_param(request.GET.get("since"))
    headers = ["统计维度", "分组", "人数"]
    if office is None:
        return xlsx_response("督学队伍统计", "队伍统计", headers, [], notes=["没有可统计的督学队伍。"])
    team = office_team(user=request.user, office=office, include_lower=request.GET.get("lower") == "1")
    stats = team_stats(supervisors=team, day=day)
    rows: list[list] = [["合计", "在岗督学", stats.total]]
    for dimension, counts in (("类别", stats.by_kind), ("层级", stats.by_level), ("来源背景", stats.by_background),
                              ("年龄段", stats.by_age_band), ("性别", stats.by_gender), ("学历", stats.by_degree)):
        rows += [[dimension, label, n] for label, n in counts.items()]
    rows.append(["平均年龄", "全部", stats.average_age])
    rows += [["平均年龄", label, age] for label, age in stats.average_age_by_kind.items()]
    notes = [f"{office.name} 督学队伍统计（{day:%Y-%m-%d} 在岗）"]
    if since and since != day:
        notes.append(team_change(supervisors=team, since=since, day=day).summary)
    return xlsx_response(f"{office.name}-督学队伍统计-{day:%Y%m%d}", "队伍统计", headers, rows, notes=notes)


# --- training ------------------------------------------------------------------------------------


@login_required
def training_list(request: HttpRequest) -> HttpResponse:
    offices = team_offices(request.user)
    year = _year_param(request.GET.get("year"))
    office = _pick_office(request, offices) if request.GET.get("office") else None
    sessions = training_session_list(user=request.user, year=year, office_id=office.pk if office else None)
    page = Paginator(sessions, PAGE_SIZE).get_page(request.GET.get("page"))
    query = {k: v for k, v in {"year": year or "", "office": office.pk if office else ""}.items() if v}
    years = sorted({d.year for d in training_session_list(user=request.user).dates("held_on", "year")} | {timezone.localdate().year},
                   reverse=True)
    return render(request, "supervisors/training_list.html", {
        "page": page, "offices": offices, "office": office, "year": year, "years": [(y, y) for y in years], "query": query,
        "can_create": bool(managed_offices(request.user)),
    })


@login_required
def training_create(request: HttpRequest) -> HttpResponse:
    offices = managed_offices(request.user)
    if not offices:
        raise PermissionDenied
    form = TrainingSessionForm(request.POST or None, offices=offices, initial={
        "office": offices[0] if len(offices) == 1 else None, "held_on": timezone.localdate(), "mode": TrainingMode.CONCENTRATED,
    })
    if request.method == "POST" and form.is_valid():
        try:
            session = services.training_session_create(by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("培训已登记，请勾选参训督学。"))
            return redirect("supervisors:training_detail", pk=session.pk)
    return render(request, "supervisors/training_form.html", {"form": form}, status=400 if form.errors else 200)


@login_required
def training_detail(request: HttpRequest, pk: int) -> HttpResponse:
    """The session and its attendance; office staff tick attendees from the office's team."""
    session = access_training_session(request.user, pk)
    can_manage = can_manage_office(request.user, session.office)
    form = None
    if request.method == "POST":
        if not can_manage:
            raise PermissionDenied
        pool = training_candidates(session=session)
        form = AttendanceForm(request.POST, candidate_ids=list(pool.values_list("pk", flat=True)))
        if form.is_valid():
            chosen = list(pool.filter(pk__in=form.cleaned_data["supervisors"]))
            try:
                added = services.training_attendance_set(session=session, supervisors=chosen, hours=form.cleaned_data["hours"])
            except ValidationError as exc:
                add_service_errors(form, exc)
            else:
                messages.success(request, _("已添加 %(n)s 名参训督学。") % {"n": added})
                return redirect("supervisors:training_detail", pk=session.pk)
    q = request.GET.get("q", "").strip()[:50]
    candidates = list(training_candidates(session=session, q=q)[: CANDIDATES_SHOWN + 1]) if can_manage else []
    context = {
        "session": session,
        "can_manage": can_manage,
        "attendance": session.attendance.select_related("supervisor__office__region").order_by("supervisor__name", "id"),
        "candidates": candidates[:CANDIDATES_SHOWN],
        "more_candidates": len(candidates) > CANDIDATES_SHOWN,
        "q": q,
        "form": form,
        "selected": {int(v) for v in request.POST.getlist("supervisors") if v.isdigit()} if form else set(),
    }
    if request.htmx and request.method == "GET":
        return render(request, "supervisors/training_detail.html#candidates", context)
    return render(request, "supervisors/training_detail.html", context, status=400 if form and form.errors else 200)


@login_required
@require_POST
def training_attendance_remove(request: HttpRequest, pk: int, supervisor_pk: int) -> HttpResponse:
    session = access_training_session(request.user, pk, write=True)
    attendance = get_visible_or_404(session.attendance.select_related("supervisor"), supervisor_id=supervisor_pk)
    services.training_attendance_remove(session=session, supervisor=attendance.supervisor)
    messages.success(request, _("已移除“%(name)s”的参训记录。") % {"name": attendance.supervisor.name})
    return redirect("supervisors:training_detail", pk=session.pk)


def _training_hours_data(request: HttpRequest) -> dict:
    today = timezone.localdate()
    offices = team_offices(request.user)
    office = _pick_office(request, offices)
    year = _year_param(request.GET.get("year")) or today.year
    rows = training_year_rows(office=office, year=year, today=today) if office else []
    below = [r for r in rows if not r.meets_rule]
    return {"offices": offices, "office": office, "year": year, "rows": rows, "below": below,
            "only_below": request.GET.get("below") == "1", "required_hours": services.TRAINING_HOURS_PER_YEAR}


@login_required
def training_hours_view(request: HttpRequest) -> HttpResponse:
    """Concentrated training hours per supervisor against the 40-hour rule (督学管理暂行办法)."""
    data = _training_hours_data(request)
    shown = data["below"] if data["only_below"] else data["rows"]
    data["page"] = Paginator(shown, 50).get_page(request.GET.get("page"))
    data["query"] = {k: v for k, v in {"office": data["office"].pk if data["office"] else "", "year": data["year"],
                                       "below": "1" if data["only_below"] else ""}.items() if v}
    data["years"] = list(range(timezone.localdate().year, 2015, -1))
    return render(request, "supervisors/training_hours.html", data)


@login_required
def training_hours_export(request: HttpRequest) -> HttpResponse:
    data = _training_hours_data(request)
    shown = data["below"] if data["only_below"] else data["rows"]
    headers = ["姓名", "类别", "所属督导室", "集中培训学时", "网络培训及自学学时", f"是否达到{data['required_hours']}学时", "尚缺学时"]
    rows = [[r.supervisor.name, r.supervisor.get_kind_display(), r.supervisor.office.name, float(r.concentrated),
             float(r.other), r.meets_rule, float(r.missing)] for r in shown]
    return xlsx_response(f"{data['year']}年督学培训学时", "培训学时", headers, rows,
                         notes=["依据《督学管理暂行办法》：每名督学每年参加集中培训累计不少于40学时；网络培训和自学学时单列，不计入。"])
