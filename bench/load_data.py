"""What the load benchmark needs on top of the bench database (bench/load.py, issue [7]).

`bench/run.py` builds the schools of Hunan and Hubei with their yearly data and `bench/visits.py`
adds 3,000 supervisors, their assignments and 500,000 visits. An office's day also reads the
findings ledger, the complaints and the monitoring results, so this adds, for Hunan:

- findings: about three per school over two years, in every state of the workflow (most closed,
  some overdue, reported, disputed), each with the events of its steps — written with COPY;
- complaints: one per two schools, in every state;
- monitoring results for 2024 (`monitoring_recompute`, as the background task computes them);
- the people who log in: 50 office users (province, city and county staff, each a real login with
  the production password hasher, Argon2) and 50 supervisors with an account and an API token.

Everything is deterministic (fixed seeds). Accounts are written to var/bench/load/accounts.json
for the locust users; the password is shared and bench-only.
"""

from __future__ import annotations

import json
import random
import time
from datetime import UTC, date, datetime, timedelta

from common import OUT_DIR, production_password

PROVINCE = "43"
PASSWORD = "Bench-load-2026!"
OFFICE_USERS = 50
SUPERVISOR_USERS = 50
FINDINGS_PER_SCHOOL = 3
TODAY = date(2026, 3, 15)  # the load runs "on" a school day with a year of history behind it
ACCOUNTS_FILE = OUT_DIR / "load" / "accounts.json"
STATES = [  # (state, share): a county's ledger after two years
    ("closed", 0.62), ("cancelled", 0.03), ("open", 0.04), ("notified", 0.10), ("in_progress", 0.08),
    ("reported", 0.07), ("returned", 0.03), ("disputed", 0.03),
]


def _copy(table: str, columns: list[str], rows) -> int:
    from django.db import connection

    n = 0
    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)
            n += 1
    return n


def _pick_state(rng: random.Random) -> str:
    roll, acc = rng.random(), 0.0
    for state, share in STATES:
        acc += share
        if roll < acc:
            return state
    return STATES[0][0]


def add_findings(rng: random.Random) -> dict:
    from django.db import connection
    from django.utils import timezone

    from dudao.regions.models import Office
    from dudao.schools.models import School
    from dudao.zones.models import Assignment

    offices = {o.region.code: o.pk for o in Office.objects.select_related("region")}
    responsible = dict(Assignment.objects.filter(ends_on__isnull=True, school__region_code__startswith=PROVINCE)
                       .values_list("school_id", "supervisor_id"))
    schools = list(School.objects.filter(region_code__startswith=PROVINCE, is_active=True)
                   .values_list("id", "name", "region_id", "region_code"))
    categories = ["safety", "conduct", "curriculum", "facilities", "hygiene", "fees"]  # system dictionary codes
    now = timezone.now()
    first_id = (connection.cursor().execute("SELECT coalesce(max(id), 0) FROM findings_finding").fetchone()[0]) + 1
    findings, events = [], []
    fid = first_id
    for school_id, name, region_id, code in schools:
        office = offices.get(code[:6]) or offices.get(code[:4]) or offices[PROVINCE]
        for _ in range(FINDINGS_PER_SCHOOL):
            found = TODAY - timedelta(days=rng.randrange(730))
            deadline = found + timedelta(days=rng.choice((15, 30, 30, 60)))
            state = _pick_state(rng)
            if state in ("open", "notified", "in_progress", "reported", "returned", "disputed") and rng.random() < 0.6:
                found = TODAY - timedelta(days=rng.randrange(120))  # unfinished ones are mostly recent
                deadline = found + timedelta(days=rng.choice((15, 30, 30, 60)))
            stamp = datetime(found.year, found.month, found.day, 2, 0, tzinfo=UTC)
            closed_at = (stamp + timedelta(days=rng.randrange(5, 80))) if state == "closed" else None
            notified_at = stamp + timedelta(days=1) if state != "open" else None
            reported_at = stamp + timedelta(days=rng.randrange(3, 40)) if state in ("reported", "closed") else None
            findings.append((fid, office, school_id, region_id, name, responsible.get(school_id), "visit", "", "", "{}",
                             rng.choice(categories), "normal", f"基准测试问题 {fid}", "按期整改并报送整改情况", name, "", "",
                             found, deadline, state, notified_at, reported_at, closed_at,
                             (deadline + timedelta(days=30)) if state == "disputed" else None, 0, now, now))
            events.append((fid, "created", "", "open", "", "{}", stamp, stamp))
            if notified_at:
                events.append((fid, "notify", "open", "notified", "", "{}", notified_at, notified_at))
            if closed_at:
                events.append((fid, "verify", "reported", "closed", "", "{}", closed_at, closed_at))
            fid += 1
    started = time.perf_counter()
    n = _copy("findings_finding", [
        "id", "office_id", "school_id", "region_id", "unit_name", "supervisor_id", "source", "source_label", "source_url",
        "source_data", "category", "severity", "description", "requirement", "responsible_unit", "responsible_person",
        "responsible_phone", "found_on", "deadline", "state", "notified_at", "reported_at", "closed_at", "dispute_due",
        "escalation_level", "created_at", "updated_at"], findings)
    e = _copy("findings_findingevent", ["finding_id", "action", "from_state", "to_state", "note", "data", "created_at",
                                        "updated_at"], events)
    with connection.cursor() as cursor:
        cursor.execute("SELECT setval(pg_get_serial_sequence('findings_finding', 'id'), (SELECT max(id) FROM findings_finding))")
    return {"findings": n, "finding_events": e, "seconds": round(time.perf_counter() - started, 1)}


def add_complaints(rng: random.Random) -> dict:
    from django.utils import timezone

    from dudao.regions.models import Office
    from dudao.schools.models import School
    from dudao.zones.models import Assignment

    offices = {o.region.code: o.pk for o in Office.objects.select_related("region")}
    responsible = dict(Assignment.objects.filter(ends_on__isnull=True, school__region_code__startswith=PROVINCE)
                       .values_list("school_id", "supervisor_id"))
    schools = list(School.objects.filter(region_code__startswith=PROVINCE, is_active=True).values_list("id", "region_code"))
    # (state, share, outcome): a year of an office's complaints, most closed
    states = [("received", 0.10, ""), ("answered", 0.05, "question"), ("referred", 0.05, "referred"),
              ("investigating", 0.05, "investigated"), ("kept_for_visit", 0.05, "kept_for_visit"),
              ("unfounded", 0.05, "unfounded"), ("closed", 0.65, "question")]
    categories = ["fees", "teaching", "safety", "ethics", "canteen", "enrolment", "workload"]
    now = timezone.now()
    rows = []
    for i, (school_id, code) in enumerate(rng.sample(schools, len(schools) // 2)):
        received = datetime.combine(TODAY - timedelta(days=rng.randrange(365)), datetime.min.time(), tzinfo=UTC)
        roll, acc, state, outcome = rng.random(), 0.0, "closed", "question"
        for s, share, o in states:
            acc += share
            if roll < acc:
                state, outcome = s, o
                break
        answered = received + timedelta(days=rng.randrange(1, 14)) if state != "received" else None
        rows.append((school_id, offices.get(code[:6]) or offices.get(code[:4]), responsible.get(school_id), f"B{i:09d}",
                     "online", rng.choice(categories), f"基准测试反映 {i}", "", "", True, received,
                     (received + timedelta(days=15)).date(), state, outcome, "已答复（基准测试）" if answered else "",
                     answered, "online" if answered else "", "", None, "", "", "", None,
                     answered if state in ("closed", "unfounded") else None, "", "", now, now))
    started = time.perf_counter()
    n = _copy("complaints_complaint", [
        "school_id", "office_id", "supervisor_id", "tracking_code", "channel", "category", "text", "contact_name", "phone",
        "anonymous", "received_at", "response_due", "state", "outcome", "public_answer", "answered_at", "reply_method",
        "referred_to", "verified_on", "verification_method", "verification_note", "handling_note", "finding_id",
        "closed_at", "ip_hash", "user_agent", "created_at", "updated_at"], rows)
    return {"complaints": n, "seconds": round(time.perf_counter() - started, 1)}


def add_accounts(rng: random.Random) -> dict:
    """50 office users spread over the province, its cities and counties (a province office's
    day is mostly its own staff and the cities'), and 50 supervisors with accounts and tokens."""
    from dudao.people.models import ApiToken, Role, RoleGrant, User
    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure
    from dudao.supervisors.models import Supervisor
    from dudao.zones.models import Assignment

    password = production_password(PASSWORD)
    cities = list(Region.objects.filter(code__startswith=PROVINCE, level="city").order_by("code"))
    counties = list(Region.objects.filter(code__startswith=PROVINCE, level="county").order_by("code"))
    homes = [Region.objects.get(code=PROVINCE)] * 20 + rng.sample(cities, min(10, len(cities))) + rng.sample(counties, 20)
    office_users = []
    for i, region in enumerate(homes[:OFFICE_USERS]):
        user = User.objects.create(username=f"load_office_{i:02d}", password=password, full_name=f"{region.name}·负载测试{i}")
        RoleGrant.objects.create(user=user, role=Role.OFFICE_STAFF, office=office_ensure(region=region))
        office_users.append({"username": user.username, "region": region.code})
    supervisors = []
    candidates = list(Supervisor.objects.filter(user__isnull=True, office__region__code__startswith=PROVINCE,
                                                status="active").order_by("id"))
    for i, supervisor in enumerate(rng.sample(candidates, SUPERVISOR_USERS)):
        user = User.objects.create(username=f"load_supervisor_{i:02d}", password=password, full_name=supervisor.name)
        supervisor.user = user
        supervisor.save(update_fields=["user"])
        RoleGrant.objects.create(user=user, role=Role.SUPERVISOR, office=supervisor.office)
        _token, key = ApiToken.issue(user=user, name="load")
        schools = list(Assignment.objects.filter(supervisor=supervisor, ends_on__isnull=True).values_list("school_id", flat=True))
        supervisors.append({"username": user.username, "token": key, "schools": schools})
    ACCOUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
    ACCOUNTS_FILE.write_text(json.dumps({"password": PASSWORD, "office": office_users, "supervisors": supervisors},
                                        ensure_ascii=False, indent=1))
    return {"office_users": len(office_users), "supervisor_users": len(supervisors)}


def add_monitoring() -> dict:
    """Monitoring results of 2024 for the province page; skipped when a full run already stored them."""
    from dudao.monitoring.models import MonitoringRun
    from dudao.monitoring.services import monitoring_recompute

    if MonitoringRun.objects.filter(year=2024, region__isnull=True, status="succeeded").exists():
        return {"monitoring_run": "already there"}
    started = time.perf_counter()
    run = monitoring_recompute(year=2024)
    return {"monitoring_run": getattr(run, "pk", None), "seconds": round(time.perf_counter() - started, 1)}


MARKER_TABLE = "bench_load_data"  # one row once the load data is in: a second run skips the build


def build_load_data() -> dict:
    """Adds the load data once, in one transaction, and records it (with the accounts, whose API
    tokens are only stored hashed by the platform) in MARKER_TABLE; later runs only rewrite
    accounts.json from there."""
    from django.db import connection, transaction

    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (id int PRIMARY KEY, built_at timestamptz NOT NULL, "
                       "figures jsonb NOT NULL, accounts jsonb NOT NULL)")
        cursor.execute(f"SELECT figures, accounts FROM {MARKER_TABLE} WHERE id = 1")
        row = cursor.fetchone()
    if row is not None:
        figures, accounts = (json.loads(v) if isinstance(v, str) else v for v in row)
        ACCOUNTS_FILE.parent.mkdir(parents=True, exist_ok=True)
        ACCOUNTS_FILE.write_text(json.dumps(accounts, ensure_ascii=False, indent=1))
        return {"already_built": figures}
    rng = random.Random(2026)
    started = time.perf_counter()
    with transaction.atomic():
        figures = {"findings": add_findings(rng), "complaints": add_complaints(rng), "accounts": add_accounts(rng),
                   "monitoring": add_monitoring()}
        figures["seconds"] = round(time.perf_counter() - started, 1)
        with connection.cursor() as cursor:
            cursor.execute(f"INSERT INTO {MARKER_TABLE} VALUES (1, now(), %s, %s)",
                           [json.dumps(figures), ACCOUNTS_FILE.read_text()])
    with connection.cursor() as cursor:
        for table in ("findings_finding", "findings_findingevent", "complaints_complaint", "people_user",
                      "supervisors_supervisor"):
            cursor.execute(f"ANALYZE {table}")
    return figures


if __name__ == "__main__":  # run by bench/load.py on the bench settings (bench/common.py)
    import sys

    import django

    from common import configure

    configure()
    django.setup()
    print(json.dumps(build_load_data(), ensure_ascii=False, default=str))
    sys.exit(0)
