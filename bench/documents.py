"""1,000 school reports (督导报告) drafted from a campaign's data and rendered to PDF (issue [11] item 8).

On a database of its own (`dudao_bench_documents`, the schools of run.py's generator), this:

1. builds a campaign over 1,000 schools with bench/campaigns.py's builder (a 60-item points
   framework in 3 sections, a self answer and three raters per school and item, COPY) and computes
   its results (not timed);
2. drafts the 1,000 school reports with `campaigns.documents.school_report_draft` — the campaign's
   figures read once, then one document per school with its first-level table, bar chart, strengths,
   problems, requirements and the 60-item detail as its attachment — and prints the time;
3. renders the 1,000 drafts to PDF through the engine (`documents.render.render_pdf`) in 2 worker
   processes (the bench machine has 2 cores), each process reading its documents from the database,
   and prints the total seconds, the per-report p50/p95 and the pages per report (min, mean, max).

Target: rendering < 120 s in all. Not part of the tests. Alone:

    .venv/bin/python bench/documents.py [--keep] [--schools N] [--workers N] [--database NAME]
"""

from __future__ import annotations

import argparse
import os
import sys
import time

TARGET_SECONDS = 120.0
SCHOOLS = 1000
WORKERS = 2
STANDALONE_DB = "dudao_bench_documents"


def _render_chunk(ids: list[int]) -> list[tuple[int, float, int]]:
    """In a worker: each document rendered to PDF, with its seconds and pages."""
    import io

    from django.db import connection
    from pypdf import PdfReader

    from dudao.documents.models import Document
    from dudao.documents.render import render_pdf

    out = []
    for document in Document.objects.filter(pk__in=ids).select_related("office__region").order_by("pk"):
        started = time.perf_counter()
        pdf = render_pdf(document)
        seconds = time.perf_counter() - started
        out.append((document.pk, seconds, len(PdfReader(io.BytesIO(pdf)).pages)))
    connection.close()
    return out


def bench_documents(schools: int = SCHOOLS, workers: int = WORKERS) -> dict:
    import multiprocessing

    from django.db import connections
    from django.utils import translation

    from campaigns import build_campaign
    from common import percentile
    from dudao.campaigns import documents as builders
    from dudao.campaigns.models import CampaignSchool
    from dudao.campaigns.results import campaign_results_compute

    translation.activate("zh-hans")
    campaign, user, rows, count, seconds = build_campaign(schools)
    print(f"… campaign: {count:,} schools, {rows:,} scores in {seconds} s", flush=True)
    started = time.perf_counter()
    campaign_results_compute(campaign=campaign)
    print(f"… results computed in {time.perf_counter() - started:.1f} s", flush=True)

    started = time.perf_counter()
    figures = builders.campaign_figures(campaign)
    entries = list(CampaignSchool.objects.filter(campaign=campaign).select_related("school__region", "team")
                   .order_by("id"))
    ids = [builders.school_report_draft(campaign=campaign, school=e.school, by=user, figures=figures).pk
           for e in entries]
    drafted = time.perf_counter() - started
    print(f"drafting: {len(ids):,} reports in {drafted:.1f} s ({drafted / len(ids) * 1000:.0f} ms each)", flush=True)

    connections.close_all()  # the workers are forked: each opens its own connection
    chunks = [ids[i::workers * 8] for i in range(workers * 8)]  # small chunks keep both cores busy to the end
    started = time.perf_counter()
    with multiprocessing.get_context("fork").Pool(workers) as pool:
        results = [r for part in pool.map(_render_chunk, chunks) for r in part]
    total = time.perf_counter() - started
    times = [r[1] for r in results]
    pages = [r[2] for r in results]
    figures_out = {
        "reports": len(results), "workers": workers, "seconds": round(total, 1),
        "p50_s": round(percentile(times, 50), 2), "p95_s": round(percentile(times, 95), 2),
        "pages_min": min(pages), "pages_mean": round(sum(pages) / len(pages), 1), "pages_max": max(pages),
        "drafting_s": round(drafted, 1),
    }
    verdict = "OK" if total < TARGET_SECONDS else "SLOW"
    print(f"rendering: {len(results):,} reports to PDF in {total:.1f} s with {workers} processes "
          f"(target < {TARGET_SECONDS:.0f} s: {verdict}); per report p50 {figures_out['p50_s']} s, "
          f"p95 {figures_out['p95_s']} s; pages per report {min(pages)}–{max(pages)} "
          f"(mean {figures_out['pages_mean']})", flush=True)
    return figures_out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help=f"reuse {STANDALONE_DB}'s schools if it exists")
    parser.add_argument("--database", default=STANDALONE_DB, help=f"database name (default {STANDALONE_DB})")
    parser.add_argument("--schools", type=int, default=SCHOOLS, help=f"school reports (default {SCHOOLS:,})")
    parser.add_argument("--workers", type=int, default=WORKERS, help=f"rendering processes (default {WORKERS})")
    args = parser.parse_args()
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from common import standalone_database

    standalone_database(args.database, keep=args.keep)
    figures = bench_documents(args.schools, args.workers)
    return 0 if figures["seconds"] < TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
