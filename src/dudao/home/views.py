from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dudao.access import get_scope
from dudao.core.charts import sparkline
from dudao.home import workbench


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """工作台: what this person must do now, each count linking to exactly those rows
    (home/workbench.py). Supervisors land on 我的督导, their phone page."""
    if workbench.lands_on_field(request.user):
        return redirect("visits:field_home")
    bench = workbench.workbench(user=request.user, today=timezone.localdate())
    return render(request, "home/home.html", {
        "bench": bench,
        "scope": get_scope(request.user),
        "grants": request.user.role_grants.select_related("office").all(),
        "sparks": [(f, sparkline(f.trend_labels, f.trend) if f.trend else None) for f in bench.leader],
    })


@login_required
def jobs_attention(request: HttpRequest) -> HttpResponse:
    """后台任务需处理: the failed or stalled imports, monitoring runs and plaque batches of the last
    week in the user's scope (home/attention.py); the workbench's "jobs" tile counts these rows.
    For those who may change data, like the import pages (others: 403)."""
    from dudao.access import can_write_anything
    from dudao.home.attention import RECENT_JOB_DAYS, job_rows

    if not can_write_anything(request.user):
        raise PermissionDenied
    page = Paginator(job_rows(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "home/jobs_attention.html", {"page": page, "days": RECENT_JOB_DAYS})
