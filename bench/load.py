"""Load benchmark (`make bench-load`, issue [7]): the documented production set-up under many users.

1. The bench database `dudao_bench` (bench/run.py's schools and yearly data, bench/visits.py's
   3,000 supervisors and 500,000 visits, bench/load_data.py's findings, complaints, monitoring
   results and 100 accounts) is built when missing (`--rebuild` forces it), else migrated and reused.
2. Starts what docs/deployment.md describes: gunicorn with 4 workers on the production settings
   (DEBUG off, Argon2, Redis for cache and sessions — Redis database 5, flushed first), one
   `dudao db_worker`, static files collected and served by WhiteNoise.
3. Each page alone: one user, no think time, 20 requests per page (target p95 < 300 ms; lists and
   details < 100 ms).
4. Scenarios with locust, headless and bounded by `--run-time`:
   (a) 50 office users with a think time of 5–15 s over every page an office opens in a day;
   (b) 20 office users with no think time: the throughput of the mix;
   (c) 50 supervisors submitting visits with a photo through the API while (a) runs; afterwards
       every acknowledged visit must be stored exactly once.
5. Prints per page requests, failures, median, p95, p99, the throughput and the CPU seconds of
   PostgreSQL, the gunicorn workers and the task worker; writes var/bench/load/results.json.

Exit status 1 when a target is missed. Never part of `make test`.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request
from pathlib import Path

import psutil

from common import BENCH_DB, OUT_DIR, PG_SERVER_URL, ROOT, configure, percentile

LOAD_DIR = OUT_DIR / "load"
PORT = int(os.environ.get("DUDAO_BENCH_PORT", "8765"))
HOST = f"http://127.0.0.1:{PORT}"
PG_PORT = urllib.parse.urlsplit(PG_SERVER_URL).port or 5432
REDIS_URL = os.environ.get("DUDAO_BENCH_REDIS", "redis://127.0.0.1:6379/5")
VENV_BIN = Path(sys.executable).parent
TARGETS = {"alone_p95_ms": 300.0, "alone_list_p95_ms": 100.0, "a_p95_ms": 300.0, "a_failures": 0,
           "b_rps": 40.0, "c_lost": 0, "c_duplicated": 0}
# Pages whose alone-target is the stricter one for lists and details.
LIST_PAGES = {"schools: list", "schools: page 200", "schools: search", "schools: pinyin search", "school",
              "findings: ledger", "finding", "visits: ledger", "complaints: list", "supervisors: list"}


def production_env() -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("DUDAO_")}
    env.update({
        "DATABASE_URL": f"{PG_SERVER_URL}/{BENCH_DB}",
        "DUDAO_SECRET_KEY": "bench-load-only-" + "x" * 40,
        "DUDAO_ALLOWED_HOSTS": "127.0.0.1,localhost",
        "DUDAO_INSECURE_HTTP": "1",  # plain HTTP on the loopback; production sits behind TLS
        "REDIS_URL": REDIS_URL,
        "DUDAO_STATIC_ROOT": str(LOAD_DIR / "static"),
        "DUDAO_MEDIA_ROOT": str(LOAD_DIR / "media"),
        "DUDAO_VAR_DIR": str(LOAD_DIR / "var"),
        "DUDAO_LOG_LEVEL": "WARNING",
        "PYTHONPATH": str(ROOT / "src"),
    })
    return env


def database_state() -> str:
    """'missing' (no bench database or no schools), else 'ready'."""
    import psycopg

    try:
        with psycopg.connect(f"{PG_SERVER_URL}/{BENCH_DB}") as conn:
            schools = conn.execute("SELECT count(*) FROM schools_school").fetchone()[0]
            visits = conn.execute("SELECT count(*) FROM (SELECT 1 FROM visits_visit LIMIT 1000) v").fetchone()[0]
    except psycopg.Error:
        return "missing"
    return "ready" if schools and visits else "missing"


def build_database() -> dict:
    """The whole dataset, in this process (bench settings), as bench/run.py builds it: only with
    `--rebuild` (it drops the database)."""
    import random

    import django

    from run import build_dataset, recreate_database

    print(f"… recreating database {BENCH_DB}", flush=True)
    recreate_database()
    configure()
    django.setup()
    from visits import build as build_visits

    figures: dict = {}
    build_dataset(figures)
    print("… 3,000 supervisors and 500,000 visits (bench/visits.py)", flush=True)
    built = build_visits(random.Random(2025))
    built.pop("province_office")
    figures["visits"] = built
    return figures


def add_load_data() -> dict:
    """bench/load_data.py in its own process (bench settings): adds findings, complaints and the
    accounts once (a marker table records it), else only rewrites accounts.json."""
    out = subprocess.run([str(VENV_BIN / "python"), str(ROOT / "bench" / "load_data.py")], check=True, cwd=ROOT,
                         capture_output=True, text=True, env={k: v for k, v in os.environ.items()
                                                               if not k.startswith("DUDAO_")})
    return json.loads(out.stdout.strip().splitlines()[-1])


def write_pages() -> None:
    """Per office user, the pages of a day with ids inside that user's scope (bench/load_pages.py)."""
    subprocess.run([str(VENV_BIN / "python"), str(ROOT / "bench" / "load_pages.py")], check=True, cwd=ROOT,
                   env=production_env() | {"DJANGO_SETTINGS_MODULE": "dudao.settings", "LOAD_DIR": str(LOAD_DIR)})


class Servers:
    """gunicorn (4 workers) and one task worker on the production settings."""

    def __init__(self) -> None:
        self.procs: list[subprocess.Popen] = []

    def start(self) -> None:
        env = production_env()
        dudao = [str(VENV_BIN / "python"), "-m", "dudao.cli"]
        subprocess.run([*dudao, "migrate", "--noinput", "-v", "0"], check=True, env=env, cwd=ROOT)
        subprocess.run([*dudao, "collectstatic", "--noinput", "-v", "0"], check=True, env=env, cwd=ROOT)
        import redis

        redis.Redis.from_url(REDIS_URL).flushdb()
        log = (LOAD_DIR / "gunicorn.log").open("w")
        self.procs.append(subprocess.Popen(
            [str(VENV_BIN / "gunicorn"), "dudao.wsgi", "-w", "4", "-b", f"127.0.0.1:{PORT}", "--timeout", "120"],
            env=env, cwd=ROOT, stdout=log, stderr=subprocess.STDOUT))
        self.procs.append(subprocess.Popen([*dudao, "db_worker"], env=env, cwd=ROOT,
                                           stdout=(LOAD_DIR / "worker.log").open("w"), stderr=subprocess.STDOUT))
        for _ in range(120):
            try:
                if urllib.request.urlopen(f"{HOST}/healthz", timeout=2).status == 200:
                    return
            except OSError:
                time.sleep(0.5)
        raise SystemExit(f"gunicorn did not answer on {HOST}/healthz: see {LOAD_DIR / 'gunicorn.log'}")

    def drain_tasks(self, timeout: float = 900) -> int:
        """Waits until the task worker has run what was queued before the bench (e.g. monitoring
        recomputes the bench data build enqueued), so it does not run during the measurements."""
        import psycopg

        started = time.monotonic()
        with psycopg.connect(f"{PG_SERVER_URL}/{BENCH_DB}", autocommit=True) as conn:
            while time.monotonic() - started < timeout:
                waiting = conn.execute("SELECT count(*) FROM django_tasks_database_dbtaskresult "
                                       "WHERE status IN ('READY', 'RUNNING')").fetchone()[0]
                if not waiting:
                    return round(time.monotonic() - started)
                time.sleep(2)
        raise SystemExit(f"the task worker did not finish the queued tasks within {timeout:.0f} s")

    def stop(self) -> None:
        for proc in self.procs:
            if proc.poll() is None:
                proc.send_signal(signal.SIGTERM)
        for proc in self.procs:
            try:
                proc.wait(timeout=30)
            except subprocess.TimeoutExpired:
                proc.kill()



class CpuSampler:
    """CPU used during a scenario, in cores: the PostgreSQL backends serving the bench database, the
    gunicorn workers, the task worker, locust itself (it shares the 2 cores), and everything else
    on the machine. Sampled every second per process, because PostgreSQL backends and their CPU
    time vanish when a connection closes; a process's last sample counts."""

    def __init__(self, servers: Servers) -> None:
        self.web, self.worker = servers.procs[0].pid, servers.procs[1].pid
        self.first: dict[tuple[int, float], float] = {}
        self.last: dict[tuple[int, float], tuple[str, float]] = {}
        self.stopped = False
        self.started: float | None = None  # processes seen before the start count from that sample

    def _group(self, proc: psutil.Process, ports: set[int]) -> str | None:
        info = proc.info
        if info["name"].startswith("postgres"):
            # a backend of one of our connections: its title ends with the client's address and port
            # (other sessions may read the bench database at the same time)
            title = " ".join(info["cmdline"] or [])
            return "postgresql" if f" {BENCH_DB} " in title and any(f"({port})" in title for port in ports) else None
        if info["pid"] == self.web or info["ppid"] == self.web:
            return "gunicorn"
        if info["pid"] == self.worker:
            return "task_worker"
        if "locust" in " ".join(info["cmdline"] or []):
            return "locust"
        return None

    def _client_ports(self) -> set[int]:
        """Local ports of the web and task workers' connections to PostgreSQL."""
        ports = set()
        for proc in psutil.process_iter(["pid", "ppid"]):
            if self.web not in (proc.info["pid"], proc.info["ppid"]) and proc.info["pid"] != self.worker:
                continue
            try:
                ports |= {c.laddr.port for c in proc.net_connections("tcp") if c.raddr and c.raddr.port == PG_PORT}
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue
        return ports

    def sample(self) -> None:
        ports = self._client_ports()
        for proc in psutil.process_iter(["name", "ppid", "pid", "cmdline", "create_time"]):
            try:
                group = self._group(proc, ports)
                if group is None:
                    continue
                times = proc.cpu_times()
                key = (proc.info["pid"], proc.info["create_time"])
                spent = times.user + times.system
                self.first.setdefault(key, spent if self.started is None else 0.0)
                self.last[key] = (group, spent)
            except (psutil.NoSuchProcess, psutil.AccessDenied):
                continue

    def __enter__(self) -> CpuSampler:
        import threading

        self.sample()
        self.started = time.perf_counter()
        busy = psutil.cpu_times()
        self.machine_before = busy.user + busy.system + busy.nice + getattr(busy, "irq", 0) + getattr(busy, "softirq", 0)

        def loop() -> None:
            while not self.stopped:
                time.sleep(1)
                self.sample()

        self.thread = threading.Thread(target=loop, daemon=True)
        self.thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self.stopped = True
        self.thread.join()
        self.sample()
        self.wall = time.perf_counter() - self.started
        busy = psutil.cpu_times()
        self.machine = busy.user + busy.system + busy.nice + getattr(busy, "irq", 0) + getattr(busy, "softirq", 0) \
            - self.machine_before

    def cores(self) -> dict[str, float]:
        spent = {"postgresql": 0.0, "gunicorn": 0.0, "task_worker": 0.0, "locust": 0.0}
        for key, (group, last) in self.last.items():
            spent[group] += last - self.first.get(key, 0.0)
        figures = {k: round(v / self.wall, 2) for k, v in spent.items()}
        figures["other_processes"] = round(max(0.0, self.machine - sum(spent.values())) / self.wall, 2)
        figures["load_average_1m"] = round(os.getloadavg()[0], 2)
        return figures


def _ms(value: str) -> float:
    """A locust percentile cell: a number, or "N/A" for a page nobody opened after the reset."""
    try:
        return float(value)
    except ValueError:
        return 0.0


def run_locust(name: str, classes: list[str], users: int, seconds: int, env: dict[str, str]) -> dict:
    prefix = LOAD_DIR / name
    cmd = [str(VENV_BIN / "locust"), "-f", str(ROOT / "bench" / "locustfile.py"), "--headless", "-u", str(users),
           "-r", "5", "--reset-stats", "--run-time", f"{seconds}s", "--host", HOST, "--csv", str(prefix),
           "--only-summary", "--stop-timeout", "30", "--loglevel", "WARNING", *classes]
    subprocess.run(cmd, env=os.environ | {"LOAD_DIR": str(LOAD_DIR)} | env, cwd=ROOT, check=False,
                   stdout=(LOAD_DIR / f"{name}.log").open("w"), stderr=subprocess.STDOUT)
    if not Path(f"{prefix}_stats.csv").exists():
        raise SystemExit(f"locust did not finish scenario ({name}): see {LOAD_DIR / f'{name}.log'}")
    Path(f"{prefix}_stats.csv").rename(f"{prefix}_stats.csv.read")
    pages = {}
    with open(f"{prefix}_stats.csv.read", newline="") as fh:
        for row in csv.DictReader(fh):
            pages[row["Name"]] = {"requests": int(row["Request Count"]), "failures": int(row["Failure Count"]),
                                  "median_ms": _ms(row["50%"]), "p95_ms": _ms(row["95%"]),
                                  "p99_ms": _ms(row["99%"]), "rps": round(float(row["Requests/s"] or 0), 2)}
    return pages


def pages_alone(requests: int) -> dict[str, dict]:
    """Every page of the first province user, alone: `requests` sequential requests each."""
    import http.cookiejar
    import re

    accounts = json.loads((LOAD_DIR / "accounts.json").read_text())
    pages = json.loads((LOAD_DIR / "pages.json").read_text())[accounts["office"][0]["username"]]
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    form = opener.open(f"{HOST}/accounts/login/").read().decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', form).group(1)
    data = urllib.parse.urlencode({"username": accounts["office"][0]["username"], "password": accounts["password"],
                                   "csrfmiddlewaretoken": token}).encode()
    with opener.open(urllib.request.Request(f"{HOST}/accounts/login/", data=data)) as response:
        if "/accounts/login/" in response.url:
            raise SystemExit(f"login of {accounts['office'][0]['username']} failed on the production settings")
    figures = {}
    for name, urls in pages.items():
        timings, failures = [], 0
        for i in range(requests + 2):
            started = time.perf_counter()
            try:
                with opener.open(HOST + urls[i % len(urls)]) as response:
                    response.read()
                    failed = response.status != 200 or "/accounts/login/" in response.url
            except urllib.error.HTTPError:
                failed = True
            if i >= 2:  # two warm-up requests
                timings.append((time.perf_counter() - started) * 1000)
                failures += failed
        figures[name] = {"requests": len(timings), "failures": failures,
                         "median_ms": round(percentile(timings, 50), 1), "p95_ms": round(percentile(timings, 95), 1),
                         "p99_ms": round(percentile(timings, 99), 1),
                         "rps": round(len(timings) / (sum(timings) / 1000), 2)}
    return figures


def check_visits(submitted_file: Path) -> dict:
    """Every visit the API acknowledged as submitted (listed by the locust users) must be stored
    once, submitted, with its one photo. Lost: acknowledged but not stored as submitted, or its
    photo missing. Duplicated: a second visit of the same phone visit (the narrative carries the
    client id, so a visit stored twice under two ids shows), or a photo stored twice."""
    import psycopg

    acknowledged = [line.strip() for line in submitted_file.read_text().splitlines() if line.strip()] \
        if submitted_file.exists() else []
    with psycopg.connect(f"{PG_SERVER_URL}/{BENCH_DB}") as conn:
        rows = conn.execute(
            "SELECT substr(v.narrative, 6), v.client_id::text, v.status, "
            "(SELECT count(*) FROM visits_visitphoto p WHERE p.visit_id = v.id) "
            "FROM visits_visit v WHERE v.narrative LIKE 'load:%%' AND substr(v.narrative, 6) = ANY(%s)",
            [acknowledged]).fetchall()
    stored: dict[str, list[tuple[str, str, int]]] = {}
    for phone_id, client_id, status, photos in rows:
        stored.setdefault(phone_id, []).append((client_id, status, photos))
    lost = [cid for cid in set(acknowledged)
            if not any(status == "submitted" and photos >= 1 for _, status, photos in stored.get(cid, []))]
    duplicated = [cid for cid, versions in stored.items() if len(versions) > 1 or any(p > 1 for *_, p in versions)]
    return {"acknowledged": len(acknowledged), "stored": sum(len(v) for v in stored.values()), "lost": len(lost),
            "duplicated": len(duplicated) + (len(acknowledged) - len(set(acknowledged))),
            "lost_ids": lost[:10], "duplicated_ids": duplicated[:10]}


def print_table(title: str, pages: dict[str, dict]) -> None:
    print(f"\n{title}")
    print(f"  {'page':<28}{'requests':>9}{'failures':>9}{'median':>9}{'p95':>9}{'p99':>9}{'req/s':>8}")
    for name, f in sorted(pages.items(), key=lambda kv: kv[0] == "Aggregated"):
        print(f"  {name:<28}{f['requests']:>9}{f['failures']:>9}{f['median_ms']:>9.0f}{f['p95_ms']:>9.0f}"
              f"{f['p99_ms']:>9.0f}{f['rps']:>8.1f}")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rebuild", action="store_true", help="drop and rebuild the bench database")
    parser.add_argument("--seconds", type=int, default=120, help="run time of each locust scenario (default 120)")
    parser.add_argument("--alone-requests", type=int, default=20, help="requests per page, alone (default 20)")
    parser.add_argument("--only", choices=["alone", "a", "b", "c"], action="append", help="run only these steps")
    args = parser.parse_args()
    steps = set(args.only or ["alone", "a", "b", "c"])
    LOAD_DIR.mkdir(parents=True, exist_ok=True)
    results: dict = {"targets": TARGETS}
    if args.rebuild:
        started = time.perf_counter()
        results["build"] = build_database()
        results["build"]["seconds"] = round(time.perf_counter() - started, 1)
    elif database_state() == "missing":
        print(f"the bench database {BENCH_DB} is missing or empty: run `make bench` first, or pass --rebuild",
              file=sys.stderr)
        return 2
    print("… load data: findings, complaints, accounts (bench/load_data.py)", flush=True)
    results["load_data"] = add_load_data()
    print(f"  {json.dumps(results['load_data'], ensure_ascii=False)[:300]}", flush=True)
    write_pages()
    servers = Servers()
    missed: list[str] = []
    try:
        servers.start()
        print("… waiting for the task worker to run the tasks already queued", flush=True)
        results["queued_tasks_seconds"] = servers.drain_tasks()
        if "alone" in steps:
            print(f"\n… each page alone ({args.alone_requests} requests after 2 warm-up)", flush=True)
            results["alone"] = alone = pages_alone(args.alone_requests)
            print_table("each page alone (one user, no think time)", alone)
            for name, f in alone.items():
                limit = TARGETS["alone_list_p95_ms"] if name in LIST_PAGES else TARGETS["alone_p95_ms"]
                if f["failures"]:
                    missed.append(f"alone: {name} {f['failures']} failures")
                if f["p95_ms"] > limit:
                    missed.append(f"alone: {name} p95 {f['p95_ms']} ms > {limit:.0f} ms")
        scenarios = [("a", ["OfficeUser"], 50, {"LOAD_THINK": "1"}),
                     ("b", ["OfficeUser"], 20, {"LOAD_THINK": "0"}),
                     ("c", ["OfficeUser", "SupervisorUser"], 100,
                      {"LOAD_THINK": "1", "LOAD_OFFICE_USERS": "50", "LOAD_SUPERVISOR_USERS": "50"})]
        for name, classes, users, env in scenarios:
            if name not in steps:
                continue
            print(f"\n… scenario ({name}): {users} users, {args.seconds} s", flush=True)
            submitted = LOAD_DIR / f"submitted-{name}.txt"
            submitted.unlink(missing_ok=True)
            with CpuSampler(servers) as sampler:
                pages = run_locust(name, classes, users, args.seconds, env | {"LOAD_SUBMITTED": str(submitted)})
            results[name] = {"pages": pages, "cpu_cores": (cpu := sampler.cores())}
            print_table(f"scenario ({name}) — CPU in cores: PostgreSQL {cpu['postgresql']}, gunicorn {cpu['gunicorn']}, "
                        f"task worker {cpu['task_worker']}, locust {cpu['locust']}, other processes "
                        f"{cpu['other_processes']} (load average {cpu['load_average_1m']})", pages)
            total = pages.get("Aggregated", {})
            if name == "a":
                if total.get("p95_ms", 1e9) > TARGETS["a_p95_ms"]:
                    missed.append(f"(a) p95 {total.get('p95_ms')} ms > {TARGETS['a_p95_ms']:.0f} ms")
                if total.get("failures", 1):
                    missed.append(f"(a) {total.get('failures')} failures")
            if name == "b" and total.get("rps", 0) < TARGETS["b_rps"]:
                missed.append(f"(b) {total.get('rps')} requests/s < {TARGETS['b_rps']:.0f}")
            if name == "c":
                results["c"]["visits"] = visits = check_visits(submitted)
                print(f"  visits: {visits}", flush=True)
                if visits["lost"] or visits["duplicated"]:
                    missed.append(f"(c) {visits['lost']} lost, {visits['duplicated']} duplicated visits")
                if not visits["acknowledged"]:
                    missed.append("(c) no visit was acknowledged")
    finally:
        servers.stop()
    results["missed"] = missed
    (LOAD_DIR / "results.json").write_text(json.dumps(results, ensure_ascii=False, indent=2))
    print("\n" + ("all targets met" if not missed else "MISSED:\n  " + "\n  ".join(missed)), flush=True)
    return 1 if missed else 0


if __name__ == "__main__":
    sys.exit(main())
