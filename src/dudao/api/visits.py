"""Routine visits (督导记录) over the same services and scope as the phone pages, and the office's
quota compliance table (`/compliance`, the same `compliance_table` as the page and its Excel file).

Creating is idempotent by the client-generated `client_id`: the first request answers 201, a
repeat (a retry after a dropped connection) answers 200 with the same visit. What a reader gets
follows `access.readable_fields`: the school reads the feedback, not location, narrative, photos or refusal.
"""

import uuid
from datetime import date, datetime
from typing import Literal

from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from ninja import File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from ninja.pagination import PageNumberPagination, paginate

from dudao.access import VISIT_FULL_FIELDS, readable_fields
from dudao.api.errors import ErrorOut, invalid, problem
from dudao.api.rows import MappedRows
from dudao.core.sources import readable
from dudao.schools.selectors import access_school
from dudao.visits.compliance_cache import compliance_cached
from dudao.visits.forms import visit_input
from dudao.visits.models import Visit, VisitStatus
from dudao.visits.pace import BEHIND
from dudao.visits.selectors import (
    access_own_visit,
    access_visit,
    code_labels,
    labels_of,
    readable_visits,
    report_office_for,
    visit_findings,
)
from dudao.visits.services import MAX_PHOTO_BYTES, photo_add, visit_save

router = Router(tags=["经常性督导 visits"])


class ProblemIn(Schema):
    category: str
    description: str
    requirement: str
    deadline: date | None = None
    # client ids of this visit's photos that show the problem (uploaded first); they become the
    # finding's first evidence at submission
    photos: list[uuid.UUID] = []


class VisitIn(Schema):
    client_id: uuid.UUID
    school_id: int
    mode: str = "announced"
    device_started_at: datetime | None = None
    device_ended_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy: int | None = None
    location_status: str = "none"
    methods: list[str] = []
    topics: list[str] = []
    narrative: str = ""
    opinions: str = ""
    refused: bool = False
    refusal_note: str = ""
    problems: list[ProblemIn] = []
    submit: bool = True


class ProblemOut(Schema):
    category: str
    category_label: str
    description: str
    requirement: str
    deadline: date
    # The problem's finding in the rectification ledger (整改台账), when the reader may see it.
    finding_id: int | None = None
    finding_state: str | None = None
    finding_state_label: str | None = None
    # client ids of the visit photos ticked for the problem (empty for those who do not read photos)
    photo_client_ids: list[uuid.UUID] = []


class PhotoOut(Schema):
    id: int
    client_id: uuid.UUID
    url: str
    width: int
    height: int
    taken_at: datetime | None
    content_hash: str


class VisitOut(Schema):
    id: int
    client_id: uuid.UUID
    status: str
    school_id: int
    school_name: str
    supervisor_id: int | None  # none for a campaign inspection or 随访 by someone without a supervisor record
    supervisor_name: str  # the supervisor, else the inspecting account
    basis: str  # routine (挂牌, counts toward quotas) / campaign / followup
    mode: str
    visit_date: date
    started_at: datetime | None = None
    ended_at: datetime | None = None
    submitted_at: datetime | None
    methods: list[str]
    method_labels: list[str]
    topics: list[str]
    topic_labels: list[str]
    opinions: str
    problem_count: int
    # only for those who read the whole visit (the office, the visit's supervisor); null for the school
    full: bool
    narrative: str | None = None
    location_status: str | None = None
    latitude: float | None = None
    longitude: float | None = None
    distance_m: int | None = None
    refused: bool | None = None
    refusal_note: str | None = None


class VisitDetailOut(VisitOut):
    problems: list[ProblemOut]
    photos: list[PhotoOut]


class VisitFilterIn(Schema):
    school_id: int | None = None
    start: date | None = None
    end: date | None = None
    mine: bool = False
    status: str = ""



def _visit_out(user, visit: Visit, labels) -> dict:
    methods, topics, _categories = labels
    reads = readable_fields(user, visit)  # one rule per field (access.fields), as on the page and in the export
    full = reads >= VISIT_FULL_FIELDS
    out = {
        "id": visit.pk, "client_id": visit.client_id, "status": visit.status, "school_id": visit.school_id,
        "school_name": visit.school.name, "supervisor_id": visit.supervisor_id, "supervisor_name": visit.inspector_name,
        "basis": visit.basis,
        "mode": visit.mode, "visit_date": visit.visit_date, "submitted_at": visit.submitted_at,
        "methods": visit.methods, "method_labels": labels_of(visit.methods, methods),
        "topics": visit.topics, "topic_labels": labels_of(visit.topics, topics), "opinions": visit.opinions,
        "problem_count": visit.problem_count if hasattr(visit, "problem_count") else visit.problems.count(),
        "full": full,
    }
    restricted = {
        "started_at": visit.started_at, "ended_at": visit.ended_at, "narrative": visit.narrative,
        "location_status": visit.location_status,
        "latitude": float(visit.latitude) if visit.latitude is not None else None,
        "longitude": float(visit.longitude) if visit.longitude is not None else None,
        "distance_m": visit.distance_m, "refused": visit.refused, "refusal_note": visit.refusal_note,
    }
    out.update({name: value for name, value in restricted.items() if name in reads})
    return out


def _detail_out(user, visit: Visit) -> dict:
    labels = code_labels()
    out = _visit_out(user, visit, labels)
    findings = visit_findings(user, visit) if visit.status == VisitStatus.SUBMITTED else {}
    out["problems"] = []
    for p in visit.problems.prefetch_related("photos"):
        finding = findings.get(p.pk)
        out["problems"].append({
            "photo_client_ids": [ph.client_id for ph in p.photos.all()] if out["full"] else [],
            "category": p.category, "category_label": labels[2].get(p.category, p.category), "description": p.description,
            "requirement": p.requirement, "deadline": p.deadline,
            "finding_id": finding.pk if finding else None, "finding_state": finding.state if finding else None,
            "finding_state_label": finding.get_state_display() if finding else None,
        })
    out["photos"] = [{"id": p.pk, "client_id": p.client_id, "url": reverse("visits:photo", args=[p.pk]), "width": p.width,
                      "height": p.height, "taken_at": p.taken_at, "content_hash": p.content_hash}
                     for p in visit.photos.all()] if out["full"] else []
    return out


# --- quota compliance (the office's compliance page as data) -----------------------------------------


class CompliancePeriodOut(Schema):
    kind: str
    label: str
    start: date
    end: date
    elapsed: float  # share of the period gone by on the day of the request (1.0 once over)


class ComplianceColumnOut(Schema):
    key: str  # "<metric>:<period>"
    metric: str
    period: str
    label: str
    done_label: str  # what `done` counts, e.g. 达标学校数
    required_label: str  # what `required` counts, e.g. 挂牌学校数
    over_months: bool  # a monthly rule judged month by month in a semester or year


class ComplianceCellOut(Schema):
    key: str
    done: int
    required: int
    state: str  # ok / on_pace / behind


class ComplianceSupervisorOut(Schema):
    id: int
    name: str
    kind: str
    office_id: int
    office_name: str
    schools: int
    visits: int
    months_judged: int | None  # semester and year: months over in which a monthly rule bound them
    months_short: int | None
    state: str
    state_label: str
    cells: list[ComplianceCellOut]


class ComplianceSchoolOut(Schema):
    id: int
    name: str
    code: str
    region_name: str
    zone: str
    responsible: list[str]
    visits: int
    required: int
    shortfall: int
    last_visit: date | None


class ComplianceRuleOut(Schema):
    metric: str
    metric_label: str
    period: str
    zone_level: str
    supervisor_kind: str
    required: int
    office_name: str  # 全国默认 for the national defaults
    source: str
    valid_from: date


class ComplianceOut(Schema):
    office_id: int
    office_name: str
    period: CompliancePeriodOut
    supervisor_count: int
    behind_count: int
    visit_count: int
    school_count: int
    schools_not_visited: int
    columns: list[ComplianceColumnOut]
    supervisors: list[ComplianceSupervisorOut]
    schools_behind: list[ComplianceSchoolOut]
    rules: list[ComplianceRuleOut]


@router.get("/compliance", response=ComplianceOut,
            summary="督导配额完成情况（与督导室“配额完成情况”页面同一统计：每条规则的完成 / 要求、未达标月数、未达标学校）")
def get_compliance(request, office_id: int | None = None, kind: Literal["month", "semester", "year"] = "month",
                   day: date | None = None):
    office = report_office_for(request.user, office_id)
    done = compliance_cached(office=office, kind=kind, day=day or timezone.localdate())
    report, columns, lines = done.report, done.columns, done.lines
    with_months = kind != "month"
    return {
        "office_id": office.pk, "office_name": office.name,
        "period": {"kind": kind, "label": report.period.label, "start": report.period.start, "end": report.period.end,
                   "elapsed": round(report.elapsed, 4)},
        "supervisor_count": len(lines), "behind_count": sum(1 for line in lines if line.state == BEHIND),
        "visit_count": report.visit_count, "school_count": len(report.schools),
        "schools_not_visited": len(report.schools_not_visited),
        "columns": [{"key": c.key, "metric": c.metric, "period": c.period, "label": c.label, "done_label": c.counts[0],
                     "required_label": c.counts[1], "over_months": c.over_months} for c in columns],
        "supervisors": [{
            "id": line.row.supervisor.pk, "name": line.row.supervisor.name, "kind": line.row.supervisor.kind,
            "office_id": line.row.supervisor.office_id, "office_name": line.row.supervisor.office.name,
            "schools": line.row.schools, "visits": line.row.visits,
            "months_judged": line.row.months_judged if with_months else None,
            "months_short": line.row.months_short if with_months else None,
            "state": line.state, "state_label": line.state_label,
            "cells": [{"key": column.key, "done": cell[0].done, "required": cell[0].required, "state": cell[1]}
                      for column, cell in zip(columns, line.cells, strict=True) if cell is not None],
        } for line in lines],
        "schools_behind": [{
            "id": row.school.pk, "name": row.school.name, "code": row.school.code, "region_name": row.school.region_name,
            "zone": row.zone, "responsible": list(row.responsible), "visits": row.visits, "required": row.required,
            "shortfall": row.shortfall, "last_visit": row.last_visit,
        } for row in report.schools_behind],
        "rules": [{
            "metric": r.metric, "metric_label": r.get_metric_display(), "period": r.period, "zone_level": r.zone_level,
            "supervisor_kind": r.supervisor_kind, "required": r.required,
            "office_name": r.office.name if r.office else "全国默认", "source": readable(r.source), "valid_from": r.valid_from,
        } for r in report.rules],
    }


@router.post("/", response={200: VisitDetailOut, 201: VisitDetailOut, 400: ErrorOut},
             summary="记录一次督导（按 client_id 幂等：重复提交返回同一记录，状态 200）")
def create_visit(request, payload: VisitIn):
    school = access_school(request.user, payload.school_id)
    existing = Visit.objects.filter(client_id=payload.client_id).first()
    if existing is not None and existing.created_by_id != request.user.pk:
        raise PermissionDenied
    data = payload.dict()
    data["problems"] = [{**p, "deadline": p["deadline"].isoformat() if p["deadline"] else "",
                         "photos": [str(c) for c in p["photos"]]} for p in data["problems"]]
    for name in ("device_started_at", "device_ended_at"):
        data[name] = data[name].isoformat() if data[name] else None
    try:
        visit, created = visit_save(by=request.user, data=visit_input(data, client_id=payload.client_id, school=school),
                                    submit=payload.submit)
    except ValidationError as exc:
        return invalid(exc)
    visit = access_visit(request.user, visit.pk)
    return Status(201 if created else 200, _detail_out(request.user, visit))


@router.get("/", response=list[VisitOut], summary="可见的督导记录（已提交的，以及本人的草稿）")
@paginate(PageNumberPagination, page_size=30)
def list_visits(request, filters: Query[VisitFilterIn]):
    qs = readable_visits(request.user).select_related("school", "supervisor", "created_by").annotate(problem_count=Count("problems"))
    if filters.school_id:
        qs = qs.filter(school_id=filters.school_id)
    if filters.start:
        qs = qs.filter(visit_date__gte=filters.start)
    if filters.end:
        qs = qs.filter(visit_date__lte=filters.end)
    if filters.mine:
        qs = qs.filter(created_by_id=request.user.pk)
    if filters.status in VisitStatus.values:
        qs = qs.filter(status=filters.status)
    labels = code_labels()
    return MappedRows(qs.order_by("-visit_date", "-started_at", "-id"), lambda v: _visit_out(request.user, v, labels))




@router.get("/{visit_id}", response=VisitDetailOut, summary="督导记录详情")
def get_visit(request, visit_id: int):
    return _detail_out(request.user, access_visit(request.user, visit_id))


@router.post("/{client_id}/photos", response={200: PhotoOut, 201: PhotoOut, 400: ErrorOut},
             summary="为本人的督导草稿上传照片（按照片 client_id 幂等）")
def add_visit_photo(request, client_id: uuid.UUID, photo_client_id: Form[uuid.UUID], file: File[UploadedFile],
                    caption: Form[str] = ""):
    visit = access_own_visit(request.user, client_id)
    if file.size > MAX_PHOTO_BYTES:
        return problem(400, gettext("照片过大，单张不超过 15 MB。"), field="file")
    try:
        photo, created = photo_add(by=request.user, visit=visit, client_id=photo_client_id, raw=file.read(), caption=caption)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201 if created else 200, {"id": photo.pk, "client_id": photo.client_id, "url": reverse("visits:photo", args=[photo.pk]),
                                            "width": photo.width, "height": photo.height, "taken_at": photo.taken_at,
                                            "content_hash": photo.content_hash})
