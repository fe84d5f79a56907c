from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dudao.core import workbench
from dudao.core.charts import sparkline
from dudao.people.scope import get_scope


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: what this person must do now, each count linking to exactly those rows
    (core/workbench.py). Supervisors land on 我的督导, their phone page."""
    if workbench.lands_on_field(request.user):
        return redirect("visits:field_home")
    bench = workbench.workbench(user=request.user, today=timezone.localdate())
    return render(request, "core/home.html", {
        "bench": bench,
        "scope": get_scope(request.user),
        "grants": request.user.role_grants.select_related("office").all(),
        "sparks": [(f, sparkline(f.trend_labels, f.trend) if f.trend else None) for f in bench.leader],
    })


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: answers without touching the scope or a session."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})
