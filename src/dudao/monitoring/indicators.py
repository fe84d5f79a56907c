"""Balance indicators (均衡发展指标) as pure functions — no Django, plain numbers in and out.

Formulas: domain-rules §9.4 (a)–(e); standards and limits: `standards.py`. The stored results
(`services.py`), the `dudao balance` command and the tests all go through these functions, so a
county's verdict has one definition.

(a) Student-weighted coefficient of variation (差异系数), per indicator × stage × county:

    X̄  = Σ resourceᵢ / Σ studentsᵢ  (= Σ xᵢ·pᵢ / P)
    S  = sqrt( Σ (pᵢ / P) · (xᵢ − X̄)² )        population SD weighted by enrolment, no n − 1
    CV = S / X̄                                   never capped at 1

Edge-case policy (explicit, never a silent zero):
- a missing value (None) is excluded from that indicator and reported; `coefficient_of_variation`
  refuses it (`MissingValues`), `cv_result` excludes it and lists it in `excluded`;
- a school with 0 students has no per-student value: excluded and reported ("zero_students");
- no school left → `NoSchools`; all students 0 → `ZeroStudents`; X̄ = 0 → `ZeroMean` (0/0 has no
  meaning: a county where every school has none of a resource is reported, not given CV 0);
- one school → CV 0 with `single_school=True` (there is no inter-school difference to measure);
- negative or non-finite values → `InvalidInput`.

Comparisons are made on the unrounded value (domain-rules §9.4: compare before rounding, display
to 3 decimals). `meets` allows a relative 1e-9 for binary floating point only, so 4.2 computed as
21 × 100 ÷ 500 meets a 4.2 standard, while 84.99 % of a standard never reaches 85 %.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dudao.monitoring.standards import (
    BASIC_2012,
    JUNIOR,
    PRIMARY,
    QUALITY_2017,
    STAGE_SPLIT_WEIGHTS,
    Scheme,
    get_scheme,
)

FLOAT_TOLERANCE = 1e-9  # relative; absorbs binary representation error, far below display precision
CV_DECIMALS = 3

PASS, FAIL, INSUFFICIENT = "pass", "fail", "insufficient"


# --------------------------------------------------------------------------------------------
# Errors: each edge case is its own type with a Chinese message for people and a reason code.
# --------------------------------------------------------------------------------------------


class IndicatorError(ValueError):
    reason = "invalid"

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


class InvalidInput(IndicatorError):
    reason = "invalid"


class NoSchools(IndicatorError):
    reason = "no_schools"


class ZeroStudents(IndicatorError):
    reason = "zero_students"


class ZeroMean(IndicatorError):
    reason = "zero_mean"


class MissingValues(IndicatorError):
    reason = "missing"

    def __init__(self, message: str, positions: Sequence[int]):
        super().__init__(message)
        self.positions = tuple(positions)


REASON_LABELS: dict[str, str] = {
    "missing": "指标值缺失",
    "zero_students": "在校生数为 0",
    "no_year_data": "无该学年基础数据",
    "not_filled": "基础数据未填报",
    "teaching_point_small": "在校生不足 50 人的教学点",
    "private": "民办学校（基本均衡不纳入）",
    "not_county_run": "非县属学校（基本均衡不纳入）",
    "teaching_point": "教学点（基本均衡不纳入）",
    "invalid": "数据有误",
    "no_schools": "没有参评学校",
    "zero_mean": "全县均值为 0，差异系数无意义",
}


# --------------------------------------------------------------------------------------------
# (a) Coefficient of variation
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CVResult:
    """The CV of one indicator over a set of schools, with what was left out and why."""

    cv: float | None
    mean: float | None  # X̄ = Σ xᵢpᵢ / P
    sd: float | None  # S
    schools: int  # schools counted
    students: float  # P
    status: str  # "ok" | "single_school" | "no_schools" | "zero_students" | "zero_mean"
    excluded: tuple[tuple[int, str], ...] = ()  # (position in the input, reason code)

    @property
    def single_school(self) -> bool:
        return self.status == "single_school"

    def passes(self, limit: float | None) -> bool | None:
        """CV ≤ limit, compared unrounded; None when the CV is undefined or there is no limit."""
        if self.cv is None or limit is None:
            return None
        return self.cv <= limit


def _check_number(value: Any, what: str, position: int) -> float:
    if type(value) is float or type(value) is int:  # the common case, checked cheaply
        if 0 <= value < math.inf:
            return float(value)
    if isinstance(value, bool):
        raise InvalidInput(f"第 {position + 1} 所学校的{what}不是数值")
    try:
        number = float(value)
    except (TypeError, ValueError):
        raise InvalidInput(f"第 {position + 1} 所学校的{what}不是数值：{value!r}") from None
    if not math.isfinite(number):
        raise InvalidInput(f"第 {position + 1} 所学校的{what}不是有限数值")
    if number < 0:
        raise InvalidInput(f"第 {position + 1} 所学校的{what}为负数（{number:g}）")
    return number


def _weighted(xs: Sequence[float], ps: Sequence[float]) -> tuple[float, float, list[float]]:
    """(X̄, S, terms) with terms[i] = (pᵢ/P)(xᵢ − X̄)²; callers guarantee P > 0."""
    total = math.fsum(ps)
    mean = math.fsum(x * p for x, p in zip(xs, ps, strict=True)) / total
    if max(xs) == min(xs):
        # Equal values: exactly no difference (avoids a 1e-17 residue from the products above).
        return xs[0], 0.0, [0.0] * len(xs)
    terms = [(p / total) * (x - mean) ** 2 for x, p in zip(xs, ps, strict=True)]
    return mean, math.sqrt(math.fsum(terms)), terms


def cv_result(values: Sequence[float | None], students: Sequence[float]) -> CVResult:
    """Tolerant CV: missing values and 0-student schools are excluded and reported, never zeroed.

    Raises only `InvalidInput` (lengths differ, negative or non-numeric data); every other edge
    case is a status on the result.
    """
    if len(values) != len(students):
        raise InvalidInput(f"指标值（{len(values)} 个）与在校生数（{len(students)} 个）数量不一致")
    xs: list[float] = []
    ps: list[float] = []
    excluded: list[tuple[int, str]] = []
    for i, (value, count) in enumerate(zip(values, students, strict=True)):
        p = _check_number(count, "在校生数", i)
        if value is None:
            excluded.append((i, "missing"))
            continue
        x = _check_number(value, "指标值", i)
        if p == 0:
            excluded.append((i, "zero_students"))
            continue
        xs.append(x)
        ps.append(p)
    if not xs:
        status = "zero_students" if values and all(r == "zero_students" for _, r in excluded) else "no_schools"
        return CVResult(None, None, None, 0, 0.0, status, tuple(excluded))
    mean, sd, _ = _weighted(xs, ps)
    total = math.fsum(ps)
    if mean == 0:
        return CVResult(None, 0.0, 0.0, len(xs), total, "zero_mean", tuple(excluded))
    if len(xs) == 1:
        return CVResult(0.0, mean, 0.0, 1, total, "single_school", tuple(excluded))
    return CVResult(sd / mean, mean, sd, len(xs), total, "ok", tuple(excluded))


def coefficient_of_variation(values: Sequence[float | None], students: Sequence[float]) -> float:
    """Student-weighted CV of per-school indicator values (domain-rules §9.4(a)); strict.

    `values[i]` is school i's indicator value (e.g. ㎡ per student), `students[i]` its enrolment.
    Raises `MissingValues`, `NoSchools`, `ZeroStudents`, `ZeroMean` or `InvalidInput` instead of
    guessing; one school gives 0.0 (use `cv_result` to see the `single_school` flag).
    """
    missing = [i for i, v in enumerate(values) if v is None]
    if missing:
        shown = "、".join(str(i + 1) for i in missing[:10])
        raise MissingValues(f"第 {shown} 所学校的指标值缺失：缺失值不能按 0 计算，请补齐或排除后再算", missing)
    if not values:
        raise NoSchools("没有学校：无法计算差异系数")
    result = cv_result(values, students)
    if result.status in {"no_schools", "zero_students"}:
        raise ZeroStudents("所有学校的在校生数均为 0：无法按在校生加权计算差异系数")
    if result.status == "zero_mean":
        raise ZeroMean("全部学校该项指标均为 0（均值为 0）：差异系数无意义")
    assert result.cv is not None
    return result.cv


def variance_terms(values: Sequence[float | None], students: Sequence[float]) -> list[float | None]:
    """Each school's (pᵢ/P)(xᵢ − X̄)², the part of S² it contributes; None for excluded schools."""
    result = cv_result(values, students)
    if result.mean is None:
        return [None] * len(values)
    excluded = {i for i, _ in result.excluded}
    kept = [i for i in range(len(values)) if i not in excluded]
    xs = [float(values[i]) for i in kept]  # type: ignore[arg-type]
    ps = [float(students[i]) for i in kept]
    _, _, terms = _weighted(xs, ps)
    out: list[float | None] = [None] * len(values)
    for i, term in zip(kept, terms, strict=True):
        out[i] = term
    return out


def cv_shares(values: Sequence[float | None], students: Sequence[float]) -> list[float | None]:
    """Each school's part of the CV, in CV units: CV × termᵢ / Σ terms (the parts add up to the CV).

    A school far from the county value with many pupils pulls the CV up most. All parts are 0 when
    every school has the same value; None for excluded schools or an undefined CV.
    """
    result = cv_result(values, students)
    terms = variance_terms(values, students)
    if result.cv is None:
        return [None] * len(values)
    total = math.fsum(t for t in terms if t is not None)
    if total == 0:
        return [None if t is None else 0.0 for t in terms]
    return [None if t is None else result.cv * t / total for t in terms]


def cv_display(cv: float | None) -> str:
    """Three decimals, as published monitoring tables print CVs; "—" when undefined."""
    return "—" if cv is None else f"{cv:.{CV_DECIMALS}f}"


# --------------------------------------------------------------------------------------------
# (b) Per-school rule (优质均衡: ≥ 6 of 7 met, the rest ≥ 85 % of the standard)
# --------------------------------------------------------------------------------------------


def meets(value: float, standard: float) -> bool:
    """value ≥ standard, unrounded, allowing only binary floating-point error."""
    return value >= standard - FLOAT_TOLERANCE * abs(standard)


@dataclass(frozen=True)
class SchoolVerdict:
    met: dict[str, bool | None]
    met_count: int
    passes: bool | None  # None: undecidable because of missing values
    missing: tuple[str, ...]
    unmet: tuple[str, ...]
    ratios: dict[str, float | None]  # value ÷ standard


def school_verdict(
    values: Mapping[str, float | None],
    standards: Mapping[str, float],
    *,
    min_met: int = 6,
    rest_ratio: float = 0.85,
) -> SchoolVerdict:
    """domain-rules §9.4(b): at least `min_met` indicators meet their standard and every other one
    reaches `rest_ratio` of it. With missing values the answer is False when the known values
    already fail, otherwise None (a missing value could be anything)."""
    met: dict[str, bool | None] = {}
    ratios: dict[str, float | None] = {}
    missing: list[str] = []
    unmet: list[str] = []
    hard_fail = False
    for code, standard in standards.items():
        value = values.get(code)
        if value is None:
            met[code] = None
            ratios[code] = None
            missing.append(code)
            continue
        value = float(value)
        ratios[code] = value / standard if standard else None
        ok = meets(value, standard)
        met[code] = ok
        if not ok:
            unmet.append(code)
            if not meets(value, rest_ratio * standard):
                hard_fail = True
    allowed = len(standards) - min_met
    if hard_fail or len(unmet) > allowed:
        passes: bool | None = False
    elif missing:
        passes = None
    else:
        passes = True
    return SchoolVerdict(met, sum(1 for v in met.values() if v), passes, tuple(missing), tuple(unmet), ratios)


# --------------------------------------------------------------------------------------------
# (c) County resource verdict and (d) basic-balance composite
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CountyVerdict:
    verdict: str  # "pass" | "fail" | "insufficient"
    cv_pass: dict[str, bool | None]
    schools_failing: int
    schools_undecided: int
    reasons: tuple[str, ...]


def county_verdict(
    cvs: Mapping[str, float | None],
    school_passes: Iterable[bool | None],
    *,
    cv_limit: float,
    labels: Mapping[str, str] | None = None,
) -> CountyVerdict:
    """domain-rules §9.4(c): every in-scope school passes (b) and every CV ≤ the stage's limit.

    "fail" as soon as a known CV is over the limit or a school definitely fails; "insufficient"
    when nothing fails but a CV is undefined, a school is undecidable, or there is no school.
    """
    labels = labels or {}
    cv_pass = {code: (None if cv is None else cv <= cv_limit) for code, cv in cvs.items()}
    passes = list(school_passes)
    failing = sum(1 for p in passes if p is False)
    undecided = sum(1 for p in passes if p is None)
    reasons: list[str] = []
    for code, ok in cv_pass.items():
        if ok is False:
            reasons.append(f"{labels.get(code, code)}差异系数 {cv_display(cvs[code])} 超过 {cv_limit:.2f}")
    if failing:
        reasons.append(f"{failing} 所学校未达到单校标准")
    if reasons:
        return CountyVerdict(FAIL, cv_pass, failing, undecided, tuple(reasons))
    if not passes:
        reasons.append("没有参评学校")
    for code, ok in cv_pass.items():
        if ok is None:
            reasons.append(f"{labels.get(code, code)}差异系数无法计算")
    if undecided:
        reasons.append(f"{undecided} 所学校数据缺失，无法判定")
    return CountyVerdict(INSUFFICIENT if reasons else PASS, cv_pass, failing, undecided, tuple(reasons))


def composite_cv(cvs: Mapping[str, float | None]) -> float:
    """domain-rules §9.4(d): arithmetic mean of the single-indicator CVs (基本均衡: 8 of them)."""
    missing = [code for code, cv in cvs.items() if cv is None]
    if missing:
        raise MissingValues(f"{'、'.join(missing)} 的差异系数无法计算：综合差异系数需要全部单项", list(range(len(missing))))
    if not cvs:
        raise NoSchools("没有单项差异系数")
    return math.fsum(float(v) for v in cvs.values()) / len(cvs)  # type: ignore[arg-type]


def basic_verdict(cvs: Mapping[str, float | None], *, limit: float) -> tuple[float | None, str]:
    """(composite CV, verdict) for 基本均衡: pass when the composite ≤ the stage's limit."""
    try:
        value = composite_cv(cvs)
    except IndicatorError:
        return None, INSUFFICIENT
    return value, PASS if value <= limit else FAIL


# --------------------------------------------------------------------------------------------
# (e) Multi-stage schools split into stage sections
# --------------------------------------------------------------------------------------------


def stage_shares(students: Mapping[str, float], weights: Mapping[str, float] = STAGE_SPLIT_WEIGHTS) -> dict[str, float]:
    """Share of a whole school's resource totals for each stage section (domain-rules §9.4(e)).

    Nine-year school with A primary and B junior pupils: primary A ÷ (A + 1.1·B), junior
    1.1·B ÷ (A + 1.1·B). Complete secondary (B junior, C senior): junior B ÷ (B + 1.2·C).
    """
    weighted = {}
    for stage, count in students.items():
        if stage not in weights:
            raise InvalidInput(f"未知学段“{stage}”：可选 {', '.join(weights)}")
        weighted[stage] = _check_number(count, "在校生数", 0) * weights[stage]
    total = math.fsum(weighted.values())
    if total == 0:
        raise ZeroStudents("各学段在校生数均为 0：无法拆分资源")
    return {stage: w / total for stage, w in weighted.items()}


# --------------------------------------------------------------------------------------------
# Indicator values of one school stage section from yearly base data (plain numbers)
# --------------------------------------------------------------------------------------------

TEACHER_FIELDS = (
    "teachers", "teachers_postgraduate", "teachers_bachelor", "teachers_associate", "teachers_below_associate",
    "teachers_senior_title", "teachers_mid_title", "teachers_junior_title", "key_teachers", "pe_teachers",
    "music_teachers", "art_teachers",
)
PREMISES_FIELDS = (
    "teaching_aux_area", "indoor_sports_area", "sports_ground_area", "equipment_value", "multimedia_rooms",
    "books", "computers",
)
# Fields each scheme reads (services.py loads exactly these).
BASE_FIELDS: tuple[str, ...] = ("students",) + TEACHER_FIELDS + PREMISES_FIELDS


def _num(data: Mapping[str, Any], key: str) -> int | Decimal | None:
    """The field as an exact number: ints and Decimals as they come (the database gives these),
    floats and text through their decimal text, so sums and products below stay exact."""
    if key not in data:
        return 0  # a field the caller does not carry is a count of none
    value = data[key]
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"“{key}”不是数值")
    if isinstance(value, (int, Decimal)):
        return value
    try:
        return Decimal(repr(value) if isinstance(value, float) else str(value))
    except ArithmeticError:
        raise InvalidInput(f"“{key}”不是数值：{value!r}") from None


class ExactBase(dict):
    """Base-data fields already converted by `exact_base` (so several schemes convert once)."""


def exact_base(data: Mapping[str, Any]) -> ExactBase:
    """{field: int, Decimal or None} for every field the indicators read (see `_num`)."""
    return ExactBase((key, _num(data, key)) for key in BASE_FIELDS)


def _per(numerator: int | Decimal | None, students: int | float, scale: int = 1) -> float | None:
    """numerator × scale ÷ students, with the product exact (Decimal) and one float division."""
    if numerator is None:
        return None
    return float(numerator * scale) / float(students)


def _sum(*parts: int | Decimal | None) -> int | Decimal | None:
    if any(p is None for p in parts):
        return None
    return sum(parts)  # type: ignore[arg-type]


def indicator_values_with_reasons(
    data: Mapping[str, Any], *, stage: str | None = None, scheme: str | Scheme = QUALITY_2017
) -> tuple[dict[str, float | None], dict[str, str]]:
    """({code: value or None}, {code: reason code}) for one school stage section.

    `data` maps schools.SchoolYearData field names to numbers; None (or "") = not reported and
    makes the indicators that use it missing, an absent key counts as 0.
    Base data has no NULLs, so a block that is entirely 0 while the school has pupils counts as
    not filled in: all teacher counts 0 → the teacher indicators are missing ("not_filled"); all
    premises and equipment figures 0 → those indicators are missing. A single 0 inside a filled
    block is a real 0 (a school without multimedia rooms fails that indicator).
    """
    sch = scheme if isinstance(scheme, Scheme) else get_scheme(scheme)
    stage = stage or data.get("stage")
    if stage not in (PRIMARY, JUNIOR):
        raise InvalidInput(f"学段“{stage}”不参加均衡评估：只计算小学和初中")
    codes = sch.codes
    n = data if isinstance(data, ExactBase) else exact_base(data)
    students = n["students"]
    if students is None or students <= 0:
        return {c: None for c in codes}, {c: ("missing" if students is None else "zero_students") for c in codes}
    p = float(students)

    teachers_filled = any(n[f] is not None and n[f] > 0 for f in TEACHER_FIELDS)
    premises_filled = any(n[f] is not None and n[f] > 0 for f in PREMISES_FIELDS)

    g = n.__getitem__
    if stage == PRIMARY:
        qualified = _sum(g("teachers_postgraduate"), g("teachers_bachelor"), g("teachers_associate"))
    else:
        qualified = _sum(g("teachers_postgraduate"), g("teachers_bachelor"))
    equipment_yuan = None if g("equipment_value") is None else g("equipment_value") * 10000  # 万元 → 元
    net_teaching = _sum(g("teaching_aux_area"), None if g("indoor_sports_area") is None else -g("indoor_sports_area"))

    reasons: dict[str, str] = {}
    values: dict[str, float | None]
    if sch.code == QUALITY_2017:
        teacher_codes, premises_codes = ("L1", "L2", "L3"), ("L4", "L5", "L6", "L7")
        values = {
            "L1": _per(qualified, p, 100),
            "L2": _per(g("key_teachers"), p, 100),
            "L3": _per(_sum(g("pe_teachers"), g("music_teachers"), g("art_teachers")), p, 100),
            "L4": _per(net_teaching, p),
            "L5": _per(g("sports_ground_area"), p),
            "L6": _per(equipment_yuan, p),
            "L7": _per(g("multimedia_rooms"), p, 100),
        }
        if values["L4"] is not None and values["L4"] < 0:
            values["L4"] = None
            reasons["L4"] = "invalid"  # indoor sports area larger than the teaching area
    elif sch.code == BASIC_2012:
        teacher_codes, premises_codes = ("B6", "B7", "B8"), ("B1", "B2", "B3", "B4", "B5")
        values = {
            "B1": _per(g("teaching_aux_area"), p),
            "B2": _per(g("sports_ground_area"), p),
            "B3": _per(equipment_yuan, p),
            "B4": _per(g("computers"), p, 100),
            "B5": _per(g("books"), p),
            "B6": _per(g("teachers"), p, 100),
            "B7": _per(qualified, p, 100),
            "B8": _per(_sum(g("teachers_mid_title"), g("teachers_senior_title")), p, 100),
        }
    else:  # pragma: no cover - get_scheme only returns the two above
        raise InvalidInput(f"未知的评估办法“{sch.code}”")

    for codes_, filled in ((teacher_codes, teachers_filled), (premises_codes, premises_filled)):
        if not filled:
            for code in codes_:
                values[code] = None
                reasons[code] = "not_filled"
    for code, value in values.items():
        if value is None and code not in reasons:
            reasons[code] = "missing"
    return values, reasons


def indicator_values(
    year_data_for_stage: Mapping[str, Any], *, stage: str | None = None, scheme: str | Scheme = QUALITY_2017
) -> dict[str, float | None]:
    """{indicator code: value or None} of one school stage section; see `indicator_values_with_reasons`."""
    return indicator_values_with_reasons(year_data_for_stage, stage=stage, scheme=scheme)[0]


# --------------------------------------------------------------------------------------------
# One county (or any set of schools) and one stage: everything above, put together
# --------------------------------------------------------------------------------------------


@dataclass
class SchoolInput:
    key: Any  # school id, or row number in a file
    name: str
    students: float
    values: dict[str, float | None]
    excluded_reason: str | None = None  # set by the caller for scope rules (e.g. small 教学点)


@dataclass
class SchoolOutcome:
    key: Any
    name: str
    students: float
    values: dict[str, float | None]
    verdict: SchoolVerdict | None  # None when the scheme has no per-school rule


@dataclass
class StageEvaluation:
    scheme: Scheme
    stage: str
    schools: list[SchoolOutcome]  # the schools counted (excluded ones are in `excluded`)
    cv: dict[str, CVResult]
    cv_pass: dict[str, bool | None]
    composite_cv: float | None
    verdict: str
    reasons: tuple[str, ...]
    excluded: list[tuple[Any, str, str]] = field(default_factory=list)  # (key, name, reason code)
    # schools counted for one indicator but left out of another (missing values): (key, name, codes)
    partial: list[tuple[Any, str, tuple[str, ...]]] = field(default_factory=list)

    @property
    def students(self) -> float:
        return math.fsum(s.students for s in self.schools)

    @property
    def schools_passing(self) -> int:
        return sum(1 for s in self.schools if s.verdict is not None and s.verdict.passes is True)

    @property
    def means(self) -> dict[str, float | None]:
        return {code: r.mean for code, r in self.cv.items()}


def evaluate_stage(schools: Iterable[SchoolInput], *, scheme: str | Scheme, stage: str) -> StageEvaluation:
    """Per-school rule, per-indicator CVs and the verdict for one set of schools of one stage.

    Schools with an `excluded_reason`, or with 0 students, or with every value missing are left
    out and reported in `excluded`; a school missing only some values counts for the others and
    is listed in `partial`.
    """
    sch = scheme if isinstance(scheme, Scheme) else get_scheme(scheme)
    if stage not in (PRIMARY, JUNIOR):
        raise InvalidInput(f"学段“{stage}”不参加均衡评估：只计算小学和初中")
    codes = sch.codes
    standards = sch.standards_for(stage)
    counted: list[SchoolOutcome] = []
    excluded: list[tuple[Any, str, str]] = []
    partial: list[tuple[Any, str, tuple[str, ...]]] = []
    for s in schools:
        if s.excluded_reason:
            excluded.append((s.key, s.name, s.excluded_reason))
            continue
        students = _check_number(s.students, "在校生数", len(counted) + len(excluded))
        if students == 0:
            excluded.append((s.key, s.name, "zero_students"))
            continue
        values = {code: s.values.get(code) for code in codes}
        gaps = tuple(code for code in codes if values[code] is None)
        if len(gaps) == len(codes):
            excluded.append((s.key, s.name, "missing"))
            continue
        if gaps:
            partial.append((s.key, s.name, gaps))
        verdict = None
        if standards is not None:
            verdict = school_verdict(values, standards, min_met=sch.school_min_met or len(codes),
                                     rest_ratio=sch.school_rest_ratio or 1.0)
        counted.append(SchoolOutcome(s.key, s.name, students, values, verdict))

    student_counts = [s.students for s in counted]
    cvs = {code: cv_result([s.values[code] for s in counted], student_counts) for code in codes}
    labels = {i.code: i.short or i.label for i in sch.indicators}
    composite: float | None = None
    if sch.cv_limit is not None:
        limit = sch.cv_limit[stage]
        cv_pass = {code: r.passes(limit) for code, r in cvs.items()}
        if standards is not None:
            cv_verdict = county_verdict({c: r.cv for c, r in cvs.items()}, [s.verdict.passes for s in counted],  # type: ignore[union-attr]
                                        cv_limit=limit, labels=labels)
            verdict, reasons = cv_verdict.verdict, cv_verdict.reasons
        else:  # pragma: no cover - no shipped scheme has CV limits without school standards
            verdict = FAIL if False in cv_pass.values() else (INSUFFICIENT if None in cv_pass.values() else PASS)
            reasons = ()
    else:
        cv_pass = {code: None for code in codes}
        limit = sch.composite_limit_for(stage)
        composite, verdict = basic_verdict({c: r.cv for c, r in cvs.items()}, limit=limit or math.inf)
        if verdict == FAIL:
            reasons = (f"综合差异系数 {cv_display(composite)} 超过 {limit:.2f}",)
        elif verdict == INSUFFICIENT:
            reasons = tuple(f"{labels[c]}差异系数无法计算" for c, r in cvs.items() if r.cv is None) or ("没有参评学校",)
        else:
            reasons = ()
    if not counted:
        verdict = INSUFFICIENT
        reasons = ("没有参评学校",)
    return StageEvaluation(sch, stage, counted, cvs, cv_pass, composite, verdict, tuple(reasons), excluded, partial)


# --------------------------------------------------------------------------------------------
# Areas above the county: the same weighted mean and SD from county summaries
# --------------------------------------------------------------------------------------------


def combine_groups(groups: Iterable[tuple[float, float, float]]) -> tuple[float | None, float | None, float]:
    """(X̄, S, P) of the union of groups given as (X̄ₖ, Sₖ, Pₖ): the weighted population variance
    splits exactly into within- and between-group parts, S² = Σ (Pₖ/P)(Sₖ² + (X̄ₖ − X̄)²), so a
    city's CV over all its schools follows from its counties' stored results."""
    items = [(float(m), float(s), float(p)) for m, s, p in groups if p and p > 0]
    total = math.fsum(p for _, _, p in items)
    if not items or total == 0:
        return None, None, 0.0
    mean = math.fsum(m * p for m, _, p in items) / total
    var = math.fsum((p / total) * (s * s + (m - mean) ** 2) for m, s, p in items)
    return mean, math.sqrt(max(var, 0.0)), total
