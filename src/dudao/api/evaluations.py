"""County evaluations over the API: list, a dossier with its verdict and item table, the checklist,
and a step of the review chain — the same selectors, verdict and services as the pages
(evaluations/views.py)."""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from ninja import Router, Schema

from dudao.api.errors import ErrorOut, problem
from dudao.evaluations import selectors, services, workflow
from dudao.evaluations.checklist import dossier_checklist, missing_count
from dudao.evaluations.verdict import dossier_verdict

router = Router(tags=["县域评估 evaluations"])


class DossierOut(Schema):
    id: int
    region_code: str
    region_name: str
    kind: str
    kind_label: str
    year: int
    state: str
    state_label: str


class PartOut(Schema):
    part: str
    label: str
    status: str
    reasons: list[str]


class ItemRowOut(Schema):
    part: str
    code: str
    label: str
    standard: str
    value: Decimal | None
    value2: Decimal | None
    status: str
    result: str
    reason: str
    evidence: int
    source: str
    note: str


class DossierDetailOut(DossierOut):
    status: str
    reasons: list[str]
    parts: list[PartOut]
    items: list[ItemRowOut]
    missing: int
    steps: list[str]
    can_edit: bool


class CheckRowOut(Schema):
    code: str
    label: str
    required: list[str]
    have: int
    missing: list[str]


class CheckPartOut(Schema):
    part: str
    label: str
    rows: list[CheckRowOut]


class StepIn(Schema):
    note: str = ""


def _out(d) -> dict:
    return {"id": d.pk, "region_code": d.region.code, "region_name": d.region.name, "kind": d.kind,
            "kind_label": d.get_kind_display(), "year": d.year, "state": d.state, "state_label": d.get_state_display()}


def _detail(user, d) -> dict:
    verdict = dossier_verdict(d)
    checklist = dossier_checklist(verdict, basic_passed_on=d.basic_passed_on)
    return {**_out(d), "status": verdict.status, "reasons": verdict.reasons,
            "parts": [{"part": p.part, "label": p.label, "status": p.status, "reasons": p.reasons} for p in verdict.parts],
            "items": selectors.item_rows(verdict), "missing": missing_count(checklist),
            "steps": [s.name for s in workflow.steps_for(user, d)], "can_edit": workflow.may_edit(user, d)}


@router.get("", response=list[DossierOut], summary="可见的县域评估申报材料")
def list_dossiers(request, kind: str = "", year: str = "", state: str = "", q: str = ""):
    filters = selectors.DossierFilters(q=q[:50], kind=kind, year=year, state=state)
    return [_out(d) for d in selectors.dossier_list(user=request.user, filters=filters)[:500]]


@router.get("/{dossier_id}", response=DossierDetailOut, summary="申报材料：各部分结论、原因与指标表")
def get_dossier(request, dossier_id: int):
    return _detail(request.user, selectors.access_dossier(request.user, dossier_id))


@router.get("/{dossier_id}/checklist", response=list[CheckPartOut], summary="材料清单：应有与缺少")
def get_checklist(request, dossier_id: int):
    d = selectors.access_dossier(request.user, dossier_id)
    checklist = dossier_checklist(dossier_verdict(d), basic_passed_on=d.basic_passed_on)
    return [{"part": p.part, "label": p.label, "rows": [vars(r) for r in p.rows]} for p in checklist]


@router.post("/{dossier_id}/steps/{step}", response={200: DossierDetailOut, 400: ErrorOut, 403: ErrorOut},
             summary="流转一步（申报、退回、报省、报国家认定……）")
def take_step(request, dossier_id: int, step: str, payload: StepIn):
    d = selectors.access_dossier(request.user, dossier_id)
    if step not in workflow.STEPS:
        return problem(400, "没有这一步骤。")
    try:
        d = services.dossier_step(by=request.user, dossier=d, name=step, note=payload.note)
    except ValidationError as exc:
        return problem(400, "；".join(exc.messages))
    return _detail(request.user, selectors.access_dossier(request.user, d.pk))
