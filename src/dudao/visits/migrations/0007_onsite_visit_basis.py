"""A visit's basis (issue [9] item 5): routine 挂牌 visit, campaign inspection, or 随访·视导 by someone
not 挂牌 to the school. Only routine visits count, so the tally's triggers (0006) are replaced by ones
that count `status = 'submitted' AND basis = 'routine'` and move a visit whose basis changes. Routine
visits keep their supervisor (a check constraint); the other bases may have none.

The old triggers are dropped before the schema changes (SQLite rebuilds the table to make the
supervisor nullable, which would drop them anyway) and the new ones installed after. Every existing
visit becomes routine, so the tally's rows stay exactly as they are.
"""

import importlib

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

TALLY = "visits_visittally"
KEY = "(month, supervisor_id, school_id)"
PG_MONTH = "date_trunc('month', s.visit_date)::date"


def _pg_add(source: str) -> str:
    return f"""
    INSERT INTO {TALLY} AS t (month, supervisor_id, school_id, visits, last_visit)
    SELECT {PG_MONTH}, s.supervisor_id, s.school_id, COUNT(*), MAX(s.visit_date)
      FROM {source} s WHERE s.status = 'submitted' AND s.basis = 'routine' GROUP BY 1, 2, 3
    ON CONFLICT {KEY} DO UPDATE SET visits = t.visits + EXCLUDED.visits,
                                    last_visit = GREATEST(t.last_visit, EXCLUDED.last_visit);"""


def _pg_remove(source: str) -> str:
    gone = (f"(SELECT {PG_MONTH} AS month, s.supervisor_id, s.school_id, COUNT(*) AS n FROM {source} s "
            "WHERE s.status = 'submitted' AND s.basis = 'routine' GROUP BY 1, 2, 3)")
    same = "t.month = g.month AND t.supervisor_id = g.supervisor_id AND t.school_id = g.school_id"
    return f"""
    UPDATE {TALLY} t SET visits = GREATEST(t.visits - g.n, 0) FROM {gone} g WHERE {same};
    DELETE FROM {TALLY} t USING {gone} g WHERE {same} AND t.visits = 0;
    UPDATE {TALLY} t SET last_visit = COALESCE((
        SELECT MAX(v.visit_date) FROM visits_visit v
         WHERE v.supervisor_id = t.supervisor_id AND v.school_id = t.school_id AND v.status = 'submitted'
           AND v.basis = 'routine'
           AND v.visit_date >= t.month AND v.visit_date < (t.month + interval '1 month')::date), t.last_visit)
      FROM {gone} g WHERE {same};"""


PG_CHANGED = ("(SELECT {side}.* FROM old_rows o JOIN new_rows n ON n.id = o.id WHERE (o.status, o.basis, o.visit_date, "
              "o.supervisor_id, o.school_id) IS DISTINCT FROM (n.status, n.basis, n.visit_date, n.supervisor_id, n.school_id))")
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


def _lite_month(row: str) -> str:
    return f"substr({row}.visit_date, 1, 8) || '01'"


def _lite_add(when: str = "") -> str:
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
           AND v.basis = 'routine'
           AND v.visit_date >= {TALLY}.month AND v.visit_date < date({TALLY}.month, '+1 month')), last_visit)
     WHERE {when} AND {same};"""


NEW_COUNTED = "(NEW.status = 'submitted' AND NEW.basis = 'routine')"
OLD_COUNTED = "(OLD.status = 'submitted' AND OLD.basis = 'routine')"
LITE_CHANGED = ("(OLD.status IS NOT NEW.status OR OLD.basis IS NOT NEW.basis OR OLD.visit_date IS NOT NEW.visit_date "
                "OR OLD.supervisor_id IS NOT NEW.supervisor_id OR OLD.school_id IS NOT NEW.school_id)")
LITE_INSTALL = [
    f"CREATE TRIGGER visits_tally_insert AFTER INSERT ON visits_visit WHEN {NEW_COUNTED} BEGIN {_lite_add()} END",
    f"CREATE TRIGGER visits_tally_delete AFTER DELETE ON visits_visit WHEN {OLD_COUNTED} BEGIN {_lite_remove()} END",
    "CREATE TRIGGER visits_tally_update AFTER UPDATE OF status, basis, visit_date, supervisor_id, school_id ON visits_visit "
    f"WHEN ({OLD_COUNTED} OR {NEW_COUNTED}) AND {LITE_CHANGED} "
    f"BEGIN {_lite_add(NEW_COUNTED)} {_lite_remove(OLD_COUNTED)} END",
]
LITE_REMOVE = [f"DROP TRIGGER IF EXISTS visits_tally_{op}" for op in ("insert", "delete", "update")]


def _old():
    return importlib.import_module("dudao.visits.migrations.0006_tally_visit_tally")


def _run(schema_editor, statements: list[str]) -> None:
    with schema_editor.connection.cursor() as cursor:
        for statement in statements:
            cursor.execute(statement)  # no parameters: a % in the SQL stays as written


def _pg(schema_editor) -> bool:
    return schema_editor.connection.vendor == "postgresql"


def drop_triggers(apps, schema_editor):
    _run(schema_editor, PG_REMOVE if _pg(schema_editor) else LITE_REMOVE)


def install_routine_triggers(apps, schema_editor):
    _run(schema_editor, PG_INSTALL if _pg(schema_editor) else LITE_INSTALL)


def install_old_triggers(apps, schema_editor):
    old = _old()
    _run(schema_editor, old.PG_INSTALL if _pg(schema_editor) else old.LITE_INSTALL)


class Migration(migrations.Migration):

    dependencies = [
        ('schools', '0001_initial'),
        ('supervisors', '0001_initial'),
        ('visits', '0006_tally_visit_tally'),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.RunPython(drop_triggers, install_old_triggers),
        migrations.RemoveIndex(
            model_name='visit',
            name='visit_quota',
        ),
        migrations.AddField(
            model_name='visit',
            name='answers',
            field=models.JSONField(blank=True, db_default=models.Value({}, models.JSONField()), default=dict, verbose_name='评分项填写'),
        ),
        migrations.AddField(
            model_name='visit',
            name='basis',
            field=models.CharField(choices=[('routine', '挂牌督导'), ('campaign', '专项/综合督导实地核查'), ('followup', '随访·视导')], db_default='routine', default='routine', max_length=10, verbose_name='督导依据'),
        ),
        migrations.AddField(
            model_name='visit',
            name='basis_ref',
            field=models.CharField(blank=True, db_default='', max_length=40, verbose_name='依据对象'),
        ),
        migrations.AlterField(
            model_name='visit',
            name='supervisor',
            field=models.ForeignKey(blank=True, null=True, on_delete=django.db.models.deletion.PROTECT, related_name='visits', to='supervisors.supervisor', verbose_name='督学'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(condition=models.Q(('basis', 'routine'), ('status', 'submitted')), fields=['visit_date', 'supervisor', 'school'], name='visit_quota_routine'),
        ),
        migrations.AddIndex(
            model_name='visit',
            index=models.Index(condition=models.Q(('basis_ref', ''), _negated=True), fields=['basis_ref'], name='visit_basis_ref'),
        ),
        migrations.AddConstraint(
            model_name='visit',
            constraint=models.CheckConstraint(condition=models.Q(models.Q(('basis', 'routine'), _negated=True), ('supervisor__isnull', False), _connector='OR'), name='visit_routine_has_supervisor'),
        ),
        migrations.RunPython(install_routine_triggers, drop_triggers),
    ]
