"""Province-scale benchmarks on PostgreSQL (`make bench`): pages and a 100,000-row import.

1. Drops and recreates the database `dudao_bench`, migrates it, loads the region tree with
   townships and generates every school of Hunan and Hubei (> 20,000) with two years of data.
2. Times the school pages with django.test.Client as a Hunan province office staff member.
3. Writes a 100,000-row yearly-data .xlsx, stores it as an import job and runs that job in a
   separate process (bench/import_once.py) for its own time and peak memory.
4. Renders the plaques (督导公示牌) of 1,000 schools in one batch (bench/plaques.py).
5. Quota compliance (bench/visits.py) and the balance-monitoring recompute (bench/monitoring.py).
   A province-wide campaign: 20,000 schools × 60 items × 3 raters aggregated, graded, ranked and
   flagged (bench/campaigns.py). The satisfaction index of 1,000,000 questionnaire responses per school
   and per county (bench/surveys.py).
6. Every county of the country evaluated from base data, Dudao against pandas
   (bench/balance_national.py, its own database and process).
7. Prints a summary and writes every figure to var/bench/results.json.

Exit status 1 when a target is missed. Never part of `make test`.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import platform
import random
import subprocess
import sys
import time
import unicodedata
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

import psycopg
from psycopg import sql

from balance_national import TARGET_SECONDS as NATIONAL_TARGET_SECONDS
from balance_national import TARGET_SPEEDUP as NATIONAL_TARGET_SPEEDUP
from balance_national import bench_national
from campaigns import TARGET_SECONDS as CAMPAIGNS_TARGET_SECONDS
from campaigns import bench_campaigns
from common import BENCH_DB, OUT_DIR, PG_SERVER_URL, ROOT, configure, production_password, summarise_ms
from monitoring import TARGET_SECONDS as MONITORING_TARGET_SECONDS
from monitoring import bench_monitoring
from plaques import TARGET_SECONDS as PLAQUES_TARGET_SECONDS
from plaques import bench_plaques
from surveys import TARGET_SECONDS as SURVEYS_TARGET_SECONDS
from surveys import bench_surveys
from visits import TARGET_SECONDS as COMPLIANCE_TARGET_SECONDS
from visits import bench_compliance

if TYPE_CHECKING:
    from dudao.people.models import User
    from province_data import Section

WARMUP = 5
IMPORT_ROWS = 100_000
IMPORT_LAST_YEAR = 2025
TARGETS = {"page_p95_ms": 150.0, "import_seconds": 10.0, "import_peak_rss_mb": 500.0,
           "plaques_seconds": PLAQUES_TARGET_SECONDS, "compliance_seconds": COMPLIANCE_TARGET_SECONDS,
           "monitoring_seconds": MONITORING_TARGET_SECONDS, "campaigns_seconds": CAMPAIGNS_TARGET_SECONDS,
           "surveys_seconds": SURVEYS_TARGET_SECONDS, "national_seconds": NATIONAL_TARGET_SECONDS,
           "national_speedup": NATIONAL_TARGET_SPEEDUP}


@contextmanager
def stopwatch(figures: dict, key: str, label: str) -> Iterator[None]:
    print(f"… {label}", flush=True)
    started = time.perf_counter()
    yield
    figures[key] = round(time.perf_counter() - started, 2)
    print(f"  {label}: {figures[key]:.2f} s", flush=True)


def recreate_database() -> None:
    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        name = sql.Identifier(BENCH_DB)
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


# --- dataset ---------------------------------------------------------------------------------------
def build_dataset(figures: dict) -> list[Section]:
    from django.core.management import call_command

    from dudao.regions.services import default_town_file, regions_load
    from province_data import create_schools, create_year_data, sections_of

    if not default_town_file().exists():
        sys.exit(f"{default_town_file()} is missing: run `make assets` first.")
    started = time.perf_counter()
    with stopwatch(figures, "migrate_s", "migrations"):
        call_command("migrate", verbosity=0, interactive=False)
    with stopwatch(figures, "regions_s", "regions with townships"):
        loaded = regions_load(with_towns=True)
    with stopwatch(figures, "schools_s", "schools"):
        schools = create_schools()
    sections = sections_of(schools)
    with stopwatch(figures, "year_data_s", "yearly data (COPY)"):
        year_rows = create_year_data(sections)
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")  # fresh planner statistics, as autovacuum would give a live database
    figures["generation_s"] = round(time.perf_counter() - started, 2)
    figures.update(regions=loaded.created, townships=loaded.townships, schools=len(schools),
                   stage_sections=len(sections), year_data_rows=year_rows)
    if len(schools) < 20_000:
        sys.exit(f"only {len(schools)} schools generated: the bench needs at least 20,000")
    print(f"  {len(schools)} schools, {len(sections)} stage sections, {year_rows} yearly rows, "
          f"{loaded.created} regions — generated in {figures['generation_s']:.1f} s", flush=True)
    return sections


def province_staff() -> User:
    from dudao.people.models import Role, User
    from dudao.people.services import role_grant_add
    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure

    user = User.objects.create(username="bench_hn_office", password=production_password("Bench-only-2026!"),
                               full_name="湖南省督导室·基准测试")
    office = office_ensure(region=Region.objects.get(code="43"))
    role_grant_add(user=user, role=Role.OFFICE_STAFF, office=office)
    return user


# --- pages -----------------------------------------------------------------------------------------
def bench_pages(user: User, requests: int) -> dict[str, dict]:
    from django.test import Client

    from dudao.schools.models import School
    from dudao.schools.views import PAGE_SIZE

    visible = School.objects.visible_to(user)
    pks = list(visible.values_list("pk", flat=True))
    later_page = max(2, len(pks) // PAGE_SIZE // 2)
    rng = random.Random(7)
    cases: dict[str, tuple[list[str], int | None]] = {
        "list, first page": (["/schools/"], len(pks)),
        f"list, page {later_page}": ([f"/schools/?page={later_page}"], len(pks)),
        "search 中心小学": ([f"/schools/?q={quote('中心小学')}"], visible.search("中心小学").count()),
        "search zxxx (pinyin)": (["/schools/?q=zxxx"], visible.search("zxxx").count()),
        "school detail (random)": ([f"/schools/{pk}/" for pk in rng.sample(pks, WARMUP + requests)], None),
    }
    client = Client()
    client.force_login(user)
    results: dict[str, dict] = {}
    for name, (urls, matches) in cases.items():
        timings: list[float] = []
        for i in range(WARMUP + requests):
            url = urls[i % len(urls)]
            started = time.perf_counter()
            response = client.get(url)
            elapsed = time.perf_counter() - started
            if response.status_code != 200:
                raise SystemExit(f"GET {url} answered {response.status_code}")
            if i >= WARMUP:
                timings.append(elapsed)
        results[name] = summarise_ms(timings) | ({"matches": matches} if matches is not None else {})
        print(f"  {pad(name, 26)} p50 {results[name]['p50_ms']:>7.1f} ms   p95 {results[name]['p95_ms']:>7.1f} ms"
              f"   max {results[name]['max_ms']:>7.1f} ms", flush=True)
    return results


# --- import ----------------------------------------------------------------------------------------
def write_import_file(path: Path, sections: list[Section]) -> tuple[int, dict[tuple[str, int, str], int]]:
    """The 100k-row file: every Hunan stage section for 2025, 2024, … until IMPORT_ROWS rows.

    2023 and 2024 are already stored (those rows are updates), the other years are new. Returns
    the row count and the students of a sample of rows, to check what was written.
    """
    import xlsxwriter

    from dudao.schools.importers import YearDataImporter
    from dudao.schools.models import YEAR_DATA_FIELDS, Stage
    from province_data import stage_counts, year_values

    hunan = [s for s in sections if s.code.startswith("43")]
    per_school = stage_counts(hunan)
    labels = {stage.value: str(stage.label) for stage in Stage}
    columns = YearDataImporter.columns
    rng = random.Random(2028)
    sample: dict[tuple[str, int, str], int] = {}
    workbook = xlsxwriter.Workbook(str(path), {"constant_memory": True})
    sheet = workbook.add_worksheet(YearDataImporter.sheet_name)
    # As in the downloaded template: required columns carry a "*".
    sheet.write_row(0, 0, [("*" if col.required else "") + col.title for col in columns])
    rownum = 0
    year = IMPORT_LAST_YEAR
    while rownum < IMPORT_ROWS:
        for section in hunan:
            if rownum == IMPORT_ROWS:
                break
            values = dict(zip(YEAR_DATA_FIELDS, year_values(rng, section, per_school[section.school_id]), strict=True))
            row = {"code": section.code, "year": year, "stage": labels[section.stage], **values}
            rownum += 1
            sheet.write_row(rownum, 0, [_cell(row[col.key]) for col in columns])
            if rownum % 997 == 0:
                sample[(section.code, year, section.stage)] = values["students"]
        year -= 1
    workbook.close()
    return rownum, sample


def _cell(value):
    # Decimals are written as numbers, as Excel stores them; codes and stages stay text.
    return float(value) if isinstance(value, Decimal) else value


def start_import_worker(profile: bool) -> subprocess.Popen:
    """bench/import_once.py, started while this process is still small (see its docstring)."""
    command = [sys.executable, str(ROOT / "bench" / "import_once.py")] + (["--profile"] if profile else [])
    return subprocess.Popen(command, env=os.environ.copy(), stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, cwd=ROOT)


def bench_import(user: User, sections: list[Section], worker: subprocess.Popen, profile: bool) -> dict:
    from django.conf import settings
    from django.core.files.uploadedfile import UploadedFile
    from django.test import override_settings

    from dudao.imports.models import ImportJob, ImportKind, ImportStatus
    from dudao.imports.services import import_job_create
    from dudao.schools.models import SchoolYearData

    figures: dict = {}
    path = OUT_DIR / "year_data_100k.xlsx"
    with stopwatch(figures, "file_write_s", f"writing the {IMPORT_ROWS:,}-row .xlsx (xlsxwriter, constant_memory)"):
        rows, sample = write_import_file(path, sections)
    size = path.stat().st_size
    figures.update(rows=rows, file_mb=round(size / 1048576, 1))
    print(f"  {path.relative_to(ROOT)}: {figures['file_mb']} MB", flush=True)
    limit = settings.DUDAO_MAX_UPLOAD_BYTES
    if size > limit:
        print(f"  NOTE: file is above DUDAO_MAX_UPLOAD_BYTES ({limit / 1048576:.0f} MB): limit raised for the bench")
        figures["upload_limit_raised"] = True
    # The web request's part: check and store the upload (an UploadedFile over the file on disk,
    # as Django's TemporaryUploadedFile is for anything above 2.5 MB).
    with open(path, "rb") as fh, override_settings(DUDAO_MAX_UPLOAD_BYTES=max(limit, size)):
        upload = UploadedFile(file=fh, name="年度基础数据.xlsx", size=size,
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        job = import_job_create(user=user, kind=ImportKind.YEAR_DATA, upload=upload)
    # The worker's part, in a fresh process: validate and write.
    print("… import_job_run in a separate process", flush=True)
    load_average = os.getloadavg()
    stdout, stderr = worker.communicate(f"{job.pk}\n", timeout=1800)
    job = ImportJob.objects.get(pk=job.pk)
    if profile or worker.returncode or job.status != ImportStatus.SUCCEEDED:
        sys.stderr.write(stderr)
    if worker.returncode:
        raise SystemExit(f"import_once.py failed with status {worker.returncode}")
    figures.update(json.loads(stdout.strip().splitlines()[-1]), load_average=[round(x, 2) for x in load_average])
    figures.update(profiled=profile, status=job.status, created=job.created_count, updated=job.updated_count, message=job.message)
    print(f"  {job.message}  {figures['seconds']:.2f} s, peak RSS {figures['peak_rss_mb']:.0f} MB "
          f"(after Django setup {figures['baseline_rss_mb']:.0f} MB)", flush=True)
    print(f"  {import_split(figures)}", flush=True)
    # Correctness: the job succeeded and every row was written by this import.
    if job.status != ImportStatus.SUCCEEDED:
        raise SystemExit(f"import failed: {job.message} {job.errors[:5]}")
    written = SchoolYearData.objects.filter(updated_at__gte=job.started_at).count()
    figures["rows_written"] = written
    if job.created_count + job.updated_count != rows or written != rows:
        raise SystemExit(f"expected {rows} rows written, job says {job.created_count}+{job.updated_count}, table {written}")
    for (code, year, stage), students in sample.items():
        stored = SchoolYearData.objects.get(school__code=code, year=year, stage=stage).students
        if stored != students:
            raise SystemExit(f"{code} {year} {stage}: {stored} students stored, {students} in the file")
    return figures


def import_split(figures: dict) -> str:
    """Reading (the sandboxed parse, the rows handed over) and writing (checks, upsert, what follows)
    apart, with the CPU seconds of the worker and of the parser (steadier than wall time on a busy
    machine). `phases` comes from import_job_run (services._run)."""
    phases = figures.get("phases") or {}
    if "writing_s" not in phases:  # the job failed before writing
        return f"(no phase figures: {phases})"
    return (f"reading {phases['reading_s']:.2f} s (parse {phases['parse_s']:.2f} + transfer {phases['transfer_s']:.2f}), "
            f"writing {phases['writing_s']:.2f} s (check {phases['check_s']:.2f} + upsert {phases['upsert_s']:.2f} + "
            f"after {phases['after_s']:.2f}); CPU {figures['cpu_s']:.2f} s + parser {figures['parser_cpu_s']:.2f} s; "
            f"load average {figures['load_average']}")


# --- report ----------------------------------------------------------------------------------------
def environment() -> dict:
    from django import get_version
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SHOW server_version")
        pg_version = cursor.fetchone()[0]
    commit = subprocess.run(["git", "rev-parse", "--short", "HEAD"], capture_output=True, text=True, cwd=ROOT, check=False)
    return {"when": datetime.now().isoformat(timespec="seconds"), "python": platform.python_version(),
            "django": get_version(), "postgresql": pg_version, "cpus": os.cpu_count(),
            "machine": platform.machine(), "commit": commit.stdout.strip()}


def check_targets(results: dict) -> list[str]:
    missed = []
    for name, stats in results["pages"].items():
        if not name.startswith("school detail") and stats["p95_ms"] >= TARGETS["page_p95_ms"]:
            missed.append(f"{name}: p95 {stats['p95_ms']} ms ≥ {TARGETS['page_p95_ms']:.0f} ms")
    imp = results["import"]
    # cProfile roughly doubles the run time: a profiled run says where the time goes, not how much.
    if not imp["profiled"] and imp["seconds"] >= TARGETS["import_seconds"]:
        missed.append(f"import: {imp['seconds']} s ≥ {TARGETS['import_seconds']:.0f} s")
    if imp["peak_rss_mb"] >= TARGETS["import_peak_rss_mb"]:
        missed.append(f"import: peak {imp['peak_rss_mb']} MB ≥ {TARGETS['import_peak_rss_mb']:.0f} MB")
    for kind in ("month", "year"):
        seconds = results["compliance"][kind]["median_s"]
        if seconds >= TARGETS["compliance_seconds"]:
            missed.append(f"compliance {kind}: {seconds} s ≥ {TARGETS['compliance_seconds']:.0f} s")
    if results["monitoring"]["seconds"] >= TARGETS["monitoring_seconds"]:
        missed.append(f"monitoring recompute: {results['monitoring']['seconds']} s ≥ {TARGETS['monitoring_seconds']:.0f} s")
    campaigns = results["campaigns"]
    if campaigns["seconds"] >= TARGETS["campaigns_seconds"]:
        missed.append(f"campaign results: {campaigns['seconds']} s ≥ {TARGETS['campaigns_seconds']:.0f} s")
    surveys = results["surveys"]
    for key, label in (("school_seconds", "per school"), ("county_seconds", "per county")):
        if surveys[key] >= TARGETS["surveys_seconds"]:
            missed.append(f"survey index {label}: {surveys[key]} s ≥ {TARGETS['surveys_seconds']:.0f} s")
    nat = results["national"]
    if nat["dudao_seconds"] >= TARGETS["national_seconds"]:
        missed.append(f"national evaluation: {nat['dudao_seconds']} s ≥ {TARGETS['national_seconds']:.0f} s")
    if nat["speedup"] < TARGETS["national_speedup"]:
        missed.append(f"national evaluation: {nat['speedup']}× faster than pandas < {TARGETS['national_speedup']:.0f}×")
    if (nat["same_as_pandas"]["mismatches"] or nat["same_as_pure_functions"]["mismatches"]
            or nat.get("same_as_pandas_vectorised", {}).get("mismatches")):
        missed.append("national evaluation: figures differ from pandas or from the pure functions")
    plaques = results["plaques"]
    if not plaques["profiled"] and plaques["seconds"] >= TARGETS["plaques_seconds"]:
        missed.append(f"plaques: {plaques['seconds']} s ≥ {TARGETS['plaques_seconds']:.0f} s")
    return missed


def pad(text: str, width: int) -> str:
    """Left-justify for a terminal, where CJK characters take two columns."""
    shown = sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)
    return text + " " * max(0, width - shown)


def print_summary(results: dict, missed: list[str]) -> None:
    data, imp = results["dataset"], results["import"]
    print("\n" + "=" * 78)
    print(f"Dudao benchmark — PostgreSQL {results['environment']['postgresql']}, {results['environment']['cpus']} CPUs")
    print("=" * 78)
    print(f"dataset     {data['schools']:,} schools, {data['stage_sections']:,} stage sections, "
          f"{data['year_data_rows']:,} yearly rows, {data['regions']:,} regions")
    print(f"generation  {data['generation_s']:.1f} s (migrate {data['migrate_s']:.1f}, regions {data['regions_s']:.1f}, "
          f"schools {data['schools_s']:.1f}, yearly data {data['year_data_s']:.1f})")
    print(f"\n{'page (as Hunan province office staff)':<40}{'p50 ms':>9}{'p95 ms':>9}{'max ms':>9}{'matches':>10}")
    for name, stats in results["pages"].items():
        print(f"{pad(name, 40)}{stats['p50_ms']:>9.1f}{stats['p95_ms']:>9.1f}{stats['max_ms']:>9.1f}{stats.get('matches', ''):>10}")
    print(f"target: list/search p95 < {TARGETS['page_p95_ms']:.0f} ms, {results['pages_requests']} requests each after {WARMUP} warm-up")
    print(f"\nimport      {imp['rows']:,} rows, {imp['file_mb']} MB .xlsx (written in {imp['file_write_s']:.1f} s)")
    print(f"            import_job_run {imp['seconds']:.2f} s (target < {TARGETS['import_seconds']:.0f} s), "
          f"peak RSS {imp['peak_rss_mb']:.0f} MB (target < {TARGETS['import_peak_rss_mb']:.0f} MB; "
          f"{imp['baseline_rss_mb']:.0f} MB after Django setup)" + (" — under cProfile" if imp["profiled"] else ""))
    print(f"            {import_split(imp)}")
    print(f"            {imp['status']}: created {imp['created']:,}, updated {imp['updated']:,}, verified {imp['rows_written']:,}")
    plaques = results["plaques"]
    comp = results["compliance"]
    print(f"\ncompliance  {comp['dataset']['supervisors']:,} supervisors, {comp['dataset']['schools']:,} schools, "
          f"{comp['dataset']['visits']:,} visits: month {comp['month']['median_s']} s, year {comp['year']['median_s']} s "
          f"(target < {TARGETS['compliance_seconds']:.0f} s each)")
    mon = results["monitoring"]
    print(f"\nmonitoring  {mon['school_results']:,} school results ({mon['stage_sections']:,} stage sections × 2 schemes), "
          f"{mon['county_results']:,} county results: {mon['seconds']} s first, {mon['upsert_seconds']} s again "
          f"(target < {TARGETS['monitoring_seconds']:.0f} s); Hunan {mon['province_seconds']} s, one county {mon['county_seconds']} s")
    camp = results["campaigns"]
    print(f"\ncampaigns   {camp['schools']:,} schools × {camp['items']} items × {camp['raters']} raters "
          f"({camp['score_rows']:,} scores): results {camp['seconds']} s first, {camp['again_seconds']} s again "
          f"(target < {TARGETS['campaigns_seconds']:.0f} s); {camp['vetoed']:,} vetoed, {camp['flagged']:,} flagged")
    surv = results["surveys"]
    print(f"\nsurveys     {surv['responses']:,} responses over {surv['schools']:,} schools: index per school "
          f"{surv['school_seconds']} s, per county {surv['county_seconds']} s, total {surv['total_seconds']} s "
          f"(target < {TARGETS['surveys_seconds']:.0f} s each)")
    nat = results["national"]
    print(f"\nnational    {nat['counties']:,} counties, {nat['sections']:,} primary/junior sections, 7 indicators: "
          f"Dudao {nat['dudao_seconds']:.2f} s (median of {len(nat['dudao_runs'])}; target < {TARGETS['national_seconds']:.0f} s), "
          f"pandas groupby.apply {nat['pandas_seconds']:.1f} s → {nat['speedup']:.1f}× (target ≥ {TARGETS['national_speedup']:.0f}×); "
          f"pandas vectorised {nat['pandas_vectorised_seconds']:.1f} s; load average {nat['load_average'][0]}")
    print(f"\nplaques     {plaques['pages']:,} pages (one per school) in {plaques['seconds']:.2f} s "
          f"(target < {TARGETS['plaques_seconds']:.0f} s), {plaques['pages_per_second']:.1f} pages/s, "
          f"{plaques['file_mb']} MB PDF" + (" — under cProfile" if plaques["profiled"] else ""))
    print("\n" + ("all targets met" if not missed else "TARGETS MISSED:\n  " + "\n  ".join(missed)))
    print(f"figures: {(OUT_DIR / 'results.json').relative_to(ROOT)}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=100, help="measured requests per page (default 100)")
    parser.add_argument("--profile-import", action="store_true", help="run the import under cProfile and print the hot spots")
    parser.add_argument("--profile-plaques", action="store_true", help="render the plaques under cProfile, hot spots on stderr")
    args = parser.parse_args()

    configure()
    OUT_DIR.mkdir(parents=True, exist_ok=True)
    worker = start_import_worker(args.profile_import)
    try:
        return run(args, worker)
    finally:
        if worker.poll() is None:  # stopped early: the worker reads end-of-file and exits
            worker.communicate("", timeout=60)


def run(args: argparse.Namespace, worker: subprocess.Popen) -> int:
    print(f"… recreating database {BENCH_DB}", flush=True)
    recreate_database()
    import django

    django.setup()
    results: dict = {"environment": environment(), "dataset": {}, "pages_requests": args.requests}
    sections = build_dataset(results["dataset"])
    user = province_staff()
    # Collect the generator's garbage now, not during a measured request.
    gc.collect()
    print(f"… pages ({args.requests} requests each after {WARMUP} warm-up)", flush=True)
    results["pages"] = bench_pages(user, args.requests)
    results["import"] = bench_import(user, sections, worker, args.profile_import)
    results["plaques"] = bench_plaques(user, profile=args.profile_plaques)
    results["compliance"] = bench_compliance()
    results["monitoring"] = bench_monitoring()
    results["campaigns"] = bench_campaigns()
    results["surveys"] = bench_surveys()
    print("… national balance evaluation (bench/balance_national.py, database dudao_bench_national)", flush=True)
    results["national"] = bench_national()
    missed = check_targets(results)
    results["targets"] = TARGETS
    results["missed"] = missed
    (OUT_DIR / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print_summary(results, missed)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
