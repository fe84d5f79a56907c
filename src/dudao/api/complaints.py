"""Complaints over the same services and selectors as the pages.

Public (no authentication, for an app or a government portal embedding the form): fetch a
challenge, submit a complaint (same rate limits, challenge and checks as the form; returns the
tracking code), read a complaint's progress by its code. Staff: the list and one complaint in
scope, with the same phone masking as the pages.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from dudao import access
from dudao.api.errors import ErrorOut, invalid, problem
from dudao.complaints import abuse
from dudao.complaints.selectors import (
    ComplaintFilters,
    access_complaint,
    category_labels,
    complaint_by_code,
    complaint_list,
    handler_view,
    phone_for,
    public_timeline,
)
from dudao.complaints.services import PhotoIn
from dudao.schools.models import School

public_router = Router(tags=["群众反映（公开） public complaints"])
router = Router(tags=["群众反映 complaints"])



class ChallengeOut(Schema):
    question: str
    token: str


class SubmitIn(Schema):
    school_code: str
    category: str
    text: str
    phone: str = ""
    contact_name: str = ""
    anonymous: bool = False
    token: str
    answer: str
    website: str = ""  # leave empty (honeypot)


class SubmittedOut(Schema):
    tracking_code: str
    response_due: date


class StepOut(Schema):
    at: datetime
    label: str


class StatusOut(Schema):
    school: str
    category: str
    state: str
    state_label: str
    received_at: datetime
    response_due: date
    answer: str
    answered_at: datetime | None
    timeline: list[StepOut]


@public_router.get("/challenge", response=ChallengeOut, auth=None, summary="获取验证题（提交前取一次，答对后随表单提交）")
def complaint_challenge(request):
    challenge = abuse.challenge_new()
    return {"question": challenge.question, "token": challenge.token}


@public_router.post("/", response={201: SubmittedOut, 400: ErrorOut, 404: ErrorOut, 429: ErrorOut}, auth=None,
                    summary="提交群众反映（无需登录；照片可选，最多 3 张）")
def complaint_submit(request, payload: Form[SubmitIn], photos: File[list[UploadedFile]] = None):
    from dudao.complaints.guard import upload_refusal

    refused = upload_refusal(request)  # a surplus or oversized photo the guard did not store
    if refused:
        return problem(400, refused, field="photos")
    school = School.objects.filter(code=payload.school_code.strip(), is_active=True).first()
    if school is None:
        return problem(404, gettext("没有找到该学校。"), field="school_code")
    try:
        complaint = abuse.submit_public(
            request=request, school=school, token=payload.token, answer=payload.answer, website=payload.website,
            category=payload.category, text=payload.text, phone=payload.phone, contact_name=payload.contact_name,
            anonymous=payload.anonymous, photos=[PhotoIn(raw=f.read(), name=f.name or "") for f in photos or []],
        )
    except abuse.RateLimited as exc:
        return problem(429, exc.message)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, {"tracking_code": complaint.tracking_code, "response_due": complaint.response_due})


@public_router.get("/{code}", response={200: StatusOut, 404: ErrorOut, 429: ErrorOut}, auth=None,
                   summary="凭查询码查看办理进度和答复")
def complaint_status(request, code: str):
    address = abuse.ip_hash(abuse.client_ip(request))
    try:
        abuse.lookup_check(address)
    except abuse.RateLimited as exc:
        return problem(429, exc.message)
    complaint = complaint_by_code(code)
    if complaint is None:
        abuse.lookup_failed(address)
        return problem(404, gettext("没有找到这个查询码。"), field="code")
    return {
        "school": complaint.school.name, "category": category_labels().get(complaint.category, complaint.category),
        "state": complaint.state, "state_label": complaint.public_state_label, "received_at": complaint.received_at,
        "response_due": complaint.response_due, "answer": complaint.public_answer, "answered_at": complaint.answered_at,
        "timeline": [{"at": s.at, "label": s.label} for s in public_timeline(complaint)],
    }


# --- staff ---------------------------------------------------------------------------------------------
class ComplaintOut(Schema):
    id: int
    school_id: int
    school: str
    category: str
    channel: str
    text: str
    anonymous: bool
    contact_name: str
    phone: str
    received_at: datetime
    response_due: date
    overdue: bool
    state: str
    state_label: str
    outcome: str
    public_answer: str
    answered_at: datetime | None
    supervisor: str | None
    office: str | None
    finding_id: int | None

    @staticmethod
    def resolve_school(obj) -> str:
        return obj.school.name

    @staticmethod
    def resolve_contact_name(obj, context) -> str:
        return handler_view(context["request"].user, obj)["contact_name"]

    @staticmethod
    def resolve_phone(obj, context) -> str:
        return phone_for(context["request"].user, obj)

    @staticmethod
    def resolve_overdue(obj) -> bool:
        return obj.is_overdue()

    @staticmethod
    def resolve_state_label(obj) -> str:
        return obj.get_state_display()

    @staticmethod
    def resolve_supervisor(obj) -> str | None:
        return obj.supervisor.name if obj.supervisor else None

    @staticmethod
    def resolve_office(obj) -> str | None:
        return obj.office.name if obj.office else None


class EventOut(Schema):
    at: datetime
    action: str
    note: str
    actor: str


class ComplaintDetailOut(ComplaintOut):
    """The tracking code, the verification and the history only for the office and the assigned
    supervisor (null for other readers), as on the page."""

    tracking_code: str | None
    referred_to: str
    verification_note: str | None
    events: list[EventOut] | None

    @staticmethod
    def resolve_tracking_code(obj, context) -> str | None:
        return obj.tracking_code if access.sees_complaint_contact(context["request"].user, obj) else None

    @staticmethod
    def resolve_verification_note(obj, context) -> str | None:
        return obj.verification_note if access.sees_complaint_contact(context["request"].user, obj) else None

    @staticmethod
    def resolve_events(obj, context) -> list[dict] | None:
        if not access.sees_complaint_contact(context["request"].user, obj):
            return None
        return [{"at": e.created_at, "action": e.action, "note": e.note, "actor": e.actor.display_name if e.actor else ""}
                for e in obj.events.select_related("actor")]


class ComplaintFilterIn(Schema):
    state: str = ""
    outcome: str = ""
    category: str = ""
    school: str = ""
    overdue: str = ""
    mine: str = ""
    start: str = ""
    end: str = ""


@router.get("/", response=list[ComplaintOut], summary="群众反映（按权限范围）")
@paginate(PageNumberPagination, page_size=50)
def list_complaints(request, filters: Query[ComplaintFilterIn]):
    return complaint_list(user=request.user, filters=ComplaintFilters.from_params(filters.dict()))


@router.get("/{complaint_id}", response=ComplaintDetailOut, summary="群众反映详情")
def get_complaint(request, complaint_id: int):
    return access_complaint(request.user, complaint_id)
