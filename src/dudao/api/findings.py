"""The findings ledger (整改台账) over the same selectors, services and scope as the pages.

Reads start from `Finding.objects.visible_to(user)` (404 outside it). Writes go through
`findings.services`: the workflow table decides who may take which step (403 otherwise, 400 with
the Chinese reason for a wrong state or a missing reason). Evidence is uploaded one file at a
time (`POST /findings/{id}/evidence`, multipart); a following "report" step takes the files
uploaded since the last step as its evidence.
"""

from datetime import date, datetime

from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext
from ninja import File, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from dudao.access import finding_offices
from dudao.api.errors import ErrorOut, invalid, problem
from dudao.api.rows import MappedRows
from dudao.findings import workflow
from dudao.findings.models import Finding, FindingEvidence, FindingSource
from dudao.findings.selectors import (
    FindingFilters,
    access_finding,
    category_labels,
    default_office_for,
    finding_list,
)
from dudao.findings.services import evidence_add, finding_create, finding_transition

router = Router(tags=["整改台账 findings"])


class FindingFilterIn(Schema):
    state: str = ""
    due: str = ""
    source: str = ""
    category: str = ""
    severity: str = ""
    school: str = ""
    school_id: str = ""
    region: str = ""
    date_field: str = ""
    start: str = ""
    end: str = ""
    mine: str = ""


class FindingOut(Schema):
    id: int
    office_id: int
    office: str
    school_id: int | None
    unit_name: str
    region_code: str
    supervisor: str | None
    source: str
    source_label: str
    category: str
    category_label: str
    severity: str
    description: str
    requirement: str
    found_on: date
    deadline: date
    state: str
    state_label: str
    overdue: bool
    escalation_level: int


class EventOut(Schema):
    action: str
    from_state: str
    to_state: str
    actor: str | None
    note: str
    data: dict
    at: datetime


class EvidenceOut(Schema):
    id: int
    name: str
    content_type: str
    size: int
    sha256: str
    url: str
    uploaded_at: datetime


class ActionOut(Schema):
    name: str
    label: str
    needs_note: bool
    needs_evidence: bool


class FindingDetailOut(FindingOut):
    responsible_unit: str
    responsible_person: str
    responsible_phone: str
    source_url: str
    dispute_due: date | None
    notified_at: datetime | None
    reported_at: datetime | None
    closed_at: datetime | None
    events: list[EventOut]
    evidence: list[EvidenceOut]
    actions: list[ActionOut]


class FindingIn(Schema):
    school_id: int | None = None
    region_code: str = ""  # a government unit: its region code and name instead of a school
    unit_name: str = ""
    office_id: int | None = None  # default: the nearest office above the unit among those the user may act for
    source: str = FindingSource.OTHER
    source_label: str = ""
    category: str
    severity: str = "normal"
    description: str
    requirement: str
    deadline: date
    responsible_unit: str = ""
    responsible_person: str = ""
    responsible_phone: str = ""


class TransitionIn(Schema):
    note: str = ""
    deadline: date | None = None  # "extend": the new deadline
    number: str = ""  # ignored (kept for old clients): the notice's 文号 comes from the office's series



def _out(finding: Finding, labels: dict[str, str]) -> dict:
    return {
        "id": finding.pk, "office_id": finding.office_id, "office": finding.office.name, "school_id": finding.school_id,
        "unit_name": finding.unit_name, "region_code": finding.region.code,
        "supervisor": finding.supervisor.name if finding.supervisor_id else None, "source": finding.source,
        "source_label": finding.source_label, "category": finding.category,
        "category_label": labels.get(finding.category, finding.category), "severity": finding.severity,
        "description": finding.description, "requirement": finding.requirement, "found_on": finding.found_on,
        "deadline": finding.deadline, "state": finding.state, "state_label": finding.get_state_display(),
        "overdue": finding.is_overdue(), "escalation_level": finding.escalation_level,
    }


def _evidence_url(evidence: FindingEvidence) -> str:
    try:
        return reverse("findings:evidence", args=[evidence.pk])
    except NoReverseMatch:
        return ""


def _evidence_out(e: FindingEvidence) -> dict:
    return {"id": e.pk, "name": e.original_name, "content_type": e.content_type, "size": e.size, "sha256": e.content_hash,
            "url": _evidence_url(e), "uploaded_at": e.created_at}


def _detail(request, finding: Finding) -> dict:
    events = finding.events.select_related("actor").order_by("created_at", "id")
    return {
        **_out(finding, category_labels()),
        "responsible_unit": finding.responsible_unit, "responsible_person": finding.responsible_person,
        "responsible_phone": finding.responsible_phone, "source_url": finding.source_url,
        "dispute_due": finding.dispute_due, "notified_at": finding.notified_at, "reported_at": finding.reported_at,
        "closed_at": finding.closed_at,
        "events": [{"action": e.action, "from_state": e.from_state, "to_state": e.to_state,
                    "actor": e.actor.display_name if e.actor_id else None, "note": e.note, "data": e.data,
                    "at": e.created_at} for e in events],
        "evidence": [_evidence_out(e) for e in finding.evidence.order_by("created_at", "id")],
        "actions": [{"name": t.name, "label": str(t.label), "needs_note": t.needs_note, "needs_evidence": t.needs_evidence}
                    for t in workflow.allowed_actions(request.user, finding)],
    }




@router.get("/", response=list[FindingOut], summary="整改台账（按权限范围，可筛选）")
@paginate(PageNumberPagination, page_size=30)
def list_findings(request, filters: Query[FindingFilterIn]):
    qs = finding_list(user=request.user, filters=FindingFilters.from_params(filters.dict()))
    labels = category_labels()
    return MappedRows(qs.select_related("region"), lambda f: _out(f, labels))


@router.get("/{finding_id}", response=FindingDetailOut, summary="问题详情（含全部整改记录、佐证材料和当前可执行的操作）")
def get_finding(request, finding_id: int):
    return _detail(request, access_finding(request.user, finding_id))


@router.post("/", response={201: FindingDetailOut, 400: ErrorOut}, summary="登记问题（督导室或责任督学）")
def create_finding(request, payload: FindingIn):
    from dudao.regions.models import Region
    from dudao.schools.selectors import access_school

    offices = finding_offices(request.user)  # the rule; finding_create asks may_create_finding again
    if not offices:
        raise PermissionDenied
    school = access_school(request.user, payload.school_id) if payload.school_id else None
    region = None
    if school is None:
        region = Region.objects.visible_to(request.user).filter(code=payload.region_code).first()
        if region is None:
            return problem(400, gettext("请指定学校，或被督导单位所在区划及单位名称。"), field="region_code")
    if payload.office_id:
        office = next((o for o in offices if o.pk == payload.office_id), None)
        if office is None:
            raise PermissionDenied
    else:
        code = school.region_code if school is not None else region.code
        covering = [o for o in offices if code.startswith(o.region.code)]
        if not covering:  # none of the user's offices answers for this unit
            raise PermissionDenied
        office = default_office_for(covering, school, code)
    try:
        finding = finding_create(
            by=request.user, office=office, source=payload.source, category=payload.category,
            description=payload.description, requirement=payload.requirement, deadline=payload.deadline, school=school,
            region=region, unit_name=payload.unit_name, severity=payload.severity, source_label=payload.source_label,
            responsible_unit=payload.responsible_unit, responsible_person=payload.responsible_person,
            responsible_phone=payload.responsible_phone)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, _detail(request, access_finding(request.user, finding.pk)))


@router.post("/{finding_id}/actions/{action}", response={200: FindingDetailOut, 400: ErrorOut},
             summary="执行整改流程操作（下发、开始整改、报送、核查销号、退回、申辩、答复、延期、撤销）")
def finding_action(request, finding_id: int, action: str, payload: TransitionIn):
    finding = access_finding(request.user, finding_id)
    data = {}
    if payload.deadline:
        data["deadline"] = payload.deadline.isoformat()
    try:
        finding_transition(by=request.user, finding=finding, action=action, note=payload.note, data=data)
    except ValidationError as exc:
        return invalid(exc)
    return _detail(request, access_finding(request.user, finding_id))


@router.post("/{finding_id}/evidence", response={201: EvidenceOut, 400: ErrorOut},
             summary="上传佐证材料（JPG/PNG/WebP/PDF/DOCX/XLSX，≤ 10 MB，按内容校验）")
def upload_evidence(request, finding_id: int, file: File[UploadedFile]):
    finding = access_finding(request.user, finding_id)
    try:
        evidence = evidence_add(by=request.user, finding=finding, upload=file)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, _evidence_out(evidence))
