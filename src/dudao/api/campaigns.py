"""Campaigns (督导项目) over the same selectors, services and rules as the pages.

Reads start from `Campaign.objects.visible_to(user)` (404 outside it). Writes go through
`campaigns.services`, which ask the rules themselves: 403 for who may not act, 400 with the Chinese
reason (ErrorOut of api/errors.py) for a wrong state, a missing reason, date or school.
"""

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext
from ninja import Query, Router, Schema, Status
from ninja.pagination import PageNumberPagination, paginate

from dudao.api.errors import ErrorOut, invalid, problem
from dudao.api.rows import MappedRows
from dudao.campaigns import workflow
from dudao.campaigns.access import sees_whole_campaign
from dudao.campaigns.models import Campaign
from dudao.campaigns.selection import ScopeSpec, preview
from dudao.campaigns.selectors import (
    CampaignFilters,
    access_campaign,
    campaign_list,
    campaign_schools,
    creatable_offices,
    events,
    usable_versions,
)
from dudao.campaigns.services import (
    PLAN_FIELDS,
    campaign_create,
    campaign_scope_apply,
    campaign_transition,
    campaign_update,
)

router = Router(tags=["督导项目 campaigns"])


class CampaignFilterIn(Schema):
    q: str = ""
    kind: str = ""
    year: str = ""
    state: str = ""


class CampaignOut(Schema):
    id: int
    name: str
    kind: str
    kind_label: str
    year: int
    state: str
    state_label: str
    office_id: int
    office: str
    framework_version_id: int
    unannounced: bool
    onsite_start: date | None
    onsite_end: date | None


class ActionOut(Schema):
    name: str
    label: str
    needs_note: bool
    note_label: str


class EventOut(Schema):
    action: str
    label: str
    from_state: str
    to_state: str
    note: str
    actor: str
    at: datetime


class SchoolRowOut(Schema):
    school_id: int
    code: str
    name: str
    team_id: int | None
    stratum: str


class CampaignDetailOut(CampaignOut):
    plan: dict[str, str]
    dates: dict[str, date | None]
    scope_mode: str
    scope_region: str | None
    scope_filters: dict
    sample_size: int | None
    sample_strata: str
    sample_seed: int | None
    aggregation: str
    discrepancy_threshold: Decimal
    school_count: int
    schools: list[SchoolRowOut]
    actions: list[ActionOut]
    events: list[EventOut]


TEXT_FIELDS = ("purpose", "basis", "scope_text", "time_text", "content", "method", "staffing", "requirements",
               "results_use")
DATE_FIELDS = ("notice_date", "self_deadline", "onsite_start", "onsite_end", "preliminary_date", "defence_deadline",
               "final_date", "rectification_deadline", "reinspection_date", "summary_date")


class CampaignIn(Schema):
    office_id: int | None = None
    kind: str | None = None
    name: str | None = None
    year: int | None = None
    framework_version_id: int | None = None
    purpose: str | None = None
    basis: str | None = None
    scope_text: str | None = None
    time_text: str | None = None
    content: str | None = None
    method: str | None = None
    staffing: str | None = None
    requirements: str | None = None
    results_use: str | None = None
    notice_date: date | None = None
    self_deadline: date | None = None
    onsite_start: date | None = None
    onsite_end: date | None = None
    preliminary_date: date | None = None
    defence_deadline: date | None = None
    final_date: date | None = None
    rectification_deadline: date | None = None
    reinspection_date: date | None = None
    summary_date: date | None = None
    unannounced: bool | None = None
    aggregation: str | None = None
    discrepancy_threshold: Decimal | None = None


class TransitionIn(Schema):
    note: str = ""


class ScopeIn(Schema):
    mode: str
    region_code: str | None = None
    filters: dict[str, list[str]] = {}
    school_ids: list[int] = []
    sample_size: int | None = None
    strata: str = ""
    seed: int | None = None


class StratumOut(Schema):
    label: str
    population: int
    selected: int


class ScopePreviewOut(Schema):
    count: int
    population: int
    seed: int | None
    strata: list[StratumOut]
    school_ids: list[int]


def _out(c: Campaign) -> dict:
    return {"id": c.pk, "name": c.name, "kind": c.kind, "kind_label": str(c.get_kind_display()), "year": c.year,
            "state": c.state, "state_label": c.state_label, "office_id": c.office_id,
            "office": c.office.name, "framework_version_id": c.framework_version_id, "unannounced": c.unannounced,
            "onsite_start": c.onsite_start, "onsite_end": c.onsite_end}


def _detail(request, campaign: Campaign) -> dict:
    user = request.user
    whole = sees_whole_campaign(user, campaign)
    schools = campaign_schools(user, campaign)
    return {
        **_out(campaign),
        "plan": {name: getattr(campaign, name) for name in TEXT_FIELDS},
        "dates": {name: getattr(campaign, name) for name in DATE_FIELDS},
        "scope_mode": campaign.scope_mode,
        "scope_region": campaign.scope_region.code if campaign.scope_region_id and whole else None,
        "scope_filters": campaign.scope_filters if whole else {},
        "sample_size": campaign.sample_size if whole else None,
        "sample_strata": campaign.sample_strata if whole else "",
        "sample_seed": campaign.sample_seed if whole else None,
        "aggregation": campaign.aggregation, "discrepancy_threshold": campaign.discrepancy_threshold,
        "school_count": schools.count(),
        "schools": [{"school_id": r.school_id, "code": r.school.code, "name": r.school.name, "team_id": r.team_id,
                     "stratum": r.stratum if whole else ""} for r in schools],
        "actions": [{"name": t.name, "label": str(t.label), "needs_note": t.needs_note,
                     "note_label": str(t.note_label)} for t in workflow.allowed_actions(user, campaign)],
        "events": [{"action": r["event"].action, "label": r["label"], "from_state": r["event"].from_state,
                    "to_state": r["event"].to_state, "note": r["event"].note,
                    "actor": r["event"].actor.display_name if r["event"].actor_id else "",
                    "at": r["event"].created_at} for r in events(campaign)] if whole else [],
    }


def _data(payload: CampaignIn, office) -> dict | Status:
    """The payload's given fields as the services' data (framework version checked against the office)."""
    given = payload.dict(exclude_unset=True)
    data = {name: given[name] for name in PLAN_FIELDS if name in given and name != "framework_version"}
    if "framework_version_id" in given:
        version = usable_versions(office).filter(pk=given["framework_version_id"]).first()
        if version is None:
            return problem(400, gettext("只能选用已发布的内置指标体系或本督导室及上级督导室的指标体系。"), field="framework_version_id")
        data["framework_version"] = version
    for name in ("kind", "name", "year"):
        if name in data and data[name] is None:
            return problem(400, gettext("必填。"), field=name)
    return data




@router.get("/", response=list[CampaignOut], summary="督导项目（按权限范围，可按类型、年度、状态筛选）")
@paginate(PageNumberPagination, page_size=30)
def list_campaigns(request, filters: Query[CampaignFilterIn]):
    return MappedRows(campaign_list(user=request.user, filters=CampaignFilters.from_params(filters.dict())), _out)


@router.get("/{campaign_id}", response=CampaignDetailOut, summary="督导项目详情（实施方案、日期、学校、可执行的操作、办理记录）")
def get_campaign(request, campaign_id: int):
    return _detail(request, access_campaign(request.user, campaign_id))


@router.post("/", response={201: CampaignDetailOut, 400: ErrorOut}, summary="新建督导项目（草拟）")
def create_campaign(request, payload: CampaignIn):
    offices = creatable_offices(request.user)
    office = next((o for o in offices if o.pk == payload.office_id), None)
    if office is None:
        if not offices:
            raise PermissionDenied
        return problem(400, gettext("请指定您可以组织督导的督导室。"), field="office_id")
    data = _data(payload, office)
    if isinstance(data, Status):
        return data
    try:
        campaign = campaign_create(by=request.user, office=office, data=data)
    except ValidationError as exc:
        return invalid(exc)
    return Status(201, _detail(request, access_campaign(request.user, campaign.pk)))


@router.patch("/{campaign_id}", response={200: CampaignDetailOut, 400: ErrorOut}, summary="修改实施方案（仅草拟或退回修改的项目）")
def update_campaign(request, campaign_id: int, payload: CampaignIn):
    campaign = access_campaign(request.user, campaign_id)
    data = _data(payload, campaign.office)
    if isinstance(data, Status):
        return data
    try:
        campaign_update(by=request.user, campaign=campaign, data=data)
    except ValidationError as exc:
        return invalid(exc)
    return _detail(request, access_campaign(request.user, campaign_id))


@router.post("/{campaign_id}/actions/{action}", response={200: CampaignDetailOut, 400: ErrorOut},
             summary="执行流程操作（送审、审批、退回、发布通知、开始实地督导……撤销）")
def campaign_action(request, campaign_id: int, action: str, payload: TransitionIn):
    campaign = access_campaign(request.user, campaign_id)
    if action not in workflow.ACTIONS:
        return problem(400, gettext("未知的操作。"), field="action")
    try:
        campaign_transition(by=request.user, campaign=campaign, action=action, note=payload.note)
    except ValidationError as exc:
        return invalid(exc)
    return _detail(request, access_campaign(request.user, campaign_id))


def _spec(request, payload: ScopeIn) -> ScopeSpec | Status:
    from dudao.regions.models import Region

    region = None
    if payload.region_code:
        region = Region.objects.visible_to(request.user).filter(code=payload.region_code).first()
        if region is None:
            return problem(400, gettext("没有该区划代码，或不在您的权限范围内。"), field="region_code")
    return ScopeSpec(mode=payload.mode, region=region, filters=payload.filters, school_ids=payload.school_ids,
                     sample_size=payload.sample_size, strata=payload.strata, seed=payload.seed)


def _managed(request, campaign_id: int) -> Campaign:
    from dudao.campaigns.access import may_manage_campaign

    campaign = access_campaign(request.user, campaign_id)
    if not may_manage_campaign(request.user, campaign):
        raise PermissionDenied
    return campaign


@router.post("/{campaign_id}/scope/preview", response={200: ScopePreviewOut, 400: ErrorOut},
             summary="预览督导范围（不保存）：学校数、抽样各层数量和随机种子")
def campaign_scope_preview(request, campaign_id: int, payload: ScopeIn):
    from dudao.campaigns.selection import clean_filters

    campaign = _managed(request, campaign_id)
    spec = _spec(request, payload)
    if isinstance(spec, Status):
        return spec
    spec.filters = clean_filters(spec.filters)
    try:
        result = preview(user=request.user, office=campaign.office, spec=spec)
    except ValidationError as exc:
        return invalid(exc)
    return {"count": result.count, "population": result.population, "seed": result.seed,
            "strata": [{"label": label, "population": n, "selected": k} for label, n, k in result.strata],
            "school_ids": [s.pk for s, _stratum in result.sample]}


@router.post("/{campaign_id}/scope", response={200: CampaignDetailOut, 400: ErrorOut},
             summary="保存督导范围（仅草拟的项目；抽样时记录随机种子）")
def campaign_scope_set(request, campaign_id: int, payload: ScopeIn):
    campaign = _managed(request, campaign_id)
    spec = _spec(request, payload)
    if isinstance(spec, Status):
        return spec
    try:
        campaign_scope_apply(by=request.user, campaign=campaign, spec=spec)
    except ValidationError as exc:
        return invalid(exc)
    return _detail(request, access_campaign(request.user, campaign_id))
