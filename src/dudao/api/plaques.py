"""督导公示牌 over the API: create a batch (a zone, an office or listed schools), poll its status,
download its PDF — the same services and scope as the plaque pages (zones/views/plaques.py)."""


from datetime import datetime

from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.translation import gettext
from ninja import Router, Schema, Status

from dudao.api.errors import ErrorOut, invalid, problem
from dudao.zones.models import PlaqueBatch, PlaqueBatchStatus
from dudao.zones.plaques import (
    access_school_plaque,
    address_problem,
    office_plaque_schools,
    plaque_batch_check_stalled,
    plaque_batch_create,
    plaque_batch_file_response,
    plaque_batch_start,
    public_address,
    zone_plaque_schools,
)
from dudao.zones.selectors import access_plaque_batch

router = Router(tags=["督导公示牌 plaques"])


class BatchIn(Schema):
    """Exactly one of: a zone, an office, or a list of schools (each one the caller may print)."""

    zone_id: int | None = None
    office_id: int | None = None
    school_ids: list[int] | None = None
    title: str = ""


class BatchOut(Schema):
    id: int
    title: str
    status: str
    status_label: str
    done: int
    total: int
    percent: int
    message: str
    qr_base: str
    qr_warning: str
    created_at: datetime
    finished_at: datetime | None
    download_url: str | None


class AddressOut(Schema):
    base: str
    example_url: str
    ok: bool
    warning: str



MAX_LISTED_SCHOOLS = 2000


def _batch_out(batch: PlaqueBatch) -> dict:
    base = batch.qr_base or public_address().base
    done = batch.status == PlaqueBatchStatus.SUCCEEDED and batch.file
    return {"id": batch.pk, "title": batch.title, "status": batch.status, "status_label": batch.get_status_display(),
            "done": batch.done, "total": batch.total, "percent": batch.percent, "message": batch.message,
            "qr_base": base, "qr_warning": address_problem(base), "created_at": batch.created_at,
            "finished_at": batch.finished_at,
            "download_url": reverse("api-1:download_plaque_batch", args=[batch.pk]) if done else None}


@router.get("/address", response=AddressOut, summary="公示牌二维码地址（打印前核对）")
def get_plaque_address(request):
    address = public_address()
    return {"base": address.base, "example_url": address.url_for("学校标识码"), "ok": address.ok, "warning": address.problem}


@router.post("/batches", response={201: BatchOut, 400: ErrorOut}, summary="批量生成公示牌")
def create_plaque_batch(request, payload: BatchIn):
    chosen = [x is not None for x in (payload.zone_id, payload.office_id, payload.school_ids)]
    if sum(chosen) != 1:
        return problem(400, gettext("请在 zone_id、office_id、school_ids 中指定且只指定一项。"))
    if payload.zone_id is not None:
        title, schools = zone_plaque_schools(request.user, payload.zone_id)
    elif payload.office_id is not None:
        title, schools = office_plaque_schools(request.user, payload.office_id)
    else:
        ids = list(dict.fromkeys(payload.school_ids or []))
        if len(ids) > MAX_LISTED_SCHOOLS:
            return problem(400, f"一次最多列出 {MAX_LISTED_SCHOOLS} 所学校。", field="school_ids")
        # Each school: outside the scope 404, visible but not printable 403 — as the page.
        schools = [access_school_plaque(request.user, pk) for pk in ids]
        schools = [s for s in schools if s.is_active]
        title = f"公示牌（{len(schools)} 所学校）"
    try:
        batch = plaque_batch_create(by=request.user, title=payload.title.strip() or title, schools=schools)
    except ValidationError as exc:
        return invalid(exc)
    batch = plaque_batch_start(batch=batch)
    return Status(201, _batch_out(batch))


@router.get("/batches/{batch_id}", response=BatchOut, summary="公示牌批次状态")
def get_plaque_batch(request, batch_id: int):
    return _batch_out(plaque_batch_check_stalled(access_plaque_batch(request.user, batch_id)))


@router.get("/batches/{batch_id}/download", summary="下载公示牌 PDF")
def download_plaque_batch(request, batch_id: int):
    return plaque_batch_file_response(access_plaque_batch(request.user, batch_id))



