"""A campaign's dashboard and summary (看板 · 总结) over the same reads as the pages
(campaigns/dashboard.py): the figures of the page, its Excel and this API are one computation.

- `GET /campaigns/{id}/dashboard` — phases with dates, progress by team and in all, the grade
  distribution, the weakest items.
- `GET /campaigns/{id}/summary` — the counts and findings a 通报 is drafted from.

Who: the campaign's office and the offices above (staff and leaders), admins; others who read the
campaign 403; the rest 404.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from ninja import Router, Schema

from dudao.campaigns import dashboard as reads
from dudao.campaigns.selectors import access_campaign

router = Router(tags=["督导看板与总结 campaign dashboard"])


class PhaseOut(Schema):
    state: str
    label: str
    status: str
    date: date | None
    entered_at: datetime | None


class ProgressOut(Schema):
    schools: int
    submitted: int
    scored: int
    results: int
    graded: int
    mean_total: Decimal | None
    vetoed: int
    flagged: int
    flags: int
    grades: dict[str, int]


class TeamOut(Schema):
    team_id: int | None
    team: str
    leader: str
    members: list[str]
    progress: ProgressOut


class CountOut(Schema):
    label: str
    count: int


class ItemOut(Schema):
    indicator_id: int
    code: str
    text: str
    max_score: Decimal | None
    schools: int
    mean: Decimal | None
    ratio: Decimal


class DashboardOut(Schema):
    campaign_id: int
    phases: list[PhaseOut]
    teams: list[TeamOut]
    total: ProgressOut
    grades: list[CountOut]
    weakest_items: list[ItemOut]
    results_at: datetime | None  # when the results the figures sum were computed (None: not yet)


class RankedOut(Schema):
    school_id: int
    school: str
    rank: int | None
    verified_total: Decimal | None
    grade: str
    vetoed: bool


class FindingsOut(Schema):
    total: int
    by_state: list[CountOut]
    by_severity: list[CountOut]


class SummaryOut(Schema):
    campaign_id: int
    schools: int
    submitted: int
    scored: int
    results: int
    graded: int
    mean_total: Decimal | None
    vetoed: int
    flagged_schools: int
    flags: int
    grades: list[CountOut]
    findings: FindingsOut
    best: list[RankedOut]
    weakest: list[RankedOut]
    weakest_items: list[ItemOut]
    results_at: datetime | None


def _office(request, campaign_id: int):
    campaign = access_campaign(request.user, campaign_id)
    if not reads.may_read_dashboard(request.user, campaign):
        raise PermissionDenied(_("只有组织督导室及上级督导室可以查看督导项目看板。"))
    return campaign


def _progress(p: reads.Progress) -> dict:
    return {"schools": p.schools, "submitted": p.submitted, "scored": p.scored, "results": p.results,
            "graded": p.graded, "mean_total": p.mean_total, "vetoed": p.vetoed, "flagged": p.flagged,
            "flags": p.flags, "grades": dict(p.grades)}


def _counts(rows) -> list[dict]:
    return [{"label": str(label), "count": n} for label, n in rows]


def _ranked(results) -> list[dict]:
    return [{"school_id": r.school_id, "school": r.school.name, "rank": r.rank, "verified_total": r.verified_total,
             "grade": r.grade, "vetoed": r.vetoed} for r in results]


@router.get("/{campaign_id}/dashboard", response=DashboardOut, summary="督导项目看板（督导室）")
def get_dashboard(request, campaign_id: int):
    campaign = _office(request, campaign_id)
    teams, total = reads.team_rows(campaign)
    return {
        "campaign_id": campaign.pk,
        "phases": [{"state": p["state"], "label": str(p["label"]), "status": p["status"], "date": p["date"],
                    "entered_at": p["entered_at"]} for p in reads.phase_rows(campaign)],
        "teams": [{"team_id": row.team.pk if row.team else None, "team": row.team.name if row.team else _("未分配"),
                   "leader": row.leader, "members": row.members, "progress": _progress(row.progress)} for row in teams],
        "total": _progress(total),
        "grades": _counts(reads.distribution(campaign, total)),
        "weakest_items": reads.weakest_items(campaign),
        "results_at": total.computed_at,
    }


@router.get("/{campaign_id}/summary", response=SummaryOut, summary="督导项目总结（督导室）")
def get_summary(request, campaign_id: int):
    campaign = _office(request, campaign_id)
    s = reads.summary(campaign)
    findings = s["findings"]
    return {**s, "campaign_id": campaign.pk, "grades": _counts(s["grades"]),
            "findings": {"total": findings["total"], "by_state": _counts(findings["by_state"]),
                         "by_severity": _counts(findings["by_severity"])},
            "best": _ranked(s["best"]), "weakest": _ranked(s["weakest"])}
