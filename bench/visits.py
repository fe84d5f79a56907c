"""Quota compliance at province scale (issue [3] benchmark).

In the bench database (after bench/run.py built the schools of Hunan and Hubei) this tops Hunan
up to 20,000 schools, registers 3,000 supervisors in its county offices, assigns every school a
responsible supervisor (with some mid-year handovers), writes 500,000 visits over a year with
COPY (the monthly tally's trigger counts them in the same statement), vacuums them as autovacuum
would on a live server, and times `compliance_report` for the Hunan provincial office over one month and one year.
Target: < 1 s each on PostgreSQL.
"""

from __future__ import annotations

import random
import time
import uuid
from collections import defaultdict
from datetime import UTC, date, datetime, timedelta

from common import production_password

TARGET_SECONDS = 1.0
PROVINCE = "43"
SCHOOLS = 20_000
SUPERVISORS = 3_000
VISITS = 500_000
YEAR = 2025


def _top_up_schools(rng: random.Random) -> None:
    from django.utils import timezone

    from dudao.regions.models import Region
    from dudao.schools.models import School
    from dudao.schools.pinyin import initials

    have = School.objects.filter(region_code__startswith=PROVINCE).count()
    towns = list(Region.objects.filter(code__startswith=PROVINCE, level="township"))
    now = timezone.now()
    extra = []
    for i in range(max(0, SCHOOLS - have)):
        town = towns[i % len(towns)]
        name = f"{town.name}第{i // len(towns) + 1}村小学{i}"
        extra.append(School(code=f"9{PROVINCE}{i:07d}", name=name, kind="primary", locality="rural", region=town,
                            region_code=town.code, name_initials=initials(name), created_at=now, updated_at=now))
    School.objects.bulk_create(extra, batch_size=5000)


def _copy(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build(rng: random.Random) -> dict:
    from django.db import connection
    from django.utils import timezone

    from dudao.people.models import User
    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor
    from dudao.visits.quota import quota_rules_install_defaults
    from dudao.zones.models import Assignment

    _top_up_schools(rng)
    counties = list(Region.objects.filter(code__startswith=PROVINCE, level="county"))
    offices = {c.code: office_ensure(region=c) for c in counties}
    province_office = office_ensure(region=Region.objects.get(code=PROVINCE))
    quota_rules_install_defaults()
    schools_by_county: dict[str, list[int]] = defaultdict(list)
    for pk, code in School.objects.filter(region_code__startswith=PROVINCE).values_list("id", "region_code"):
        schools_by_county[code[:6]].append(pk)
    total = sum(len(v) for v in schools_by_county.values())
    now = timezone.now()
    creator = User.objects.create(username="bench_visits", password=production_password("Bench-only-2026!"))
    supervisors = []
    for county, ids in schools_by_county.items():
        n = max(1, round(SUPERVISORS * len(ids) / total))
        for i in range(n):
            supervisors.append(Supervisor(office=offices[county], name=f"督学{county}{i}", kind="full_time" if i % 3 else "part_time",
                                          level="county", status="active", appointed_on=date(2020, 1, 1), created_at=now, updated_at=now))
    supervisors = Supervisor.objects.bulk_create(supervisors[:SUPERVISORS] if len(supervisors) > SUPERVISORS else supervisors, batch_size=5000)
    team: dict[str, list[Supervisor]] = defaultdict(list)
    for s in supervisors:
        team[s.office.region.code].append(s)
    assignments = []
    responsible: dict[int, list[tuple[int, date, date | None]]] = {}
    for county, ids in schools_by_county.items():
        members = team.get(county)
        if not members:
            continue
        for j, school_id in enumerate(ids):
            s = members[j % len(members)]
            if j % 20 == 0 and len(members) > 1:  # a mid-year handover
                other = members[(j + 1) % len(members)]
                spans = [(s.pk, date(YEAR - 1, 9, 1), date(YEAR, 6, 30)), (other.pk, date(YEAR, 7, 1), None)]
            else:
                spans = [(s.pk, date(YEAR - 1, 9, 1), None)]
            responsible[school_id] = spans
            for sid, start, end in spans:
                assignments.append((sid, school_id, start, end, "", now, now))
    _copy(Assignment._meta.db_table, ["supervisor_id", "school_id", "starts_on", "ends_on", "reason", "created_at", "updated_at"], assignments)
    school_ids = list(responsible)
    days = [date(YEAR, 1, 1) + timedelta(days=d) for d in range(365)]

    def visit_rows():
        for _ in range(VISITS):
            school_id = school_ids[rng.randrange(len(school_ids))]
            day = days[rng.randrange(365)]
            sid = next((s for s, start, end in responsible[school_id] if start <= day and (end is None or day <= end)),
                       responsible[school_id][0][0])
            started = datetime(day.year, day.month, day.day, 1, 30, tzinfo=UTC)
            yield (uuid.UUID(int=rng.getrandbits(128)), sid, school_id, "announced", "submitted", started, day, "ok", "[]", "[]",
                   "", "", False, "", started, creator.pk, now, now)

    started = time.perf_counter()
    _copy("visits_visit", ["client_id", "supervisor_id", "school_id", "mode", "status", "started_at", "visit_date", "location_status",
                           "methods", "topics", "narrative", "opinions", "refused", "refusal_note", "submitted_at",
                           "created_by_id", "created_at", "updated_at"], visit_rows())
    copied = time.perf_counter() - started
    with connection.cursor() as cursor:
        # A live database is vacuumed by autovacuum: its visibility map lets the report read the
        # indexes alone (the bench server runs with autovacuum off, so the bench does it here).
        # The monthly tally was filled by its trigger during the COPY, in the same statement.
        cursor.execute("VACUUM ANALYZE visits_visit, visits_visittally")
        cursor.execute("ANALYZE")
    return {"province_office": province_office, "schools": total, "supervisors": len(supervisors),
            "assignments": len(assignments), "visits": VISITS, "visit_copy_s": round(copied, 1),
            "vacuum_s": round(time.perf_counter() - started - copied, 1), "offices": len(offices), **_tally_checked()}


def _tally_checked() -> dict:
    """The monthly tally (kept by triggers) holds every submitted visit: the report reads it, not the visits."""
    from django.db.models import Sum

    from dudao.visits.models import Visit, VisitTally

    in_tally = VisitTally.objects.aggregate(n=Sum("visits"))["n"] or 0
    submitted = Visit.objects.filter(status="submitted").count()
    if in_tally != submitted:
        raise SystemExit(f"monthly tally holds {in_tally} visits, the visits table {submitted} submitted ones: "
                         "run manage.py visit_tally_rebuild")
    return {"tally_rows": VisitTally.objects.count()}


def existing() -> dict:
    """The figures of a bench database built earlier (by bench/run.py), for timing without rebuilding."""
    from dudao.regions.models import Office
    from dudao.schools.models import School
    from dudao.supervisors.models import Supervisor
    from dudao.visits.models import Visit
    from dudao.zones.models import Assignment

    office = Office.objects.select_related("region").get(region__code=PROVINCE)
    return {"province_office": office, "schools": School.objects.filter(region_code__startswith=PROVINCE).count(),
            "supervisors": Supervisor.objects.filter(office__region__code__startswith=PROVINCE).count(),
            "assignments": Assignment.objects.count(), "visits": Visit.objects.count(), "reused": True, **_tally_checked()}


def bench_compliance(*, reuse: bool = False, repeats: int = 3) -> dict:
    """Time the report for the Hunan province office (month, semester, year). `reuse`: time the data
    already in the bench database (read-only) instead of building it."""
    from dudao.visits.compliance import compliance_report

    rng = random.Random(2025)
    if reuse:
        built = existing()
    else:
        print("… compliance: building 3,000 supervisors and 500,000 visits", flush=True)
        built = build(rng)
    office = built.pop("province_office")
    figures = {"dataset": built}
    for kind, day in (("month", date(YEAR, 10, 15)), ("semester", date(YEAR, 10, 15)), ("year", date(YEAR, 10, 15))):
        compliance_report(office=office, kind=kind, day=day, today=date(YEAR + 1, 1, 10))  # warm-up
        times = []
        for _ in range(repeats):
            t = time.perf_counter()
            report = compliance_report(office=office, kind=kind, day=day, today=date(YEAR + 1, 1, 10))
            times.append(time.perf_counter() - t)
        figures[kind] = {"seconds": round(min(times), 3), "median_s": round(sorted(times)[len(times) // 2], 3),
                         "supervisors": len(report.supervisors), "schools": len(report.schools),
                         "visits_counted": report.visit_count, "supervisors_behind": len(report.supervisors_behind),
                         "schools_not_visited": len(report.schools_not_visited)}
        print(f"  compliance {kind}: {figures[kind]['median_s']} s (median of 3) — {figures[kind]['supervisors']} supervisors, "
              f"{figures[kind]['schools']} schools, {figures[kind]['visits_counted']} visits", flush=True)
    return figures


if __name__ == "__main__":
    # Timing only, on the bench database as it is (never rebuilt here): python bench/visits.py --reuse
    import argparse
    import json
    import os
    import sys

    from common import ROOT, configure

    sys.path.insert(0, str(ROOT / "src"))  # this worktree's code, not the installed package's
    parser = argparse.ArgumentParser(description="time the compliance report on the existing bench database")
    parser.add_argument("--reuse", action="store_true", required=True, help="time the data already in dudao_bench")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()
    configure()
    import django

    django.setup()
    print(f"load average {os.getloadavg()}", flush=True)
    result = bench_compliance(reuse=True, repeats=args.repeats)
    print(json.dumps(result, ensure_ascii=False, default=str, indent=1))
    print(f"load average {os.getloadavg()}", flush=True)
