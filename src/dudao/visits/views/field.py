"""The supervisor's phone pages (我的督导): the month at a glance, starting a visit at a school, the
one-column visit form with its autosave / submit / photo endpoints, and a visit's detail page.

Every write is keyed by a client-generated id (visits/services.py), so the form's script may retry
any request after a dropped connection. Who sees what:
- the form and its endpoints — the supervisor who started the visit (`access_own_visit`,
  `access_own_photo`); other people's drafts answer 404, people without a supervisor record 403;
  a campaign inspection (or another non-routine basis) is the same form for its author, each request
  asking the basis's rule (`services.visit_may_write`: a team member, in the on-site phase);
- a visit's detail — whoever's scope holds the school once it is submitted (`access_visit`); the
  school reads the feedback only, not location, narrative, photos or refusal (`access.readable_fields`);
- a photo — only those who read the whole visit (`access_visit_photo`);
- each problem's finding (整改台账: state, deadline, link) — only when the finding itself is visible
  to the reader (`selectors.visit_findings`); the school sees its own findings' states.
"""

from __future__ import annotations

import json
import uuid
from datetime import timedelta
from pathlib import Path

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from dudao.access import get_visible_or_404, readable_fields
from dudao.core.downloads import stored_file_response
from dudao.core.errors import error_dict, joined_messages
from dudao.findings.services import policy_for
from dudao.visits.documents import may_file_record
from dudao.visits.forms import post_as_data, visit_input
from dudao.visits.models import LocationStatus, Visit, VisitMode, VisitPhoto, VisitStatus
from dudao.visits.selectors import (
    access_own_photo,
    access_own_visit,
    access_visit,
    access_visit_photo,
    code_labels,
    field_home,
    labels_of,
    problem_rows,
    visit_as_draft,
    visit_form_choices,
)
from dudao.visits.services import (
    MAX_PHOTO_BYTES,
    photo_add,
    photo_remove,
    supervisor_of,
    visit_draft_discard,
    visit_may_write,
    visit_save,
    visitable_schools,
)

PHOTO_TYPES = {"image/jpeg", "image/png", "image/webp", "image/jpg", "image/pjpeg", ""}
SERVICE_WORKER = Path(__file__).resolve().parent.parent / "static" / "visits" / "field_sw.js"


def _wants_json(request: HttpRequest) -> bool:
    return "application/json" in request.headers.get("Accept", "") or request.content_type == "application/json"


def _json_body(request: HttpRequest) -> dict:
    try:
        data = json.loads(request.body or b"{}")
    except (ValueError, UnicodeDecodeError) as exc:
        raise ValidationError(_("提交的数据格式不正确，请刷新页面后重试。")) from exc
    if not isinstance(data, dict):
        raise ValidationError(_("提交的数据格式不正确，请刷新页面后重试。"))
    return data


def _saved(visit: Visit) -> dict:
    return {
        "ok": True, "client_id": str(visit.client_id), "server_id": visit.pk, "status": visit.status,
        "saved_at": visit.updated_at.isoformat(), "started_at": visit.started_at.isoformat(),
        "location_status": visit.location_status, "distance_m": visit.distance_m,
        "problems_saved": visit.problems.count(),
        "url": _done_url(visit) if visit.status == VisitStatus.SUBMITTED else None,
    }


def _done_url(visit: Visit) -> str:
    """Where a submitted visit leads: its detail page, or for another basis its app's list (a campaign
    inspector may read the school only through the campaign)."""
    if visit.is_routine:
        return reverse("visits:detail", args=[visit.pk])
    from dudao.visits.bases import basis_rule

    rule = basis_rule(visit.basis)
    return rule.home_url(visit) if rule.home_url else reverse("visits:detail", args=[visit.pk])


def _photo_json(photo: VisitPhoto) -> dict:
    return {
        "client_id": str(photo.client_id), "id": photo.pk, "status": "done", "name": photo.caption,
        "url": reverse("visits:photo", args=[photo.pk]), "width": photo.width, "height": photo.height,
        "taken_at": photo.taken_at.isoformat() if photo.taken_at else None,
        "exif_latitude": float(photo.exif_latitude) if photo.exif_latitude is not None else None,
        "exif_longitude": float(photo.exif_longitude) if photo.exif_longitude is not None else None,
    }


def _record_pdf_url(visit: Visit) -> str | None:
    """The record sheet (责任督导工作记录表) is the office pages' URL; link it once it exists."""
    try:
        return reverse("visits:record_pdf", args=[visit.pk])
    except NoReverseMatch:
        return None


# --- 我的督导 ----------------------------------------------------------------------------------------


@login_required
@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The month against the quota, schools not visited this semester, where to start, drafts."""
    supervisor = supervisor_of(request.user)
    data = field_home(supervisor=supervisor, user=request.user, today=timezone.localdate())
    return render(request, "visits/field_home.html", {
        "supervisor": supervisor, "home": data, "modes": VisitMode.choices,
        # one client id per start button, made here so even a double tap without script starts one visit
        "start_rows": [(row, uuid.uuid4()) for row in data.schools],
        "submitted_ids": data.submitted_client_ids,
    })


@login_required
@require_POST
def start(request: HttpRequest) -> HttpResponse:
    """开始督导: the server time is recorded now, with the device's time and position when sent."""
    supervisor = supervisor_of(request.user)
    school = get_visible_or_404(visitable_schools(supervisor, timezone.localdate()), pk=request.POST.get("school"))
    try:
        client_id = uuid.UUID(request.POST.get("client_id") or "")
    except ValueError:
        client_id = uuid.uuid4()
    data = post_as_data(request.POST)
    try:
        visit, _created = visit_save(by=request.user, data=visit_input(data, client_id=client_id, school=school))
    except ValidationError as exc:
        messages.error(request, joined_messages(exc))
        return redirect("visits:field_home")
    if visit.status == VisitStatus.SUBMITTED:
        return redirect("visits:detail", pk=visit.pk)
    return redirect("visits:field_form", client_id=visit.client_id)


# --- the form ------------------------------------------------------------------------------------


def _form_context(request: HttpRequest, visit: Visit, draft: dict, errors: dict | None = None) -> dict:
    choices = visit_form_choices()
    chosen = {code for code, _label in choices["categories"]}
    # a category no longer active stays selectable on a draft that already uses it
    _methods, _topics, categories = code_labels()
    extra = [(p["category"], categories.get(p["category"], p["category"])) for p in draft.get("problems", [])
             if p.get("category") and p["category"] not in chosen]
    deadline_days = policy_for(visit.supervisor.office).default_deadline_days if visit.supervisor_id else 0
    capture, home = None, reverse("visits:field_home")
    if not visit.is_routine:
        from dudao.visits.bases import basis_rule

        rule = basis_rule(visit.basis)
        capture = rule.form(visit)
        home = rule.home_url(visit) if rule.home_url else home
    return {
        "capture": capture, "home_url": home,
        # a new problem proposes the office's default rectification deadline (整改时限设置), editable
        "deadline_days": deadline_days, "default_deadline": timezone.localdate() + timedelta(days=deadline_days),
        "visit": visit, "school": visit.school, "draft": draft, "errors": errors or {},
        "methods": choices["methods"], "item_topics": choices["supervision_item"], "focus_topics": choices["visit_focus"],
        "categories": choices["categories"] + extra, "modes": VisitMode.choices,
        "location_labels": dict(LocationStatus.choices), "today": timezone.localdate(),
        "school_has_position": visit.school.latitude is not None and visit.school.longitude is not None,
        "urls": {
            "autosave": reverse("visits:field_autosave", args=[visit.client_id]),
            "submit": reverse("visits:field_submit", args=[visit.client_id]),
            "photos": reverse("visits:photo_upload", args=[visit.client_id]),
            "photo_remove": reverse("visits:photo_remove", args=["00000000-0000-0000-0000-000000000000"]),
            "discard": reverse("visits:draft_discard", args=[visit.client_id]),
            "home": home,
            "sw": reverse("visits:field_sw"),
        },
    }


@never_cache
@login_required
@require_GET
def form(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    visit = _own_draft(request, client_id)
    if visit.status == VisitStatus.SUBMITTED:
        return redirect(_done_url(visit))  # a submitted visit is read-only
    return render(request, "visits/field_form.html", _form_context(request, visit, visit_as_draft(visit)))


def _own_draft(request: HttpRequest, client_id: uuid.UUID) -> Visit:
    """The user's own visit, if they may still write it: a routine visit's supervisor, or whom the
    basis's rule lets record it (a submitted visit is only read back, so a retry sees it)."""
    if request.user.is_authenticated:
        from dudao.visits.models import VisitBasis

        if not Visit.objects.filter(client_id=client_id, created_by_id=request.user.pk).exclude(
                basis=VisitBasis.ROUTINE).exists():
            supervisor_of(request.user)  # routine (or not theirs): 403 for people without a record
    visit = access_own_visit(request.user, client_id)
    if visit.status != VisitStatus.SUBMITTED:
        visit_may_write(request.user, visit)
    return visit


@login_required
@require_POST
def autosave(request: HttpRequest, client_id: uuid.UUID) -> JsonResponse:
    """The form's script saves the whole draft here (JSON); the same draft twice changes nothing."""
    visit = _own_draft(request, client_id)
    try:
        data = visit_input(_json_body(request), client_id=visit.client_id, school=visit.school)
        visit, _created = visit_save(by=request.user, data=data)
    except ValidationError as exc:
        return JsonResponse({"ok": False, "errors": error_dict(exc)}, status=400)
    return JsonResponse(_saved(visit))


@login_required
@require_POST
def submit(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    """Submit (JSON from the script, or the plain form). A repeated submission returns the same
    visit; a refused one keeps the draft saved and answers with the messages per field."""
    visit = _own_draft(request, client_id)
    as_json = request.content_type == "application/json"
    try:
        raw = _json_body(request) if as_json else post_as_data(request.POST)
        data = visit_input(raw, client_id=visit.client_id, school=visit.school)
    except ValidationError as exc:
        if as_json:
            return JsonResponse({"ok": False, "errors": error_dict(exc)}, status=400)
        return _form_again(request, visit, post_as_data(request.POST), error_dict(exc))
    try:
        visit, _created = visit_save(by=request.user, data=data, submit=True)
    except ValidationError as exc:
        errors = error_dict(exc)
        try:  # keep what was typed on the server too
            visit_save(by=request.user, data=data)
        except ValidationError:
            pass
        if as_json:
            return JsonResponse({"ok": False, "errors": errors}, status=400)
        return _form_again(request, visit, raw, errors)
    messages.success(request, _("督导记录已提交。"))
    if as_json:
        return JsonResponse(_saved(visit))
    return redirect(_done_url(visit))


def _form_again(request: HttpRequest, visit: Visit, raw: dict, errors: dict) -> HttpResponse:
    """The form with the messages and every value as typed (the plain, script-less submission)."""
    visit.refresh_from_db()
    draft = {**visit_as_draft(visit), **{k: v for k, v in raw.items() if k not in {"latitude", "longitude", "accuracy"}}}
    draft["refused"] = raw.get("refused") in (True, "1", "on", "true")
    draft["problems"] = [p for p in raw.get("problems", [])
                         if any((p.get(k) or "").strip() for k in ("category", "description", "requirement", "deadline"))]
    return render(request, "visits/field_form.html", _form_context(request, visit, draft, errors))


# --- photos ----------------------------------------------------------------------------------------


def _photo_error(request: HttpRequest, visit: Visit, message: str, status: int) -> HttpResponse:
    if _wants_json(request):
        return JsonResponse({"ok": False, "error": message}, status=status)
    messages.error(request, message)
    return redirect("visits:field_form", client_id=visit.client_id)


@login_required
@require_POST
def photo_upload(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    """One photo (multipart, with its own client id): checked, EXIF read, shrunk, hashed (photo_add)."""
    visit = _own_draft(request, client_id)
    upload = request.FILES.get("file")
    if upload is None:
        return _photo_error(request, visit, _("请选择要上传的照片。"), 400)
    try:
        photo_id = uuid.UUID(request.POST.get("client_id") or "")
    except ValueError:
        photo_id = uuid.uuid4()
    if upload.size > MAX_PHOTO_BYTES:
        return _photo_error(request, visit, _("照片过大（%(mb).1f MB），单张不超过 15 MB。") % {"mb": upload.size / 1048576}, 400)
    if (upload.content_type or "").lower() not in PHOTO_TYPES:
        return _photo_error(request, visit, _("只支持 JPG、PNG、WebP 格式的照片（HEIC 请在手机相机设置中选择“兼容性最佳”）。"), 400)
    try:
        photo, created = photo_add(by=request.user, visit=visit, client_id=photo_id, raw=upload.read(),
                                   caption=(request.POST.get("caption") or upload.name or "")[:200])
    except ValidationError as exc:
        return _photo_error(request, visit, joined_messages(exc), 400)
    except PermissionDenied as exc:
        return _photo_error(request, visit, str(exc) or _("不能为这条记录上传照片。"), 403)
    if _wants_json(request):
        return JsonResponse(_photo_json(photo), status=201 if created else 200)
    messages.success(request, _("照片已上传。"))
    return redirect("visits:field_form", client_id=visit.client_id)


@login_required
@require_POST
def photo_delete(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    photo = access_own_photo(request.user, client_id)
    visit = photo.visit
    if visit.is_routine:
        supervisor_of(request.user)
    visit_may_write(request.user, visit)
    try:
        photo_remove(by=request.user, photo=photo)
    except PermissionDenied:
        return _photo_error(request, visit, _("督导记录已提交，照片不能再删除。"), 403)
    if _wants_json(request):
        return JsonResponse({"ok": True})
    return redirect("visits:field_form", client_id=visit.client_id)


@login_required
@require_GET
def photo(request: HttpRequest, pk: int) -> HttpResponse:
    """Photos are served through the scope check, never from a public media URL."""
    return stored_file_response(access_visit_photo(request.user, pk).image, "image/jpeg")


# --- discarding, detail, the offline helper ------------------------------------------------------------


@login_required
@require_POST
def discard(request: HttpRequest, client_id: uuid.UUID) -> HttpResponse:
    visit = _own_draft(request, client_id)
    if visit.status == VisitStatus.SUBMITTED:
        raise PermissionDenied(_("督导记录已提交，不能删除。"))
    home = _form_context(request, visit, {})["home_url"]
    visit_draft_discard(by=request.user, visit=visit)
    if _wants_json(request):
        return JsonResponse({"ok": True, "url": home})
    messages.success(request, _("草稿已删除。"))
    return redirect(home)


@login_required
@require_GET
def detail(request: HttpRequest, pk: int) -> HttpResponse:
    """A visit for whoever sees it; the school reads the feedback (methods, topics, opinions, problems)."""
    visit = access_visit(request.user, pk)
    reads = readable_fields(request.user, visit)  # the restricted fields this user reads (access.fields)
    methods, topics, categories = code_labels()
    basis_detail = None
    if not visit.is_routine and "narrative" in reads:  # e.g. a campaign's scores: not for the school
        from dudao.visits.bases import basis_rule

        rule = basis_rule(visit.basis)
        basis_detail = rule.detail(visit) if rule.detail else None
    return render(request, "visits/visit_detail.html", {
        "basis_detail": basis_detail,
        "visit": visit, "reads": reads, "own": visit.created_by_id == request.user.pk,
        "methods": labels_of(visit.methods, methods), "topics": labels_of(visit.topics, topics),
        "problems": problem_rows(request.user, visit, categories, timezone.localdate()),
        "photos": list(visit.photos.all()) if "photos" in reads else [],
        "record_pdf_url": _record_pdf_url(visit) if visit.status == VisitStatus.SUBMITTED else None,
        # 存档为公文 (visits/documents.py): office staff above the school who read every field
        "may_file_record": visit.status == VisitStatus.SUBMITTED and may_file_record(request.user, visit),
    })


@require_GET
def service_worker(request: HttpRequest) -> HttpResponse:
    """The form's offline helper: served from /visits/field/ so that it may keep those pages for a
    reload without network (a static file's scope would be /static/ only). It holds no data."""
    response = HttpResponse(SERVICE_WORKER.read_text(encoding="utf-8"), content_type="text/javascript; charset=utf-8")
    response["Cache-Control"] = "no-cache"
    return response
