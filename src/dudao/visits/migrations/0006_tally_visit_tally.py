"""The monthly tally of submitted visits per (supervisor, school), kept by triggers on visits_visit.

Triggers rather than the services: visits are written by `visit_save`, but also by bulk_create
(the demo), COPY (bench/visits.py), raw UPDATEs and every test's `Visit.objects.create`; only the
database sees all of them, inside the writing transaction. PostgreSQL: statement-level triggers
with transition tables, so a COPY of 500,000 visits is one grouped upsert, and counts move by
increments (`visits = visits + n` under the row lock), which concurrent writers cannot lose.
SQLite: row-level triggers (it has no other kind; its writers are serialised anyway).

A removed visit (deleted, withdrawn, or moved to another month, supervisor or school) decrements
its old row, deletes it at zero, and recomputes that row's last visit day from the visits.
"""

import django.db.models.deletion
from django.db import migrations, models

TALLY = "visits_visittally"
KEY = "(month, supervisor_id, school_id)"

# --- PostgreSQL -----------------------------------------------------------------------------------

PG_MONTH = "date_trunc('month', s.visit_date)::date"


def _pg_add(source: str) -> str:
    return f"""
    INSERT INTO {TALLY} AS t (month, supervisor_id, school_id, visits, last_visit)
    SELECT {PG_MONTH}, s.supervisor_id, s.school_id, COUNT(*), MAX(s.visit_date)
      FROM {source} s WHERE s.status = 'submitted' GROUP BY 1, 2, 3
    ON CONFLICT {KEY} DO UPDATE SET visits = t.visits + EXCLUDED.visits,
                                    last_visit = GREATEST(t.last_visit, EXCLUDED.last_visit);"""


def _pg_remove(source: str) -> str:
    gone = (f"(SELECT {PG_MONTH} AS month, s.supervisor_id, s.school_id, COUNT(*) AS n FROM {source} s "
            "WHERE s.status = 'submitted' GROUP BY 1, 2, 3)")
    same = "t.month = g.month AND t.supervisor_id = g.supervisor_id AND t.school_id = g.school_id"
    return f"""
    UPDATE {TALLY} t SET visits = GREATEST(t.visits - g.n, 0) FROM {gone} g WHERE {same};
    DELETE FROM {TALLY} t USING {gone} g WHERE {same} AND t.visits = 0;
    UPDATE {TALLY} t SET last_visit = COALESCE((
        SELECT MAX(v.visit_date) FROM visits_visit v
         WHERE v.supervisor_id = t.supervisor_id AND v.school_id = t.school_id AND v.status = 'submitted'
           AND v.visit_date >= t.month AND v.visit_date < (t.month + interval '1 month')::date), t.last_visit)
      FROM {gone} g WHERE {same};"""


# an UPDATE moves only the visits whose counted columns changed (a draft's autosave moves nothing)
PG_CHANGED = ("(SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.status, o.visit_date, "
              "o.supervisor_id, o.school_id) IS DISTINCT FROM (n.status, n.visit_date, n.supervisor_id, n.school_id))")
PG_BODIES = {
    "insert": ("NEW TABLE AS new_rows", _pg_add("new_rows")),
    "delete": ("OLD TABLE AS old_rows", _pg_remove("old_rows")),
    "update": ("OLD TABLE AS old_rows NEW TABLE AS new_rows",
               _pg_add(PG_CHANGED.format(side="n")) + _pg_remove(PG_CHANGED.format(side="o"))),
}
PG_INSTALL = [
    statement
    for op, (referencing, body) in PG_BODIES.items()
    for statement in (
        f"CREATE FUNCTION visits_tally_{op}() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN {body}\n RETURN NULL; END $$",
        f"CREATE TRIGGER visits_tally_{op} AFTER {op.upper()} ON visits_visit REFERENCING {referencing} "
        f"FOR EACH STATEMENT EXECUTE FUNCTION visits_tally_{op}()",
    )
]
PG_REMOVE = [f"DROP TRIGGER IF EXISTS visits_tally_{op} ON visits_visit; DROP FUNCTION IF EXISTS visits_tally_{op}()"
             for op in PG_BODIES]
PG_FILL = [f"""INSERT INTO {TALLY} (month, supervisor_id, school_id, visits, last_visit)
               SELECT {PG_MONTH}, s.supervisor_id, s.school_id, COUNT(*), MAX(s.visit_date)
                 FROM visits_visit s WHERE s.status = 'submitted' GROUP BY 1, 2, 3""", f"ANALYZE {TALLY}"]

# --- SQLite (dates are stored as YYYY-MM-DD text) -------------------------------------------------


def _lite_month(row: str) -> str:
    return f"substr({row}.visit_date, 1, 8) || '01'"


def _lite_add(when: str = "") -> str:
    # the WHERE (even "WHERE 1") tells SQLite's parser that ON CONFLICT belongs to the upsert
    return f"""
    INSERT INTO {TALLY} (month, supervisor_id, school_id, visits, last_visit)
    SELECT {_lite_month("NEW")}, NEW.supervisor_id, NEW.school_id, 1, NEW.visit_date WHERE {when or "1"}
    ON CONFLICT {KEY} DO UPDATE SET visits = visits + 1, last_visit = max(last_visit, excluded.last_visit);"""


def _lite_remove(when: str = "1") -> str:
    same = f"month = {_lite_month('OLD')} AND supervisor_id = OLD.supervisor_id AND school_id = OLD.school_id"
    return f"""
    UPDATE {TALLY} SET visits = max(visits - 1, 0) WHERE {when} AND {same};
    DELETE FROM {TALLY} WHERE {same} AND visits = 0;
    UPDATE {TALLY} SET last_visit = coalesce((
        SELECT max(v.visit_date) FROM visits_visit v
         WHERE v.supervisor_id = OLD.supervisor_id AND v.school_id = OLD.school_id AND v.status = 'submitted'
           AND v.visit_date >= {TALLY}.month AND v.visit_date < date({TALLY}.month, '+1 month')), last_visit)
     WHERE {when} AND {same};"""


NEW_SUBMITTED, OLD_SUBMITTED = "NEW.status = 'submitted'", "OLD.status = 'submitted'"
LITE_CHANGED = ("(OLD.status IS NOT NEW.status OR OLD.visit_date IS NOT NEW.visit_date "
                "OR OLD.supervisor_id IS NOT NEW.supervisor_id OR OLD.school_id IS NOT NEW.school_id)")
LITE_INSTALL = [
    f"CREATE TRIGGER visits_tally_insert AFTER INSERT ON visits_visit WHEN NEW.status = 'submitted' BEGIN {_lite_add()} END",
    f"CREATE TRIGGER visits_tally_delete AFTER DELETE ON visits_visit WHEN OLD.status = 'submitted' BEGIN {_lite_remove()} END",
    "CREATE TRIGGER visits_tally_update AFTER UPDATE OF status, visit_date, supervisor_id, school_id ON visits_visit "
    f"WHEN (OLD.status = 'submitted' OR NEW.status = 'submitted') AND {LITE_CHANGED} "
    f"BEGIN {_lite_add(NEW_SUBMITTED)} {_lite_remove(OLD_SUBMITTED)} END",
]
LITE_REMOVE = [f"DROP TRIGGER IF EXISTS visits_tally_{op}" for op in ("insert", "delete", "update")]
LITE_FILL = [f"""INSERT INTO {TALLY} (month, supervisor_id, school_id, visits, last_visit)
                 SELECT {_lite_month("s")}, s.supervisor_id, s.school_id, COUNT(*), MAX(s.visit_date)
                   FROM visits_visit s WHERE s.status = 'submitted' GROUP BY 1, 2, 3"""]


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)  # no parameters: a % in the SQL stays as written


def install_triggers(apps, schema_editor):
    _run(schema_editor, PG_INSTALL if schema_editor.connection.vendor == "postgresql" else LITE_INSTALL)


def remove_triggers(apps, schema_editor):
    _run(schema_editor, PG_REMOVE if schema_editor.connection.vendor == "postgresql" else LITE_REMOVE)


def fill(apps, schema_editor):
    _run(schema_editor, PG_FILL if schema_editor.connection.vendor == "postgresql" else LITE_FILL)


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0001_initial'),
        ('supervisors', '0001_initial'),
        ('visits', '0005_perfc2_quota_index'),
    ]

    operations = [
        migrations.CreateModel(
            name='VisitTally',
            fields=[
                ('id', models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name='ID')),
                ('month', models.DateField(help_text='该月第一天', verbose_name='月份')),
                ('visits', models.PositiveIntegerField(verbose_name='已提交督导次数')),
                ('last_visit', models.DateField(verbose_name='本月最后督导日期')),
                ('school', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='schools.school')),
                ('supervisor', models.ForeignKey(db_index=False, on_delete=django.db.models.deletion.CASCADE, related_name='+', to='supervisors.supervisor')),
            ],
            options={
                'verbose_name': '月度督导计数',
                'verbose_name_plural': '月度督导计数',
                'constraints': [models.UniqueConstraint(fields=('month', 'supervisor', 'school'), name='visit_tally_key')],
            },
        ),
        migrations.RunPython(install_triggers, remove_triggers),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
