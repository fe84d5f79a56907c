"""Plaques (督导公示牌): one school's PDF at once; a zone's or an office's schools as a batch with a
progress page. The plaque carries supervisors' full phone numbers (挂牌办法 Art 2), so printing is
for the office and those above it, and for the school's own supervisor and account.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dudao.core.documents import PDF
from dudao.core.downloads import download_response
from dudao.core.errors import joined_messages
from dudao.schools.models import School
from dudao.zones.plaques import (
    PLAQUE_TITLE,
    access_school_plaque,
    office_plaque_schools,
    plaque_batch_check_stalled,
    plaque_batch_create,
    plaque_batch_file_response,
    plaque_batch_start,
    plaque_pdf,
    public_address,
    zone_plaque_schools,
)
from dudao.zones.selectors import access_plaque_batch


@login_required
@require_GET
def plaque_school(request: HttpRequest, pk: int) -> HttpResponse:
    """One school's plaque, rendered in the request.

    Who may download it: anyone who sees the school (`access_school`, else 404) AND is one of
    - staff or leader of the plaque's office or an office above it, or an admin (`sees_office_details`);
    - the school's current responsible supervisor (an open assignment);
    - a supervisor or school account whose role grant lists the school.
    Others who see the school (evaluators, zone colleagues) get 403: the plaque has full phone numbers.
    """
    school = access_school_plaque(request.user, pk)
    return download_response(plaque_pdf([school]), f"{school.name}-{PLAQUE_TITLE}.pdf", PDF)


def _start_batch(request: HttpRequest, *, title: str, schools: QuerySet[School], back: str) -> HttpResponse:
    try:
        batch = plaque_batch_create(by=request.user, title=title, schools=schools)
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
        return redirect(back)
    address = public_address()
    if not address.ok:
        messages.warning(request, _("公示牌二维码地址不可用：%(problem)s 生成的公示牌请勿打印张贴。") % {"problem": address.problem})
    plaque_batch_start(batch=batch)
    return redirect("zones:plaque_batch", pk=batch.pk)


@login_required
@require_POST
def plaque_zone(request: HttpRequest, pk: int) -> HttpResponse:
    """Plaques of a zone's active schools: for the zone's office and those above it (staff, leaders,
    admins). Zone heads and members see the zone but print only their own schools' plaques."""
    title, schools = zone_plaque_schools(request.user, pk)
    return _start_batch(request, title=title, schools=schools, back=reverse("zones:detail", args=[pk]))


@login_required
@require_POST
def plaque_office(request: HttpRequest, pk: int) -> HttpResponse:
    """Plaques of every school an office's zones cover (coverage.schools_for_office): for the office
    and those above it (staff, leaders, admins)."""
    title, schools = office_plaque_schools(request.user, pk)
    return _start_batch(request, title=title, schools=schools, back=reverse("zones:index") + f"?office={pk}")


@login_required
@require_GET
def plaque_batch(request: HttpRequest, pk: int) -> HttpResponse:
    """Progress of a batch (polled by HTMX every second until it finishes), then its download link."""
    batch = plaque_batch_check_stalled(access_plaque_batch(request.user, pk))
    template = "zones/plaque_batch.html#progress" if request.htmx else "zones/plaque_batch.html"
    return render(request, template, {"batch": batch})


@login_required
@require_GET
def plaque_batch_download(request: HttpRequest, pk: int) -> HttpResponse:
    return plaque_batch_file_response(access_plaque_batch(request.user, pk))
