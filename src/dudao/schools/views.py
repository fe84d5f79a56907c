from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from dudao.core.charts import bar_chart, pie_chart
from dudao.core.errors import add_service_errors
from dudao.core.excel import xlsx_response
from dudao.core.exports import Workbook, capped_count, export_response
from dudao.regions.models import Region
from dudao.schools.forms import SchoolForm
from dudao.schools.models import Locality, Ownership, School, SchoolKind, SchoolYearData, Stage
from dudao.schools.selectors import SchoolFilters, access_school, school_list, school_stats, school_year_data
from dudao.schools.services import EDITABLE_FIELDS, school_export_rows, school_update, year_data_table

PAGE_SIZE = 20


@login_required
def school_list_view(request: HttpRequest) -> HttpResponse:
    filters = SchoolFilters.from_params(request.GET)
    page = Paginator(school_list(user=request.user, filters=filters), PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page": page,
        "filters": filters,
        "query": filters.as_query(),
        "kinds": SchoolKind.choices,
        "ownerships": Ownership.choices,
        "localities": Locality.choices,
        "stages": Stage.choices,
        "regions": Region.objects.visible_to(request.user).filter(level__in=["city", "county"]).order_by("code")[:200],
    }
    template = "schools/school_list.html#results" if request.htmx else "schools/school_list.html"
    return render(request, template, context)


@login_required
def school_overview(request: HttpRequest) -> HttpResponse:
    """学校概况: the register of the user's scope at a glance — counts by kind, ownership, locality,
    stage and region, with charts (the home page is the workbench; these counts live here)."""
    stats = school_stats(user=request.user)
    return render(request, "schools/school_overview.html", {
        "stats": stats,
        "kind_chart": pie_chart(_("按办学类型"), [(label, n) for _k, label, n in stats.by_kind]),
        "region_chart": bar_chart(_("按区划"), [(name, n) for _c, name, n in stats.by_region], _("学校数")),
    })


@login_required
def school_export(request: HttpRequest) -> HttpResponse:
    """The filtered list, exactly as shown, as Excel (same selector, same scope)."""
    filters = SchoolFilters.from_params(request.GET)
    return export_response(request, "dudao.schools.views.school_workbook",
                           rows=capped_count(school_list(user=request.user, filters=filters)), title=_("学校名录"))


def school_workbook(user, params) -> Workbook:
    """The builder of the list's Excel file (core/exports.py): at once when small, else in the background."""
    schools = school_list(user=user, filters=SchoolFilters.from_params(params))
    headers, rows = school_export_rows(schools)
    return Workbook("学校名录", [("学校名录", headers, rows)], total=schools.count)


@login_required
def school_detail(request: HttpRequest, pk: int) -> HttpResponse:
    from django.utils import timezone

    from dudao.zones.selectors import responsible_on

    school = access_school(request.user, pk)
    years = list(school_year_data(school=school))
    return render(
        request,
        "schools/school_detail.html",
        {"school": school, "table": year_data_table(years), "year_count": len({y.year for y in years}),
         "responsible": responsible_on(school=school, day=timezone.localdate()),
         "can_edit": School.objects.visible_to(request.user, write=True).filter(pk=school.pk).exists()},
    )


@login_required
def school_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """学校基本信息: office staff (and the admin) within their scope; everyone else who sees the school 403."""
    school = access_school(request.user, pk, write=True)
    form = SchoolForm(request.POST or None, instance=School.objects.get(pk=school.pk))
    if request.method == "POST" and form.is_valid():
        try:
            school_update(school=school, **{name: form.cleaned_data[name] for name in EDITABLE_FIELDS})
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("学校信息已保存。"))
            return redirect("schools:detail", pk=school.pk)
    return render(request, "schools/school_form.html", {"form": form, "school": school}, status=400 if form.errors else 200)


@login_required
def school_year_export(request: HttpRequest, pk: int) -> HttpResponse:
    school = access_school(request.user, pk)
    table = year_data_table(list(school_year_data(school=school)))
    headers = ["指标"] + [col["title"] for col in table["columns"]]
    rows = [[row["label"], *row["values"]] for row in table["rows"]]
    return xlsx_response(f"{school.name}-年度基础数据", "年度基础数据", headers, rows)


__all__ = ["SchoolYearData"]
