"""Every county of the country evaluated from base data (issue [5] item 8): Dudao against pandas.

On a database of its own (`dudao_bench_national`, dropped and rebuilt unless `--keep`): every
county-level code of the region table (2,845, the issue's "2,850") with 70 or 71 schools each —
200,000 primary, junior, nine-year, twelve-year, complete-secondary schools and 教学点, with 2024
base data for each primary and junior section (220,080 rows), generated with numpy from a fixed
seed and written with COPY. Some sections have a block not filled in, a few have 0 pupils, 教学点
under 50 pupils are left out, as the rules say.

Timed, end to end from the database (generation excluded):

(a) Dudao, median of 3 runs: `monitoring.fast.county_figures` — one query for both stages, then
    every county's 7 CVs (优质均衡), schools meeting each standard, per-school pass / fail /
    undecided counts and the verdict;
(b) pandas (1 run by default: it takes a minute): the same rows read with `pandas.read_sql`, the
    indicator values and the per-school rule computed on the DataFrame, then
    `groupby(["stage", "county"]).apply(...)` computing each weighted CV — the straightforward
    analyst's version of the same formula; and, for reference only, pandas vectorised (grouped
    sums and `transform`, no `apply`).

Checks: (a) and both (b) give the same CVs (1e-9 relative), counts and verdicts for every county,
and (a) equals the pure functions (`indicators.evaluate_stage`) on 30 random counties. Targets:
(a) < 2 s and (a) at least 10× faster than (b). Printed with the figures: the CPU seconds of one
run of (a) with parallel query off (this process and the PostgreSQL backend) and the load average.

Alone: `.venv/bin/python bench/balance_national.py [--keep] [--runs N] [--pandas-runs N]`;
`bench/run.py` runs it in a process of its own (`--json`: the figures as the last line of output).
"""

from __future__ import annotations

import argparse
import json
import math
import os
import random
import statistics
import sys
import time
import warnings

TARGET_SECONDS = 2.0
TARGET_SPEEDUP = 10.0
DB = "dudao_bench_national"
YEAR = 2024
SCHOOLS = 200_000
SEED = 2029
CHECK_COUNTIES = 30

# Kinds with a primary or junior section, and their share of the schools.
KIND_SHARES = {"primary": 0.57, "teaching_point": 0.13, "junior": 0.17, "nine_year": 0.09, "twelve_year": 0.01,
               "complete_secondary": 0.03}


def log(text: str) -> None:
    print(text, file=sys.stderr if _QUIET else sys.stdout, flush=True)


_QUIET = False


# --- dataset ---------------------------------------------------------------------------------------
def _copy(table: str, columns: list[str], rows) -> None:
    from django.db import connection

    with connection.cursor() as cursor, cursor.cursor.copy(f"COPY {table} ({', '.join(columns)}) FROM STDIN") as copy:
        for row in rows:
            copy.write_row(row)


def build_dataset() -> dict:
    """Regions, 200,000 schools and their 2024 primary/junior base data (COPY). Deterministic."""
    import numpy as np
    from django.core.management import call_command
    from django.db import connection
    from django.utils import timezone

    from dudao.monitoring.standards import QUALITY
    from dudao.regions.models import Region
    from dudao.regions.services import regions_load
    from dudao.schools.models import STAGES_OF_KIND, YEAR_DATA_FIELDS, School, SchoolYearData

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    regions_load(with_towns=False)
    counties = list(Region.objects.filter(code__regex=r"^\d{6}$").order_by("code").values_list("id", "code", "name"))
    rng = np.random.default_rng(SEED)
    now = timezone.now()

    # Schools: SCHOOLS spread over the counties (70 or 71 each), kinds, ownership, locality.
    per_county = np.full(len(counties), SCHOOLS // len(counties))
    per_county[rng.permutation(len(counties))[: SCHOOLS % len(counties)]] += 1
    county_of = np.repeat(np.arange(len(counties)), per_county)
    kinds = np.array(list(KIND_SHARES))
    kind = kinds[rng.choice(len(kinds), size=SCHOOLS, p=list(KIND_SHARES.values()))]
    private = (rng.random(SCHOOLS) < 0.04) & (kind != "teaching_point")
    not_county_run = private | (rng.random(SCHOOLS) < 0.02)
    city_direct = rng.random(SCHOOLS) < 0.01
    locality = np.array(["urban", "town", "rural"])[rng.choice(3, size=SCHOOLS, p=[0.3, 0.3, 0.4])]
    locality[kind == "teaching_point"] = "rural"
    labels = {"primary": "小学", "teaching_point": "教学点", "junior": "中学", "nine_year": "学校", "twelve_year": "实验学校",
              "complete_secondary": "完全中学"}
    seq = np.zeros(len(counties), dtype=int)
    school_rows = []
    for i in range(SCHOOLS):
        c = county_of[i]
        seq[c] += 1
        cid, code, name = counties[c]
        school_rows.append((now, now, f"{code}{seq[c]:04d}", f"{name}第{seq[c]}{labels[kind[i]]}", "", kind[i],
                            "private" if private[i] else "public", locality[i], code, "", "", "", False,
                            not bool(not_county_run[i]), bool(city_direct[i]), True, cid))
    _copy(School._meta.db_table, ["created_at", "updated_at", "code", "name", "name_initials", "kind", "ownership",
                                  "locality", "region_code", "address", "head_name", "phone", "is_boarding", "is_county_run",
                                  "is_city_direct", "is_active", "region_id"], school_rows)
    ids = dict(School.objects.values_list("code", "id"))
    school_ids = np.array([ids[r[2]] for r in school_rows])
    del school_rows

    # Sections: one per monitored stage of each school.
    sec_school, sec_stage = [], []
    for i in range(SCHOOLS):
        for stage in STAGES_OF_KIND[kind[i]]:
            if stage in ("primary", "junior"):
                sec_school.append(i)
                sec_stage.append(stage)
    sec_school = np.array(sec_school)
    sec_stage = np.array(sec_stage)
    n = len(sec_school)
    junior = sec_stage == "junior"
    sec_kind = kind[sec_school]
    sec_county = county_of[sec_school]
    rural = locality[sec_school] == "rural"
    urban = locality[sec_school] == "urban"

    # Pupils: 教学点 5–120 (some under 50, left out by 优质均衡), rural primaries small, town/urban larger.
    students = np.where(sec_kind == "teaching_point", rng.integers(5, 121, n),
                        np.where(rural, rng.integers(40, 400, n), rng.integers(300, 2600, n)))
    # Each county has its own level and spread, so CVs range from about 0.05 to 0.6 and verdicts vary.
    level = rng.lognormal(0.45, 0.15, len(counties))[sec_county]
    spread = rng.uniform(0.05, 0.45, len(counties))[sec_county]

    def rate(code: str) -> np.ndarray:
        std = np.where(junior, QUALITY.indicator(code).standard["junior"], QUALITY.indicator(code).standard["primary"])
        return std * level * rng.lognormal(-spread ** 2 / 2, spread)

    def count(per_hundred: np.ndarray) -> np.ndarray:
        return np.maximum(np.rint(per_hundred * students / 100), 0).astype(np.int64)

    qualified = count(rate("L1"))
    below = np.rint(qualified * rng.uniform(0, 0.15, n)).astype(np.int64)
    postgraduate = np.rint(qualified * rng.uniform(0.02, 0.1, n)).astype(np.int64)
    # Primary: L1 counts associate degrees too; junior: bachelor and above only.
    associate = np.where(junior, np.rint(qualified * rng.uniform(0.05, 0.2, n)),
                         np.rint((qualified - postgraduate) * rng.uniform(0.1, 0.35, n))).astype(np.int64)
    bachelor = np.where(junior, qualified - postgraduate, qualified - postgraduate - associate)
    teachers = postgraduate + bachelor + associate + below
    senior_title = np.rint(teachers * rng.uniform(0.05, 0.25, n)).astype(np.int64)
    mid_title = np.rint(teachers * rng.uniform(0.3, 0.5, n)).astype(np.int64)
    arts = count(rate("L3"))
    pe = (arts + 1) // 2
    music = (arts - pe + 1) // 2
    indoor = np.where(urban, students * rng.uniform(0.1, 0.4, n), 0.0)
    values = {
        "students": students,
        "classes": np.maximum(1, students // 45),
        "teachers": teachers, "teachers_postgraduate": postgraduate, "teachers_bachelor": bachelor,
        "teachers_associate": associate, "teachers_below_associate": below,
        "teachers_senior_title": senior_title, "teachers_mid_title": mid_title,
        "teachers_junior_title": teachers - senior_title - mid_title,
        "key_teachers": count(rate("L2")), "pe_teachers": pe, "music_teachers": music, "art_teachers": arts - pe - music,
        "certified_teachers": teachers,
        "teaching_aux_area": np.round(rate("L4") * students + indoor, 2), "indoor_sports_area": np.round(indoor, 2),
        "sports_ground_area": np.round(rate("L5") * students, 2),
        "equipment_value": np.round(rate("L6") * students / 10000, 2),
        "multimedia_rooms": count(rate("L7")),
        "books": np.rint(students * rng.uniform(15, 45, n)).astype(np.int64),
        "computers": np.rint(students * rng.uniform(0.05, 0.2, n)).astype(np.int64),
    }
    # A few sections with a block not filled in (0.5 % teachers, 0.5 % premises, 0.1 % both) or 0 pupils.
    from dudao.monitoring.indicators import PREMISES_FIELDS, TEACHER_FIELDS

    draw = rng.random(n)
    for fields, hit in ((TEACHER_FIELDS, (draw < 0.005) | (draw > 0.999)), (PREMISES_FIELDS, (draw >= 0.005) & (draw < 0.01) | (draw > 0.999))):
        for field in fields:
            if field in values:
                values[field] = np.where(hit, 0, values[field])
    values["students"] = np.where((draw >= 0.01) & (draw < 0.0105), 0, values["students"])
    columns = [values[f].tolist() if f in values else [0] * n for f in YEAR_DATA_FIELDS]
    rows = zip(school_ids[sec_school].tolist(), [YEAR] * n, sec_stage.tolist(), *columns, [now] * n, [now] * n, strict=True)
    _copy(SchoolYearData._meta.db_table, ["school_id", "year", "stage", *YEAR_DATA_FIELDS, "created_at", "updated_at"], rows)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return {"counties": len(counties), "schools": SCHOOLS, "sections": n, "primary": int((~junior).sum()),
            "junior": int(junior.sum()), "seconds": round(time.perf_counter() - started, 1)}


# --- (a) Dudao -------------------------------------------------------------------------------------
def dudao_evaluate():
    from dudao.monitoring.fast import county_figures

    return county_figures(year=YEAR, scheme="quality_2017")


# --- (b) pandas ------------------------------------------------------------------------------------
PANDAS_SQL = """
SELECT SUBSTR(sc.region_code, 1, 6) AS county, y.stage, sc.kind, y.students,
       y.teachers, y.teachers_postgraduate, y.teachers_bachelor, y.teachers_associate, y.teachers_below_associate,
       y.teachers_senior_title, y.teachers_mid_title, y.teachers_junior_title, y.key_teachers, y.pe_teachers,
       y.music_teachers, y.art_teachers,
       y.teaching_aux_area::float8 AS teaching_aux_area, y.indoor_sports_area::float8 AS indoor_sports_area,
       y.sports_ground_area::float8 AS sports_ground_area, y.equipment_value::float8 AS equipment_value,
       y.multimedia_rooms, y.books, y.computers
FROM schools_schoolyeardata y JOIN schools_school sc ON sc.id = y.school_id
WHERE y.year = %(year)s AND y.stage IN ('primary', 'junior')
  AND sc.kind IN ('primary', 'junior', 'nine_year', 'twelve_year', 'complete_secondary', 'teaching_point')
  AND LENGTH(sc.region_code) >= 6
"""


def pandas_evaluate(conn, *, vectorised: bool = False) -> tuple[object, float]:
    """The same evaluation as a data analyst would write it with pandas: read the rows with
    read_sql, compute each school's values and the per-school rule on the whole frame, then
    `groupby(["stage", "county"]).apply(...)` for the weighted CVs and `.sum()` for the counts.
    `vectorised`: the CVs from grouped sums and `transform` instead of `apply` (for reference: what
    a pandas expert would write). Returns (one row per stage and county, read seconds)."""
    import numpy as np
    import pandas as pd

    from dudao.monitoring.indicators import FLOAT_TOLERANCE, PREMISES_FIELDS, TEACHER_FIELDS
    from dudao.monitoring.standards import QUALITY

    started = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # "only SQLAlchemy connectables are supported"
        df = pd.read_sql(PANDAS_SQL, conn, params={"year": YEAR})
    read_s = time.perf_counter() - started

    codes = list(QUALITY.codes)
    p = df["students"].astype(float)
    teachers_filled = (df[list(TEACHER_FIELDS)] > 0).any(axis=1)
    premises_filled = (df[list(PREMISES_FIELDS)] > 0).any(axis=1)
    junior = df["stage"] == "junior"
    qualified = df["teachers_postgraduate"] + df["teachers_bachelor"] + df["teachers_associate"].where(~junior, 0)
    df["L1"] = (qualified * 100 / p).where(teachers_filled)
    df["L2"] = (df["key_teachers"] * 100 / p).where(teachers_filled)
    df["L3"] = ((df["pe_teachers"] + df["music_teachers"] + df["art_teachers"]) * 100 / p).where(teachers_filled)
    l4 = ((df["teaching_aux_area"] - df["indoor_sports_area"]) / p).where(premises_filled)
    df["L4"] = l4.where(l4 >= 0)
    df["L5"] = (df["sports_ground_area"] / p).where(premises_filled)
    df["L6"] = (df["equipment_value"] * 10000 / p).where(premises_filled)
    df["L7"] = (df["multimedia_rooms"] * 100 / p).where(premises_filled)
    counted = (df["students"] > 0) & (teachers_filled | premises_filled) & ~((df["kind"] == "teaching_point") & (df["students"] < 50))
    df = df[counted].copy()

    # Per-school rule: met ≥ standard, the rest ≥ 85 % (both with the 1e-9 tolerance), at most one unmet.
    unmet = pd.Series(0, index=df.index)
    hard = pd.Series(False, index=df.index)
    for code in codes:
        standard = np.where(df["stage"] == "junior", QUALITY.indicator(code).standard["junior"],
                            QUALITY.indicator(code).standard["primary"])
        df[f"meeting_{code}"] = df[code] >= standard - FLOAT_TOLERANCE * standard
        unmet += (df[code].notna() & ~df[f"meeting_{code}"]).astype(int)
        hard |= df[code] < 0.85 * standard - FLOAT_TOLERANCE * 0.85 * standard
    gaps = df[codes].isna().any(axis=1)
    df["failing"] = hard | (unmet > 1)
    df["undecided"] = ~df["failing"] & gaps
    df["passing"] = ~df["failing"] & ~gaps

    def weighted_cv(group):
        out = {}
        for code in codes:
            x = group[code].dropna()
            w = group.loc[x.index, "students"]
            if x.empty:
                out[code] = np.nan
                continue
            mean = (x * w).sum() / w.sum()
            sd = 0.0 if x.min() == x.max() else np.sqrt((w * (x - mean) ** 2).sum() / w.sum())
            out[code] = np.nan if mean == 0 else sd / mean
        return pd.Series(out)

    grouped = df.groupby(["stage", "county"])
    if vectorised:
        x, ok = df[codes], df[codes].notna()
        w = ok.mul(df["students"], axis=0).astype(float)
        total = w.groupby([df["stage"], df["county"]]).transform("sum")
        mean = (x * w).groupby([df["stage"], df["county"]]).transform("sum") / total
        squares = (w * (x - mean) ** 2).groupby([df["stage"], df["county"]]).sum()
        sums = w.groupby([df["stage"], df["county"]]).sum()
        means = (x * w).groupby([df["stage"], df["county"]]).sum() / sums
        equal = grouped[codes].min() == grouped[codes].max()
        result = ((squares / sums) ** 0.5).where(~equal, 0.0) / means.where(means != 0)
    else:
        result = grouped.apply(weighted_cv)
    counts = grouped[[f"meeting_{c}" for c in codes] + ["passing", "failing", "undecided"]].sum()
    result = result.join(counts)
    limit = np.where(result.index.get_level_values("stage") == "junior", QUALITY.cv_limit["junior"], QUALITY.cv_limit["primary"])
    over = (result[codes].gt(limit, axis=0)).any(axis=1)
    unknown = result[codes].isna().any(axis=1)
    result["verdict"] = np.where((result["failing"] > 0) | over, "fail",
                                 np.where((result["undecided"] > 0) | unknown, "insufficient", "pass"))
    return result, read_s


# --- checks ----------------------------------------------------------------------------------------
def _close(a: float | None, b: float | None) -> bool:
    """Equal to 1e-9 relative (both undefined counts as equal)."""
    if a is None or b is None:
        return a is None and b is None
    return a == b or abs(a - b) <= 1e-9 * max(abs(a), abs(b))


def compare_with_pandas(figures: dict, frame) -> dict:
    """Every county and stage: same CVs (1e-9 relative), schools meeting each standard, pass counts, verdict."""
    from dudao.monitoring.standards import QUALITY

    mismatches = []
    checked = 0
    rows = {key: row for key, row in zip(frame.index, frame.to_dict("records"), strict=True)}
    for key, f in figures.items():
        row = rows.get(key)
        if row is None:
            if f.schools:
                mismatches.append(f"{key}: missing in pandas")
            continue
        for code in QUALITY.codes:
            checked += 1
            theirs = None if math.isnan(row[code]) else float(row[code])
            if not _close(f.indicators[code].cv, theirs):
                mismatches.append(f"{key} {code}: dudao {f.indicators[code].cv!r}, pandas {theirs!r}")
            if f.indicators[code].meeting != row[f"meeting_{code}"]:
                mismatches.append(f"{key} {code}: meeting {f.indicators[code].meeting} vs {row[f'meeting_{code}']}")
        if (f.schools_passing, f.schools_failing, f.schools_undecided, f.verdict) != (
                row["passing"], row["failing"], row["undecided"], row["verdict"]):
            mismatches.append(f"{key}: dudao {(f.schools_passing, f.schools_failing, f.schools_undecided, f.verdict)}, "
                              f"pandas {(row['passing'], row['failing'], row['undecided'], row['verdict'])}")
    if len(rows) != sum(1 for f in figures.values() if f.schools):
        mismatches.append(f"{len(rows)} groups in pandas, {sum(1 for f in figures.values() if f.schools)} counted in Dudao")
    return {"cvs_compared": checked, "mismatches": len(mismatches), "examples": mismatches[:5]}


def compare_with_pure_functions(figures: dict, count: int = CHECK_COUNTIES) -> dict:
    """A sample of counties recomputed with indicators.evaluate_stage over their rows, as the stored
    results are (services.monitoring_recompute): same CVs, pass counts and verdicts."""
    from dudao.monitoring import indicators as ind
    from dudao.monitoring.services import _SchoolInfo, scope_exclusion
    from dudao.monitoring.standards import QUALITY
    from dudao.schools.models import SchoolYearData

    rng = random.Random(SEED)
    keys = rng.sample(sorted(figures), min(count, len(figures)))
    mismatches = []
    for stage, county in keys:
        rows = SchoolYearData.objects.filter(year=YEAR, stage=stage, school__region_code__startswith=county).select_related("school")
        inputs = []
        for row in rows:
            s = row.school
            info = _SchoolInfo(s.id, s.name, s.kind, s.ownership, s.is_county_run, s.is_city_direct, s.is_active, s.region_code)
            values, reasons = ind.indicator_values_with_reasons({f: getattr(row, f) for f in ind.BASE_FIELDS}, stage=stage,
                                                                scheme=QUALITY)
            reason = scope_exclusion(QUALITY.code, info, row.students) or ("zero_students" if row.students == 0 else "")
            if not reason and all(v is None for v in values.values()):
                reason = "missing"
            inputs.append(ind.SchoolInput(s.id, s.name, row.students, values, reason or None))
        ev = ind.evaluate_stage(inputs, scheme=QUALITY, stage=stage)
        f = figures[(stage, county)]
        for code, r in ev.cv.items():
            if not _close(f.indicators[code].cv, r.cv) or not _close(f.indicators[code].mean, r.mean):
                mismatches.append(f"{stage} {county} {code}: fast {f.indicators[code].cv!r}, pure {r.cv!r}")
        failing = sum(1 for s in ev.schools if s.verdict and s.verdict.passes is False)
        if (f.schools, f.schools_passing, f.schools_failing, f.verdict) != (len(ev.schools), ev.schools_passing, failing, ev.verdict):
            mismatches.append(f"{stage} {county}: fast {(f.schools, f.schools_passing, f.schools_failing, f.verdict)}, "
                              f"pure {(len(ev.schools), ev.schools_passing, failing, ev.verdict)}")
    return {"counties": len(keys), "mismatches": len(mismatches), "examples": mismatches[:5]}


# --- the bench -------------------------------------------------------------------------------------
def _cpu_seconds(fn) -> dict | None:
    """CPU seconds of one run with parallel query off: this process, and the PostgreSQL backend
    serving it (read from /proc, so only for a server on this machine). Unlike wall time, this
    hardly depends on what else the machine runs."""
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        stat = f"/proc/{cursor.fetchone()[0]}/stat"
        if not os.path.exists(stat):
            return None

        def backend() -> float:
            with open(stat) as fh:
                fields = fh.read().rsplit(")", 1)[1].split()
            return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")

        cursor.execute("SET max_parallel_workers_per_gather = 0")
        try:
            server, client = backend(), time.process_time()
            fn()
            return {"client": round(time.process_time() - client, 2), "server": round(backend() - server, 2)}
        finally:
            cursor.execute("RESET max_parallel_workers_per_gather")


def _median_time(fn, runs: int) -> tuple[float, list[float], object]:
    times, result = [], None
    for _ in range(runs):
        started = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times), times, result


def run_bench(runs: int, pandas_runs: int) -> dict:
    import gc

    from django.db import connection

    import dudao.monitoring.fast  # noqa: F401  (module imports, numpy's included, are not timed)
    from dudao.schools.models import SchoolYearData

    sections = SchoolYearData.objects.filter(year=YEAR, stage__in=["primary", "junior"]).count()
    counties = SchoolYearData.objects.filter(year=YEAR).values("school__region_code").distinct().count()
    log(f"… national evaluation: {sections:,} primary/junior sections with {YEAR} data in {counties:,} counties")
    gc.collect()
    dudao_s, dudao_runs, figures = _median_time(dudao_evaluate, runs)
    log(f"  Dudao (monitoring.fast.county_figures): median {dudao_s:.3f} s of {[round(t, 3) for t in dudao_runs]}")
    cpu = _cpu_seconds(dudao_evaluate)
    if cpu:
        log(f"  Dudao CPU without parallel workers: {cpu['client']:.2f} s here + {cpu['server']:.2f} s in PostgreSQL")
    connection.ensure_connection()
    raw = connection.connection  # the same psycopg connection, as pandas.read_sql is given one
    reads: list[float] = []

    def with_pandas():
        frame, read_s = pandas_evaluate(raw)
        reads.append(read_s)
        return frame

    gc.collect()
    pandas_s, pandas_runs, frame = _median_time(with_pandas, pandas_runs)
    log(f"  pandas (read_sql + groupby.apply): median {pandas_s:.3f} s of {[round(t, 3) for t in pandas_runs]} "
        f"(read_sql {statistics.median(reads):.3f} s)")
    gc.collect()
    vector_s, _, vector_frame = _median_time(lambda: pandas_evaluate(raw, vectorised=True)[0], 1)
    log(f"  pandas vectorised (grouped sums, no apply; for reference): {vector_s:.3f} s")
    same = compare_with_pandas(figures, frame)
    same_vectorised = compare_with_pandas(figures, vector_frame)
    pure = compare_with_pure_functions(figures)
    verdicts: dict[str, dict[str, int]] = {}
    for (stage, _county), f in figures.items():
        verdicts.setdefault(stage, {}).setdefault(f.verdict, 0)
        verdicts[stage][f.verdict] += 1
    load = os.getloadavg()
    figures_out = {
        "year": YEAR, "sections": sections, "counties": counties, "county_stage_results": len(figures),
        "schools_counted": sum(f.schools for f in figures.values()), "verdicts": verdicts,
        "dudao_seconds": round(dudao_s, 3), "dudao_runs": [round(t, 3) for t in dudao_runs],
        "pandas_seconds": round(pandas_s, 3), "pandas_runs": [round(t, 3) for t in pandas_runs],
        "pandas_read_seconds": round(statistics.median(reads), 3), "pandas_vectorised_seconds": round(vector_s, 3),
        "same_as_pandas_vectorised": same_vectorised,
        "dudao_cpu_seconds": cpu, "speedup": round(pandas_s / dudao_s, 1), "load_average": [round(x, 2) for x in load], "cpus": os.cpu_count(),
        "same_as_pandas": same, "same_as_pure_functions": pure,
        "target_seconds": TARGET_SECONDS, "target_speedup": TARGET_SPEEDUP,
    }
    figures_out["passed"] = (dudao_s < TARGET_SECONDS and pandas_s / dudao_s >= TARGET_SPEEDUP
                             and not same["mismatches"] and not same_vectorised["mismatches"] and not pure["mismatches"])
    return figures_out


def print_figures(f: dict) -> None:
    ok = "PASS" if f["dudao_seconds"] < TARGET_SECONDS else "FAIL"
    fast = "PASS" if f["speedup"] >= TARGET_SPEEDUP else "FAIL"
    log(f"\nnational    {f['counties']:,} counties, {f['sections']:,} primary/junior sections ({f['schools_counted']:,} counted), "
        f"{f['county_stage_results']:,} county × stage results, 7 indicators (优质均衡)")
    cpu = f["dudao_cpu_seconds"]
    log(f"            Dudao {f['dudao_seconds']:.3f} s (target < {TARGET_SECONDS:.0f} s): {ok}"
        + (f"; CPU {cpu['client']:.2f} s client + {cpu['server']:.2f} s PostgreSQL, parallel query off" if cpu else ""))
    log(f"            pandas {f['pandas_seconds']:.3f} s (read_sql {f['pandas_read_seconds']:.3f} s) → "
        f"{f['speedup']:.1f}× faster (target ≥ {TARGET_SPEEDUP:.0f}×): {fast}")
    log(f"            pandas vectorised (grouped sums, no apply; reference only) {f['pandas_vectorised_seconds']:.3f} s")
    log(f"            same CVs as pandas: {f['same_as_pandas']['cvs_compared']:,} compared, {f['same_as_pandas']['mismatches']} "
        f"differ (vectorised: {f['same_as_pandas_vectorised']['mismatches']}); "
        f"pure functions on {f['same_as_pure_functions']['counties']} counties: "
        f"{f['same_as_pure_functions']['mismatches']} differ")
    log(f"            verdicts {f['verdicts']}; load average {f['load_average']} on {f['cpus']} CPUs")


def bench_national(*, keep: bool = False) -> dict:
    """For bench/run.py: this bench in a process of its own (its own database, its own heap, and
    pandas/numpy out of run.py), progress on stderr as it goes; returns the figures."""
    import subprocess

    command = [sys.executable, os.path.abspath(__file__), "--json"] + (["--keep"] if keep else [])
    done = subprocess.run(command, stdout=subprocess.PIPE, text=True, env=os.environ.copy(), check=False,
                          cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
    lines = done.stdout.strip().splitlines()
    if not lines or not lines[-1].startswith("{"):
        raise SystemExit(f"bench/balance_national.py failed with status {done.returncode}")
    return json.loads(lines[-1])


def main() -> int:
    global _QUIET
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", action="store_true", help=f"reuse {DB} if it exists instead of rebuilding it")
    parser.add_argument("--runs", type=int, default=3, help="timed runs of Dudao's evaluation (median; default 3)")
    parser.add_argument("--pandas-runs", type=int, default=1, help="timed runs of the pandas groupby.apply (median; default 1)")
    parser.add_argument("--json", action="store_true", help="progress on stderr, the figures as JSON on the last line")
    args = parser.parse_args()
    _QUIET = args.json
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    from common import PG_SERVER_URL, configure

    configure()
    os.environ["DATABASE_URL"] = f"{PG_SERVER_URL}/{DB}"
    import psycopg
    from psycopg import sql

    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DB]).fetchone()
        if not (args.keep and exists):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DB)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DB)))
            exists = None
    import django

    django.setup()
    dataset = None
    if not exists:
        log(f"… building {DB}: {SCHOOLS:,} schools in every county, {YEAR} base data (COPY)")
        dataset = build_dataset()
        log(f"  {dataset['counties']:,} counties, {dataset['schools']:,} schools, {dataset['sections']:,} sections "
            f"in {dataset['seconds']:.1f} s")
    figures = run_bench(args.runs, args.pandas_runs)
    figures["generation"] = dataset
    print_figures(figures)
    if args.json:
        print(json.dumps(figures, ensure_ascii=False))
    return 0 if figures["passed"] else 1


if __name__ == "__main__":
    sys.exit(main())
