"""The per-(campaign, school, item) aggregate of the scores (`ScoreTally`), kept by triggers on
campaigns_score (like visits' VisitTally, migration visits 0006).

Triggers rather than the services: scores are written by the self-inspection and on-site services,
but also by bulk_create (the demo), COPY (bench/campaigns.py), raw UPDATEs and every test's
`Score.objects.create`; only the database sees all of them, inside the writing transaction.

A write recomputes the tally rows of the (campaign, school, item) keys it touched from the scores
of those keys (an index range of score_once_per_rater), rather than moving counters: a tally row
holds maxima and clamped sums that a decrement cannot undo. PostgreSQL: statement-level triggers
with transition tables (a COPY of 4.8 million scores is one grouped insert); the writer first locks
the touched schools' campaign_school rows, so two transactions scoring the same school recompute
one after the other and the second sees the first's scores (READ COMMITTED gives each statement
of the trigger a fresh snapshot). SQLite: row-level triggers (its writers are serialised anyway).

The clamping reads the item's max_score at write time: a campaign pins a published framework
version, whose items are not edited (editing makes a new version).
"""

import django.db.models.deletion
from django.db import migrations, models

TALLY = "campaigns_scoretally"
SCORE = "campaigns_score"
COLUMNS = ("campaign_id, school_id, indicator_id, self_cents, self_choice, onsite_count, onsite_sum, onsite_yes, "
           "onsite_no, reconciled_cents, reconciled_choice, reinspection_cents, reinspection_choice")


def grouped(where: str) -> str:
    """The tally rows of the scores matching `where` (on `s`), as campaigns/tally.py `GROUPED_SQL`."""
    return f"""
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
            FROM {SCORE} s JOIN frameworks_indicator i ON i.id = s.indicator_id
            WHERE {where}
        ) r
    ) t
    GROUP BY campaign_id, school_id, indicator_id"""


# --- PostgreSQL -----------------------------------------------------------------------------------
KEY3 = "(campaign_id, school_id, indicator_id)"
UPSERT = ("ON CONFLICT (campaign_id, school_id, indicator_id) DO UPDATE SET "
          + ", ".join(f"{c} = EXCLUDED.{c}" for c in COLUMNS.split(", ")[3:]))


def _pg_body(keys: str) -> str:
    return f"""
    PERFORM 1 FROM campaigns_campaignschool cs
      WHERE (cs.campaign_id, cs.school_id) IN (SELECT campaign_id, school_id FROM {keys} k)
      ORDER BY cs.id FOR UPDATE;
    DELETE FROM {TALLY} t WHERE (t.campaign_id, t.school_id, t.indicator_id) IN (SELECT {KEY3[1:-1]} FROM {keys} k);
    INSERT INTO {TALLY} ({COLUMNS})
    {grouped(f"(s.campaign_id, s.school_id, s.indicator_id) IN (SELECT {KEY3[1:-1]} FROM {keys} k)")}
    {UPSERT};"""


PG_KEYS = {
    "insert": ("NEW TABLE AS new_rows", "new_rows"),
    "delete": ("OLD TABLE AS old_rows", "old_rows"),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows",
               f"(SELECT {KEY3[1:-1]} FROM new_rows UNION SELECT {KEY3[1:-1]} FROM old_rows)"),
}
PG_INSTALL = [
    statement
    for op, (referencing, keys) in PG_KEYS.items()
    for statement in (
        f"CREATE FUNCTION campaigns_score_tally_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {_pg_body(keys)}\n"
        " RETURN NULL; END $$",
        f"CREATE TRIGGER campaigns_score_tally_{op} AFTER {op.upper()} ON {SCORE} REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION campaigns_score_tally_{op}()",
    )
]
PG_REMOVE = [f"DROP TRIGGER IF EXISTS campaigns_score_tally_{op} ON {SCORE}; "
             f"DROP FUNCTION IF EXISTS campaigns_score_tally_{op}()" for op in PG_KEYS]


# --- SQLite ---------------------------------------------------------------------------------------
def _lite_body(row: str) -> str:
    same = f"campaign_id = {row}.campaign_id AND school_id = {row}.school_id AND indicator_id = {row}.indicator_id"
    where = (f"s.campaign_id = {row}.campaign_id AND s.school_id = {row}.school_id "
             f"AND s.indicator_id = {row}.indicator_id")
    return f"DELETE FROM {TALLY} WHERE {same}; INSERT INTO {TALLY} ({COLUMNS}) {grouped(where)};"


LITE_INSTALL = [
    f"CREATE TRIGGER campaigns_score_tally_insert AFTER INSERT ON {SCORE} BEGIN {_lite_body('NEW')} END",
    f"CREATE TRIGGER campaigns_score_tally_delete AFTER DELETE ON {SCORE} BEGIN {_lite_body('OLD')} END",
    f"CREATE TRIGGER campaigns_score_tally_update AFTER UPDATE OF campaign_id, school_id, indicator_id, kind, value, "
    f"choice ON {SCORE} BEGIN {_lite_body('OLD')} {_lite_body('NEW')} END",
]
LITE_REMOVE = [f"DROP TRIGGER IF EXISTS campaigns_score_tally_{op}" for op in ("insert", "delete", "update")]
FILL = [f"INSERT INTO {TALLY} ({COLUMNS}) {grouped('1 = 1')}"]


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)  # no parameters: a % in the SQL stays as written


def install_triggers(apps, schema_editor):
    _run(schema_editor, PG_INSTALL if schema_editor.connection.vendor == "postgresql" else LITE_INSTALL)


def remove_triggers(apps, schema_editor):
    _run(schema_editor, PG_REMOVE if schema_editor.connection.vendor == "postgresql" else LITE_REMOVE)


def fill(apps, schema_editor):
    _run(schema_editor, FILL)


class Migration(migrations.Migration):

    dependencies = [
        ('campaigns', '0001_initial'),
        ('frameworks', '0001_initial'),
        ('schools', '0001_initial'),
    ]

    operations = [
        migrations.CreateModel(
            name='ScoreTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('self_cents', models.IntegerField(null=True)),
                ('self_choice', models.CharField(max_length=32, null=True)),
                ('onsite_count', models.IntegerField(default=0)),
                ('onsite_sum', models.BigIntegerField(null=True)),
                ('onsite_yes', models.IntegerField(default=0)),
                ('onsite_no', models.IntegerField(default=0)),
                ('reconciled_cents', models.IntegerField(null=True)),
                ('reconciled_choice', models.CharField(max_length=32, null=True)),
                ('reinspection_cents', models.IntegerField(null=True)),
                ('reinspection_choice', models.CharField(max_length=32, null=True)),
                ('campaign', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='campaigns.campaign')),
                ('indicator', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='frameworks.indicator')),
                ('school', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.DO_NOTHING, related_name='+', to='schools.school')),
            ],
            options={
                'verbose_name': '评分汇总',
                'verbose_name_plural': '评分汇总',
                'constraints': [models.UniqueConstraint(fields=('campaign', 'school', 'indicator'), name='score_tally_key')],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
