"""Every county's balance figures from the base data at once (the fast path, issue [5] item 8).

`county_figures(year=, prefix=, scheme=)` gives, per stage and county, each indicator's
student-weighted CV (with its mean, SD, schools and pupils), how many counted schools meet each
standard, how many pass / fail / cannot be decided by the per-school rule, and the county's
verdict. It is the evaluation `services.monitoring_recompute` stores (`indicators.evaluate_stage`
over the same rows and scope rules), equal to it to 1e-9 relative — tests/monitoring/
test_fast_evaluation.py compares every county of random data on SQLite and PostgreSQL — but made
for every county of the country at once: bench/balance_national.py evaluates 2,845 counties and
200,000 schools (220,000 stage sections) end to end from PostgreSQL in about a second.

How. One query returns, per stage section, eight integers: (stage, county, scope flags, pupils)
packed in one, then each indicator's exact numerator (counts × 100, areas in 0.01 ㎡, 元) — the
database does the join and the per-row arithmetic, in parallel workers where it can. PostgreSQL
packs each row into one bytea (`int8send`), so the client reads 220,000 short byte strings into one
array instead of making 2 million Python numbers. The rest is whole-array arithmetic (numpy) over
rows sorted by (stage, county):

    xᵢ = rᵢ / pᵢ           as indicators.py: exact numerator, one float division
    X̄ = Σ xᵢpᵢ / P         S² = Σ pᵢ(xᵢ − X̄)² / P         CV = S / X̄

in two passes (X̄ per group first, then the squared deviations from it), so a small CV is not lost to
cancellation as in the one-pass Σ rᵢ²/pᵢ / P − X̄²; equal values give exactly 0, as in
`indicators._weighted`. The values xᵢ are bit-for-bit those of `indicators.indicator_values` (an
area's float is the correctly rounded cents ÷ 100 either way); only the order of the additions
differs from `math.fsum`, which moves a CV by about 1e-16 relative. So a CV within that of its limit
could be judged differently than by the pure functions: the stored results therefore keep using
`indicators.evaluate_stage`, and this path only reads.

Rules mirrored from `indicators.indicator_values_with_reasons` and `services.scope_exclusion`
(keep them in step; the test compares both on random data):
- rows of the year, primary and junior, of schools of a kind with such a section and a region code
  of at least 6 digits (county = its first 6);
- not counted: 0 pupils; both blocks not filled in (every teacher count 0 and every premises figure
  0); 优质均衡: 教学点 under 50 pupils; 基本均衡: 教学点, private, not county-run, city-direct;
- a block not filled in makes its indicators missing; L4 < 0 (indoor sports area larger than the
  teaching area) is missing;
- per school (优质均衡): met when x ≥ standard − 1e-9·standard; fails when a value is below 85 % of
  its standard (same tolerance) or more than 7 − 6 are unmet; undecided when nothing fails but a
  value is missing.
"""

from __future__ import annotations

import math
from typing import Any, NamedTuple

import numpy as np
from django.db import connections

from dudao.monitoring import indicators as ind
from dudao.monitoring.standards import BASIC_2012, JUNIOR, PRIMARY, QUALITY_2017, Scheme, get_scheme

STAGES = (PRIMARY, JUNIOR)
_STAGE_STEP = 1_000_000  # group key = stage index × 1,000,000 + county code (6 digits)


def _cents(field: str) -> str:
    # NUMERIC(…, 2) → integer hundredths, exact (ROUND: SQLite stores such numbers as REAL).
    return f"CAST(ROUND(y.{field} * 100) AS BIGINT)"


def _hundred(expr: str) -> str:
    return f"CAST({expr} AS BIGINT) * 100"


_QUALIFIED = {
    PRIMARY: "y.teachers_postgraduate + y.teachers_bachelor + y.teachers_associate",
    JUNIOR: "y.teachers_postgraduate + y.teachers_bachelor",
}
# Each indicator: (numerator SQL over SchoolYearData `y` by stage, integer, divisor). The value is
# numerator ÷ divisor ÷ pupils; the divisor turns cents back into ㎡ (correctly rounded, as
# float(Decimal) is), 1 for counts × 100 and for 元 (万元 with 2 decimals × 10000 = cents × 100).
_NUMERATORS: dict[str, tuple[dict[str, str], int]] = {
    "L1": ({s: _hundred(q) for s, q in _QUALIFIED.items()}, 1),
    "L2": ({"": _hundred("y.key_teachers")}, 1),
    "L3": ({"": _hundred("y.pe_teachers + y.music_teachers + y.art_teachers")}, 1),
    "L4": ({"": f"({_cents('teaching_aux_area')} - {_cents('indoor_sports_area')})"}, 100),
    "L5": ({"": _cents("sports_ground_area")}, 100),
    "L6": ({"": f"{_cents('equipment_value')} * 100"}, 1),
    "L7": ({"": _hundred("y.multimedia_rooms")}, 1),
    "B1": ({"": _cents("teaching_aux_area")}, 100),
    "B2": ({"": _cents("sports_ground_area")}, 100),
    "B3": ({"": f"{_cents('equipment_value')} * 100"}, 1),
    "B4": ({"": _hundred("y.computers")}, 1),
    "B5": ({"": "CAST(y.books AS BIGINT)"}, 1),
    "B6": ({"": _hundred("y.teachers")}, 1),
    "B7": ({s: _hundred(q) for s, q in _QUALIFIED.items()}, 1),
    "B8": ({"": _hundred("y.teachers_mid_title + y.teachers_senior_title")}, 1),
}
# Which "filled in" block each indicator needs (indicators.py: teacher_codes / premises_codes).
_TEACHER_CODES = {"L1", "L2", "L3", "B6", "B7", "B8"}
_NOT_NEGATIVE = {"L4"}  # a negative value is invalid, hence missing
_IN_SCOPE, _TEACHERS_FILLED, _PREMISES_FILLED = 1, 2, 4


class IndicatorFigures(NamedTuple):
    cv: float | None
    mean: float | None
    sd: float | None
    schools: int  # counted schools with a value for this indicator
    students: int
    status: str  # as indicators.CVResult.status
    meeting: int | None  # counted schools meeting the standard (None: the scheme sets none)

    def passes(self, limit: float | None) -> bool | None:
        if self.cv is None or limit is None:
            return None
        return self.cv <= limit


class CountyFigures(NamedTuple):
    scheme: str
    stage: str
    county: str
    rows: int  # stage sections with base data for the year
    schools: int  # of which counted
    students: int  # pupils of the counted schools
    indicators: dict[str, IndicatorFigures]
    schools_passing: int
    schools_failing: int
    schools_undecided: int
    cv_pass: dict[str, bool | None]
    composite_cv: float | None
    verdict: str  # pass | fail | insufficient

    @property
    def cv(self) -> dict[str, float | None]:
        return {code: f.cv for code, f in self.indicators.items()}


# --------------------------------------------------------------------------------------------
# The query
# --------------------------------------------------------------------------------------------


def _numerator_sql(code: str, stages: tuple[str, ...]) -> str:
    by_stage, _divisor = _NUMERATORS[code]
    if "" in by_stage:
        return by_stage[""]
    return "CASE y.stage " + " ".join(f"WHEN '{s}' THEN {by_stage[s]}" for s in stages) + " END"


def _columns(sch: Scheme, stages: tuple[str, ...]) -> list[str]:
    """The integer columns: (stage, county, flags, pupils) packed in one, then one numerator per
    indicator."""
    from dudao.monitoring.standards import TEACHING_POINT_MIN_STUDENTS
    from dudao.schools.models import Ownership, SchoolKind

    if sch.code == QUALITY_2017:
        scope = f"NOT (sc.kind = '{SchoolKind.TEACHING_POINT.value}' AND y.students < {int(TEACHING_POINT_MIN_STUDENTS)})"
    elif sch.code == BASIC_2012:
        scope = (f"sc.kind <> '{SchoolKind.TEACHING_POINT.value}' AND sc.ownership <> '{Ownership.PRIVATE.value}' "
                 "AND sc.is_county_run AND NOT sc.is_city_direct")
    else:  # pragma: no cover - get_scheme only returns the two above
        raise KeyError(sch.code)
    teachers = " OR ".join(f"y.{f} > 0" for f in ind.TEACHER_FIELDS)
    premises = " OR ".join(f"y.{f} > 0" for f in ind.PREMISES_FIELDS)
    stage_offset = "CASE y.stage " + " ".join(f"WHEN '{s}' THEN {STAGES.index(s) * _STAGE_STEP}" for s in stages) + " END"
    # (stage, county, flags) in the high 32 bits, pupils (a PositiveIntegerField, < 2³¹) in the low.
    key = (f"(((CAST(SUBSTR(sc.region_code, 1, 6) AS BIGINT) + {stage_offset}) * 8"
           f" + CASE WHEN {scope} THEN {_IN_SCOPE} ELSE 0 END"
           f" + CASE WHEN {teachers} THEN {_TEACHERS_FILLED} ELSE 0 END"
           f" + CASE WHEN {premises} THEN {_PREMISES_FILLED} ELSE 0 END) * 4294967296 + y.students)")
    return [key, *(_numerator_sql(code, stages) for code in sch.codes)]


def _rows_query(sch: Scheme, stages: tuple[str, ...], year: int, prefix: str, *, packed: bool) -> tuple[str, list[Any]]:
    from dudao.schools.models import STAGES_OF_KIND, School, SchoolYearData

    columns = _columns(sch, stages)
    if packed:  # PostgreSQL: NUMERIC × 100 is already whole, no ROUND needed (it costs a tenth of the query)
        columns = [c.replace("CAST(ROUND(", "CAST((") for c in columns]
    select = " || ".join(f"int8send({c})" for c in columns) if packed else ", ".join(columns)
    kinds = sorted({str(k) for k, st in STAGES_OF_KIND.items() if set(st) & set(STAGES)})
    sql = (f"SELECT {select} FROM {SchoolYearData._meta.db_table} y JOIN {School._meta.db_table} sc ON sc.id = y.school_id "
           f"WHERE y.year = %s AND y.stage IN ({', '.join(['%s'] * len(stages))}) "
           f"AND sc.kind IN ({', '.join(['%s'] * len(kinds))}) AND LENGTH(sc.region_code) >= 6")
    params: list[Any] = [year, *stages, *kinds]
    if prefix:
        sql += " AND sc.region_code LIKE %s"
        params.append(prefix + "%")
    return sql, params


def _fetch(sch: Scheme, stages: tuple[str, ...], year: int, prefix: str, using: str) -> np.ndarray:
    """The rows as an int64 array (n × columns).

    PostgreSQL: each row arrives as one bytea of big-endian int8s, read with binary results, so
    220,000 rows are 220,000 byte strings joined and viewed as one array (rows of 8 Python
    numbers take seconds; this takes a tenth of one). Elsewhere: an ordinary fetch."""
    connection = connections[using]
    width = 1 + len(sch.codes)
    if connection.vendor != "postgresql":
        sql, params = _rows_query(sch, stages, year, prefix, packed=False)
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
        return np.array(rows, dtype=np.int64).reshape(len(rows), width)
    import psycopg

    sql, params = _rows_query(sch, stages, year, prefix, packed=True)
    connection.ensure_connection()
    # A cursor with server-side parameters and binary results (Django's own binds client-side).
    with psycopg.Cursor(connection.connection) as cursor:
        cursor.execute(sql, params, binary=True)
        rows = cursor.fetchall()
    data = b"".join([row[0] for row in rows])
    return np.frombuffer(data, dtype=">i8").astype(np.int64).reshape(len(rows), width)


# --------------------------------------------------------------------------------------------
# The arithmetic
# --------------------------------------------------------------------------------------------


def county_figures(
    *, year: int, prefix: str = "", scheme: str | Scheme | None = None, stages: tuple[str, ...] = STAGES,
    using: str = "default",
) -> dict[tuple[str, str], CountyFigures]:
    """{(stage, county code): CountyFigures} of every county with base data for `year` under
    `prefix` (a region code; "" = the whole country; a township widens to its county, whose
    figures need all its schools), sorted by stage and county. Read-only."""
    sch = scheme if isinstance(scheme, Scheme) else get_scheme(scheme)
    prefix = prefix[:6]
    stages = tuple(s for s in STAGES if s in stages)
    if not stages:
        raise ValueError("stages: primary and/or junior")
    codes = sch.codes
    k = len(codes)
    table = _fetch(sch, stages, year, prefix, using)
    if not len(table):
        return {}

    # Sort by (stage, county) once: every group is a contiguous run of rows.
    order = np.argsort(table[:, 0] >> 35, kind="stable")
    table = table[order]
    key, flags, pupils = table[:, 0] >> 35, (table[:, 0] >> 32) & 7, table[:, 0] & 0xFFFFFFFF
    n = len(key)
    starts = np.flatnonzero(np.r_[True, key[1:] != key[:-1]])
    sizes = np.diff(np.r_[starts, n])
    group = np.repeat(np.arange(len(starts)), sizes)
    p = pupils.astype(np.float64)

    # Counted schools and each indicator's value (`ok` false: missing or not counted), as indicators.py.
    teachers_filled = (flags & _TEACHERS_FILLED) > 0
    premises_filled = (flags & _PREMISES_FILLED) > 0
    counted = (pupils > 0) & ((flags & _IN_SCOPE) > 0) & (teachers_filled | premises_filled)
    ok = np.empty((n, k), dtype=bool)
    numerator = np.empty((n, k), dtype=np.float64)
    for i, code in enumerate(codes):
        ok[:, i] = counted & (teachers_filled if code in _TEACHER_CODES else premises_filled)
        if code in _NOT_NEGATIVE:
            ok[:, i] &= table[:, 1 + i] >= 0
        divisor = _NUMERATORS[code][1]
        numerator[:, i] = table[:, 1 + i] / divisor if divisor != 1 else table[:, 1 + i]
    x = np.where(ok, numerator / np.where(pupils > 0, p, 1.0)[:, None], 0.0)

    # First pass: schools, pupils, Σ xp, min and max; second: Σ p(x − X̄)², per group and indicator.
    weights = np.where(ok, p[:, None], 0.0)
    count = np.add.reduceat(ok.astype(np.int64), starts, axis=0)
    total = np.add.reduceat(weights, starts, axis=0)
    resource = np.add.reduceat(x * weights, starts, axis=0)
    lo = np.minimum.reduceat(np.where(ok, x, np.inf), starts, axis=0)
    hi = np.maximum.reduceat(np.where(ok, x, -np.inf), starts, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(total > 0, resource / total, 0.0)
    deviation = np.where(ok, x - mean[group], 0.0)
    squares = np.add.reduceat(weights * deviation * deviation, starts, axis=0)
    equal = lo == hi  # equal values: exactly no difference, X̄ = that value (indicators._weighted)
    mean = np.where(equal, lo, mean)
    with np.errstate(divide="ignore", invalid="ignore"):
        sd = np.where(equal, 0.0, np.sqrt(np.maximum(squares, 0.0) / total))
        cv = np.where(count == 1, 0.0, sd / mean)
    counted_n = np.add.reduceat(counted.astype(np.int64), starts)
    counted_p = np.add.reduceat(np.where(counted, pupils, 0), starts)
    # Statuses of indicators.cv_result: no schools, zero mean (CV undefined), one school (CV 0), ok.
    status = np.where(count == 0, 0, np.where(mean == 0, 1, np.where(count == 1, 2, 3)))
    cv_out = np.where(status == 3, cv, np.where(status == 2, 0.0, None))
    mean_out = np.where(status == 0, None, mean)
    sd_out = np.where(status == 0, None, np.where(status == 3, sd, 0.0))
    students_out = np.where(status == 0, 0, total).astype(np.int64)

    # Per-school rule (schemes with standards), with the thresholds of indicators.meets.
    ruled = sch.standards_for(stages[0]) is not None
    stage_index = key[starts] // _STAGE_STEP
    meeting: list = [[None] * k] * len(starts)
    failing_n = undecided_n = [0] * len(starts)
    if ruled:
        ratio = sch.school_rest_ratio or 1.0
        allowed = k - (sch.school_min_met or k)
        met_at = np.zeros((len(STAGES), k))
        rest_at = np.zeros((len(STAGES), k))
        for si, s in enumerate(STAGES):
            standards = sch.standards_for(s) or {}
            for i, code in enumerate(codes):
                met_at[si, i] = standards[code] - ind.FLOAT_TOLERANCE * abs(standards[code])
                rest = ratio * standards[code]
                rest_at[si, i] = rest - ind.FLOAT_TOLERANCE * abs(rest)
        row_stage = key // _STAGE_STEP
        met = ok & (x >= met_at[row_stage])
        hard = ok & (x < rest_at[row_stage])
        fails = counted & (hard.any(axis=1) | ((ok & ~met).sum(axis=1) > allowed))
        undecided = counted & ~fails & (~ok).any(axis=1)
        meeting = np.add.reduceat(met.astype(np.int64), starts, axis=0).tolist()
        failing_n = np.add.reduceat(fails.astype(np.int64), starts).tolist()
        undecided_n = np.add.reduceat(undecided.astype(np.int64), starts).tolist()
        limits = np.array([sch.cv_limit_for(s) for s in STAGES])[stage_index][:, None]
        with np.errstate(invalid="ignore"):
            cv_pass = np.where(status >= 2, np.where(status == 3, cv, 0.0) <= limits, None).tolist()
    else:
        cv_pass = [[None] * k] * len(starts)

    labels = {i.code: i.short or i.label for i in sch.indicators}
    statuses = ("no_schools", "zero_mean", "single_school", "ok")
    verdicts: dict[tuple, str] = {}
    out: dict[tuple[str, str], CountyFigures] = {}
    columns = zip(key[starts].tolist(), sizes.tolist(), counted_n.tolist(), counted_p.tolist(), count.tolist(),
                  students_out.tolist(), mean_out.tolist(), sd_out.tolist(), cv_out.tolist(), status.tolist(),
                  meeting, failing_n, undecided_n, cv_pass, strict=True)
    for gkey, size, schools, students, c, t, m, s, v, st, meet, failing, undecided_count, passes in columns:
        stage, county = STAGES[gkey // _STAGE_STEP], f"{gkey % _STAGE_STEP:06d}"
        figures = {code: IndicatorFigures(v[i], m[i], s[i], c[i], t[i], statuses[st[i]], meet[i])
                   for i, code in enumerate(codes)}
        cvs = dict(zip(codes, v, strict=True))
        composite = None
        if ruled:
            passing = schools - failing - undecided_count
            # indicators.county_verdict decides; its verdict depends only on each CV against the
            # limit and on whether some school passes, fails or is undecided, so it is asked once
            # per such pattern (one school of each kind present stands for all of them).
            pattern = (stage, tuple(passes), passing > 0, failing > 0, undecided_count > 0)
            verdict = verdicts.get(pattern)
            if verdict is None:
                verdict = verdicts[pattern] = ind.county_verdict(
                    cvs, [True] * pattern[2] + [False] * pattern[3] + [None] * pattern[4],
                    cv_limit=sch.cv_limit_for(stage), labels=labels).verdict  # type: ignore[arg-type]
        else:
            passing = 0
            limit = sch.composite_limit_for(stage)
            composite, verdict = ind.basic_verdict(cvs, limit=limit if limit is not None else math.inf)
        if not schools:
            verdict = ind.INSUFFICIENT
        out[(stage, county)] = CountyFigures(sch.code, stage, county, size, schools, students, figures, passing, failing,
                                             undecided_count, dict(zip(codes, passes, strict=True)), composite, verdict)
    return out
