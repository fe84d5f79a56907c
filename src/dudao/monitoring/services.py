"""Balance monitoring: compute and store results from the yearly base data.

`monitoring_recompute` reads schools.SchoolYearData of one year in a region subtree in one query
(plus one for the schools), computes every school stage section and every county with the pure
functions of `indicators.py`, and upserts `SchoolResult` / `AreaResult` rows in bulk. Cities and
provinces summarise their counties' stored results (no second pass over schools). Dashboards read
only the stored rows.

Base data changes reach it through `monitoring_request_recompute`: a saved or deleted
SchoolYearData row, or a finished yearly-data import, asks for a recompute of its county; while a
request for that county (or a region above it) is still queued, further changes join it instead of
queueing another task (the debounce: one task for a burst of edits, one per import).
"""

from __future__ import annotations

import json
import logging
import time
import traceback
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import timedelta
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.db import connection, transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.monitoring import indicators as ind
from dudao.monitoring.models import (
    AreaLevel,
    AreaResult,
    MonitoringRun,
    RunStatus,
    SchoolResult,
    Verdict,
)
from dudao.monitoring.standards import BASIC_2012, JUNIOR, PRIMARY, QUALITY_2017, SCHEMES, Scheme, get_scheme

if TYPE_CHECKING:
    from dudao.imports.models import ImportJob
    from dudao.people.models import User
    from dudao.regions.models import Region
    from dudao.schools.models import School

logger = logging.getLogger(__name__)

MONITORED_STAGES = (PRIMARY, JUNIOR)
DEBOUNCE_SECONDS = 60  # a queued recompute waits this long, so a burst of edits shares one run
QUEUED_STALE_SECONDS = 3600
BATCH = 1000


def _kinds_with_stage() -> dict[str, list[str]]:
    from dudao.schools.models import STAGES_OF_KIND

    return {stage: [k for k, stages in STAGES_OF_KIND.items() if stage in stages] for stage in MONITORED_STAGES}


def _county_of(region_code: str) -> str | None:
    return region_code[:6] if len(region_code) >= 6 else None


@dataclass
class _SchoolInfo:
    id: int
    name: str
    kind: str
    ownership: str
    is_county_run: bool
    is_city_direct: bool
    is_active: bool
    region_code: str


def scope_exclusion(scheme: str, school: _SchoolInfo, students: int) -> str:
    """Why the scheme's resource indicators leave this school out ("" = counted); domain-rules
    §4.1 (优质均衡: small 教学点) and §4.2 (基本均衡: private, non-county-run, 教学点)."""
    from dudao.monitoring.standards import TEACHING_POINT_MIN_STUDENTS
    from dudao.schools.models import Ownership, SchoolKind

    if scheme == QUALITY_2017:
        if school.kind == SchoolKind.TEACHING_POINT and students < TEACHING_POINT_MIN_STUDENTS:
            return "teaching_point_small"
        return ""
    if scheme == BASIC_2012:
        if school.kind == SchoolKind.TEACHING_POINT:
            return "teaching_point"
        if school.ownership == Ownership.PRIVATE:
            return "private"
        if not school.is_county_run or school.is_city_direct:
            return "not_county_run"
        return ""
    raise KeyError(scheme)


# --------------------------------------------------------------------------------------------
# Recompute
# --------------------------------------------------------------------------------------------


def monitoring_recompute(
    *, year: int, region: Region | None = None, scheme: str | None = None, trigger: str = "manual",
    run: MonitoringRun | None = None,
) -> MonitoringRun:
    """Recompute and store every result of `year` in the region's subtree (None: everywhere).

    Idempotent: the same base data gives the same rows. A township widens to its county (a county
    result needs all its schools). The run is recorded even when the computation fails; the
    error is re-raised so a background task shows as failed too.
    """
    schemes = [get_scheme(scheme)] if scheme else list(SCHEMES.values())
    if region is not None and region.level == "township":
        from dudao.regions.models import Region as RegionModel

        region = RegionModel.objects.get(code=region.code[:6])
    now = timezone.now()
    if run is None:
        run = MonitoringRun.objects.create(
            scheme=scheme or "", year=year, region=region, trigger=trigger, started_at=now, status=RunStatus.RUNNING,
        )
    else:
        run.status, run.started_at = RunStatus.RUNNING, now
        run.save(update_fields=["status", "started_at"])
    try:
        with transaction.atomic():
            counts = _recompute(year=year, prefix=region.code if region else "", schemes=schemes, now=now)
    except Exception:
        run.status, run.error, run.finished_at = RunStatus.FAILED, traceback.format_exc()[-4000:], timezone.now()
        run.save(update_fields=["status", "error", "finished_at"])
        logger.exception("monitoring recompute %s %s failed", year, region)
        raise
    run.status, run.counts, run.finished_at = RunStatus.SUCCEEDED, counts, timezone.now()
    run.save(update_fields=["status", "counts", "finished_at"])
    return run


def _load(year: int, prefix: str) -> tuple[dict[int, _SchoolInfo], list[tuple]]:
    """Two queries: the schools of the subtree with a primary or junior section, and their rows."""
    from dudao.schools.models import School, SchoolYearData

    kinds = sorted({k for ks in _kinds_with_stage().values() for k in ks})
    schools_qs = School.objects.filter(kind__in=kinds)
    rows_qs = SchoolYearData.objects.filter(year=year, stage__in=MONITORED_STAGES)
    if prefix:
        schools_qs = schools_qs.filter(region_code__startswith=prefix)
        rows_qs = rows_qs.filter(school__region_code__startswith=prefix)
    schools = {
        r[0]: _SchoolInfo(*r)
        for r in schools_qs.values_list("id", "name", "kind", "ownership", "is_county_run", "is_city_direct",
                                        "is_active", "region_code").iterator(chunk_size=5000)
    }
    rows = list(rows_qs.values_list("school_id", "stage", "updated_at", *ind.BASE_FIELDS).iterator(chunk_size=5000))
    return schools, rows


def _recompute(*, year: int, prefix: str, schemes: list[Scheme], now) -> dict[str, Any]:
    from dudao.regions.models import Region

    t0 = time.perf_counter()
    schools, rows = _load(year, prefix)
    t_read = time.perf_counter() - t0
    t_compute0 = time.perf_counter()
    kinds_with_stage = _kinds_with_stage()
    field_names = ind.BASE_FIELDS

    # (scheme, stage, county) -> list of (SchoolInput, school id, values, reasons)
    groups: dict[tuple[str, str, str], list] = defaultdict(list)
    last_update: dict[tuple[str, str], Any] = {}
    seen: set[tuple[int, str]] = set()
    no_county = 0
    for row in rows:
        school_id, stage, updated_at = row[0], row[1], row[2]
        info = schools.get(school_id)
        if info is None:  # a school whose kind no longer has this stage
            continue
        county = _county_of(info.region_code)
        if county is None:
            no_county += 1
            continue
        seen.add((school_id, stage))
        data = ind.exact_base(dict(zip(field_names, row[3:], strict=True)))
        students = int(data["students"] or 0)
        key = (stage, county)
        if key not in last_update or updated_at > last_update[key]:
            last_update[key] = updated_at
        for sch in schemes:
            values, reasons = ind.indicator_values_with_reasons(data, stage=stage, scheme=sch)
            reason = scope_exclusion(sch.code, info, students)
            if not reason and students == 0:
                reason = "zero_students"
            if not reason and all(v is None for v in values.values()):
                reason = "not_filled" if all(r == "not_filled" for r in reasons.values()) else "missing"
            groups[(sch.code, stage, county)].append(
                (ind.SchoolInput(school_id, info.name, students, values, reason or None), reasons)
            )
    # Active schools with a primary/junior section but no row this year: reported, not counted.
    no_data: dict[tuple[str, str], list[dict]] = defaultdict(list)
    for info in schools.values():
        county = _county_of(info.region_code)
        if county is None or not info.is_active:
            continue
        for stage in MONITORED_STAGES:
            if info.kind in kinds_with_stage[stage] and (info.id, stage) not in seen:
                no_data[(stage, county)].append({"school_id": info.id, "name": info.name, "reason": "no_year_data",
                                                 "reason_label": ind.REASON_LABELS["no_year_data"]})

    county_codes = {c for (_, _, c) in groups} | {c for (_, c) in no_data}
    region_ids = dict(Region.objects.filter(code__in=county_codes).values_list("code", "id"))
    school_objs: list[dict] = []
    area_objs: list[dict] = []
    for sch in schemes:
        for stage in MONITORED_STAGES:
            for county in sorted(county_codes):
                members = groups.get((sch.code, stage, county), [])
                missing_rows = no_data.get((stage, county), [])
                if not members and not missing_rows:
                    continue
                region_id = region_ids.get(county)
                evaluation = ind.evaluate_stage([m[0] for m in members], scheme=sch, stage=stage)
                school_objs.extend(_school_results(sch, stage, year, evaluation, members, schools, now))
                if region_id is None:
                    continue  # schools registered under a code that is not a county in the table
                area_objs.append(_county_result(sch, stage, year, county, region_id, evaluation, members,
                                                missing_rows, last_update.get((stage, county)), now))
    t_compute = time.perf_counter() - t_compute0

    t_write0 = time.perf_counter()
    scheme_codes = [s.code for s in schemes]
    _upsert_school_results(school_objs)
    _delete_stale_school_results(year, prefix, scheme_codes, {(r["scheme"], r["stage"], r["school_id"]) for r in school_objs})
    _upsert_area_results(area_objs)
    stale_counties = AreaResult.objects.filter(year=year, scheme__in=scheme_codes, level=AreaLevel.COUNTY)
    if prefix:
        stale_counties = stale_counties.filter(region_code__startswith=prefix)
    keep = {(a["scheme"], a["stage"], a["region_id"]) for a in area_objs}
    stale_ids = [pk for pk, s, st, r in stale_counties.values_list("id", "scheme", "stage", "region_id") if (s, st, r) not in keep]
    AreaResult.objects.filter(pk__in=stale_ids).delete()
    summaries = _summarise(year=year, prefix=prefix, scheme_codes=scheme_codes, now=now)
    t_write = time.perf_counter() - t_write0
    excluded = sum(1 for r in school_objs if r["excluded_reason"]) + sum(len(v) for v in no_data.values())
    return {
        "year_data_rows": len(rows),
        "schools": len(schools),
        "school_results": len(school_objs),
        "county_results": len(area_objs),
        "summary_results": summaries,
        "excluded": excluded,
        "no_county": no_county,
        "schemes": scheme_codes,
        "seconds": {"read": round(t_read, 3), "compute": round(t_compute, 3), "write": round(t_write, 3)},
    }


def _school_results(sch: Scheme, stage: str, year: int, evaluation: ind.StageEvaluation, members: list,
                    schools: dict[int, _SchoolInfo], now) -> Iterable[dict]:
    outcomes = {o.key: o for o in evaluation.schools}
    excluded = {key: reason for key, _name, reason in evaluation.excluded}
    standards = sch.standards_for(stage)
    empty_met = {code: None for code in sch.codes}
    for school_input, _reasons in members:
        key = school_input.key
        values = school_input.values
        outcome = outcomes.get(key)
        verdict = outcome.verdict if outcome else None
        if verdict is None and standards is not None and any(v is not None for v in values.values()):
            # Excluded schools are shown against the standard too, without a pass/fail.
            verdict = ind.school_verdict(values, standards, min_met=sch.school_min_met or len(standards),
                                         rest_ratio=sch.school_rest_ratio or 1.0)
        yield {
            "scheme": sch.code, "year": year, "stage": stage, "school_id": key, "region_code": schools[key].region_code,
            "students": int(school_input.students), "values": values, "met": verdict.met if verdict else dict(empty_met),
            "met_count": verdict.met_count if verdict else 0,
            "passes": outcome.verdict.passes if outcome and outcome.verdict else None,
            "missing": [code for code in sch.codes if values.get(code) is None],
            "excluded_reason": excluded.get(key, ""), "computed_at": now,
        }


def _county_result(sch: Scheme, stage: str, year: int, county: str, region_id: int, evaluation: ind.StageEvaluation,
                   members: list, missing_rows: list[dict], last_update, now) -> dict:
    excluded = [{"school_id": key, "name": name, "reason": reason, "reason_label": ind.REASON_LABELS.get(reason, reason)}
                for key, name, reason in evaluation.excluded] + missing_rows
    data_filled = {
        "schools_expected": len(members) + len(missing_rows),
        "schools_with_data": len(members),
        "schools_counted": len(evaluation.schools),
        "schools_excluded": len(excluded),
        "last_data_update": last_update.isoformat() if last_update else None,
        "indicators": {
            code: {"schools": r.schools, "students": r.students, "sd": r.sd, "status": r.status,
                   "excluded": len(r.excluded)}
            for code, r in evaluation.cv.items()
        },
        "partial": [{"school_id": key, "name": name, "missing": list(codes)} for key, name, codes in evaluation.partial],
        "reasons": list(evaluation.reasons),
    }
    return {
        "scheme": sch.code, "year": year, "stage": stage, "region_id": region_id, "level": AreaLevel.COUNTY.value,
        "region_code": county, "school_count": len(evaluation.schools), "students": int(evaluation.students),
        "schools_passing": evaluation.schools_passing,
        "cv": {code: r.cv for code, r in evaluation.cv.items()}, "cv_pass": evaluation.cv_pass,
        "mean": {code: r.mean for code, r in evaluation.cv.items()}, "composite_cv": evaluation.composite_cv,
        "verdict": evaluation.verdict, "counties": {}, "excluded": excluded, "data_filled": data_filled, "computed_at": now,
    }


SCHOOL_COLUMNS = ["scheme", "year", "stage", "school_id", "region_code", "students", "values", "met", "met_count", "passes",
                  "missing", "excluded_reason", "computed_at"]
AREA_COLUMNS = ["scheme", "year", "stage", "region_id", "level", "region_code", "school_count", "students", "schools_passing",
                "cv", "cv_pass", "mean", "composite_cv", "verdict", "counties", "excluded", "data_filled", "computed_at"]


def _upsert_school_results(rows: list[dict]) -> None:
    # On PostgreSQL a row whose figures did not change is left alone (its computed_at is when its
    # figures last changed): a county's edit or a daily run rewrites only what moved.
    _upsert(SchoolResult, SCHOOL_COLUMNS, rows, ["scheme", "year", "stage", "school_id"], skip_unchanged=["computed_at"])


def _upsert_area_results(rows: list[dict]) -> None:
    _upsert(AreaResult, AREA_COLUMNS, rows, ["scheme", "year", "stage", "region_id"])


def _upsert(model, columns: list[str], rows: list[dict], conflict: list[str], skip_unchanged: list[str] | None = None) -> None:
    """Insert or update on the unique key. PostgreSQL: COPY into a temporary table, then one
    INSERT … ON CONFLICT (the JSON columns make Django's array-based bulk insert slow); elsewhere
    bulk_create(update_conflicts=True)."""
    if not rows:
        return
    if connection.vendor == "postgresql":
        _copy_upsert(model, columns, rows, conflict, skip_unchanged)
        return
    attnames = {f.attname: f.name for f in model._meta.concrete_fields}
    model.objects.bulk_create(
        [model(**row) for row in rows], batch_size=BATCH, update_conflicts=True,
        unique_fields=[attnames[c] for c in conflict], update_fields=[attnames[c] for c in columns if c not in conflict],
    )


def _copy_upsert(model, columns: list[str], rows: list[dict], conflict: list[str], skip_unchanged: list[str] | None) -> None:
    table = model._meta.db_table
    tmp = f"tmp_{table}"
    json_columns = {f.column for f in model._meta.concrete_fields if f.get_internal_type() == "JSONField"}
    col_sql = ", ".join(columns)
    updates = ", ".join(f"{c} = EXCLUDED.{c}" for c in columns if c not in conflict)
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE IF EXISTS {tmp}")
        cursor.execute(f"CREATE TEMP TABLE {tmp} ON COMMIT DROP AS SELECT {col_sql} FROM {table} WITH NO DATA")
        with cursor.cursor.copy(f"COPY {tmp} ({col_sql}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row([json.dumps(row[c], ensure_ascii=False) if c in json_columns else row[c] for c in columns])
        where = ""
        if skip_unchanged is not None:
            compared = [c for c in columns if c not in conflict and c not in skip_unchanged]
            where = (f" WHERE ({', '.join(f'{table}.{c}' for c in compared)}) IS DISTINCT FROM "
                     f"({', '.join(f'EXCLUDED.{c}' for c in compared)})")
        cursor.execute(f"INSERT INTO {table} ({col_sql}) SELECT {col_sql} FROM {tmp} "
                       f"ON CONFLICT ({', '.join(conflict)}) DO UPDATE SET {updates}{where}")
        cursor.execute(f"DROP TABLE {tmp}")


def _delete_stale_school_results(year: int, prefix: str, schemes: list[str], keep: set[tuple]) -> int:
    qs = SchoolResult.objects.filter(year=year, scheme__in=schemes)
    if prefix:
        qs = qs.filter(region_code__startswith=prefix)
    stale = [pk for pk, s, st, sid in qs.values_list("id", "scheme", "stage", "school_id").iterator(chunk_size=5000)
             if (s, st, sid) not in keep]
    for i in range(0, len(stale), BATCH):
        SchoolResult.objects.filter(pk__in=stale[i:i + BATCH]).delete()
    return len(stale)


def _summary_codes(prefix: str, county_codes: Iterable[str]) -> set[str]:
    """The cities and provinces to re-summarise: those above the subtree and those inside it."""
    codes = {p for p in (prefix[:4], prefix[:2]) if len(p) in (2, 4) and len(prefix) >= len(p)}
    for code in county_codes:
        if code.startswith(prefix):
            codes.update((code[:4], code[:2]))
    return codes


def _summarise(*, year: int, prefix: str, scheme_codes: list[str], now) -> int:
    """City and province rows from their counties' stored rows: counties passing / failing, and
    the CV of each indicator over all their schools (exact, from county means and SDs)."""
    from dudao.regions.models import Region

    outer = prefix[:2]
    counties = list(
        AreaResult.objects.filter(year=year, scheme__in=scheme_codes, level=AreaLevel.COUNTY, region_code__startswith=outer)
        .values_list("scheme", "stage", "region_code", "verdict", "students", "school_count", "schools_passing",
                     "mean", "data_filled")
    )
    codes = _summary_codes(prefix, {c[2] for c in counties})
    regions = {code: (pk, level) for code, pk, level in
               Region.objects.filter(code__in=codes, level__in=[AreaLevel.CITY, AreaLevel.PROVINCE]).values_list("code", "id", "level")}
    grouped: dict[tuple[str, str, str], list] = defaultdict(list)
    for row in counties:
        for code in (row[2][:4], row[2][:2]):
            if code in regions:
                grouped[(row[0], row[1], code)].append(row)
    objs = []
    for (scheme, stage, code), rows in grouped.items():
        sch = get_scheme(scheme)
        tally = {"total": len(rows), Verdict.PASS: 0, Verdict.FAIL: 0, Verdict.INSUFFICIENT: 0}
        for r in rows:
            tally[r[3]] += 1
        if tally[Verdict.FAIL]:
            verdict = Verdict.FAIL
        elif tally[Verdict.PASS] == len(rows):
            verdict = Verdict.PASS
        else:
            verdict = Verdict.INSUFFICIENT
        cv: dict[str, float | None] = {}
        mean: dict[str, float | None] = {}
        per_indicator = {}
        for c in sch.codes:
            parts = []
            for r in rows:
                info = (r[8] or {}).get("indicators", {}).get(c) or {}
                m = (r[7] or {}).get(c)
                if m is None or not info.get("students"):
                    continue
                parts.append((m, info.get("sd") or 0.0, info["students"]))
            m, s, p = ind.combine_groups(parts)
            mean[c] = m
            cv[c] = (s / m) if (m and s is not None) else None
            per_indicator[c] = {"students": p, "sd": s, "counties": len(parts)}
        last = max((r[8] or {}).get("last_data_update") or "" for r in rows) or None
        region_id, level = regions[code]
        objs.append(dict(
            scheme=scheme, year=year, stage=stage, region_id=region_id, level=level, region_code=code,
            school_count=sum(r[5] for r in rows), students=sum(r[4] for r in rows),
            schools_passing=sum(r[6] for r in rows), cv=cv, cv_pass={c: None for c in sch.codes}, mean=mean,
            composite_cv=None, verdict=str(verdict), counties={str(k): v for k, v in tally.items()}, excluded=[],
            data_filled={
                "counties": len(rows),
                "schools_expected": sum((r[8] or {}).get("schools_expected", 0) for r in rows),
                "schools_counted": sum((r[8] or {}).get("schools_counted", 0) for r in rows),
                "schools_excluded": sum((r[8] or {}).get("schools_excluded", 0) for r in rows),
                "last_data_update": last, "indicators": per_indicator,
            },
            computed_at=now,
        ))
    _upsert_area_results(objs)
    # Summaries whose counties have all gone.
    kept = {(o["scheme"], o["stage"], o["region_id"]) for o in objs}
    stale = AreaResult.objects.filter(year=year, scheme__in=scheme_codes, level__in=[AreaLevel.CITY, AreaLevel.PROVINCE],
                                      region_code__in=list(codes))
    stale_ids = [pk for pk, s, st, r in stale.values_list("id", "scheme", "stage", "region_id") if (s, st, r) not in kept]
    AreaResult.objects.filter(pk__in=stale_ids).delete()
    return len(objs)


# --------------------------------------------------------------------------------------------
# Contributions to a CV
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Contribution:
    school: School
    value: float
    students: int
    share: float  # part of the CV, in CV units (all shares add up to the CV)
    percent: float  # share ÷ CV × 100
    above_mean: bool


def cv_contribution_details(area_result: AreaResult, indicator: str) -> list[Contribution]:
    """Every counted school of the area with its part of the indicator's CV, largest first."""
    from dudao.schools.models import School

    rows = list(
        SchoolResult.objects.filter(scheme=area_result.scheme, year=area_result.year, stage=area_result.stage,
                                    region_code__startswith=area_result.region_code, excluded_reason="")
        .values_list("school_id", "students", "values")
    )
    rows = [r for r in rows if (r[2] or {}).get(indicator) is not None]
    if not rows:
        return []
    values = [float(r[2][indicator]) for r in rows]
    students = [r[1] for r in rows]
    shares = ind.cv_shares(values, students)
    result = ind.cv_result(values, students)
    schools = School.objects.in_bulk([r[0] for r in rows])
    total = result.cv or 0.0
    out = [
        Contribution(schools[r[0]], v, p, share, (share / total * 100) if total else 0.0,
                     result.mean is not None and v > result.mean)
        for r, v, p, share in zip(rows, values, students, shares, strict=True) if share is not None
    ]
    out.sort(key=lambda c: (-c.share, c.school.name))
    return out


def cv_contributions(area_result: AreaResult, indicator: str) -> list[tuple[School, float]]:
    """(school, part of the CV in CV units), largest first: which schools pull the CV up and by
    how much. The parts add up to the stored CV (see indicators.cv_shares)."""
    return [(c.school, c.share) for c in cv_contribution_details(area_result, indicator)]


# --------------------------------------------------------------------------------------------
# Recompute on data change (debounced), after imports, and daily
# --------------------------------------------------------------------------------------------


def _covering_code(codes: Iterable[str]) -> str:
    """The smallest region (county, city, province or everything) containing all the codes."""
    codes = list(codes)
    if not codes:
        return ""
    for width in (6, 4, 2):
        heads = {c[:width] for c in codes}
        if len(heads) == 1 and all(len(c) >= width for c in codes):
            return heads.pop()
    return ""


def monitoring_request_recompute(*, year: int, region_code: str, trigger: str = "data_change",
                                  by: User | None = None) -> MonitoringRun:
    """Ask for a background recompute of `year` in the region (a county code, usually). A person
    asking (`by`) must be allowed to act on the region (`access.may_act_on_area`); data changes
    and imports ask on the system's behalf.

    Debounced: while a queued request covers the region (the same region, a region above it or
    the whole country), that request is returned and nothing new is queued. The task starts
    `DEBOUNCE_SECONDS` later on backends that can defer, so a burst of edits shares one run.
    """
    from dudao.access import may_act_on_area
    from dudao.regions.models import Region
    from dudao.regions.selectors import ancestor_codes

    if by is not None and not may_act_on_area(by, region_code):
        raise PermissionDenied(_("只有该地区及上级督导室的工作人员可以重新计算。"))
    region_code = region_code[:6] if len(region_code) > 6 else region_code
    covering = ancestor_codes(region_code) if region_code else []
    # A request queued long ago whose task was lost (worker restarted) no longer absorbs new ones.
    fresh = timezone.now() - timedelta(seconds=QUEUED_STALE_SECONDS)
    queued = MonitoringRun.objects.filter(status=RunStatus.QUEUED, year=year, scheme="", requested_at__gte=fresh)
    existing = queued.filter(region__isnull=True).first() or (
        queued.filter(region__code__in=covering).first() if covering else None
    )
    if existing is not None:
        return existing
    region = Region.objects.filter(code=region_code).first() if region_code else None
    run = MonitoringRun.objects.create(year=year, region=region, trigger=trigger, status=RunStatus.QUEUED)
    transaction.on_commit(lambda: _enqueue(run.pk))
    return run


def _enqueue(run_id: int) -> None:
    from dudao.monitoring.tasks import monitoring_recompute_task

    task = monitoring_recompute_task
    if task.get_backend().supports_defer:
        task = task.using(run_after=timezone.now() + timedelta(seconds=DEBOUNCE_SECONDS))
    task.enqueue(run_id=run_id)


def monitoring_run_queued(*, run_id: int) -> MonitoringRun | None:
    """Run a queued request (the task's body). A request already started elsewhere is left alone."""
    claimed = MonitoringRun.objects.filter(pk=run_id, status=RunStatus.QUEUED).update(status=RunStatus.RUNNING,
                                                                                       started_at=timezone.now())
    if not claimed:
        return None
    run = MonitoringRun.objects.select_related("region").get(pk=run_id)
    return monitoring_recompute(year=run.year, region=run.region, scheme=run.scheme or None, trigger=run.trigger, run=run)


# A recompute of the whole dataset takes < 30 s (bench/README.md): a run silent for this long lost
# its worker. It is idempotent, so it is run again, at most core.jobs.MAX_ATTEMPTS times.
RUN_STALE_AFTER = timedelta(minutes=20)


def monitoring_run_check_stalled(run: MonitoringRun, now=None) -> MonitoringRun:
    """A queued run no worker took, or a running one whose worker died: enqueued again (capped),
    then failed with a message, so the page stops waiting and offers 重新计算 again (core/jobs.py)."""
    from dudao.core.jobs import revive_or_fail

    if run.status not in (RunStatus.QUEUED, RunStatus.RUNNING):
        return run
    if revive_or_fail(run, pending=RunStatus.QUEUED, running=[RunStatus.RUNNING], failed=RunStatus.FAILED,
                      enqueue=lambda: _enqueue(run.pk), now=now, requeue_running=True,
                      stale_after=RUN_STALE_AFTER, pending_clock="requested_at", running_clock="started_at",
                      message=str(_("计算中断：计算进程意外停止。"))):
        run.refresh_from_db()
    return run


def monitoring_after_import(*, job: ImportJob, rows: Iterable[tuple]) -> list[MonitoringRun]:
    """After a yearly-data import: one recompute request per year, for the smallest region that
    covers every county the file touched. `rows` are the written rows, (school id, year, stage, …)."""
    from dudao.imports.models import ImportKind
    from dudao.schools.models import School

    if job.kind != ImportKind.YEAR_DATA:
        return []
    by_school: dict[int, set[int]] = defaultdict(set)
    for row in rows:
        if row[2] in MONITORED_STAGES:
            by_school[row[0]].add(row[1])
    codes = dict(School.objects.filter(pk__in=list(by_school)).values_list("id", "region_code")) if by_school else {}
    touched: dict[int, set[str]] = defaultdict(set)
    for school_id, years in by_school.items():
        for year in years:
            touched[year].add(codes.get(school_id, "")[:6])
    return [monitoring_request_recompute(year=year, region_code=_covering_code(c for c in county_codes if c), trigger="import")
            for year, county_codes in sorted(touched.items())]


def monitoring_recompute_daily() -> dict[str, Any]:
    """Daily job: recompute every year whose base data changed since its last full recompute, or
    that has no results yet (a safety net for changes that bypassed the signals, e.g. bulk SQL)."""
    from dudao.schools.models import SchoolYearData

    changed = dict(SchoolYearData.objects.filter(stage__in=MONITORED_STAGES).values("year")
                   .annotate(last=Max("updated_at")).values_list("year", "last"))
    done = {}
    for year, last in sorted(changed.items()):
        last_run = (MonitoringRun.objects.filter(year=year, region__isnull=True, scheme="", status=RunStatus.SUCCEEDED)
                    .order_by("-started_at").values_list("started_at", flat=True).first())
        if last_run is not None and last_run >= last:
            continue
        run = monitoring_recompute(year=year, trigger="daily")
        done[str(year)] = run.counts.get("school_results", 0)
    return {"years": done}
