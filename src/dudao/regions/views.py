from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dudao.core.charts import bar_chart, pie_chart
from dudao.regions.selectors import (
    access_region,
    office_for_region,
    region_ancestors,
    region_children,
    region_roots,
    school_counts_by_region,
)
from dudao.schools.selectors import school_stats


@login_required
def tree(request: HttpRequest) -> HttpResponse:
    roots = region_roots(user=request.user)
    counts = school_counts_by_region(user=request.user, regions=roots)
    return render(request, "regions/region_tree.html", {"nodes": [(r, counts[r.code]) for r in roots]})


@login_required
def children(request: HttpRequest, code: str) -> HttpResponse:
    """HTMX: the children of one node of the tree, loaded when it is opened."""
    region = access_region(request.user, code)
    kids = list(region_children(user=request.user, region=region))
    counts = school_counts_by_region(user=request.user, regions=kids)
    return render(request, "regions/region_tree.html#nodes", {"nodes": [(r, counts[r.code]) for r in kids]})


@login_required
def detail(request: HttpRequest, code: str) -> HttpResponse:
    region = access_region(request.user, code)
    kids = list(region_children(user=request.user, region=region))
    counts = school_counts_by_region(user=request.user, regions=kids)
    stats = school_stats(user=request.user, region_code=region.code)
    return render(
        request,
        "regions/region_detail.html",
        {
            "region": region,
            "ancestors": region_ancestors(region),
            "office": office_for_region(user=request.user, region=region),
            "children": [(r, counts[r.code]) for r in kids],
            "stats": stats,
            "kind_chart": pie_chart(_("按办学类型"), [(label, n) for _k, label, n in stats.by_kind]),
            "region_chart": bar_chart(_("下级区划学校数"), [(r.name, counts[r.code]) for r in kids], _("学校数")),
        },
    )
