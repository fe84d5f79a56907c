"""The 100,000-row yearly-data import alone, on a database of its own (issue [7] item 5).

bench/run.py drops and rebuilds `dudao_bench`; this script never touches it. It creates (or reuses)
`dudao_bench_imp`, loads the regions and the schools of bench/province_data.py with their 2023
and 2024 yearly data once, writes the same 100,000-row .xlsx as run.py once (cached in
var/bench/import_only_100k.xlsx), then runs the import job N times, each in a fresh process
(bench/import_once.py, as the task worker would), and prints reading and writing apart:

- reading: the sandboxed child that parses the spreadsheet (sandbox.py) and the transfer of its
  rows to the worker;
- writing: checking every row (cells, school, sums), then the upsert, and what follows a
  successful import (the monitoring recompute request).

Before each run the rows of years other than 2023/2024 are deleted, so every run creates and
updates the same rows. `--rebuild` drops and rebuilds the database; `--profile` runs cProfile.

    .venv/bin/python bench/import_only.py [--runs 3] [--rebuild] [--profile]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time

from common import OUT_DIR, PG_SERVER_URL, ROOT, configure


def use_code(src: str) -> None:
    """Import Dudao from `src`, here and in import_once.py (the virtualenv may point elsewhere)."""
    sys.path.insert(0, src)
    os.environ["PYTHONPATH"] = os.pathsep.join([src, *filter(None, [os.environ.get("PYTHONPATH")])])


DATABASE = "dudao_bench_imp"
FILE = OUT_DIR / "import_only_100k.xlsx"
SAMPLE = OUT_DIR / "import_only_100k.sample.json"


def ensure_database(rebuild: bool) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        name = sql.Identifier(DATABASE)
        if rebuild:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(name))
        if not conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone():
            conn.execute(sql.SQL("CREATE DATABASE {}").format(name))


def ensure_dataset():
    """The province's schools (and their stored 2023/2024 data), built once; their sections."""
    from django.core.management import call_command
    from django.db import connection

    from dudao.regions.services import default_town_file, regions_load
    from dudao.schools.models import School
    from province_data import create_schools, create_year_data, sections_of

    call_command("migrate", verbosity=0, interactive=False)
    schools = list(School.objects.order_by("id"))
    if not schools:
        if not default_town_file().exists():
            sys.exit(f"{default_town_file()} is missing: run `make assets` first.")
        started = time.perf_counter()
        regions_load(with_towns=True)
        schools = create_schools()
        rows = create_year_data(sections_of(schools))
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
        print(f"  built {len(schools):,} schools, {rows:,} yearly rows in {time.perf_counter() - started:.0f} s", flush=True)
    return sections_of(schools)


def office_user():
    from dudao.people.models import Role, User
    from dudao.people.services import role_grant_add
    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure

    user = User.objects.filter(username="bench_hn_office").first()
    if user is None:
        user = User.objects.create(username="bench_hn_office", full_name="湖南省督导室·基准测试")
        role_grant_add(user=user, role=Role.OFFICE_STAFF, office=office_ensure(region=Region.objects.get(code="43")))
    return user


def ensure_file(sections) -> tuple[int, dict]:
    """The file and, for the check after each run, its row count and the students of some rows."""
    from run import write_import_file

    if not (FILE.exists() and SAMPLE.exists()):
        OUT_DIR.mkdir(parents=True, exist_ok=True)
        started = time.perf_counter()
        rows, sample = write_import_file(FILE, sections)
        SAMPLE.write_text(json.dumps({"rows": rows, "sample": [[*key, v] for key, v in sample.items()]}))
        print(f"  wrote {FILE.relative_to(ROOT)} ({rows:,} rows) in {time.perf_counter() - started:.0f} s", flush=True)
    saved = json.loads(SAMPLE.read_text())
    return saved["rows"], {(code, int(year), stage): v for code, year, stage, v in saved["sample"]}


def reset() -> None:
    """Back to the dataset as built: only the 2023 and 2024 rows stored, no pending recompute."""
    from django.db import connection

    from dudao.schools.models import SchoolYearData
    from province_data import SEED_YEARS

    # One DELETE (a queryset delete would load every row for the signals).
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {SchoolYearData._meta.db_table} WHERE NOT (year = ANY(%s))", [list(SEED_YEARS)])


def run_once(user, rows: int, sample: dict, profile: bool) -> dict:
    from django.conf import settings
    from django.core.files.uploadedfile import UploadedFile
    from django.test import override_settings

    from dudao.imports.models import ImportJob, ImportKind, ImportStatus
    from dudao.imports.services import import_job_create
    from dudao.schools.models import SchoolYearData

    reset()
    # Started while nothing is loaded yet in it (see import_once.py on ru_maxrss).
    worker = subprocess.Popen([sys.executable, str(ROOT / "bench" / "import_once.py"), "--database", DATABASE]
                              + (["--profile"] if profile else []), env=os.environ.copy(), stdin=subprocess.PIPE,
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
    size = FILE.stat().st_size
    with open(FILE, "rb") as fh, override_settings(DUDAO_MAX_UPLOAD_BYTES=max(settings.DUDAO_MAX_UPLOAD_BYTES, size)):
        upload = UploadedFile(file=fh, name="年度基础数据.xlsx", size=size,
                              content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
        job = import_job_create(user=user, kind=ImportKind.YEAR_DATA, upload=upload)
    load_before = os.getloadavg()[0]
    stdout, stderr = worker.communicate(f"{job.pk}\n", timeout=1800)
    if profile or worker.returncode:
        sys.stderr.write(stderr)
    if worker.returncode:
        raise SystemExit(f"import_once.py failed with status {worker.returncode}")
    figures = json.loads(stdout.strip().splitlines()[-1])
    job = ImportJob.objects.get(pk=job.pk)
    if job.status != ImportStatus.SUCCEEDED:
        raise SystemExit(f"import failed: {job.message} {job.errors[:5]}")
    written = SchoolYearData.objects.filter(updated_at__gte=job.started_at).count()
    if job.created_count + job.updated_count != rows or written != rows:
        raise SystemExit(f"expected {rows} rows written, job says {job.created_count}+{job.updated_count}, table {written}")
    stored = dict(((code, year, stage), students) for code, year, stage, students in SchoolYearData.objects.filter(
        school__code__in={k[0] for k in sample}).values_list("school__code", "year", "stage", "students"))
    wrong = [k for k, v in sample.items() if stored.get(k) != v]
    if wrong:
        raise SystemExit(f"{len(wrong)} sampled rows differ from the file, e.g. {wrong[0]}")
    job.file.delete(save=False)
    return {**figures, "created": job.created_count, "updated": job.updated_count, "load_average": [load_before, *os.getloadavg()[1:]]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--rebuild", action="store_true", help=f"drop and rebuild {DATABASE}")
    parser.add_argument("--profile", action="store_true", help="cProfile the import (hot spots on stderr)")
    parser.add_argument("--src", default=str(ROOT / "src"),
                        help="the code to time (default: this checkout's src; e.g. an older commit's, to compare)")
    args = parser.parse_args()
    use_code(args.src)

    configure(DATABASE)
    ensure_database(args.rebuild)
    import django

    django.setup()
    sections = ensure_dataset()
    user = office_user()
    rows, sample = ensure_file(sections)
    runs = []
    for number in range(1, args.runs + 1):
        figures = run_once(user, rows, sample, args.profile)
        runs.append(figures)
        phases = figures["phases"]
        if not phases:  # an import_job_run that does not report its phases (older code on the path)
            print(f"run {number}: {figures['seconds']:.2f} s, CPU {figures['cpu_s']:.2f} s + parser "
                  f"{figures['parser_cpu_s']:.2f} s, peak RSS {figures['peak_rss_mb']:.0f} MB; "
                  f"load {figures['load_average'][0]:.2f}", flush=True)
            continue
        print(f"run {number}: {figures['seconds']:.2f} s = reading {phases['reading_s']:.2f} s "
              f"(parse {phases['parse_s']:.2f} + transfer {phases['transfer_s']:.2f}) + writing {phases['writing_s']:.2f} s "
              f"(check {phases['check_s']:.2f} + upsert {phases['upsert_s']:.2f} + after {phases['after_s']:.2f}); "
              f"CPU {figures['cpu_s']:.2f} s + parser {figures['parser_cpu_s']:.2f} s; "
              f"peak RSS {figures['peak_rss_mb']:.0f} MB, parser child {phases['parse_peak_mb']:.0f} MB; "
              f"created {figures['created']:,}, updated {figures['updated']:,}; load {figures['load_average'][0]:.2f}",
              flush=True)
    median = {key: round(statistics.median(r[key] for r in runs), 2)
              for key in ("seconds", "cpu_s", "parser_cpu_s", "peak_rss_mb")}
    if all(r["phases"] for r in runs):
        median.update({key: round(statistics.median(r["phases"][key] for r in runs), 2)
                       for key in ("reading_s", "writing_s", "parse_s", "transfer_s", "check_s", "upsert_s", "after_s")})
    split = f" (reading {median['reading_s']:.2f} s, writing {median['writing_s']:.2f} s)" if "reading_s" in median else ""
    print(f"median of {len(runs)}: {median['seconds']:.2f} s{split}, CPU {median['cpu_s']:.2f} s + parser "
          f"{median['parser_cpu_s']:.2f} s, peak RSS {median['peak_rss_mb']:.0f} MB; "
          f"load average {os.getloadavg()}")
    (OUT_DIR / "import_only.json").write_text(json.dumps({"runs": runs, "median": median}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
