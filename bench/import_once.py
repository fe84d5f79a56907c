"""Run one stored import job, as the task worker does, and report its time and peak memory.

bench/run.py starts this process *before* it loads Django and the dataset, then sends the job id
on stdin once the job exists. Linux carries a process's peak RSS (ru_maxrss) over fork and exec,
so a worker forked later from the big parent would report the parent's peak, not its own.
By hand: `python bench/import_once.py JOB_ID [--profile]` (with the environment of common.py).

Prints one JSON line on stdout. With --profile the run is wrapped in cProfile, the statistics are
saved to var/bench/import.prof and the hot spots are printed to stderr (cProfile inflates the
time: use it to see where the time goes, not for the figure itself).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

from common import BENCH_DB, OUT_DIR, configure


def peak_rss_mb() -> float:
    # Linux reports ru_maxrss in kilobytes.
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def cpu_seconds(who: int) -> float:
    usage = resource.getrusage(who)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("job_id", type=int, nargs="?", help="read from stdin when absent")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--database", default=BENCH_DB, help=f"on the bench server (default {BENCH_DB})")
    args = parser.parse_args()

    configure(args.database)
    # As on a real worker: a task the import enqueues (the monitoring recompute of the counties it
    # touched) is queued in the database for the worker, not run inside the timed import.
    os.environ["DUDAO_TASKS_BACKEND"] = "django_tasks_db.DatabaseBackend"
    import django

    django.setup()
    from dudao.imports.services import import_job_run

    if args.job_id is None:
        line = sys.stdin.readline().strip()
        if not line:
            return  # the parent gave up before the import
        args.job_id = int(line)
    baseline = peak_rss_mb()  # Python + Django loaded, before the import touches the file
    started = time.perf_counter()
    cpu_before = cpu_seconds(resource.RUSAGE_SELF), cpu_seconds(resource.RUSAGE_CHILDREN)
    if args.profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        phases = profiler.runcall(import_job_run, job_id=args.job_id)
        profiler.dump_stats(OUT_DIR / "import.prof")
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("cumulative").print_stats(30)
        pstats.Stats(profiler, stream=sys.stderr).sort_stats("tottime").print_stats(20)
    else:
        phases = import_job_run(job_id=args.job_id)
    seconds = time.perf_counter() - started
    # CPU seconds vary less than wall time on a busy machine: this process, and the spreadsheet
    # parser it waited for (PostgreSQL's own work is in neither).
    cpu = {"cpu_s": round(cpu_seconds(resource.RUSAGE_SELF) - cpu_before[0], 2),
           "parser_cpu_s": round(cpu_seconds(resource.RUSAGE_CHILDREN) - cpu_before[1], 2)}
    print(json.dumps({"seconds": round(seconds, 2), **cpu, "peak_rss_mb": round(peak_rss_mb(), 1),
                      "baseline_rss_mb": round(baseline, 1), "phases": phases}))


if __name__ == "__main__":
    main()
