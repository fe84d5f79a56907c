from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from dudao.core.charts import bar_chart, pie_chart
from dudao.people.scope import get_scope
from dudao.schools.selectors import school_stats


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The user's scope at a glance: counts by kind, stage and region, with a chart."""
    stats = school_stats(user=request.user)
    scope = get_scope(request.user)
    return render(
        request,
        "core/home.html",
        {
            "stats": stats,
            "scope": scope,
            "grants": request.user.role_grants.select_related("office").all(),
            "kind_chart": pie_chart(_("按办学类型"), [(label, n) for _k, label, n in stats.by_kind]),
            "region_chart": bar_chart(_("按区划"), [(name, n) for _c, name, n in stats.by_region], _("学校数")),
        },
    )


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: answers without touching the scope or a session."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
