"""The office's pages for routine visits: who is behind their quota, which schools have not been
visited, a calendar of visits, the visit ledger (督导记录台账) and a visit's record sheet
(责任督学工作记录表), and the quota rules with their sources.

Who sees what:
- compliance, never visited, calendar, rules — staff and leaders of the office's region or above,
  and admins (`access_report_office`: 404 outside the scope, 403 for a supervisor or a school
  that sees the office only because of their schools); changing a rule — those who manage the
  office (`can_manage_office`: leaders read only, 403);
- the ledger — everyone, through `Visit.objects.visible_to` (a school sees its own visits, a
  supervisor the visits at their schools, by default only their own);
- the record sheet — whoever sees the visit (`access_visit`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dudao.access import VISIT_FULL_FIELDS, can_manage_office, has_supervisor_record, readable_fields
from dudao.core.charts import calendar_heatmap, stacked_bar_chart
from dudao.core.documents import PDF
from dudao.core.downloads import download_response
from dudao.core.errors import add_service_errors
from dudao.core.excel import xlsx_response, xlsx_sheets_response
from dudao.core.exports import Workbook, capped_count, export_response
from dudao.core.pagination import CappedPaginator
from dudao.documents.links import document_url
from dudao.regions.models import Office, Region
from dudao.regions.selectors import ancestor_codes
from dudao.visits.compliance_cache import cache_seconds, compliance_cached
from dudao.visits.documents import RECORD_TITLE, RecordSheet, record_sheet_file
from dudao.visits.documents import record_pdf as record_sheet_pdf
from dudao.visits.exports import compliance_notes, compliance_sheets
from dudao.visits.forms_office import QuotaOverrideForm
from dudao.visits.models import QuotaPeriod, VisitMode
from dudao.visits.not_visited import NotVisited, schools_not_visited
from dudao.visits.pace import BEHIND
from dudao.visits.periods import period_of
from dudao.visits.quota import quota_rule_override
from dudao.visits.selectors import (
    LOG_HEADERS,
    VisitLogFilters,
    access_report_office,
    access_visit,
    code_labels,
    labels_of,
    log_regions,
    problem_counts,
    problem_rows,
    report_office_for,
    report_offices,
    rule_history,
    rule_levels,
    rules_in_force,
    visit_calendar,
    visit_log,
    visit_log_rows,
)
from dudao.zones.models import Zone

PAGE_SIZE = 30
SCHOOLS_SHOWN = 50  # schools below their rule listed on the page; the Excel file has them all
CHART_BARS = 30  # bars a compliance chart draws at most (a province has 3,000 supervisors)
KINDS = ("month", "semester", "year")


# --- helpers -----------------------------------------------------------------------------------------


@dataclass
class OfficeChoice:
    offices: list[Office]
    office: Office
    kind: str
    day: date


def _office_choice(request: HttpRequest) -> OfficeChoice:
    """The office (?office=, else the user's first), the period kind and a day of the period."""
    office = report_office_for(request.user, (request.GET.get("office") or "").strip())
    offices = report_offices(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in KINDS else "month"
    try:
        day = parse_date((request.GET.get("day") or "").strip()) or timezone.localdate()
    except ValueError:
        day = timezone.localdate()
    return OfficeChoice(offices=offices, office=office, kind=kind, day=day)


def _period_context(choice: OfficeChoice) -> dict:
    period = period_of(choice.kind, choice.day)
    return {
        "offices": choice.offices, "office": choice.office, "kind": choice.kind, "day": choice.day, "period": period,
        "kinds": [(k, label) for k, label in QuotaPeriod.choices if k in KINDS],
        "previous_day": period.start - timedelta(days=1), "next_day": period.end + timedelta(days=1),
        "qs": urlencode({"office": choice.office.pk, "kind": choice.kind, "day": choice.day.isoformat()}),
    }


def _log_link(**params) -> str:
    return reverse("visits:log") + "?" + urlencode({k: v for k, v in params.items() if v not in (None, "")})


# --- compliance --------------------------------------------------------------------------------------


@login_required
@require_GET
def compliance(request: HttpRequest) -> HttpResponse:
    """Each supervisor's checks (done / required) for a month, semester or year, per zone coverage,
    and the rule versions and sources the numbers were computed with."""
    choice = _office_choice(request)
    done = compliance_cached(office=choice.office, kind=choice.kind, day=choice.day)
    report, columns, lines = done.report, done.columns, done.lines
    zones = report.zones
    context = _period_context(choice)
    schools_behind = report.schools_behind
    # ?state=behind: only the supervisors marked 落后 (the workbench's count links here)
    only_behind = request.GET.get("state") == BEHIND
    behind = [line for line in lines if line.state == BEHIND]
    shown = behind if only_behind else lines
    # the charts draw at most CHART_BARS bars: a province has 3,000 supervisors and hundreds of zones;
    # the supervisors with the fewest visits among the behind (or all), the zones with most not visited
    charted = sorted(behind or lines, key=lambda line: (line.row.visits, line.row.supervisor.name))[:CHART_BARS]
    zones_charted = sorted(zones, key=lambda z: (-(z[1] - z[2]), z[0]))[:CHART_BARS] if len(zones) > CHART_BARS else zones
    context.update(
        report=report, columns=columns, lines=lines,
        zones=Paginator([(z, n, v, n - v) for z, n, v in zones], PAGE_SIZE).get_page(request.GET.get("zpage")),
        page=Paginator(shown, PAGE_SIZE).get_page(request.GET.get("page")), only_behind=only_behind,
        schools_behind=schools_behind, schools_behind_shown=schools_behind[:SCHOOLS_SHOWN],
        with_months=choice.kind != "month",
        computed_at=done.computed_at, cache_minutes=cache_seconds() // 60,
        elapsed_pct=round(report.elapsed * 100),
        behind_count=len(behind),
        log_url=reverse("visits:log"), not_visited_url=reverse("visits:not_visited"),
        log_start=report.period.start.isoformat(), log_end=report.period.end.isoformat(),
        zone_chart=stacked_bar_chart(
            _("各责任区学校督导覆盖"), [z for z, _n, _v in zones_charted],
            [(_("已督导"), [v for _z, _n, v in zones_charted]), (_("未督导"), [n - v for _z, n, v in zones_charted])],
            colors=["#2fb344", "#d63939"],
        ),
        zones_charted=len(zones_charted), zones_total=len(zones),
        supervisor_chart=stacked_bar_chart(
            _("各督学督导次数"), [line.row.supervisor.name for line in charted],
            [(_("督导次数"), [line.row.visits for line in charted])], stacked=False,
        ),
        supervisors_charted=len(charted), charted_behind=bool(behind),
    )
    return render(request, "visits/office_compliance.html", context)


@login_required
@require_GET
def compliance_export(request: HttpRequest) -> HttpResponse:
    """The compliance table of the page (every rule's done / required per supervisor, months short)
    and the schools below their rule, as Excel — the same report, the same numbers."""
    choice = _office_choice(request)
    done = compliance_cached(office=choice.office, kind=choice.kind, day=choice.day)
    report, columns, lines = done.report, done.columns, done.lines
    sheets = compliance_sheets(report, columns, lines)
    notes = compliance_notes(report)
    return xlsx_sheets_response(f"{choice.office.name}-{report.period.label}-督导配额完成情况", sheets, notes=notes)


# --- schools not visited -----------------------------------------------------------------------------


def _not_visited(request: HttpRequest) -> tuple[OfficeChoice, NotVisited, str]:
    """The schools without a visit in the period, read directly (visits/not_visited.py), not from a
    whole compliance report: the same rows as the report's `schools_not_visited`."""
    choice = _office_choice(request)
    zone = (request.GET.get("zone") or "").strip()[:64]
    found = schools_not_visited(office=choice.office, kind=choice.kind, day=choice.day, zone=zone)
    return choice, found, zone


@login_required
@require_GET
def not_visited(request: HttpRequest) -> HttpResponse:
    """Schools of the office's zones with no submitted visit in the period (domain-rules §9.4 f)."""
    choice, found, zone = _not_visited(request)
    context = _period_context(choice)
    paginator = Paginator(found.listed(), PAGE_SIZE)
    paginator.count = found.schools.count()  # without the region names' join
    page = paginator.get_page(request.GET.get("page"))
    page.object_list = found.rows(page.object_list)
    zones = found.zones()
    context.update(period_label=found.period.label, zone=zone, zones=zones, zone_choices=[(z, z) for z in zones], page=page,
                   total=found.total)
    if zone:
        context["qs"] += "&" + urlencode({"zone": zone})
    return render(request, "visits/office_not_visited.html", context)


@login_required
@require_GET
def not_visited_export(request: HttpRequest) -> HttpResponse:
    choice, found, _zone = _not_visited(request)
    headers = ["学校", "学校标识码", "所在区划", "责任区", "责任督学", "最近一次督导"]
    lines = ([r.school.name, r.school.code, r.school.region_name, r.zone, "、".join(r.responsible),
              r.last_visit.isoformat() if r.last_visit else "从未督导"] for r in found.every_row())
    period = found.period
    notes = [f"{choice.office.name} {period.label}（{period.start} 至 {period.end}）未督导学校",
             f"统计日期：{timezone.localdate()}"]
    return xlsx_response(f"{choice.office.name}-{period.label}-未督导学校", "未督导学校", headers, lines, notes=notes)


# --- calendar ----------------------------------------------------------------------------------------


@login_required
@require_GET
def calendar(request: HttpRequest) -> HttpResponse:
    """Visits per day of a year at the office's schools; a click on a day opens the ledger of that day."""
    choice = _office_choice(request)
    raw_year = (request.GET.get("year") or "").strip()
    year = int(raw_year) if raw_year.isdigit() and 2000 <= int(raw_year) <= 2100 else choice.day.year
    days = visit_calendar(user=request.user, office=choice.office, year=year)
    months = [0] * 12
    for day, n in days:
        months[day.month - 1] += n
    code = choice.office.region.code
    month_rows = []
    for m, n in enumerate(months, start=1):
        start = date(year, m, 1)
        end = period_of("month", start).end
        month_rows.append((m, n, _log_link(region=code, who="all", start=start.isoformat(), end=end.isoformat())))
    context = {
        "offices": choice.offices, "office": choice.office, "year": year, "total": sum(months),
        "active_days": len(days), "busiest": max(days, key=lambda d: d[1]) if days else None, "months": month_rows,
        "chart": calendar_heatmap(_("%(year)s 年每日督导次数") % {"year": year}, year,
                                  [(d.isoformat(), n) for d, n in days], _("督导次数")),
        "day_link": reverse("visits:log") + "?" + urlencode({"region": code, "who": "all"}) + "&start=__value__&end=__value__",
    }
    return render(request, "visits/office_calendar.html", context)


# --- the ledger --------------------------------------------------------------------------------------


def _log_filters(request: HttpRequest) -> tuple[VisitLogFilters, bool]:
    """The ledger's filters; a supervisor's ledger shows their own visits unless they ask for all."""
    is_supervisor = has_supervisor_record(request.user)
    return VisitLogFilters.from_params(request.GET, is_supervisor=is_supervisor), is_supervisor


@login_required
@require_GET
def log(request: HttpRequest) -> HttpResponse:
    """督导记录台账: submitted visits in the user's scope, filtered, 30 a page."""
    filters, is_supervisor = _log_filters(request)
    page = CappedPaginator(visit_log(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = list(page.object_list)
    problem_counts(page.object_list)
    methods, topics, _categories = code_labels()
    zones = Zone.objects.visible_to(request.user).distinct().select_related("office").order_by("office__region__code", "name")
    if filters.region:
        zones = zones.filter(office__region__code__startswith=filters.region[:6])
    context = {
        "page": page, "filters": filters, "query": filters.as_query(),
        # the refusal flag and the location only where the user reads them (access.fields), as in the export
        "rows": [(v, labels_of(v.methods, methods), labels_of(v.topics, topics), readable_fields(request.user, v))
                 for v in page.object_list],
        "modes": VisitMode.choices, "zones": zones[:300],
        "regions": log_regions(request.user),
        "is_supervisor": is_supervisor,
    }
    template = "visits/office_log.html#results" if request.htmx else "visits/office_log.html"
    return render(request, template, context)


@login_required
@require_GET
def log_export(request: HttpRequest) -> HttpResponse:
    """The filtered ledger, exactly as listed, as Excel (same selector, same scope): at once when
    small, else written in the background (core/exports.py)."""
    filters, _is_supervisor = _log_filters(request)
    return export_response(request, "dudao.visits.views.office.log_workbook",
                           rows=capped_count(visit_log(user=request.user, filters=filters)), title=_("督导记录台账"))


def log_workbook(user, params) -> Workbook:
    """The builder of the ledger's Excel file (core/exports.py)."""
    filters = VisitLogFilters.from_params(params, is_supervisor=has_supervisor_record(user))
    visits = visit_log(user=user, filters=filters)
    return Workbook("督导记录台账", [("督导记录台账", LOG_HEADERS, visit_log_rows(visits, user=user))], total=visits.count)


# --- the record sheet --------------------------------------------------------------------------------


def _record_sheet(request: HttpRequest, pk: int) -> RecordSheet:
    """The sheet as the reader may read it. The school reads the feedback part (methods, topics,
    opinions, problems); what was observed, the location and a refusal are for the office and the
    supervisor (access.fields): the sheet prints them only when the reader reads every restricted field."""
    visit = access_visit(request.user, pk)
    full = readable_fields(request.user, visit) >= VISIT_FULL_FIELDS
    methods, topics, categories = code_labels()
    # Each problem's finding (整改台账) as of printing, when the reader may see it.
    problems = problem_rows(request.user, visit, categories, timezone.localdate())
    # 长沙市宁乡市玉潭街道: the county and town below the province, as an address is written
    codes = [c for c in ancestor_codes(visit.school.region_code) if len(c) > 2]
    region_path = "".join(Region.objects.filter(code__in=codes).order_by("code").values_list("name", flat=True))
    return RecordSheet(visit=visit, full=full, region_path=region_path, methods=labels_of(visit.methods, methods),
                       topics=labels_of(visit.topics, topics), problems=problems, photo_count=visit.photos.count(),
                       started=visit.started_at, ended=visit.ended_at, printed=timezone.localdate())


@login_required
@require_GET
def record_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    """责任督学工作记录表 (规程 2014, domain-rules §2.5) of one visit, A4 portrait, to print and sign: the
    document engine's PDF of the sheet as the reader may read it (visits/documents.py)."""
    sheet = _record_sheet(request, pk)
    visit = sheet.visit
    name = f"{visit.visit_date:%Y%m%d}-{visit.school.name}-{RECORD_TITLE}.pdf"
    return download_response(record_sheet_pdf(sheet), name, PDF, inline=True)


@login_required
@require_POST
def record_file(request: HttpRequest, pk: int) -> HttpResponse:
    """存档为公文: the office keeps the full sheet as a document of kind "record_sheet" and opens it."""
    sheet = _record_sheet(request, pk)
    document = record_sheet_file(by=request.user, sheet=sheet)
    return redirect(document_url(document.pk))


# --- quota rules -------------------------------------------------------------------------------------


def _rules_context(request: HttpRequest, office: Office, offices: list[Office], form: QuotaOverrideForm | None = None) -> dict:
    today = timezone.localdate()
    levels = rule_levels(office)
    can_manage = can_manage_office(request.user, office)
    if can_manage and form is None:
        form = QuotaOverrideForm(zone_levels=levels, initial={"valid_from": today.replace(day=1), "zone_level": levels[-1]})
    history = list(rule_history(office=office, zone_levels=levels))
    for rule in history:
        rule.state = ("future" if rule.valid_from > today else
                      "ended" if rule.valid_to and rule.valid_to < today else "current")
    return {
        "offices": offices, "office": office, "today": today, "can_manage": can_manage, "form": form if can_manage else None,
        "in_force": [(level, rules_in_force(office=office, zone_level=level, day=today)) for level in levels],
        "history": history,
    }


@login_required
@require_GET
def rules(request: HttpRequest) -> HttpResponse:
    """The quota rules in force for an office, where each comes from (office or national default,
    source, valid from) and every earlier version."""
    choice = _office_choice(request)
    return render(request, "visits/office_rules.html", _rules_context(request, choice.office, choice.offices))


@login_required
@require_POST
def rule_override(request: HttpRequest, pk: int) -> HttpResponse:
    """The office sets its own value from a date (`quota.quota_rule_override`): a new version; the
    periods that started before keep the old one."""
    office = access_report_office(request.user, pk)
    if not can_manage_office(request.user, office):
        raise PermissionDenied(_("只有督导室工作人员和管理员可以修改配额规则。"))
    form = QuotaOverrideForm(request.POST, zone_levels=rule_levels(office))
    if form.is_valid():
        data = form.cleaned_data
        try:
            rule = quota_rule_override(office=office, zone_level=data["zone_level"], metric=data["metric"], period=data["period"],
                                       required=data["required"], valid_from=data["valid_from"], source=data["source"],
                                       supervisor_kind=data["supervisor_kind"] or "")
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("已保存：%(rule)s，自 %(day)s 起生效。") % {"rule": rule, "day": rule.valid_from})
            return redirect(reverse("visits:rules") + f"?office={office.pk}")
    context = _rules_context(request, office, report_offices(request.user), form=form)
    return render(request, "visits/office_rules.html", context, status=400)
