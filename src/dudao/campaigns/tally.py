"""The per-(campaign, school, item) aggregate of the scores (`ScoreTally`): what it must equal, and
its rebuild.

Triggers on campaigns_score keep it (migration 0002_glue_score_tally); nothing in Python writes it
except `score_tally_rebuild`, the repair for a table restored without its triggers or a bulk load
made with triggers disabled. `results._item_rows` reads it: computing a campaign's results reads one
row per (school, item) instead of every rater's score.

A row, in whole cents clamped to [0, the item's max] (yes = max, or 100 without a max; no = 0; any
other answer its stored value): the self answer and its choice, the on-site raters' count, sum and
yes / no counts, the reconciled and the re-inspection answers (the largest when there are several).
"""

from __future__ import annotations

from django.db import connection, transaction

from dudao.campaigns.models import Campaign, Score, ScoreTally

COLUMNS = ("campaign_id", "school_id", "indicator_id", "self_cents", "self_choice", "onsite_count", "onsite_sum",
           "onsite_yes", "onsite_no", "reconciled_cents", "reconciled_choice", "reinspection_cents",
           "reinspection_choice")

# the same grouping as the migration's triggers (a test checks the two agree after every kind of write)
GROUPED_SQL = """
SELECT campaign_id, school_id, indicator_id,
       MAX(CASE WHEN kind = 'self' THEN c END), MAX(CASE WHEN kind = 'self' THEN choice END),
       COUNT(CASE WHEN kind = 'onsite' THEN c END), SUM(CASE WHEN kind = 'onsite' THEN c END),
       COUNT(CASE WHEN kind = 'onsite' AND choice = 'yes' THEN 1 END),
       COUNT(CASE WHEN kind = 'onsite' AND choice = 'no' THEN 1 END),
       MAX(CASE WHEN kind = 'reconciled' THEN c END), MAX(CASE WHEN kind = 'reconciled' THEN choice END),
       MAX(CASE WHEN kind = 'reinspection' THEN c END), MAX(CASE WHEN kind = 'reinspection' THEN choice END)
FROM (
    SELECT campaign_id, school_id, indicator_id, kind, choice,
           CASE WHEN raw < 0 THEN 0 WHEN mc IS NOT NULL AND raw > mc THEN mc ELSE raw END AS c
    FROM (
        SELECT s.campaign_id, s.school_id, s.indicator_id, s.kind, s.choice,
               CAST(ROUND(i.max_score * 100) AS INTEGER) AS mc,
               CASE WHEN s.choice = 'yes' THEN COALESCE(CAST(ROUND(i.max_score * 100) AS INTEGER), 100)
                    WHEN s.choice = 'no' THEN 0
                    ELSE CAST(ROUND(s.value * 100) AS INTEGER) END AS raw
        FROM campaigns_score s JOIN frameworks_indicator i ON i.id = s.indicator_id
        WHERE {where}
    ) r
) t
GROUP BY campaign_id, school_id, indicator_id
"""


def _rows(sql: str, params: list) -> dict[tuple[int, int, int], tuple]:
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return {tuple(row[:3]): tuple(int(v) if isinstance(v, int | float) and not isinstance(v, bool) else v
                                      for v in row[3:]) for row in cursor.fetchall()}


def score_tally_expected(campaign: Campaign | None = None) -> dict[tuple[int, int, int], tuple]:
    """(campaign, school, item) → the tally columns, grouped afresh from the scores."""
    if campaign is None:
        return _rows(GROUPED_SQL.format(where="1 = 1"), [])
    return _rows(GROUPED_SQL.format(where="s.campaign_id = %s"), [campaign.pk])


def score_tally_stored(campaign: Campaign | None = None) -> dict[tuple[int, int, int], tuple]:
    where, params = ("", []) if campaign is None else (" WHERE campaign_id = %s", [campaign.pk])
    return _rows(f"SELECT {', '.join(COLUMNS)} FROM {ScoreTally._meta.db_table}{where}", params)


@transaction.atomic
def score_tally_rebuild(campaign: Campaign | None = None) -> int:
    """Refill the tally (of one campaign, or all) from the scores in one grouped statement; returns
    the rows written. On PostgreSQL the scores are locked against writes (SHARE) while it runs."""
    table = ScoreTally._meta.db_table
    where, params = ("1 = 1", []) if campaign is None else ("s.campaign_id = %s", [campaign.pk])
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(f"LOCK TABLE {Score._meta.db_table} IN SHARE MODE")
        if campaign is None:
            cursor.execute(f"DELETE FROM {table}")
        else:
            cursor.execute(f"DELETE FROM {table} WHERE campaign_id = %s", [campaign.pk])
        cursor.execute(f"INSERT INTO {table} ({', '.join(COLUMNS)}) {GROUPED_SQL.format(where=where)}", params)
        return cursor.rowcount


__all__ = ["score_tally_expected", "score_tally_rebuild", "score_tally_stored"]
