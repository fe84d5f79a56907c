from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from dudao.access import can_write_anything
from dudao.core.excel import xlsx_download, xlsx_response
from dudao.imports.forms import ImportUploadForm
from dudao.imports.models import ImportKind
from dudao.imports.reader import FileProblem
from dudao.imports.selectors import access_import_job, import_job_list
from dudao.imports.services import (
    import_job_check_stalled,
    import_job_create,
    import_job_start,
    import_template_write,
)


def _require_writer(request: HttpRequest) -> None:
    if not can_write_anything(request.user):
        raise PermissionDenied


@login_required
def job_list(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    attention = request.GET.get("attention") == "1"  # the workbench's "failed or stalled" count links here
    jobs = import_job_list(user=request.user, attention=attention)
    page = Paginator(jobs, 20).get_page(request.GET.get("page"))
    for job in page.object_list:
        if not job.is_finished:  # a job its worker lost shows as failed here too, not "running" forever
            import_job_check_stalled(job)
    return render(request, "imports/import_list.html", {"page": page, "kinds": ImportKind.choices, "attention": attention})


@login_required
def job_new(request: HttpRequest) -> HttpResponse:
    _require_writer(request)
    form = ImportUploadForm(request.POST or None, request.FILES or None, initial={"kind": request.GET.get("kind", ImportKind.SCHOOLS)})
    if request.method == "POST" and form.is_valid():
        try:
            job = import_job_create(user=request.user, kind=form.cleaned_data["kind"], upload=form.cleaned_data["file"])
        except FileProblem as exc:
            form.add_error("file", str(exc))
        else:
            import_job_start(job=job)
            return redirect("imports:detail", pk=job.pk)
    return render(request, "imports/import_new.html", {"form": form, "kinds": ImportKind.choices}, status=400 if form.errors else 200)


@login_required
def job_detail(request: HttpRequest, pk: int) -> HttpResponse:
    job = import_job_check_stalled(access_import_job(request.user, pk))
    template = "imports/import_detail.html#progress" if request.htmx else "imports/import_detail.html"
    return render(request, template, {"job": job, "errors": job.errors[:200]})


@login_required
def job_errors_export(request: HttpRequest, pk: int) -> HttpResponse:
    job = access_import_job(request.user, pk)
    rows = ([e["row"], e["column"], e["message"]] for e in job.errors)
    return xlsx_response(f"导入错误-{job.pk}", "错误明细", ["行号", "列", "错误说明"], rows)


@login_required
def template_download(request: HttpRequest, kind: str) -> HttpResponse:
    _require_writer(request)
    if kind not in ImportKind.values:
        raise PermissionDenied
    return xlsx_download(f"{ImportKind(kind).label}导入模板.xlsx", lambda path: import_template_write(path, kind, request.user))


