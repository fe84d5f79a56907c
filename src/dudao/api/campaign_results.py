"""A campaign's self-inspection (自查自纠), results and discrepancy flags over the same services,
selectors and rules as the pages (campaigns/self_inspection.py, campaigns/results.py,
campaigns/access.py, campaigns/selectors.py).

- `GET/POST /campaigns/{id}/self-inspection` — the school's own account reads its sheet and saves
  answers (a draft); each answer may carry the phone's `client_id`: an answer resent with the same
  id is not applied twice. `POST …/self-inspection/submit` submits (then read-only).
- `GET /campaigns/{id}/results` (the office: every school, by rank; `?region=` one region) and
  `GET /campaigns/{id}/results/{school_id}` (item by item, self vs verified, flags — the office, the
  school's own account once published, its team).
- `GET /campaigns/{id}/flags` — the schools with discrepancy flags (the office).

Outside the scope: 404; seen but not allowed: 403; a wrong answer: 400 with the Chinese reason by item.
"""

from __future__ import annotations

import uuid
from datetime import datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from ninja import Router, Schema

from dudao.api.errors import ErrorOut, invalid
from dudao.campaigns import self_inspection as si
from dudao.campaigns.access import sees_whole_campaign
from dudao.campaigns.models import SchoolResult
from dudao.campaigns.results import load_tree, ranking_rows, school_outcome
from dudao.campaigns.selectors import access_campaign, result_schools

router = Router(tags=["督导结果与学校自查 campaign results"])


class LevelOut(Schema):
    label: str
    score: Decimal


class SelfItemOut(Schema):
    indicator_id: int
    code: str
    text: str
    scoring: str
    max_score: Decimal | None
    is_veto: bool
    levels: list[LevelOut]
    value: Decimal | None
    choice: str
    note: str
    evidence: list[str]


class SelfSheetOut(Schema):
    campaign_id: int
    school_id: int
    state: str
    report: str
    self_total: Decimal | None
    submitted_at: datetime | None
    read_only: bool
    deadline: str | None
    missing: list[str]
    items: list[SelfItemOut]


class AnswerIn(Schema):
    indicator_id: int
    value: Decimal | str | None = None
    choice: str = ""
    note: str = ""
    client_id: uuid.UUID | None = None


class SelfSaveIn(Schema):
    school_id: int | None = None
    report: str | None = None
    answers: list[AnswerIn] = []


class SubmitIn(Schema):
    school_id: int | None = None


def _school(request, campaign, school_id: int | None) -> int:
    mine = si.self_inspection_schools(request.user, campaign)
    if not mine:
        raise PermissionDenied("只有参加本次督导的学校本校账号可以填报自查。")
    if school_id is None:
        return mine[0]
    if school_id not in mine:
        raise Http404
    return school_id


def _sheet_out(campaign, school_id: int) -> SelfSheetOut:
    sheet = si.self_sheet(campaign, school_id)
    items = []
    for item in sheet.tree.items.values():
        stored = sheet.answers.get(item.id)
        items.append(SelfItemOut(
            indicator_id=item.id, code=item.code, text=item.text, scoring=item.scoring, max_score=item.max_score,
            is_veto=item.is_veto, levels=[LevelOut(label=label, score=score) for label, score in item.levels],
            value=stored.value if stored else None, choice=stored.choice if stored else "",
            note=stored.note if stored else "", evidence=[e.original_name for e in sheet.evidence.get(item.id, [])]))
    inspection = sheet.inspection
    return SelfSheetOut(campaign_id=campaign.pk, school_id=school_id, state=inspection.state, report=inspection.report,
                        self_total=inspection.self_total, submitted_at=inspection.submitted_at,
                        read_only=sheet.read_only,
                        deadline=campaign.self_deadline.isoformat() if campaign.self_deadline else None,
                        missing=sheet.missing, items=items)


@router.get("/{campaign_id}/self-inspection", response=SelfSheetOut, summary="本校自查表（学校账号）")
def get_self_inspection(request, campaign_id: int, school_id: int | None = None):
    campaign = access_campaign(request.user, campaign_id)
    return _sheet_out(campaign, _school(request, campaign, school_id))


@router.post("/{campaign_id}/self-inspection", response={200: SelfSheetOut, 400: ErrorOut},
             summary="保存自查答案（草稿；按 client_id 幂等）")
def save_self_inspection(request, campaign_id: int, payload: SelfSaveIn):
    campaign = access_campaign(request.user, campaign_id)
    school_id = _school(request, campaign, payload.school_id)
    answers = {a.indicator_id: si.AnswerIn(value=a.value, choice=a.choice, note=a.note, client_id=a.client_id)
               for a in payload.answers}
    try:
        si.self_answers_save(by=request.user, campaign=campaign, school_id=school_id, answers=answers,
                             report=payload.report)
    except ValidationError as exc:
        return invalid(exc)
    return _sheet_out(campaign, school_id)


@router.post("/{campaign_id}/self-inspection/submit", response={200: SelfSheetOut, 400: ErrorOut},
             summary="提交自查（提交后只读）")
def submit_self_inspection(request, campaign_id: int, payload: SubmitIn):
    campaign = access_campaign(request.user, campaign_id)
    school_id = _school(request, campaign, payload.school_id)
    try:
        si.self_inspection_submit(by=request.user, campaign=campaign, school_id=school_id)
    except ValidationError as exc:
        return invalid(exc)
    return _sheet_out(campaign, school_id)


class FlagOut(Schema):
    indicator: int
    code: str
    kind: str
    self_score: Decimal
    verified: Decimal


class ResultOut(Schema):
    school_id: int
    school: str
    school_code: str
    team: str | None
    rank: int | None
    region_rank: int | None
    self_total: Decimal | None
    verified_total: Decimal | None
    grade: str
    vetoed: bool
    flag_count: int
    flags: list[FlagOut]


def _flags(result: SchoolResult | None) -> list[FlagOut]:
    return [FlagOut(indicator=f["indicator"], code=f["code"], kind=f["kind"], self_score=Decimal(f["self"]),
                    verified=Decimal(f["verified"])) for f in (result.flags if result else [])]


def _office(request, campaign_id: int):
    campaign = access_campaign(request.user, campaign_id)
    if not sees_whole_campaign(request.user, campaign):
        raise PermissionDenied("只有组织督导室及上级督导室可以查看全部学校的结果。")
    return campaign


def _result_out(row) -> ResultOut:
    result, school = row["result"], row["school"]
    return ResultOut(school_id=school.pk, school=school.name, school_code=school.code,
                     team=row["entry"].team.name if row["entry"].team else None,
                     rank=result.rank if result else None, region_rank=row["region_rank"],
                     self_total=result.self_total if result else None,
                     verified_total=result.verified_total if result else None, grade=result.grade if result else "",
                     vetoed=result.vetoed if result else False, flag_count=result.flag_count if result else 0,
                     flags=_flags(result))


@router.get("/{campaign_id}/results", response=list[ResultOut], summary="各校结果与排名（督导室）")
def list_results(request, campaign_id: int, region: str = ""):
    campaign = _office(request, campaign_id)
    return [_result_out(row) for row in ranking_rows(campaign, region)]


@router.get("/{campaign_id}/flags", response=list[ResultOut], summary="自评与核查存在差异的学校（督导室）")
def list_flags(request, campaign_id: int):
    campaign = _office(request, campaign_id)
    return [_result_out(row) for row in ranking_rows(campaign) if row["result"] and row["result"].flag_count]


class ItemResultOut(Schema):
    indicator_id: int
    code: str
    text: str
    max_score: Decimal | None
    is_veto: bool
    self_choice: str
    self_score: Decimal | None
    rater_scores: list[Decimal]
    verified: Decimal | None
    spread: Decimal | None
    pending: bool
    reinspected: bool
    flag: str | None


class SchoolResultOut(Schema):
    school_id: int
    school: str
    self_total: Decimal | None
    verified_total: Decimal | None
    grade: str
    vetoed: bool
    veto_codes: list[str]
    rank: int | None
    items: list[ItemResultOut]


@router.get("/{campaign_id}/results/{school_id}", response=SchoolResultOut, summary="一所学校的自评与核查对照")
def get_school_result(request, campaign_id: int, school_id: int):
    campaign = access_campaign(request.user, campaign_id)
    entry = result_schools(request.user, campaign).select_related("school").filter(school_id=school_id).first()
    if entry is None:
        raise Http404
    outcome, _answers = school_outcome(campaign, school_id, load_tree(campaign.framework_version))
    flags = {f.indicator: f.kind for f in outcome.flags}
    stored = SchoolResult.objects.filter(campaign=campaign, school_id=school_id).first()
    items = [ItemResultOut(indicator_id=r.item.id, code=r.item.code, text=r.item.text, max_score=r.item.max_score,
                           is_veto=r.item.is_veto, self_choice=r.self_answer.choice if r.self_answer else "",
                           self_score=r.self_score, rater_scores=r.rater_scores, verified=r.verified, spread=r.spread,
                           pending=r.pending, reinspected=r.reinspected, flag=flags.get(r.item.id))
             for r in outcome.items]
    return SchoolResultOut(school_id=school_id, school=entry.school.name, self_total=outcome.self_total,
                           verified_total=outcome.verified_total, grade=outcome.grade, vetoed=outcome.vetoed,
                           veto_codes=outcome.veto_codes, rank=stored.rank if stored else None, items=items)
