"""Reads of a campaign's dashboard (看板) and summary (总结): progress by phase, team and school, the
grade distribution, the weakest items, the counts and findings a 通报 is drafted from.

One source for the page, its Excel export and the API (views/dashboard.py, api/campaign_dashboard.py),
so the three cannot disagree. Built for a province campaign (20,000 schools, bench/campaigns.py):
the figures come from a few grouped queries over `CampaignSchool`, `SelfInspection` and the stored
`SchoolResult` rows — never a query per school; the school table is paged (a fixed number of
queries per page). The weakest items need each (school, item)'s verified score, which is not
stored: they are computed from the scores by the results' fast path once per computation of the
results (cached under the moment the results were computed), so the dashboard shows them as of the
last 计算结果. On a large campaign the grouped figures by team (one SQL over 20,000 schools with a
probe of the scores' index per school, ~0.3 s) and the results' stamp are kept for
`settings.CAMPAIGN_DASHBOARD_CACHE_SECONDS` (60 s; 0 under pytest; the page says so) — `kept`.

Who reads (views and API ask `may_read_dashboard`): the campaign's office and the offices above it
(staff and leaders) and admins — `access.sees_whole_campaign`.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.db import connection
from django.db.models import Count, Max
from django.utils.translation import gettext as _

from dudao.campaigns import figures, scoring, selectors
from dudao.campaigns.access import sees_whole_campaign
from dudao.campaigns.models import (
    CampaignEvent,
    CampaignSchool,
    ItemFigures,
    SchoolResult,
    Score,
    ScoreKind,
    SelfInspection,
    SelfInspectionState,
    Team,
    TeamFigures,
)

if TYPE_CHECKING:
    from datetime import datetime

    from dudao.campaigns.models import Campaign
    from dudao.people.models import User

SCHOOL_PAGE_SIZE = 50
WEAKEST = 10
BEST = 5
CACHE_SECONDS = 24 * 3600


def cache_seconds() -> int:
    from django.conf import settings

    return int(getattr(settings, "CAMPAIGN_DASHBOARD_CACHE_SECONDS", 0))


def kept(campaign: Campaign, name: str, compute):
    """`compute()` kept for `cache_seconds()` under the campaign and `name` (computed each time at 0)."""
    seconds = cache_seconds()
    if seconds <= 0:
        return compute()
    key = f"campaign-dashboard:{campaign.pk}:{name}"
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, seconds)
    return value


def may_read_dashboard(user: User, campaign: Campaign) -> bool:
    """The office's view: the owning office's staff and leaders, the offices above, admins."""
    return sees_whole_campaign(user, campaign)


def _cents_mean(total_cents: int, n: int) -> Decimal | None:
    """The mean of n totals given in cents, to 0.01 half up (None without any)."""
    if not n:
        return None
    return (Decimal(total_cents) / Decimal(100) / Decimal(n)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP)


# --- progress by phase ------------------------------------------------------------------------------
def phase_rows(campaign: Campaign) -> list[dict[str, Any]]:
    """The timeline (planned dates, done / current / to come) with the day each phase was entered
    (the last logged step into it). Two queries at most (the log, grouped)."""
    entered = dict(CampaignEvent.objects.filter(campaign=campaign).exclude(to_state="").values("to_state")
                   .annotate(at=Max("created_at")).values_list("to_state", "at"))
    rows = selectors.phases(campaign)
    for row in rows:
        row["entered_at"] = entered.get(row["state"])
    return rows


# --- progress by team --------------------------------------------------------------------------------
# Live: the schools allocated, the self-inspections submitted, the schools scored on site.
PROGRESS_SQL = """
SELECT cs.team_id,
       COUNT(*),
       SUM(CASE WHEN si.state = %s THEN 1 ELSE 0 END),
       SUM(CASE WHEN EXISTS (SELECT 1 FROM {score} s WHERE s.campaign_id = cs.campaign_id
                                 AND s.school_id = cs.school_id AND s.kind = %s) THEN 1 ELSE 0 END)
FROM {school} cs
LEFT JOIN {self} si ON si.campaign_id = cs.campaign_id AND si.school_id = cs.school_id
WHERE cs.campaign_id = %s
GROUP BY cs.team_id
"""


@dataclass
class Progress:
    """Counts of a team (or, for the whole campaign, of every team and the unallocated schools)."""

    schools: int = 0
    submitted: int = 0  # self-inspections submitted
    scored: int = 0  # schools with any on-site score
    results: int = 0  # schools with a stored result
    graded: int = 0  # results with a verified total
    total_cents: int = 0
    vetoed: int = 0
    flagged: int = 0  # schools with a discrepancy flag
    flags: int = 0  # discrepancy flags in all
    grades: dict[str, int] = field(default_factory=dict)
    computed_at: datetime | None = None  # when the results these figures sum were computed

    @property
    def mean_total(self) -> Decimal | None:
        return _cents_mean(self.total_cents, self.graded)

    def add(self, other: Progress) -> None:
        for name in ("schools", "submitted", "scored", "results", "graded", "total_cents", "vetoed", "flagged",
                     "flags"):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        if other.computed_at and (self.computed_at is None or other.computed_at > self.computed_at):
            self.computed_at = other.computed_at
        for grade, n in other.grades.items():
            self.grades[grade] = self.grades.get(grade, 0) + n


def _live_progress(campaign: Campaign) -> dict[int | None, tuple[int, int, int]]:
    """team → (schools, submitted, scored): one grouped query over the campaign's schools."""
    tables = {"score": Score._meta.db_table, "school": CampaignSchool._meta.db_table,
              "self": SelfInspection._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(PROGRESS_SQL.format(**tables), [SelfInspectionState.SUBMITTED, ScoreKind.ONSITE, campaign.pk])
        return {team_id: (int(n or 0), int(submitted or 0), int(scored or 0))
                for team_id, n, submitted, scored in cursor.fetchall()}


def _progress_by_team(campaign: Campaign, live: dict[int | None, tuple[int, int, int]] | None = None
                      ) -> dict[int | None, Progress]:
    """The live progress (`live`, else read now) with the results' figures stored per team
    (campaigns/figures.py)."""
    out: dict[int | None, Progress] = {}
    for team_id, (schools, submitted, scored) in (live if live is not None else _live_progress(campaign)).items():
        out[team_id] = Progress(schools, submitted, scored)
    for team_id, stored in figures.team_figures(campaign).items():
        p = out.setdefault(team_id, Progress())
        p.results, p.graded, p.total_cents = stored.results, stored.graded, stored.total_cents
        p.vetoed, p.flagged, p.flags, p.grades = stored.vetoed, stored.flagged, stored.flags, dict(stored.grades)
        p.computed_at = stored.computed_at
    return out


def grade_labels(campaign: Campaign) -> list[str]:
    """The version's grade bands, highest first (read once per campaign object: a published
    version's bands do not change)."""
    from dudao.frameworks.models import GradeBand

    labels = getattr(campaign, "_grade_labels", None)
    if labels is None or labels[0] != campaign.framework_version_id:
        labels = (campaign.framework_version_id,
                  list(GradeBand.objects.filter(version_id=campaign.framework_version_id).order_by("-min_score")
                       .values_list("label", flat=True)))
        campaign._grade_labels = labels  # type: ignore[attr-defined]
    return list(labels[1])


@dataclass
class TeamRow:
    team: Team | None
    leader: str
    members: list[str]
    progress: Progress
    grade_counts: list[int] = field(default_factory=list)  # in the order of `grade_labels`


def team_rows(campaign: Campaign) -> tuple[list[TeamRow], Progress]:
    """Every team in order (with its leader and members), then the unallocated schools (when any),
    and the campaign's totals (the sum of the rows). Five queries (the live progress kept)."""
    by_team = _progress_by_team(campaign, kept(campaign, "progress", lambda: _live_progress(campaign)))
    rows = []
    for team in Team.objects.filter(campaign=campaign).prefetch_related("members__user").order_by("order", "id"):
        members = list(team.members.all())
        leader = next((m.user.full_name or m.user.username for m in members if m.is_leader), "")
        rows.append(TeamRow(team, leader, [m.user.full_name or m.user.username for m in members],
                            by_team.get(team.pk, Progress())))
    if None in by_team:
        rows.append(TeamRow(None, "", [], by_team[None]))
    total = Progress()
    labels = grade_labels(campaign)
    for row in rows:
        total.add(row.progress)
        row.grade_counts = [row.progress.grades.get(label, 0) for label in labels]
    return rows, total


# --- progress by school (a page of the table) -----------------------------------------------------------
def school_page(campaign: Campaign, *, page: int | str | None = 1, team: str = ""):
    """One page of the schools (by 学校标识码) with self-inspection state, on-site scored, the stored
    result. `team`: a team id, "none" (unallocated) or "" (all). A fixed number of queries per page."""
    from django.core.paginator import Paginator

    qs = CampaignSchool.objects.filter(campaign=campaign).select_related("school", "team").order_by("school__code", "id")
    if team == "none":
        qs = qs.filter(team__isnull=True)
    elif team.isdigit():
        qs = qs.filter(team_id=int(team))
    paged = Paginator(qs, SCHOOL_PAGE_SIZE).get_page(page)
    entries = list(paged.object_list)
    ids = [e.school_id for e in entries]
    states = dict(SelfInspection.objects.filter(campaign=campaign, school_id__in=ids).values_list("school_id", "state"))
    scored = set(Score.objects.filter(campaign=campaign, school_id__in=ids, kind=ScoreKind.ONSITE)
                 .values_list("school_id", flat=True).distinct())
    results = {r.school_id: r for r in SchoolResult.objects.filter(campaign=campaign, school_id__in=ids)}
    rows = [{"entry": e, "school": e.school, "team": e.team, "self_state": states.get(e.school_id, ""),
             "submitted": states.get(e.school_id) == SelfInspectionState.SUBMITTED,
             "scored": e.school_id in scored, "result": results.get(e.school_id)} for e in entries]
    return paged, rows


# --- distribution and weakest items ------------------------------------------------------------------------
def distribution(campaign: Campaign, total: Progress) -> list[tuple[str, int]]:
    """Schools per grade band (highest first), then grades no longer among the bands, then 未定等
    (a stored result without a verified total or grade)."""
    labels = grade_labels(campaign)
    rows = [(label, total.grades.get(label, 0)) for label in labels]
    rows += sorted((g, n) for g, n in total.grades.items() if g not in labels)
    ungraded = total.results - sum(total.grades.values())
    if ungraded:
        rows.append((_("未定等"), ungraded))
    return rows


def items_fresh(campaign: Campaign, tree: scoring.Tree | None = None) -> dict[int, ItemFigures]:
    """Per item with full marks: the verified scores (cents) summed over the schools with one, by
    the campaign's rule, from the scores as they are now (one pass over the tally), unsaved."""
    from dudao.campaigns.results import item_sums, load_tree

    tree = tree or load_tree(campaign.framework_version)
    if not any(scoring.to_cents(item.max_score) for item in tree.items.values()):
        return {}  # no item has full marks (a checklist without points): no weakest items
    return figures.item_rows(campaign, tree, item_sums(campaign, tree), None)


def figures_fresh(campaign: Campaign) -> tuple[dict[int | None, TeamFigures], dict[int, ItemFigures]]:
    """What the stored figures must equal: both computed afresh, unsaved."""
    return figures.teams_fresh(campaign), items_fresh(campaign)


def item_figures(campaign: Campaign) -> list[ItemFigures]:
    """The stored figures per item (one query); computed and stored first when they were forgotten
    (a re-inspection) and the campaign has results. [] before any computation."""
    rows = figures.stored_items(campaign)
    if rows or not figures.has_results(campaign):
        return rows
    fresh = items_fresh(campaign)
    at = figures.results_at(campaign)
    for row in fresh.values():
        row.computed_at = at
    figures.store(campaign, items=fresh)
    return figures.stored_items(campaign)


def weakest_items(campaign: Campaign, limit: int = WEAKEST) -> list[dict[str, Any]]:
    """The items with the lowest mean verified score ratio (mean verified score ÷ the item's max over
    the schools with a verified score), lowest first, ties by framework order; only items with a
    max. From the figures stored with the results (campaigns/figures.py: as of the last computation
    of the results); [] before it."""
    rows = []
    for f in item_figures(campaign):
        full = scoring.to_cents(f.indicator.max_score)
        if not full or not f.schools:
            continue
        ratio = Decimal(f.total_cents) / Decimal(full * f.schools)
        rows.append({"indicator_id": f.indicator_id, "code": f.indicator.code, "text": f.indicator.text,
                     "max_score": f.indicator.max_score, "schools": f.schools, "mean": _cents_mean(f.total_cents, f.schools),
                     "ratio": ratio.quantize(Decimal("0.0001"), rounding=ROUND_HALF_UP), "order": f.position})
    rows.sort(key=lambda r: (r["ratio"], r["order"]))
    return rows[:limit]


# --- the summary (总结: what a 通报 is drafted from) -----------------------------------------------------
def findings_counts(campaign: Campaign) -> dict[str, Any]:
    """The campaign's findings in the ledger, by state and by severity (labels in the ledger's order)."""
    from dudao.findings.models import Finding, FindingSeverity, FindingSource, FindingState

    rows = (Finding.objects.filter(source=FindingSource.CAMPAIGN, source_data__campaign=campaign.pk)
            .values_list("state", "severity").annotate(n=Count("id")))
    by_state: dict[str, int] = defaultdict(int)
    by_severity: dict[str, int] = defaultdict(int)
    for state, severity, n in rows:
        by_state[state] += n
        by_severity[severity] += n
    return {"total": sum(by_state.values()),
            "by_state": [(str(label), by_state[value]) for value, label in FindingState.choices if by_state[value]],
            "by_severity": [(str(label), by_severity[value]) for value, label in FindingSeverity.choices
                            if by_severity[value]]}


def ranked_schools(campaign: Campaign, *, best: bool, limit: int = BEST) -> list[SchoolResult]:
    """The best (rank 1 first) or the weakest (the last rank first; vetoed schools rank last) schools."""
    qs = SchoolResult.objects.filter(campaign=campaign, rank__isnull=False).select_related("school")
    return list(qs.order_by("rank", "school__code")[:limit] if best else qs.order_by("-rank", "school__code")[:limit])


def summary(campaign: Campaign) -> dict[str, Any]:
    """The counts and findings of the campaign (the summary page and its API). Eight queries."""
    _teams, total = team_rows(campaign)
    return {
        "schools": total.schools, "submitted": total.submitted, "scored": total.scored, "results": total.results,
        "graded": total.graded, "mean_total": total.mean_total, "vetoed": total.vetoed,
        "flagged_schools": total.flagged, "flags": total.flags, "results_at": total.computed_at,
        "grades": distribution(campaign, total),
        "findings": findings_counts(campaign),
        "best": kept(campaign, "best", lambda: ranked_schools(campaign, best=True)),
        "weakest": kept(campaign, "weakest", lambda: ranked_schools(campaign, best=False)),
        "weakest_items": weakest_items(campaign),
    }


def team_sheet(campaign: Campaign) -> tuple[list[str], list[list]]:
    """Each team's summary (the Excel and the page's team table): team, leader, members, schools,
    submitted, scored, results, mean total, vetoed, then one column per grade."""
    rows, total = team_rows(campaign)
    labels = grade_labels(campaign)
    headers = [_("督查组"), _("组长"), _("成员"), _("学校数"), _("已提交自查"), _("已实地评分"), _("已计算结果"),
               _("平均核查总分"), _("一票否决")] + labels
    body = []
    for row in [*rows, TeamRow(None, "", [], total)]:
        p = row.progress
        name = row.team.name if row.team else (_("合计") if p is total else _("未分配"))
        body.append([name, row.leader, "、".join(row.members), p.schools, p.submitted, p.scored, p.results,
                     float(p.mean_total) if p.mean_total is not None else None, p.vetoed]
                    + [p.grades.get(label, 0) for label in labels])
    return headers, body


# --- the map (schools with coordinates, coloured by grade) ---------------------------------------------------
MAP_POINTS_MAX = 3000
# Grade bands highest first take these colours in turn (a version may have more or fewer bands).
GRADE_COLORS = ["#2fb344", "#206bc4", "#f59f00", "#d63939", "#ae3ec9", "#0ca678"]
UNGRADED_COLOR = "#868e96"


def _decimal(value) -> Decimal:
    """A coordinate as the ORM gives it (SQLite's raw rows hold floats)."""
    return value if isinstance(value, Decimal) else Decimal(str(value))


MAP_SQL = """
SELECT cs.school_id, s.name, s.longitude, s.latitude, r.grade, r.vetoed
FROM {school} cs JOIN {schools} s ON s.id = cs.school_id
LEFT JOIN {result} r ON r.campaign_id = cs.campaign_id AND r.school_id = cs.school_id
WHERE cs.campaign_id = %s AND s.latitude IS NOT NULL AND s.longitude IS NOT NULL
ORDER BY s.code, cs.id
LIMIT %s
"""


def school_points(campaign: Campaign, labels: list[str], *, limit: int | None = None) -> dict[str, Any]:
    """The campaign's schools that have coordinates, as map points coloured by grade (by 学校标识码,
    at most `limit`, by default `MAP_POINTS_MAX`): {points, pieces, shown, located}. One query (the
    stored result joined), and a count of the located schools only when the cap cut the list (the
    points stop at the cap; counting every located school in the same query cost ~150 ms on a
    province campaign); the schools without coordinates are the campaign's schools less `located`.

    A point's `value` is the index of its grade among `labels` (highest first), then the grades no
    longer among the bands, then 未定等 (no result, or a result without a grade); a vetoed school is
    a diamond."""
    from django.urls import reverse

    from dudao.schools.models import School

    limit = limit or MAP_POINTS_MAX
    tables = {"school": CampaignSchool._meta.db_table, "schools": School._meta.db_table,
              "result": SchoolResult._meta.db_table}
    with connection.cursor() as cursor:
        cursor.execute(MAP_SQL.format(**tables), [campaign.pk, limit])
        rows = cursor.fetchall()
    located = len(rows)
    if located >= limit:
        located = CampaignSchool.objects.filter(campaign=campaign, school__latitude__isnull=False,
                                                school__longitude__isnull=False).count()
    order = list(labels) + sorted({r[4] for r in rows if r[4] and r[4] not in labels})
    ungraded = len(order)
    # the school's result page, reversed once: /campaigns/<campaign>/results/<school>/
    sentinel = 987654321
    link = reverse("campaigns:result_school", args=[campaign.pk, sentinel]).split(str(sentinel))
    points = []
    for school_id, name, lng, lat, grade, vetoed in rows:
        value = order.index(grade) if grade else ungraded
        detail = (grade or _("未定等")) + (" · " + _("一票否决") if vetoed else "")
        point = {"name": name, "lng": _decimal(lng), "lat": _decimal(lat), "value": value, "detail": detail,
                 "link": f"{link[0]}{school_id}{link[1]}"}
        if vetoed:
            point["symbol"] = "diamond"
        points.append(point)
    pieces = [(i, label, GRADE_COLORS[i % len(GRADE_COLORS)]) for i, label in enumerate(order)]
    pieces.append((ungraded, _("未定等"), UNGRADED_COLOR))
    return {"points": points, "pieces": pieces, "shown": len(points), "located": int(located)}


def map_outline(campaign: Campaign) -> dict[str, str]:
    """Which boundary file(s) map.js draws under the points: the scope region's (else the office's)
    county — the one feature of its city's or province's file —, or its city's or province's file
    whole. {code, only}; an empty code: no outline (points only)."""
    from dudao.core.charts import county_geo_files
    from dudao.regions.models import RegionLevel

    region = campaign.scope_region or campaign.office.region
    if region is None:
        return {"code": "", "only": ""}
    if region.level in (RegionLevel.COUNTY, RegionLevel.TOWNSHIP):
        county = region.code[:6].ljust(6, "0")
        return {"code": county_geo_files(county), "only": county}
    return {"code": region.code[:6].ljust(6, "0"), "only": ""}
