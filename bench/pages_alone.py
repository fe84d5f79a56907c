"""Every list, ledger, detail and export page alone, at province scale (issue [7] item 2).

Read-only: it uses the existing `dudao_bench` database (built by `make bench` and topped up by
bench/load.py) and never recreates it. As the Hunan province office staff member of the bench
(`bench_hn_office`) it requests each page a few times with django.test.Client and prints, per
page, the median and p95 time and the number of SQL queries of one request. Targets: lists and
details < 100 ms, any page < 300 ms.

    .venv/bin/python bench/pages_alone.py [-n 9] [--only visits] [--skip export] [--json out.json]
"""

from __future__ import annotations

import argparse
import json
import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import quote

sys.path.insert(0, str(Path(__file__).resolve().parent))
# This checkout's code, not whatever the virtualenv's editable install points at (DUDAO_BENCH_SRC: another
# checkout's src, to time the code before a change against the same database in the same minute).
sys.path.insert(0, os.environ.get("DUDAO_BENCH_SRC") or str(Path(__file__).resolve().parent.parent / "src"))
from common import configure, summarise_ms  # noqa: E402

WARMUP = 2
LIST_MS = 100.0
PAGE_MS = 300.0


def pages(user) -> dict[str, tuple[list[str], float]]:
    """Page name → (URLs taken in turn, target in ms)."""
    from dudao.complaints.models import Complaint
    from dudao.findings.models import Finding
    from dudao.regions.models import Office
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor
    from dudao.visits.models import Visit

    rng = random.Random(7)
    office = Office.objects.get(region__code="43")
    schools = list(School.objects.visible_to(user).values_list("id", flat=True)[:5000])
    supervisors = list(Supervisor.objects.visible_to(user).values_list("id", flat=True)[:2000])
    visits = list(Visit.objects.visible_to(user).values_list("id", flat=True)[:5000])
    findings = list(Finding.objects.visible_to(user).values_list("id", flat=True)[:2000])
    complaints = list(Complaint.objects.visible_to(user).values_list("id", flat=True)[:2000])
    out: dict[str, tuple[list[str], float]] = {
        "home": (["/"], PAGE_MS),
        "schools: list": (["/schools/"], LIST_MS),
        "schools: page 200": (["/schools/?page=200"], LIST_MS),
        "schools: search 中心小学": ([f"/schools/?q={quote('中心小学')}"], LIST_MS),
        "schools: search zxxx": (["/schools/?q=zxxx"], LIST_MS),
        "school detail": ([f"/schools/{pk}/" for pk in rng.sample(schools, min(20, len(schools)))], LIST_MS),
        "supervisors: list": (["/supervisors/"], LIST_MS),
        "supervisors: search": ([f"/supervisors/?q={quote('张')}"], LIST_MS),
        "supervisor detail": ([f"/supervisors/{pk}/" for pk in rng.sample(supervisors, min(20, len(supervisors)))], LIST_MS),
        "supervisors: stats": (["/supervisors/stats/"], PAGE_MS),
        "visits: ledger": (["/visits/log/"], LIST_MS),
        "visits: ledger page 100": (["/visits/log/?page=100"], LIST_MS),
        "visits: ledger with problems": (["/visits/log/?problems=1"], LIST_MS),
        "visits: ledger county": (["/visits/log/?region=430102"], LIST_MS),
        "visits: ledger school search": ([f"/visits/log/?school={quote('中心小学')}"], LIST_MS),
        "visit detail": ([f"/visits/{pk}/" for pk in rng.sample(visits, min(20, len(visits)))], LIST_MS),
        "findings: ledger": (["/findings/"], LIST_MS),
        "findings: reported": (["/findings/?state=reported"], LIST_MS),
        "findings: overdue": (["/findings/?overdue=overdue"], LIST_MS),
        "findings: stats": (["/findings/stats/"], PAGE_MS),
        "complaints: list": (["/complaints/"], LIST_MS),
        "complaints: stats": (["/complaints/stats/"], PAGE_MS),
        "monitoring: province": (["/monitoring/?region=43&year=2024"], PAGE_MS),
        "zones": (["/zones/"], LIST_MS),
        "regions": (["/regions/"], LIST_MS),
        "visits: not visited": ([f"/visits/office/not-visited/?office={office.pk}"], PAGE_MS),
        "visits: calendar": ([f"/visits/office/calendar/?office={office.pk}"], PAGE_MS),
        "schools: overview": (["/schools/overview/"], PAGE_MS),
        # Exports: the time to the first rows of a small file, or to the queued job of a large one.
        "export: visits ledger": (["/visits/log/export/"], PAGE_MS),
        "export: findings": (["/findings/export/"], PAGE_MS),
        "export: complaints": (["/complaints/export/"], PAGE_MS),
        "export: schools": (["/schools/export/"], PAGE_MS),
        "export: supervisors": (["/supervisors/export/"], PAGE_MS),
    }
    if findings:
        out["finding detail"] = ([f"/findings/{pk}/" for pk in rng.sample(findings, min(20, len(findings)))], LIST_MS)
    if complaints:
        out["complaint detail"] = ([f"/complaints/{pk}/" for pk in rng.sample(complaints, min(20, len(complaints)))], LIST_MS)
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("-n", type=int, default=9, help="timed requests per page (after 2 warm-up ones)")
    parser.add_argument("--only", default="", help="only pages whose name contains this")
    parser.add_argument("--skip", default="", help="leave out pages whose name contains this (e.g. export)")
    parser.add_argument("--json", default="", help="write the figures to this file")
    args = parser.parse_args()
    configure()
    import django

    django.setup()
    from django.db import connection, transaction
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from dudao.people.models import User

    user = User.objects.get(username="bench_hn_office")
    client = Client()
    client.force_login(user)
    results: dict[str, dict] = {}
    missed = []
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
    for name, (urls, target) in pages(user).items():
        if (args.only and args.only not in name) or (args.skip and args.skip in name):
            continue
        timings: list[float] = []
        queries = 0
        for i in range(WARMUP + args.n):
            url = urls[i % len(urls)]
            # A large export queues a background job (core/exports.py) and answers with a redirect to
            # its page: rolled back here, so the bench stays read-only and no worker writes the file.
            with CaptureQueriesContext(connection) as captured, transaction.atomic():
                started = time.perf_counter()
                response = client.get(url)
                if getattr(response, "streaming", False):
                    next(iter(response.streaming_content), b"")  # the first rows, not the whole file
                elapsed = time.perf_counter() - started
                response.close()
                transaction.set_rollback(True)
            queued = response.status_code == 302 and "/exports/" in response.get("Location", "")
            if response.status_code != 200 and not queued:
                print(f"  {name}: GET {url} answered {response.status_code}", flush=True)
                break
            if i >= WARMUP:
                timings.append(elapsed)
                queries = max(queries, len(captured))
        if not timings:
            continue
        figures = summarise_ms(timings) | {"queries": queries, "target_ms": target}
        results[name] = figures
        flag = "" if figures["p50_ms"] < target else "  MISSED"
        if flag:
            missed.append(name)
        print(f"  {name:<30} p50 {figures['p50_ms']:>7.1f} ms  p95 {figures['p95_ms']:>7.1f} ms  "
              f"{queries:>3} queries  (target {target:.0f}){flag}", flush=True)
    print(f"load average {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f}", flush=True)
    if args.json:
        Path(args.json).write_text(json.dumps({"load": os.getloadavg(), "pages": results}, ensure_ascii=False, indent=1))
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
