"""The public complaint pages (no login): the form behind the school page `/s/<code>/` and the
tracking page where the complainant reads progress and the answer with their code.

Outside the scope mechanism on purpose (the public has no account): the form writes only through
`complaint_submit` after the abuse checks, and the tracking page shows a fixed list of fields of
the one complaint whose code was typed — never the phone, the name or any internal note.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods

from dudao.complaints import abuse, rules
from dudao.complaints.forms import ComplaintPublicForm, photos_in
from dudao.complaints.guard import upload_refusal
from dudao.complaints.selectors import category_labels, complaint_by_code, public_timeline
from dudao.complaints.services import complaint_office, policy_for
from dudao.core.errors import add_service_errors
from dudao.zones.plaques import public_school

SESSION_NEW = "complaints_new_code"


def _form_context(plaque, form: ComplaintPublicForm, challenge: abuse.Challenge, *, limited: str = "") -> dict:
    office = complaint_office(plaque.school)
    policy = policy_for(office)
    due = (_("%(n)s 个工作日") if policy.working_days else _("%(n)s 天")) % {"n": policy.response_days}
    return {"plaque": plaque, "school": plaque.school, "form": form, "question": challenge.question,
            "office_name": office.name if office else _("教育督导部门"), "due_text": due,
            "limited": limited, "max_photos": rules.MAX_PHOTOS,
            "max_photo_mb": rules.max_photo_bytes() // 1048576}


@never_cache
@require_http_methods(["GET", "POST"])
def complaint_form(request: HttpRequest, code: str) -> HttpResponse:
    """我要反映: category, text, photos, anonymous or a phone, and the challenge. A failed check
    keeps everything typed (photos must be chosen again: a browser never re-sends files)."""
    plaque = public_school(code)
    school = plaque.school
    if request.method == "GET":
        challenge = abuse.challenge_new()
        form = ComplaintPublicForm(initial={"token": challenge.token})
        return render(request, "complaints/public_form.html", _form_context(plaque, form, challenge))

    form = ComplaintPublicForm(request.POST, request.FILES)
    status, limited = 400, ""
    refused = upload_refusal(request)  # a surplus or oversized photo the guard did not store
    if refused:
        form.is_valid()
        form.add_error("photos", refused)
    elif form.is_valid():
        data = form.cleaned_data
        try:
            complaint = abuse.submit_public(
                request=request, school=school, token=data["token"], answer=data["answer"], website=data["website"],
                category=data["category"], text=data["text"], phone=data["phone"], contact_name=data["contact_name"],
                anonymous=data["anonymous"], photos=photos_in(data["photos"]),
            )
        except abuse.RateLimited as exc:
            limited, status = exc.message, 429
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            request.session[SESSION_NEW] = complaint.tracking_code
            return redirect(reverse("public:complaint_track") + "?" + urlencode({"code": complaint.tracking_code}))
    # A new question every time; the typed text stays (the form keeps its data and its errors).
    challenge = abuse.challenge_new()
    form.data = form.data.copy()
    form.data["token"], form.data["answer"] = challenge.token, ""
    return render(request, "complaints/public_form.html", _form_context(plaque, form, challenge, limited=limited),
                  status=status)


def complaint_form_refused(request: HttpRequest, code: str, message: str, status: int) -> HttpResponse:
    """The form again, empty, with why the submission was refused before it was read (guard.py)."""
    plaque = public_school(code)
    challenge = abuse.challenge_new()
    form = ComplaintPublicForm(initial={"token": challenge.token})
    return render(request, "complaints/public_form.html", _form_context(plaque, form, challenge, limited=message),
                  status=status)


@never_cache
@require_GET
def complaint_track(request: HttpRequest) -> HttpResponse:
    """查询办理进度: anyone with the code reads the state, the answer and the dates."""
    raw = (request.GET.get("code") or "").strip()
    context: dict = {"code": raw[:30]}
    status = 200
    if raw:
        address = abuse.ip_hash(abuse.client_ip(request))
        try:
            abuse.lookup_check(address)
        except abuse.RateLimited as exc:
            context["error"], status = exc.message, 429
        else:
            complaint = complaint_by_code(raw)
            if complaint is None:
                abuse.lookup_failed(address)
                context["error"], status = _("没有找到这个查询码，请核对后重新输入（共 10 位，不区分大小写）。"), 404
            else:
                context.update(
                    complaint=complaint, timeline=public_timeline(complaint),
                    category=category_labels().get(complaint.category, complaint.category),
                    just_submitted=request.session.get(SESSION_NEW) == complaint.tracking_code,
                )
    return render(request, "complaints/public_track.html", context, status=status)
