"""结果运用 pages. Who sees what (the rules are in selectors.py and access.outcome_decision_q):

- the county sheet, its Excel file and PDF, the leader's overview: staff and leaders of an office and
  above, admins (`visits.selectors.report_office_for`: 404 for an office outside the scope, 403 for those
  who read no office's figures — supervisors, schools, evaluators);
- one school's sheet (and its principal's decisions): the school in the scope (else 404) and read as an
  office (else 403);
- recording a decision: office staff whose region holds the school, admins (a leader: 403).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from dudao.core.documents import render_pdf
from dudao.core.downloads import download_response
from dudao.core.exports import export_response
from dudao.outcomes import cockpit as cockpit_mod
from dudao.outcomes import selectors as sel
from dudao.outcomes.exports import KIND
from dudao.outcomes.forms import DecisionForm
from dudao.outcomes.services import decision_record

PAGE_SIZE = 50
PDF = "application/pdf"


def _office(request: HttpRequest):
    raw = (request.GET.get("office") or "").strip()
    if raw and not raw.isdigit():
        raise Http404
    return sel.sheet_office(request.user, raw or None)


def _choice(request: HttpRequest) -> dict:
    office = _office(request)
    year = sel.parse_year(request.GET.get("year"))
    return {"office": office, "year": year, "offices": sel.office_choices(request.user),
            "years": sel.year_choices(), "qs": f"office={office.pk}&year={year}"}


@login_required
@require_GET
def index(request: HttpRequest) -> HttpResponse:
    """The sheet of every school under the office for a year: one row per school, the Excel's columns."""
    context = _choice(request)
    sheets = sel.school_sheets(user=request.user, office=context["office"], year=context["year"])
    page = Paginator(sheets, PAGE_SIZE).get_page(request.GET.get("page"))
    decisions = sel.decisions_by_school(request.user, [s.school.pk for s in page], context["year"])
    rows = [(s, decisions.get(s.school.pk, []), sel.school_links(s, context["year"], context["office"])) for s in page]
    return render(request, "outcomes/index.html", {**context, "page": page, "rows": rows, "total": len(sheets)})


@login_required
@require_GET
def export(request: HttpRequest) -> HttpResponse:
    context = _choice(request)
    from dudao.schools.models import School

    count = School.objects.visible_to(request.user).filter(is_active=True).under(context["office"].region.code).count()
    return export_response(request, KIND, rows=count,
                           title=_("%(office)s %(year)s年结果运用表") % {"office": context["office"].name,
                                                                      "year": context["year"]})


@login_required
@require_GET
def sheet_pdf(request: HttpRequest) -> HttpResponse:
    """The county sheet to print (A4 landscape, always Chinese)."""
    context = _choice(request)
    office, year = context["office"], context["year"]
    sheets = sel.school_sheets(user=request.user, office=office, year=year)
    decisions = sel.decisions_by_school(request.user, [s.school.pk for s in sheets], year)
    pdf = render_pdf("outcomes/sheet_pdf.html", {
        "office": office, "year": year, "headers": sel.HEADERS, "notes": sel.sheet_notes(office, year),
        "rows": [sel.sheet_row(s, decisions.get(s.school.pk, [])) for s in sheets],
        "printed": timezone.localdate(),
    })
    return download_response(pdf, f"{office.name}-{year}年结果运用表.pdf", PDF, inline=True)


def _school_context(request: HttpRequest, pk: int) -> dict:
    school, office = sel.access_sheet_school(request.user, pk)
    year = sel.parse_year(request.GET.get("year"))
    sheet = sel.school_sheets(user=request.user, office=office, year=year, only=[school.pk])[0]
    return {
        "school": school, "office": office, "year": year, "years": sel.year_choices(), "sheet": sheet,
        "links": sel.school_links(sheet, year, office), "decisions": sel.school_decisions(request.user, school),
        "principal_decisions": [d for d in sel.principal_decisions(request.user, school.head_name)
                                if d.school_id != school.pk],
        "can_record": sel.may_record_decision(request.user, school), "printed": timezone.localdate(),
    }


@login_required
@require_GET
def school(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's sheet and its principal's: the figures of the year and every decision recorded."""
    return render(request, "outcomes/school.html", _school_context(request, pk))


@login_required
@require_GET
def school_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    context = _school_context(request, pk)
    pdf = render_pdf("outcomes/school_pdf.html", context)
    return download_response(pdf, f"{context['school'].name}-{context['year']}年结果运用表.pdf", PDF, inline=True)


@login_required
@require_http_methods(["GET", "POST"])
def decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    """Record a decision (约谈, 通报表扬, 经费奖补, 问责, 评优评先 …) on the school and its principal."""
    from django.core.exceptions import PermissionDenied

    school, _office_ = sel.access_sheet_school(request.user, pk)
    if not sel.may_record_decision(request.user, school):
        raise PermissionDenied(_("只有督导室工作人员可以记录结果运用决定。"))
    form = DecisionForm(request.POST or None, user=request.user, school=school)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            decision_record(by=request.user, school=school, kind=data["kind"], decided_on=data["decided_on"],
                            basis=data["basis"], document=data["document_number"], finding=data["finding_id"])
        except ValidationError as exc:
            for name, errors in exc.message_dict.items():
                form.add_error(name if name in form.fields else None, errors)
        else:
            messages.success(request, _("结果运用决定已记录。"))
            return redirect("outcomes:school", pk=school.pk)
    return render(request, "outcomes/decision_form.html", {"form": form, "school": school},
                  status=400 if form.errors else 200)


@login_required
@require_GET
def cockpit(request: HttpRequest) -> HttpResponse:
    """领导驾驶舱: per area of the office's subtree, each count linking to exactly its rows."""
    context = _choice(request)
    cards = cockpit_mod.cockpit(user=request.user, office=context["office"], year=context["year"])
    return render(request, "outcomes/cockpit.html", {**context, "cards": cards})
