from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone

from dudao.access import get_scope
from dudao.core import workbench
from dudao.core.charts import sparkline


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


@login_required
def jobs_attention(request: HttpRequest) -> HttpResponse:
    """后台任务需处理: the failed or stalled imports, monitoring runs and plaque batches of the last
    week in the user's scope (core/attention.py); the workbench's "jobs" tile counts these rows.
    For those who may change data, like the import pages (others: 403)."""
    from dudao.access import can_write_anything
    from dudao.core.attention import RECENT_JOB_DAYS, job_rows

    if not can_write_anything(request.user):
        raise PermissionDenied
    page = Paginator(job_rows(user=request.user), 20).get_page(request.GET.get("page"))
    return render(request, "core/jobs_attention.html", {"page": page, "days": RECENT_JOB_DAYS})


def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness for load balancers: answers without touching the scope or a session."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


@login_required
def export_job(request: HttpRequest, pk: int) -> HttpResponse:
    """A large Excel export being written in the background (core/exports.py): progress, then the
    download. Only its owner sees it (404 for anyone else)."""
    from dudao.core.exports import KEEP_DAYS, access_export_job, export_job_check_stalled

    job = export_job_check_stalled(access_export_job(request.user, pk))
    template = "core/export_job.html#progress" if request.htmx else "core/export_job.html"
    return render(request, template, {"job": job, "keep_days": KEEP_DAYS})


@login_required
def export_download(request: HttpRequest, pk: int) -> HttpResponse:
    from urllib.parse import quote

    from django.http import FileResponse, Http404

    from dudao.core.exports import access_export_job
    from dudao.core.models import ExportStatus

    job = access_export_job(request.user, pk)
    if job.status != ExportStatus.SUCCEEDED or not job.file:
        raise Http404
    response = FileResponse(job.file.open("rb"), as_attachment=True, filename=job.filename,
                            content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{quote(job.filename)}"
    return response
