"""On-site inspection scores (实地核查, campaigns/onsite.py) over the same service as the phone form.

`POST /api/v1/campaigns/{id}/onsite/{school_id}/` records (and with `submit: true` submits) a team
member's inspection of a school allocated to their team: the visit record (server time, position)
and one answer per framework item. Idempotent by `client_id` — the visit's id on the device: the
first request answers 201, a repeat 200 with the same visit, and a submitted visit's Score rows are
never written twice. `GET …/reconcile` gives the team leader each item's raters, spread and
reconciled score; `PUT` the same path records the reconciled scores.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.urls import reverse
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from dudao.api.errors import ErrorOut, invalid, problem
from dudao.campaigns.models import CampaignSchool, Score, ScoreKind
from dudao.campaigns.onsite import (
    keep_photo_tags,
    leader_may_reconcile,
    onsite_photo_attach,
    onsite_reconcile,
    onsite_save,
    reconcile_rows,
)
from dudao.visits.capture import input_from
from dudao.visits.services import MAX_PHOTO_BYTES

router = Router(tags=["实地核查 campaign on-site"])


class AnswerIn(Schema):
    value: float | str | None = None  # points or a count
    choice: str | None = None  # a rubric level's label, or "yes" / "no"
    note: str = ""


class OnsiteIn(Schema):
    client_id: uuid.UUID
    submit: bool = False
    device_started_at: datetime | None = None
    device_ended_at: datetime | None = None
    latitude: float | None = None
    longitude: float | None = None
    accuracy: int | None = None
    location_status: str = "none"
    methods: list[str] = []
    narrative: str = ""
    opinions: str = ""
    mode: str = "announced"
    # indicator id (as text) → answer
    answers: dict[str, AnswerIn] = {}


class ScoreOut(Schema):
    indicator_id: int
    code: str
    value: Decimal | None
    choice: str
    note: str


class OnsiteOut(Schema):
    visit_id: int
    client_id: uuid.UUID
    status: str
    mode: str
    started_at: datetime
    submitted_at: datetime | None
    location_status: str
    distance_m: int | None
    scores: list[ScoreOut]


class ItemPhotoOut(Schema):
    id: int
    client_id: uuid.UUID
    visit_client_id: uuid.UUID
    indicator_id: int
    url: str
    width: int
    height: int
    taken_at: datetime | None
    content_hash: str


class RaterOut(Schema):
    rater: str
    value: Decimal | None
    choice: str


class ReconcileRowOut(Schema):
    indicator_id: int
    code: str
    raters: list[RaterOut]
    low: Decimal | None
    high: Decimal | None
    spread: Decimal | None
    average: Decimal | None
    reconciled_value: Decimal | None
    reconciled_choice: str


class ReconcileIn(Schema):
    answers: dict[str, AnswerIn]


def _entry(user, campaign_id: int, school_id: int) -> CampaignSchool:
    entry = (CampaignSchool.objects.filter(campaign_id=campaign_id, school_id=school_id, team__members__user=user)
             .select_related("campaign", "school").first())
    if entry is None:
        raise Http404
    return entry


def _answers(answers: dict[str, AnswerIn]) -> dict[str, dict[str, str]]:
    return {key: {k: str(v) for k, v in a.dict().items() if v not in (None, "")} for key, a in answers.items()}


@router.post("/{campaign_id}/onsite/{school_id}/", response={200: OnsiteOut, 201: OnsiteOut, 400: ErrorOut},
             summary="实地核查评分（按 client_id 幂等：重复提交返回同一记录，状态 200，不重复写评分）")
def submit_onsite(request, campaign_id: int, school_id: int, payload: OnsiteIn):
    entry = _entry(request.user, campaign_id, school_id)
    data = payload.dict()
    data["answers"] = keep_photo_tags(by=request.user, client_id=payload.client_id, answers=_answers(payload.answers))
    for name in ("device_started_at", "device_ended_at"):
        data[name] = data[name].isoformat() if data[name] else None
    try:
        visit, created = onsite_save(by=request.user, campaign=entry.campaign, school=entry.school,
                                     data=input_from(data, client_id=payload.client_id, school=entry.school),
                                     submit=payload.submit)
    except ValidationError as exc:
        return invalid(exc)
    scores = (Score.objects.filter(visit=visit, kind=ScoreKind.ONSITE, rater=request.user)
              .select_related("indicator").order_by("indicator__order", "indicator_id"))
    return Status(201 if created else 200, {
        "visit_id": visit.pk, "client_id": visit.client_id, "status": visit.status, "mode": visit.mode,
        "started_at": visit.started_at, "submitted_at": visit.submitted_at, "location_status": visit.location_status,
        "distance_m": visit.distance_m,
        "scores": [{"indicator_id": s.indicator_id, "code": s.indicator.code, "value": s.value, "choice": s.choice,
                    "note": s.note} for s in scores],
    })


def _reconcile_out(entry: CampaignSchool) -> list[dict]:
    return [{
        "indicator_id": row.item.pk, "code": row.item.code, "low": row.low, "high": row.high, "spread": row.spread,
        "average": row.average,
        "raters": [{"rater": s.rater.display_name if s.rater else "", "value": s.value, "choice": s.choice}
                   for s in row.raters],
        "reconciled_value": row.reconciled.value if row.reconciled else None,
        "reconciled_choice": row.reconciled.choice if row.reconciled else "",
    } for row in reconcile_rows(entry.campaign, entry.school)]


@router.get("/{campaign_id}/onsite/{school_id}/reconcile", response=list[ReconcileRowOut],
            summary="组长核定：各评分人评分、极差与核定分")
def get_onsite_reconcile(request, campaign_id: int, school_id: int):
    entry = _entry(request.user, campaign_id, school_id)
    if not leader_may_reconcile(request.user, entry.campaign, entry.school):
        raise PermissionDenied("只有该校所在督查组的组长可以核定评分。")
    return _reconcile_out(entry)


@router.put("/{campaign_id}/onsite/{school_id}/reconcile", response={200: list[ReconcileRowOut], 400: ErrorOut},
            summary="组长核定评分（每项一个核定值；空值删除原核定值）")
def put_onsite_reconcile(request, campaign_id: int, school_id: int, payload: ReconcileIn):
    entry = _entry(request.user, campaign_id, school_id)
    try:
        onsite_reconcile(by=request.user, campaign=entry.campaign, school=entry.school,
                         values=_answers(payload.answers))
    except ValidationError as exc:
        return invalid(exc)
    return _reconcile_out(entry)


@router.post("/{campaign_id}/onsite/{school_id}/photos",
             response={200: ItemPhotoOut, 201: ItemPhotoOut, 400: ErrorOut, 403: ErrorOut},
             summary="为实地核查记录的某一评分项上传照片（按照片 client_id 幂等；提交时成为该项佐证）")
def add_onsite_item_photo(request, campaign_id: int, school_id: int, visit_client_id: Form[uuid.UUID],
                          indicator_id: Form[int], photo_client_id: Form[uuid.UUID], file: File[UploadedFile],
                          caption: Form[str] = ""):
    """The form's 本项拍照 over the API: the school must be allocated to the caller's team (else 404);
    the visit is the caller's on-site record of it (saved first through the POST above)."""
    entry = _entry(request.user, campaign_id, school_id)
    if file.size > MAX_PHOTO_BYTES:
        return problem(400, "照片过大，单张不超过 15 MB。", field="file")
    try:
        photo, created = onsite_photo_attach(
            by=request.user, campaign=entry.campaign, school=entry.school, visit_client_id=visit_client_id,
            indicator_id=indicator_id, photo_client_id=photo_client_id, raw=file.read(), caption=caption[:200])
    except ValidationError as exc:
        return invalid(exc)
    except PermissionDenied as exc:  # not in the phase, 回避, the record submitted: say which
        return problem(403, str(exc) or "无权执行此操作。")
    return Status(201 if created else 200, {
        "id": photo.pk, "client_id": photo.client_id, "visit_client_id": visit_client_id, "indicator_id": indicator_id,
        "url": reverse("visits:photo", args=[photo.pk]), "width": photo.width, "height": photo.height,
        "taken_at": photo.taken_at, "content_hash": photo.content_hash})
