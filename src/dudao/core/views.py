from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render


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
