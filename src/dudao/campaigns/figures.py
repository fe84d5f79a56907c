"""The dashboard's figures over every school of a campaign, stored with the results: per team
(`TeamFigures`: results, graded, the sum of the verified totals, vetoes, discrepancies, schools per
grade) and per item (`ItemFigures`: the verified scores summed, for the weakest items).

Why stored: on a province campaign (20,000 schools) grouping the results by team took ~0.3 s and
the item sums a pass over 1.2 million tally rows (1.4–1.8 s on the first read after a computation);
the dashboard now reads a few small rows.

When they are written and what they are as of:

- `campaign_results_compute` writes both in its transaction, the item sums from the same pass over
  the score tally that computes the results: the figures are exactly those of the stored results.
- Scores that change afterwards change neither the stored results nor these figures, until the
  next 计算结果 (the results pages and the dashboard agree: both are as of the computation; the
  dashboard says when it was). The progress (schools, submitted, scored on site) is not stored.
- What changes the stored results or who is in which team makes them stale, and its service calls
  `figures_forget`: a re-inspection (`school_result_refresh`: both), a school moved, the automatic
  allocation, a team deleted, the scope set again (teams). The next read computes the missing part
  afresh from the stored results (teams, one grouped query) or the tally (items) and stores it.

`dashboard.figures_fresh` computes both afresh without storing (the tests compare it with what is
stored); `dashboard.item_figures` computes the item figures again when they were forgotten (it needs
the results' pass over the tally, which imports this module).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import TYPE_CHECKING

from django.db import connection, transaction
from django.db.models import Max

from dudao.campaigns.models import Campaign, CampaignSchool, ItemFigures, SchoolResult, TeamFigures

if TYPE_CHECKING:
    import datetime as dt

    from dudao.campaigns import scoring

RESULTS_BY_TEAM_SQL = """
SELECT cs.team_id, COUNT(*), COUNT(r.verified_total), SUM(CAST(ROUND(r.verified_total * 100) AS INTEGER)),
       SUM(CASE WHEN r.vetoed THEN 1 ELSE 0 END), SUM(CASE WHEN r.flag_count > 0 THEN 1 ELSE 0 END),
       SUM(r.flag_count)
FROM {school} cs JOIN {result} r ON r.campaign_id = cs.campaign_id AND r.school_id = cs.school_id
WHERE cs.campaign_id = %s
GROUP BY cs.team_id
"""
GRADES_BY_TEAM_SQL = """
SELECT cs.team_id, r.grade, COUNT(*)
FROM {school} cs JOIN {result} r ON r.campaign_id = cs.campaign_id AND r.school_id = cs.school_id
WHERE cs.campaign_id = %s AND r.grade <> ''
GROUP BY cs.team_id, r.grade
"""
TeamKey = int | None
FIELDS = ("results", "graded", "total_cents", "vetoed", "flagged", "flags")


def _tables() -> dict[str, str]:
    return {"school": CampaignSchool._meta.db_table, "result": SchoolResult._meta.db_table}


def results_at(campaign: Campaign) -> dt.datetime | None:
    return SchoolResult.objects.filter(campaign=campaign).aggregate(at=Max("computed_at"))["at"]


def teams_fresh(campaign: Campaign, at: dt.datetime | None = None) -> dict[TeamKey, TeamFigures]:
    """The stored results summed per team afresh (two grouped queries), unsaved; `at`: when the
    results were computed."""
    out: dict[TeamKey, TeamFigures] = {}
    with connection.cursor() as cursor:
        cursor.execute(RESULTS_BY_TEAM_SQL.format(**_tables()), [campaign.pk])
        for team_id, *figures in cursor.fetchall():
            out[team_id] = TeamFigures(campaign=campaign, team_id=team_id, computed_at=at, grades={},
                                       **dict(zip(FIELDS, (int(f or 0) for f in figures), strict=True)))
        cursor.execute(GRADES_BY_TEAM_SQL.format(**_tables()), [campaign.pk])
        for team_id, grade, n in cursor.fetchall():
            out[team_id].grades[grade] = int(n)
    return out


def item_rows(campaign: Campaign, tree: scoring.Tree, sums: dict[int, list[int]],
              at: dt.datetime | None) -> dict[int, ItemFigures]:
    """ItemFigures of every item with full marks (0 schools when none had a verified score)."""
    from dudao.campaigns import scoring

    out = {}
    for position, item in enumerate(tree.items.values()):
        if not scoring.to_cents(item.max_score):
            continue
        total, n = sums.get(item.id, (0, 0))
        out[item.id] = ItemFigures(campaign=campaign, indicator_id=item.id, position=position, total_cents=total,
                                   schools=n, computed_at=at)
    return out


@transaction.atomic
def store(campaign: Campaign, *, teams: dict[TeamKey, TeamFigures] | None = None,
          items: dict[int, ItemFigures] | None = None) -> None:
    """Replace the campaign's stored team and/or item figures by these. Two first reads after a
    `figures_forget` may both store: the campaign's row is locked first, so the second one's DELETE
    sees (and removes) the first one's rows instead of adding a second set."""
    Campaign.objects.select_for_update().filter(pk=campaign.pk).values_list("pk", flat=True).first()
    if teams is not None:
        TeamFigures.objects.filter(campaign=campaign).delete()
        TeamFigures.objects.bulk_create(teams.values())
    if items is not None:
        ItemFigures.objects.filter(campaign=campaign).delete()
        ItemFigures.objects.bulk_create(items.values())


def teams_of_results(campaign: Campaign, results: Iterable[tuple[TeamKey, Decimal | None, str, bool, int]],
                     at: dt.datetime) -> dict[TeamKey, TeamFigures]:
    """What `teams_fresh` reads from the stored results, summed in Python from the rows being
    stored — (team, verified total, grade, vetoed, flag count) per school in scope — unsaved."""
    out: dict[TeamKey, TeamFigures] = {}
    for team_id, total, grade, vetoed, flag_count in results:
        f = out.get(team_id)
        if f is None:
            f = out[team_id] = TeamFigures(campaign=campaign, team_id=team_id, computed_at=at, grades={},
                                           **dict.fromkeys(FIELDS, 0))
        f.results += 1
        if total is not None:
            f.graded += 1
            f.total_cents += int((total * 100).to_integral_value(rounding=ROUND_HALF_UP))
        if grade:
            f.grades[grade] = f.grades.get(grade, 0) + 1
        f.vetoed += 1 if vetoed else 0
        f.flagged += 1 if flag_count else 0
        f.flags += flag_count
    return out


def store_with_results(campaign: Campaign, tree: scoring.Tree, sums: dict[int, list[int]], at: dt.datetime,
                       results: Iterable[tuple[TeamKey, Decimal | None, str, bool, int]]) -> None:
    """Called by `campaign_results_compute` inside its transaction, as it writes the results: the
    team rows summed from the same rows (not read back: ~0.1–0.3 s on a province campaign), the
    item rows from the sums of its pass over the tally."""
    store(campaign, teams=teams_of_results(campaign, results, at), items=item_rows(campaign, tree, sums, at))


def figures_forget(campaign: Campaign | int, *, teams: bool = True, items: bool = False) -> None:
    """Mark the stored figures stale (deleted; the next read computes them again)."""
    pk = campaign if isinstance(campaign, int) else campaign.pk
    if teams:
        TeamFigures.objects.filter(campaign_id=pk).delete()
    if items:
        ItemFigures.objects.filter(campaign_id=pk).delete()


def has_results(campaign: Campaign) -> bool:
    return SchoolResult.objects.filter(campaign=campaign).exists()


def team_figures(campaign: Campaign) -> dict[TeamKey, TeamFigures]:
    """The stored figures per team (one query); computed and stored first when they were forgotten
    and the campaign has results. {} before any computation."""
    rows = {f.team_id: f for f in TeamFigures.objects.filter(campaign=campaign)}
    if rows or not has_results(campaign):
        return rows
    rows = teams_fresh(campaign, results_at(campaign))
    store(campaign, teams=rows)
    return rows


def stored_items(campaign: Campaign) -> list[ItemFigures]:
    """The stored figures per item with their indicator (one query); [] before any computation or
    after `figures_forget(items=True)` (the dashboard then computes them: `dashboard.item_figures`)."""
    rows = {f.indicator_id: f for f in ItemFigures.objects.filter(campaign=campaign).select_related("indicator")}
    return list(rows.values())


def sums_by_item() -> defaultdict[int, list[int]]:
    """item → [verified cents summed, schools with a verified score], filled as results are computed."""
    return defaultdict(lambda: [0, 0])


__all__ = ["figures_forget", "item_rows", "results_at", "store", "store_with_results", "stored_items", "team_figures",
           "teams_fresh"]
