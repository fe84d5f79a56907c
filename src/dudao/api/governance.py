"""督政 over the same selectors, services and rules as the pages (docs/governance.md).

- `GET /governance/campaigns` — the 督政 campaigns the person reads (`selectors.government_campaigns`);
- `GET /governance/campaigns/{id}/units` — the campaign's units the person reads (`selectors.entries_for`);
- `GET /governance/campaigns/{id}/units/{entry}` — one unit: its self-assessment (state, report by
  section, self-scores, evidence), its result and per-item scores and the opinion's state (only to who
  `access.sees_result`), its findings;
- `POST /governance/campaigns/{id}/units/{entry}/self` — the unit's government user saves the report
  and self-scores (`submit: true` submits after a save without errors);
- `GET /governance/campaigns/{id}/results` — the results table (the office: the stored figures, the
  same rows as the page and its Excel file).

Outside what the person reads: 404; read but not theirs: 403; a refused save: 400 — all in the one
error shape of api/errors.py.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from ninja import Router, Schema
from ninja.pagination import PageNumberPagination, paginate

from dudao.api.errors import ErrorOut, invalid
from dudao.api.rows import MappedRows
from dudao.campaigns.access import sees_whole_campaign
from dudao.campaigns.models import Campaign, ScoreKind
from dudao.campaigns.results import load_tree
from dudao.governance import access, selectors, services
from dudao.governance.documents import opinion_document
from dudao.governance.models import REPORT_SECTIONS, CampaignUnit, Opinion, UnitScore

router = Router(tags=["督政 governance"])


class GovCampaignOut(Schema):
    id: int
    name: str
    year: int
    state: str
    state_label: str
    office: str
    self_deadline: date | None
    unit_count: int


class EntryOut(Schema):
    id: int
    unit_id: int
    unit: str
    region: str
    team: str
    self_state: str
    self_state_label: str
    submitted_at: datetime | None


class SectionOut(Schema):
    name: str
    heading: str
    text: str


class ItemOut(Schema):
    indicator_id: int
    code: str
    text: str
    scoring: str
    max_score: Decimal | None
    is_veto: bool
    self_value: Decimal | None
    self_choice: str
    self_note: str
    verified: Decimal | None = None


class EvidenceOut(Schema):
    id: int
    name: str
    indicator_id: int | None
    size: int


class ResultOut(Schema):
    self_total: Decimal | None
    verified_total: Decimal | None
    grade: str
    vetoed: bool
    veto_codes: list[str]


class OpinionOut(Schema):
    drafted: bool
    number: str
    issued_on: date | None
    deadline: date | None


class EntryFindingOut(Schema):
    finding_id: int
    indicator_id: int
    description: str
    state: str
    state_label: str
    deadline: date | None


class EntryDetailOut(EntryOut):
    campaign_id: int
    campaign_state: str
    campaign_state_label: str
    self_deadline: date | None
    may_fill: bool
    sections: list[SectionOut]
    items: list[ItemOut]
    evidence: list[EvidenceOut]
    sees_result: bool
    result: ResultOut | None
    opinion: OpinionOut | None
    findings: list[EntryFindingOut]


class AnswerIn(Schema):
    indicator_id: int
    value: str | None = None
    choice: str = ""
    note: str = ""


class SelfIn(Schema):
    sections: dict[str, str] = {}
    answers: list[AnswerIn] = []
    submit: bool = False


class ResultRowOut(Schema):
    entry_id: int
    unit: str
    region: str
    team: str
    self_state: str
    self_total: Decimal | None
    verified_total: Decimal | None
    grade: str
    vetoed: bool


def _campaign_out(c: Campaign) -> dict:
    return {"id": c.pk, "name": c.name, "year": c.year, "state": c.state, "state_label": c.state_label,
            "office": c.office.name, "self_deadline": c.self_deadline, "unit_count": c.units.count()}


def _entry_out(e: CampaignUnit) -> dict:
    return {"id": e.pk, "unit_id": e.unit_id, "unit": e.unit.name, "region": e.unit.region.name,
            "team": e.team.name if e.team_id else "", "self_state": e.self_state,
            "self_state_label": str(e.get_self_state_display()), "submitted_at": e.submitted_at}


def _detail(user, c: Campaign, e: CampaignUnit) -> dict:
    show = access.sees_result(user, e)
    tree = load_tree(c.framework_version)
    stored = {s.indicator_id: s for s in UnitScore.objects.filter(entry=e, kind=ScoreKind.SELF)}
    result, verified = None, {}
    if show:
        outcome, _notes = services.outcome(e, tree)
        verified = {row.item.id: row.verified for row in outcome.items}
        result = {"self_total": e.self_total, "verified_total": e.verified_total, "grade": e.grade,
                  "vetoed": e.vetoed, "veto_codes": list(outcome.veto_codes)}
    items = []
    for item in tree.items.values():
        s = stored.get(item.id)
        items.append({"indicator_id": item.id, "code": item.code, "text": item.text, "scoring": item.scoring,
                      "max_score": item.max_score, "is_veto": item.is_veto,
                      "self_value": s.value if s else None, "self_choice": s.choice if s else "",
                      "self_note": s.note if s else "", "verified": verified.get(item.id) if show else None})
    opinion = Opinion.objects.filter(entry=e).first() if show else None
    # the 发文字号 and 成文日期 are the document engine's, given at 签发 (governance/documents.py)
    document = opinion_document(e) if opinion else None
    findings = [{"finding_id": p.finding_id, "indicator_id": p.indicator_id, "description": p.finding.description,
                 "state": p.finding.state, "state_label": str(p.finding.get_state_display()),
                 "deadline": p.finding.deadline}
                for p in e.findings.select_related("finding").order_by("id")] if show else []
    return {**_entry_out(e), "campaign_id": c.pk, "campaign_state": c.state, "campaign_state_label": c.state_label,
            "self_deadline": c.self_deadline, "may_fill": access.may_fill_self(user, e),
            "sections": [{"name": name, "heading": str(heading), "text": getattr(e, name)} for name, heading in REPORT_SECTIONS],
            "items": items,
            "evidence": [{"id": ev.pk, "name": ev.original_name, "indicator_id": ev.indicator_id, "size": ev.size}
                         for ev in e.evidence.order_by("id")],
            "sees_result": show, "result": result,
            "opinion": ({"drafted": True, "number": document.number if document else "",
                         "issued_on": document.issued_on if document else None,
                         "deadline": opinion.deadline} if opinion else {"drafted": False, "number": "",
                                                                         "issued_on": None, "deadline": None})
            if show else None,
            "findings": findings}




@router.get("/campaigns", response=list[GovCampaignOut], summary="督政项目（按权限范围）")
@paginate(PageNumberPagination, page_size=30)
def list_gov_campaigns(request):
    return MappedRows(selectors.government_campaigns(request.user), _campaign_out)


@router.get("/campaigns/{campaign_id}/units", response=list[EntryOut], summary="督政项目中本人可见的被督导单位")
def list_gov_units(request, campaign_id: int):
    c = selectors.access_gov_campaign(request.user, campaign_id)
    return [_entry_out(e) for e in selectors.entries_for(request.user, c).order_by("unit__region__code", "id")]


@router.get("/campaigns/{campaign_id}/units/{entry_id}", response=EntryDetailOut,
            summary="被督导单位详情（自评、得分与结果、督导意见书、问题）")
def get_gov_unit(request, campaign_id: int, entry_id: int):
    c = selectors.access_gov_campaign(request.user, campaign_id)
    return _detail(request.user, c, selectors.access_entry(request.user, c, entry_id))


@router.post("/campaigns/{campaign_id}/units/{entry_id}/self", response={200: EntryDetailOut, 400: ErrorOut},
             summary="保存（并可提交）本单位自评报告（政府单位用户）")
def save_gov_self(request, campaign_id: int, entry_id: int, payload: SelfIn):
    c = selectors.access_gov_campaign(request.user, campaign_id)
    e = selectors.access_entry(request.user, c, entry_id)
    if not access.is_unit_user(request.user, e):
        raise PermissionDenied
    names = {name for name, _heading in REPORT_SECTIONS}
    sections = {name: text for name, text in payload.sections.items() if name in names}
    answers = {a.indicator_id: services.AnswerIn(value=a.value, choice=a.choice, note=a.note) for a in payload.answers}
    try:
        errors = services.self_save(by=request.user, entry=e, answers=answers, sections=sections)
        if errors:
            return invalid(ValidationError(errors))
        if payload.submit:
            services.self_submit(by=request.user, entry=e)
    except ValidationError as exc:
        return invalid(exc)
    e.refresh_from_db()
    return _detail(request.user, c, e)


@router.get("/campaigns/{campaign_id}/results", response=list[ResultRowOut],
            summary="督政结果表（组织督导室；与页面和 Excel 相同的数据）")
def gov_results(request, campaign_id: int):
    c = selectors.access_gov_campaign(request.user, campaign_id)
    if not sees_whole_campaign(request.user, c):
        raise PermissionDenied
    entries = selectors.entries_for(request.user, c).order_by(*selectors.RESULTS_ORDER)
    return [{"entry_id": e.pk, "unit": e.unit.name, "region": e.unit.region.name,
             "team": e.team.name if e.team_id else "", "self_state": e.self_state, "self_total": e.self_total,
             "verified_total": e.verified_total, "grade": e.grade, "vetoed": e.vetoed} for e in entries]
