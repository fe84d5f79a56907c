"""The public survey endpoint under load, every abuse check on (issue [10] item 6).

On a database of its own (`dudao_bench_surveys`: migrated, the regions of 长沙市, 宁乡市's office and
100 compulsory schools), this opens the built-in 社会认可度 questionnaire as a survey with a link per
school, then POSTs complete parent answer sheets to `/q/<token>/` through `django.test.Client`, as
phones would: each from a device of its own (the signed device cookie the page sets) and an address
of its own, with the challenge token the page would have carried (shown a minute earlier, so past
the minimum answering time; the bench knows the digits the image showed). Every check runs: the
attempt counter, the honeypot, the device cookie, the challenge's signature, HMAC, age and one-time
nonce, the rate limit per address (cache and the responses table), the answers with skip logic, one
response per device, and the stored counts.

Prints submissions per second and the latency (p50/p95/max) per process and in total, and checks
every submission was stored. Target: ≥ 100 submissions/s on this 2-core machine (`--workers 2`,
one process per core as gunicorn would run).

`.venv/bin/python bench/surveys_submit.py [--submissions N] [--workers W] [--keep]`
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import secrets
import sys
import time

TARGET_PER_SECOND = 100.0
STANDALONE_DB = "dudao_bench_surveys"
SCHOOLS = 100
DIGITS = "2468"
WARM_UP = 5


def _setup_data() -> int:
    """Regions, the office, schools, the survey and its links; answers the survey's id."""
    import datetime as dt

    from django.utils import timezone

    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure, regions_load
    from dudao.schools.models import School
    from dudao.surveys import services
    from dudao.surveys.builtin import questionnaires_install_builtin
    from dudao.surveys.models import Questionnaire

    regions_load(town_prefix="4301")
    county = Region.objects.get(code="430182")
    office = office_ensure(region=county)
    towns = list(Region.objects.filter(parent=county).order_by("code"))
    School.objects.bulk_create([
        School(code=f"31430{i:05d}", name=f"基准学校{i}", kind="primary" if i % 3 else "junior",
               region=towns[i % len(towns)], region_code=towns[i % len(towns)].code)
        for i in range(SCHOOLS)])
    questionnaires_install_builtin()
    today = timezone.localdate()
    survey = services.survey_create(
        by=None, office=office, questionnaire=Questionnaire.objects.get(code="YZJH-RECOGNITION", office__isnull=True),
        name="基准·社会认可度", year=today.year, region=county, opens_on=today - dt.timedelta(days=1),
        closes_on=today + dt.timedelta(days=30))
    services.links_generate(by=None, survey=survey, mode="schools", target=100)
    services.survey_set_state(by=None, survey=survey, state="open")
    return survey.pk


def _answers(questions) -> dict[str, str]:
    from dudao.surveys import logic

    data = {}
    for q in logic.visible_questions(questions, "parent", {}):
        if q.type in ("single", "scale"):
            data[logic.field_name(q)] = logic.option_values(q)[secrets.randbelow(2)]
    return data


def _worker(args: tuple[int, int, int, str]) -> tuple[list[float], float, float]:
    """POST `count` answer sheets; answers the latencies, the wall time and this process's CPU time
    (the application's share of a submission, without PostgreSQL's: on a loaded machine the wall
    figures mostly measure the other processes)."""
    survey_id, count, index, database = args
    import django

    django.setup()
    from django.core import signing
    from django.test import Client
    from django.utils import timezone

    from dudao.surveys import abuse
    from dudao.surveys.models import Survey

    survey = Survey.objects.get(pk=survey_id)
    tokens = list(survey.links.values_list("token", flat=True))
    questions = list(survey.questionnaire.questions.order_by("order", "id"))
    signer = signing.get_cookie_signer(salt=abuse.DEVICE_COOKIE + abuse.DEVICE_SALT)
    latencies: list[float] = []
    cpu = 0.0
    client = Client()  # one handler (middleware loaded once, as in a server process); a new device each time
    started = time.perf_counter()
    for i in range(-WARM_UP, count):  # the first requests import the URL conf and the views: not timed
        if i == 0:
            latencies.clear()
            started, cpu = time.perf_counter(), time.process_time()
        client.cookies.clear()
        client.cookies[abuse.DEVICE_COOKIE] = signer.sign(secrets.token_hex(16))
        nonce = secrets.token_hex(8)
        shown = int((timezone.now().timestamp()) - 60)
        token = signing.dumps({"n": nonce, "h": abuse._answer_mac(nonce, DIGITS), "t": shown},
                              salt=abuse.CHALLENGE_SALT, compress=True)
        data = {"group": "parent", "token": token, "challenge": DIGITS, "website": "", **_answers(questions)}
        address = f"10.{index}.{(i + WARM_UP) // 250 % 250}.{(i + WARM_UP) % 250 + 1}"
        t0 = time.perf_counter()
        response = client.post(f"/q/{tokens[(i + WARM_UP) % len(tokens)]}/", data, REMOTE_ADDR=address)
        latencies.append(time.perf_counter() - t0)
        if response.status_code != 302:
            raise SystemExit(f"submission {i} of worker {index} refused: {response.status_code}")
    return latencies, time.perf_counter() - started, time.process_time() - cpu


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--submissions", type=int, default=2000, help="submissions per worker (default 2000)")
    parser.add_argument("--workers", type=int, default=2, help="processes posting at the same time (default 2)")
    parser.add_argument("--keep", action="store_true", help=f"reuse {STANDALONE_DB} if it exists")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from common import PG_SERVER_URL, configure, summarise_ms

    configure(STANDALONE_DB)
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [STANDALONE_DB]).fetchone()
        if not (args.keep and exists):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(STANDALONE_DB)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(STANDALONE_DB)))
            exists = None
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connections

    from dudao.surveys.models import Response, Survey

    if not exists:
        started = time.perf_counter()
        call_command("migrate", verbosity=0, interactive=False)
        survey_id = _setup_data()
        print(f"… dataset: {SCHOOLS} schools, survey {survey_id} in {time.perf_counter() - started:.1f} s", flush=True)
    else:
        survey_id = Survey.objects.order_by("id").values_list("id", flat=True).first()
    before = Response.objects.filter(survey_id=survey_id).count()
    connections.close_all()  # each worker opens its own
    jobs = [(survey_id, args.submissions, i, STANDALONE_DB) for i in range(args.workers)]
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(args.workers) as pool:
        results = pool.map(_worker, jobs)
    wall = time.perf_counter() - started
    stored = Response.objects.filter(survey_id=survey_id).count() - before
    total = args.submissions * args.workers
    posted = total + WARM_UP * args.workers
    latencies = [s for lat, _, _ in results for s in lat]
    for i, (lat, seconds, cpu) in enumerate(results):
        print(f"worker {i}: {len(lat) / seconds:.0f} submissions/s, {1000 * cpu / len(lat):.1f} ms CPU per submission",
              summarise_ms(lat))
    rate = total / wall
    print(f"total: {total} submissions in {wall:.1f} s = {rate:.0f} submissions/s "
          f"(target ≥ {TARGET_PER_SECOND:.0f}); latency {summarise_ms(latencies)}; stored {stored}")
    if stored != posted:
        print(f"FAILED: {posted} posted, {stored} stored")
        return 1
    return 0 if rate >= TARGET_PER_SECOND else 1


if __name__ == "__main__":
    sys.exit(main())
