"""The satisfaction index of a province's questionnaire (issue [10] item 6): 1,000,000 stored responses.

In the bench database (after bench/run.py built the schools of Hunan and Hubei), this:

1. creates a province survey of the 湖南省 office (kind 社会认可度, region 湖南) on a questionnaire of
   a single-choice item and a 5-row matrix (both in the index), a link per Hunan school with a target;
2. COPYs 1,000,000 responses spread over the Hunan schools (region code and school copied from the
   link, as the public page stores them), each with its answers and its `rated` / `satisfied` counts,
   2 % of them voided;
3. times, as the province office: the index per school (`school_rows`), per county (`region_rows`),
   the survey total, and `county_recognition` over the province (the county evaluation's call, at its
   largest) — the median of three runs each — and checks the figures against one SUM in SQL and
   one school recounted from its rows.

Target: the index per school and per county < 3 s each on PostgreSQL. Alone, on a database of its own
(`dudao_bench_survey_results`): `.venv/bin/python bench/surveys.py [--keep] [--responses N] [--database NAME]`.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import time

TARGET_SECONDS = 3.0
RESPONSES = 1_000_000
STANDALONE_DB = "dudao_bench_survey_results"
SCALE = ("满意", "比较满意", "一般", "不满意")
SATISFIED = {"满意", "比较满意"}
ROWS = ("YZ2", "YZ3", "YZ4", "YZ9", "YZ10")
GROUPS = ("parent", "parent", "parent", "student", "teacher", "public")


def build_survey(responses: int):
    """The survey, its links and the responses (COPY). Returns (survey, office user, rows, seconds)."""
    import datetime as dt
    import json

    from django.db import connection
    from django.utils import timezone

    from dudao.people.models import Role, User
    from dudao.people.services import role_grant_add
    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure
    from dudao.schools.models import School
    from dudao.surveys.models import Question, Questionnaire, Response, Survey, SurveyLink, SurveyState

    started = time.perf_counter()
    province = Region.objects.get(code="43")
    office = office_ensure(region=province)
    user, _created = User.objects.get_or_create(username="bench_survey_office", defaults={"full_name": "基准·督导室"})
    role_grant_add(user=user, role=Role.OFFICE_STAFF, office=office)
    options = [{"value": v, "label": v, **({"satisfied": True} if v in SATISFIED else {})} for v in SCALE]
    questionnaire = Questionnaire.objects.create(office=office, code="BENCH-YZ", name="基准·社会认可度问卷",
                                                 kind="recognition")
    Question.objects.create(questionnaire=questionnaire, order=1, code="YZ1", text="立德树人", type="single",
                            options=options, in_index=True)
    Question.objects.create(questionnaire=questionnaire, order=2, code="M", text="分项", type="matrix", options=options,
                            rows=[{"value": r, "label": r} for r in ROWS], in_index=True)
    Question.objects.create(questionnaire=questionnaire, order=3, code="open", text="意见建议", type="text",
                            required=False)
    survey = Survey.objects.create(office=office, questionnaire=questionnaire, name="基准·湖南省社会认可度调查",
                                   kind="recognition", year=2026, region=province, opens_on=dt.date(2026, 9, 1),
                                   closes_on=dt.date(2026, 10, 31), state=SurveyState.OPEN, created_by=user)
    schools = list(School.objects.filter(region_code__startswith="43").order_by("id")
                   .values_list("id", "region_id", "region_code"))
    per_school = max(1, responses // len(schools))
    links = SurveyLink.objects.bulk_create([
        SurveyLink(survey=survey, token=f"b{sid}", school_id=sid, region_id=region_id, target=per_school)
        for sid, region_id, _code in schools], batch_size=5000)
    rng = random.Random(2030)
    now = timezone.now()
    table = Response._meta.db_table
    columns = ("survey_id, link_id, school_id, region_code, \"group\", answers, rated, satisfied, device_hash, ip_hash, "
               "submitted_at, voided, void_reason")
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({columns}) FROM STDIN") as copy:
        for i in range(responses):
            k = i % len(schools)
            sid, _region, code = schools[k]
            quality = 0.55 + 0.4 * ((k * 7919) % 100) / 100  # each school its own level of satisfaction
            answers: dict = {"YZ1": SCALE[0 if rng.random() < quality else rng.randint(1, 3)]}
            matrix = {}
            for row in ROWS:
                if rng.random() < 0.95:  # some rows left unanswered
                    matrix[row] = SCALE[rng.randint(0, 1) if rng.random() < quality else rng.randint(2, 3)]
            answers["M"] = matrix
            values = [answers["YZ1"], *matrix.values()]
            rated, satisfied = len(values), sum(v in SATISFIED for v in values)
            voided = rng.random() < 0.02
            copy.write_row((survey.pk, links[k].pk, sid, code, rng.choice(GROUPS), json.dumps(answers, ensure_ascii=False),
                            rated, satisfied, f"d{i}", f"ip{i % 50000}", now, voided, "基准作废" if voided else ""))
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {table}")
    return survey, user, responses, len(schools), round(time.perf_counter() - started, 1)


def _median(run, times: int = 3) -> tuple[float, object]:
    seconds, result = [], None
    for _k in range(times):
        started = time.perf_counter()
        result = run()
        seconds.append(time.perf_counter() - started)
    return round(statistics.median(seconds), 3), result


def _check(survey, user, schools, counties, total) -> None:
    """The figures against one SUM in SQL and one school recounted row by row."""
    from decimal import Decimal

    from django.db import connection

    from dudao.surveys.models import Response
    from dudao.surveys.results import rate_of

    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*), sum(rated), sum(satisfied) FROM surveys_response WHERE survey_id = %s AND NOT voided",
                       [survey.pk])
        n, rated, satisfied = cursor.fetchone()
    if (total.n, total.rated, total.satisfied) != (n, rated, satisfied):
        raise AssertionError(f"total {total} differs from SQL {n} {rated} {satisfied}")
    if sum(r.n for r in schools) != n or sum(r.n for r in counties) != n:
        raise AssertionError("schools or counties do not add up to the total")
    one = schools[len(schools) // 2]
    rows = Response.objects.filter(survey=survey, school_id=int(one.key), voided=False).values_list("answers", flat=True)
    answered = sat = 0
    for answers in rows:
        for value in [answers["YZ1"], *answers["M"].values()]:
            answered += 1
            sat += value in SATISFIED
    if rate_of(sat, answered) != one.rate or not isinstance(one.rate, Decimal):
        raise AssertionError(f"school {one.key}: {one.rate} stored, {rate_of(sat, answered)} recounted")


def bench_surveys(responses: int = RESPONSES) -> dict:
    from dudao.surveys import results

    print(f"… surveys: generating {responses:,} responses of a province survey (COPY)", flush=True)
    survey, user, rows, school_count, build_s = build_survey(responses)
    print(f"  {rows:,} responses over {school_count:,} Hunan schools in {build_s:.1f} s", flush=True)
    load = os.getloadavg()
    school_s, schools = _median(lambda: results.school_rows(user, survey))
    county_s, counties = _median(lambda: results.region_rows(user, survey, level="county"))
    total_s, total = _median(lambda: results.survey_total(user, survey))
    # county_recognition over the whole province (its worst case: every response of the survey)
    recognition_s, recognition = _median(lambda: results.county_recognition(survey.region, year=2026,
                                                                             kind="recognition"))
    _check(survey, user, schools, counties, total)
    if (recognition.valid, recognition.rate) != (total.n, total.rate):
        raise AssertionError(f"county_recognition {recognition} differs from the total {total}")
    passing = sum(1 for r in schools if r.passes)
    figures = {"responses": rows, "schools": school_count, "counties": len(counties), "build_seconds": build_s,
               "school_seconds": school_s, "county_seconds": county_s, "total_seconds": total_s,
               "recognition_seconds": recognition_s, "total_rate": str(total.rate), "valid": total.n,
               "schools_passing": passing, "counties_passing": sum(1 for r in counties if r.passes),
               "load_average": [round(x, 2) for x in load]}
    figures["seconds"] = max(school_s, county_s)
    print(f"  surveys: index per school ({len(schools):,} schools) {school_s:.2f} s, per county ({len(counties)} counties) "
          f"{county_s:.2f} s, province total {total_s:.2f} s, county_recognition (province) {recognition_s:.2f} s "
          f"(target < {TARGET_SECONDS:.0f} s each; median of 3); {total.n:,} valid responses, index {total.rate}%, "
          f"{passing:,} schools and {figures['counties_passing']} counties at or above {survey.pass_line.normalize()}%; "
          f"load average {figures['load_average']}", flush=True)
    return figures


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help=f"reuse {STANDALONE_DB}'s schools if it exists")
    parser.add_argument("--database", default=STANDALONE_DB, help=f"database name (default {STANDALONE_DB})")
    parser.add_argument("--responses", type=int, default=RESPONSES, help=f"responses (default {RESPONSES:,})")
    args = parser.parse_args()
    database = args.database
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from common import PG_SERVER_URL, configure

    configure()
    os.environ["DATABASE_URL"] = f"{PG_SERVER_URL}/{database}"
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not (args.keep and exists):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            exists = None
    import django

    django.setup()
    if not exists:
        from django.core.management import call_command

        from dudao.regions.services import regions_load
        from province_data import create_schools

        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        regions_load(with_towns=True)
        schools = create_schools()
        print(f"… dataset: {len(schools):,} schools in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        from django.db import connection

        from dudao.surveys.models import Questionnaire, Survey, SurveyLink

        old = list(Survey.objects.filter(name="基准·湖南省社会认可度调查").values_list("id", flat=True))
        if old:
            with connection.cursor() as cursor:
                cursor.execute("DELETE FROM surveys_response WHERE survey_id = ANY(%s)", [old])
            SurveyLink.objects.filter(survey_id__in=old).delete()
            Survey.objects.filter(id__in=old).delete()
        Questionnaire.objects.filter(code="BENCH-YZ").delete()
    figures = bench_surveys(args.responses)
    return 0 if figures["seconds"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
