"""随访·视导 pages (visits/followup.py): the list of one's follow-up visits with the start form — a
school by its 学校标识码 and, optionally, the finding followed up — and the start, which creates the
draft (server time, the phone's time and position) and opens the one visit form."""

from __future__ import annotations

import uuid

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from dudao.core.errors import joined_messages
from dudao.schools.models import School
from dudao.visits.followup import followup_finding, may_record_followup, may_start_followups, ref_of_finding
from dudao.visits.forms import post_as_data, visit_input
from dudao.visits.models import Visit, VisitBasis, VisitStatus
from dudao.visits.services import visit_save

PAGE_SIZE = 30


def _require_starter(request: HttpRequest) -> None:
    if not may_start_followups(request.user):
        raise PermissionDenied(_("只有督导室工作人员或在岗督学可以填写随访·视导记录。"))


def _render(request: HttpRequest, *, typed: dict[str, str], error: str = "", status: int = 200) -> HttpResponse:
    visits = (Visit.objects.filter(created_by_id=request.user.pk, basis=VisitBasis.FOLLOWUP)
              .select_related("school").order_by("-started_at", "-id"))
    page = Paginator(visits, PAGE_SIZE).get_page(request.GET.get("page"))
    finding = followup_finding(request.user, f"finding:{typed.get('finding', '')}") if typed.get("finding") else None
    return render(request, "visits/followup_home.html", {
        "page": page, "rows": list(page.object_list), "typed": typed, "error": error, "finding": finding,
        "start_id": uuid.uuid4(), "submitted_ids": [str(v.client_id) for v in page.object_list
                                                    if v.status == VisitStatus.SUBMITTED],
    }, status=status)


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    _require_starter(request)
    typed = {"school_code": request.GET.get("school_code", "")[:20], "finding": request.GET.get("finding", "")[:12]}
    return _render(request, typed=typed)


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """开始随访: the school by its code (or the finding's school), checked by the basis's rule."""
    _require_starter(request)
    typed = {"school_code": (request.POST.get("school_code") or "").strip()[:20],
             "finding": (request.POST.get("finding") or "").strip()[:12]}
    ref, school = "", None
    if typed["finding"]:
        finding = followup_finding(request.user, f"finding:{typed['finding']}") if typed["finding"].isdigit() else None
        if finding is None or finding.school is None:
            return _render(request, typed=typed, status=400,
                           error=_("没有找到编号为 %(id)s 的学校问题，或不在您的权限范围内。") % {"id": typed["finding"]})
        ref, school = ref_of_finding(finding), finding.school
    if typed["school_code"]:
        chosen = School.objects.visible_to(request.user).filter(code=typed["school_code"]).first()
        if chosen is None:
            return _render(request, typed=typed, status=400,
                           error=_("没有找到学校标识码为 %(code)s 的学校，或不在您的督导范围内。") % {"code": typed["school_code"]})
        if school is not None and chosen.pk != school.pk:
            return _render(request, typed=typed, status=400, error=_("所随访的问题不属于该校。"))
        school = chosen
    if school is None:
        return _render(request, typed=typed, status=400, error=_("请填写学校标识码，或所随访问题的编号。"))
    try:
        client_id = uuid.UUID(request.POST.get("client_id") or "")
    except ValueError:
        client_id = uuid.uuid4()
    try:
        may_record_followup(request.user, school, ref)
        visit, _created = visit_save(by=request.user, data=visit_input(post_as_data(request.POST), client_id=client_id,
                                                                       school=school),
                                     basis=VisitBasis.FOLLOWUP, basis_ref=ref)
    except ValidationError as exc:
        return _render(request, typed=typed, error=joined_messages(exc), status=400)
    except PermissionDenied as exc:
        return _render(request, typed=typed, error=str(exc), status=403)
    if visit.status == VisitStatus.SUBMITTED:
        return redirect("visits:detail", pk=visit.pk)
    return redirect("visits:field_form", client_id=visit.client_id)
