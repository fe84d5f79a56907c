"""Decision support (达标测算): the least resources to add, per school, so a county passes 优质均衡.

Pure functions, no Django (a test parses the module to keep it so). Input: per school its pupils
and the raw amounts behind each indicator (teachers, ㎡, equipment value, rooms) of one stage;
output: per school the whole units to add so that (1) every school passes the per-school rule
(≥ 6 of 7 standards met, the rest ≥ 85 %) and (2) every indicator's student-weighted CV is within
its limit. Resources are only ever added. The result is checked with the very functions the
verdict uses (`indicators.evaluate_stage`, `school_verdict`, `coefficient_of_variation`); a plan
that would not pass is never returned. Method, guarantees and limits: docs/decision-support.md.

Method, in one paragraph. Each indicator is one resource divided by pupils, so the seven problems
are independent except for the per-school rule's one indicator that may stay between 85 % and
100 % ("relaxed"). Given the relaxed indicator of every school:
1. *floors* — each school gets the fewest units that bring every indicator to its standard (the
   relaxed one to 85 %);
2. *CV* — per indicator, with total added amount D fixed, X̄ is fixed and the CV is smallest when
   Σ amountᵢ² ⁄ pupilsᵢ is (CV² + 1 = P·Σ(aᵢ²/pᵢ) ⁄ (Σaᵢ)²). That sum is separable and convex in
   each school's units, so adding one unit at a time where it grows the sum least — the school with
   the lowest (2aᵢ + step) ⁄ pᵢ, i.e. the lowest per-pupil value — gives the smallest CV for every
   D (marginal allocation, Gross 1956). The first D whose CV meets the limit is therefore the least
   number of units for that indicator. The continuous relaxation (raise the lowest schools to a
   common level t, found by bisection: water-filling) proves that no plan with less added amount
   can pass, so the unit-by-unit walk starts just below it instead of at zero.
The relaxed indicator of each school is first the one that saves most, then improved one school at
a time while the whole plan gets cheaper (a local search over a finite set: it ends). Different
resources are compared by their share of the county's standard requirement (标准当量: 1 ㎡ of
teaching rooms weighs 1 ⁄ (4.5 ㎡ × pupils) in a primary county) — no prices are assumed.

Termination of step 2: let w = scale·step ⁄ min pupils (the largest jump one unit causes) and
L = max(max value after the floors, w ⁄ (2·limit)). Raising every school to value ≥ L puts every
value in [L, L + w], so SD ≤ w ⁄ 2 (Popoviciu) and CV ≤ w ⁄ (2L) ≤ limit: that allocation of D₀
units passes, the greedy allocation of D₀ units has a CV no larger, so the walk stops by D₀.
"""

from __future__ import annotations

import bisect
import heapq
import itertools
import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from dudao.monitoring.indicators import (
    FAIL,
    PASS,
    InvalidInput,
    SchoolInput,
    StageEvaluation,
    coefficient_of_variation,
    evaluate_stage,
    meets,
)
from dudao.monitoring.standards import JUNIOR, PRIMARY, QUALITY_2017, Scheme, get_scheme

Amount = int | Decimal


class PlanningError(ValueError):
    """The plan cannot be made (wrong scheme or stage, bad data) or failed its own check."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


# --------------------------------------------------------------------------------------------
# The resources behind the 优质均衡 indicators
# --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Resource:
    """What is added for one indicator: value = amount × scale ÷ pupils."""

    code: str
    label: str  # what is added, e.g. 高于规定学历教师
    unit: str  # 人 / ㎡ / 万元 / 间
    scale: int
    step: Decimal  # the smallest addition (a person, a ㎡, 0.1 万元 = 1,000 元, a room)
    kind: str  # teachers | area | money | rooms
    decimals: int  # decimals of the raw amount (base data keeps ㎡ and 万元 with 2)
    short: str = ""  # for table headers and the summary sentence

    @property
    def integer(self) -> bool:
        return self.decimals == 0

    def amount(self, units: int) -> Amount:
        """`units` steps as an amount of the resource (int for people and rooms)."""
        return units if self.integer else self.step * units


RESOURCES: dict[str, Resource] = {
    r.code: r
    for r in (
        Resource("L1", "高于规定学历教师", "人", 100, Decimal(1), "teachers", 0, "高于规定学历教师"),
        Resource("L2", "县级以上骨干教师", "人", 100, Decimal(1), "teachers", 0, "骨干教师"),
        Resource("L3", "体育、艺术（美术、音乐）专任教师", "人", 100, Decimal(1), "teachers", 0, "体育艺术教师"),
        Resource("L4", "教学及辅助用房面积", "㎡", 1, Decimal(1), "area", 2, "教学及辅助用房"),
        Resource("L5", "体育运动场馆面积", "㎡", 1, Decimal(1), "area", 2, "体育运动场馆"),
        Resource("L6", "教学仪器设备值", "万元", 10000, Decimal("0.1"), "money", 2, "教学仪器设备"),
        Resource("L7", "网络多媒体教室", "间", 100, Decimal(1), "rooms", 0, "网络多媒体教室"),
    )
}


def value_of(amount: Amount | None, students: float, resource: Resource) -> float | None:
    """The indicator value of an amount, computed as `indicators` does: exact product, one float
    division (so a plan's values equal the values a recompute would store)."""
    if amount is None:
        return None
    return float(amount * resource.scale) / float(students)


def format_amount(value: Amount | float | None, resource: Resource) -> str:
    """An amount for people to read: whole people and rooms; ㎡ whole unless the figure has
    decimals; 万元 with one decimal (the step is 0.1 万元 = 1,000 元) unless it has two."""
    if value is None:
        return "—"
    if resource.integer:
        return f"{int(value):,}"
    number = Decimal(str(value)) if isinstance(value, float) else Decimal(value)
    if resource.kind == "money":
        return f"{number:,.1f}" if number == number.quantize(Decimal("0.1")) else f"{number:,.2f}"
    return f"{number:,.0f}" if number == number.to_integral_value() else f"{number:,.2f}"


def _exact(value: Any, what: str) -> Amount | None:
    if value is None or value == "":
        return None
    if isinstance(value, bool):
        raise InvalidInput(f"{what}不是数值")
    if isinstance(value, int):
        number: Amount = value
    elif isinstance(value, Decimal):
        number = value
    else:
        try:
            number = Decimal(repr(value) if isinstance(value, float) else str(value))
        except ArithmeticError:
            raise InvalidInput(f"{what}不是数值：{value!r}") from None
    if not (isinstance(number, int) or number.is_finite()) or number < 0:
        raise InvalidInput(f"{what}必须是非负数（{value!r}）")
    return number


def amounts_from_values(values: Mapping[str, float | None], students: float) -> dict[str, Amount | None]:
    """Raw amounts back from stored indicator values (amount = value × pupils ÷ scale), rounded to
    what base data holds: whole people and rooms, ㎡ and 万元 to 2 decimals."""
    out: dict[str, Amount | None] = {}
    for code, res in RESOURCES.items():
        value = values.get(code)
        if value is None or not students:
            out[code] = None
            continue
        raw = Decimal(repr(float(value))) * Decimal(students) / res.scale
        out[code] = int(raw.to_integral_value()) if res.integer else raw.quantize(Decimal("0.01"))
    return out


# --------------------------------------------------------------------------------------------
# Input and output
# --------------------------------------------------------------------------------------------


@dataclass
class PlanSchool:
    key: Any  # school id, or a row number
    name: str
    students: float
    amounts: Mapping[str, Any]  # {indicator code: raw amount or None (missing)}
    excluded_reason: str | None = None  # set by the caller for scope rules (e.g. small 教学点)


@dataclass
class SchoolPlan:
    key: Any
    name: str
    students: float
    current: dict[str, Amount | None]
    add: dict[str, Amount]
    after: dict[str, Amount | None]
    values_before: dict[str, float | None]
    values_after: dict[str, float | None]
    passes_before: bool | None
    passes_after: bool | None
    relaxed: tuple[str, ...]  # indicators the plan leaves between 85 % and 100 % of the standard
    missing: tuple[str, ...]
    for_standard: dict[str, int] = field(default_factory=dict)  # units that reach the per-school floors

    @property
    def has_additions(self) -> bool:
        return any(v for v in self.add.values())


@dataclass
class IndicatorPlan:
    resource: Resource
    standard: float
    limit: float
    units: int  # steps added in the county
    added: Amount  # the same as an amount (人, ㎡, 万元, 间)
    for_standard: Amount  # of which to bring schools to the per-school floors
    for_cv: Amount  # of which to bring the CV within the limit
    schools: int  # schools that receive some
    cv_before: float | None
    cv_after: float | None
    requirement: float  # the county's standard amount: standard × pupils ÷ scale
    share: float  # added ÷ requirement (标准当量)
    schools_counted: int = 0

    @property
    def code(self) -> str:
        return self.resource.code


@dataclass
class Plan:
    scheme: Scheme
    stage: str
    limit: float
    schools: list[SchoolPlan]
    indicators: list[IndicatorPlan]
    excluded: list[tuple[Any, str, str]]  # (key, name, reason code)
    partial: list[tuple[Any, str, tuple[str, ...]]]  # counted schools with some values missing
    before: StageEvaluation | None
    after: StageEvaluation | None
    cost: float  # Σ shares: the plan in 标准当量
    notes: list[str] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not any(s.has_additions for s in self.schools)

    @property
    def verdict_before(self) -> str | None:
        return self.before.verdict if self.before else None

    @property
    def verdict_after(self) -> str | None:
        return self.after.verdict if self.after else None

    @property
    def schools_with_additions(self) -> list[SchoolPlan]:
        return [s for s in self.schools if s.has_additions]

    def total(self, code: str) -> Amount:
        for item in self.indicators:
            if item.code == code:
                return item.added
        return 0


# --------------------------------------------------------------------------------------------
# Per-school floors
# --------------------------------------------------------------------------------------------


def units_to_reach(amount: Amount, students: float, resource: Resource, target: float) -> int:
    """Fewest steps whose addition makes `meets(value, target)` true (the verdict's comparison)."""
    if meets(value_of(amount, students, resource), target):  # type: ignore[arg-type]
        return 0
    need = target * students / resource.scale - float(amount)
    k = max(1, math.ceil(need / float(resource.step) - 1e-9))
    while k > 1 and meets(value_of(amount + resource.amount(k - 1), students, resource), target):  # type: ignore[arg-type]
        k -= 1
    while not meets(value_of(amount + resource.amount(k), students, resource), target):  # type: ignore[arg-type]
        k += 1
    return k


# --------------------------------------------------------------------------------------------
# One indicator: least units so the CV meets the limit, above given floors
# --------------------------------------------------------------------------------------------

_FAST_MARGIN = 1e-7  # relative band around the limit where the exact CV function decides


def _cv_exact(resource: Resource, amounts: Sequence[Amount], students: Sequence[float], units: Sequence[int]) -> float:
    values = [value_of(a + resource.amount(k), p, resource) for a, p, k in zip(amounts, students, units, strict=True)]
    return coefficient_of_variation(values, students)


def _water_level(x0: Sequence[float], ps: Sequence[float], limit: float) -> float | None:
    """The highest level t with CV(max(xᵢ, t)) still above the limit (continuous relaxation), or
    None when the values already pass. Every continuous allocation adding no more than the
    amount that raising to t takes has a CV above the limit (water-filling minimises Σ pᵢxᵢ² for
    a given total, and the CV falls as t rises), so no plan adding less can pass."""
    order = sorted(range(len(x0)), key=x0.__getitem__)
    xs = [x0[i] for i in order]
    pre_p, pre_px, pre_px2 = [0.0], [0.0], [0.0]
    for i in order:
        pre_p.append(pre_p[-1] + ps[i])
        pre_px.append(pre_px[-1] + ps[i] * x0[i])
        pre_px2.append(pre_px2[-1] + ps[i] * x0[i] * x0[i])
    total, sum_px, sum_px2 = pre_p[-1], pre_px[-1], pre_px2[-1]

    def cv2(t: float) -> float:
        j = bisect.bisect_right(xs, t)  # schools 0..j-1 are raised to t
        m1 = (t * pre_p[j] + sum_px - pre_px[j]) / total
        m2 = (t * t * pre_p[j] + sum_px2 - pre_px2[j]) / total
        return m2 / (m1 * m1) - 1.0

    bound = limit * limit * (1 + _FAST_MARGIN)
    lo, hi = xs[0], xs[-1]
    if cv2(lo) <= bound:
        return None
    for _ in range(200):
        mid = (lo + hi) / 2
        if mid <= lo or mid >= hi:
            break
        if cv2(mid) > bound:
            lo = mid
        else:
            hi = mid
    return lo


def solve_indicator(
    resource: Resource, amounts: Sequence[Amount], students: Sequence[float], floors: Sequence[int], limit: float
) -> list[int]:
    """Units to add per school (each ≥ its floor) with the fewest units in total such that the
    student-weighted CV ≤ limit. Exact for whole units: see the module docstring."""
    n = len(amounts)
    if n == 0:
        return []
    units = list(floors)
    if n == 1:
        return units
    step = float(resource.step)
    base = [float(a) for a in amounts]
    ps = [float(p) for p in students]
    s = resource.scale

    def amount(i: int, k: int) -> float:
        return base[i] + k * step

    x_floor = [s * amount(i, units[i]) / ps[i] for i in range(n)]
    if max(x_floor) == 0:
        raise PlanningError(f"{resource.label}全县均为 0，且没有单校标准可依：无法测算")
    level = _water_level(x_floor, ps, limit)
    if level is not None:
        # Jump along the greedy order to a state adding no more than raising to the water level
        # does: it and every state before it add no more, so none of them can pass (`_water_level`).
        extra_cap = math.fsum(max(0.0, level - x) * p / s for x, p in zip(x_floor, ps, strict=True))

        # units of school i whose marginal key (2a + step) ÷ p is below lam: ceil(lam·dᵢ + cᵢ)
        d = [p / (2 * step) for p in ps]
        c = [-(step + 2 * b) / (2 * step) for b in base]
        ceil = math.ceil

        def state(lam: float) -> list[int]:
            return [max(f, ceil(lam * di + ci)) for f, di, ci in zip(units, d, c)]  # noqa: B905 - same length

        def extra(ks: list[int]) -> float:
            return (sum(ks) - sum(units)) * step

        # Bracket: at lo nothing beyond the floors; a key below 2·(level − s·step ⁄ (2·min p)) ⁄ s
        # leaves every school at or below the level, hence adds no more than the relaxation does.
        lo, e_lo = min((2 * amount(i, units[i]) + step) / ps[i] for i in range(n)), 0.0
        safe = 2 * (level - s * step / (2 * min(ps))) / s
        if safe > lo and (e := extra(state(safe))) <= extra_cap:
            lo, e_lo = safe, e
        hi = max(lo, 2 * level / s) + 2 * step / min(ps)
        while (e_hi := extra(state(hi))) <= extra_cap:
            lo, e_lo, hi = hi, e_hi, hi * 2
        # Halve while many units lie between the two states; a few are cheaper to walk one by one.
        while (e_hi - e_lo) / step > 2 * n:
            mid = (lo + hi) / 2
            if mid <= lo or mid >= hi:
                break
            if (e := extra(state(mid))) <= extra_cap:
                lo, e_lo = mid, e
            else:
                hi, e_hi = mid, e
        units = state(lo)
    # Unit by unit, lowest marginal key first, until the CV meets the limit.
    total_p = math.fsum(ps)
    s1 = math.fsum(amount(i, units[i]) for i in range(n))
    s2 = math.fsum(amount(i, units[i]) ** 2 / ps[i] for i in range(n))
    heap = [((2 * amount(i, units[i]) + step) / ps[i], i) for i in range(n)]
    heapq.heapify(heap)
    cap = _step_cap(resource, base, ps, units, limit)
    bound = limit * limit
    steps = 0
    while True:
        if s1 > 0:
            cv2 = total_p * s2 / (s1 * s1) - 1.0
            if cv2 <= bound * (1 - _FAST_MARGIN):
                if _cv_exact(resource, amounts, students, units) <= limit:
                    return units
            elif cv2 <= bound * (1 + _FAST_MARGIN) and _cv_exact(resource, amounts, students, units) <= limit:
                return units
        if steps > cap:
            raise PlanningError(f"{resource.label}：测算超过理论步数上限，请检查数据")
        _key, i = heapq.heappop(heap)
        a = amount(i, units[i])
        s1 += step
        s2 += ((a + step) ** 2 - a * a) / ps[i]
        units[i] += 1
        steps += 1
        heapq.heappush(heap, ((2 * amount(i, units[i]) + step) / ps[i], i))


def _step_cap(resource: Resource, base: Sequence[float], ps: Sequence[float], units: Sequence[int], limit: float) -> int:
    """D₀ of the module docstring (plus slack for rounding): the walk must have stopped by then."""
    step = float(resource.step)
    s = resource.scale
    values = [s * (b + k * step) / p for b, k, p in zip(base, units, ps, strict=True)]
    w = s * step / min(ps)
    level = max(max(values), w / (2 * limit))
    need = sum(max(0, math.ceil((level * p / s - (b + k * step)) / step)) for b, k, p in zip(base, units, ps, strict=True))
    return need + len(base) + 10


# --------------------------------------------------------------------------------------------
# The county plan
# --------------------------------------------------------------------------------------------


@dataclass
class _Counted:
    key: Any
    name: str
    students: float
    amounts: dict[str, Amount | None]
    values: dict[str, float | None]
    to_standard: dict[str, int]  # units to reach 100 % (0 when met or missing)
    to_rest: dict[str, int]  # units to reach 85 %
    choices: list[tuple[str, ...]]  # possible relaxed sets


def _inputs(schools: Iterable[PlanSchool]) -> tuple[list[PlanSchool], list[tuple[Any, str, str]]]:
    counted: list[PlanSchool] = []
    excluded: list[tuple[Any, str, str]] = []
    for position, s in enumerate(schools):
        if s.excluded_reason:
            excluded.append((s.key, s.name, s.excluded_reason))
            continue
        students = _exact(s.students, f"第 {position + 1} 所学校的在校生数")
        if students is None or students == 0:
            excluded.append((s.key, s.name, "zero_students" if students == 0 else "missing"))
            continue
        amounts = {code: _exact(s.amounts.get(code), f"{s.name}的{res.label}") for code, res in RESOURCES.items()}
        if all(a is None for a in amounts.values()):
            excluded.append((s.key, s.name, "missing"))
            continue
        counted.append(PlanSchool(s.key, s.name, float(students), amounts))
    return counted, excluded


def _evaluate(rows: Sequence[tuple[Any, str, float, dict[str, float | None]]], scheme: Scheme, stage: str) -> StageEvaluation:
    return evaluate_stage([SchoolInput(k, n, p, dict(v)) for k, n, p, v in rows], scheme=scheme, stage=stage)


def _scheme_for_plan(scheme: str | Scheme, stage: str) -> tuple[Scheme, dict[str, float], float]:
    """The scheme, its per-school standards and its CV limit for the stage.

    Only 优质均衡 (2017) has national per-school standards, and only primary and junior schools
    are evaluated: anything else raises `PlanningError`.
    """
    sch = scheme if isinstance(scheme, Scheme) else get_scheme(scheme)
    if sch.code != QUALITY_2017:
        raise PlanningError("达标测算只适用于优质均衡（2017）：基本均衡没有全国统一的单校标准")
    if stage not in (PRIMARY, JUNIOR):
        raise PlanningError(f"学段“{stage}”不参加均衡评估：只测算小学和初中")
    standards = sch.standards_for(stage)
    limit = sch.cv_limit_for(stage)
    assert standards is not None and limit is not None
    if set(RESOURCES) != set(sch.codes):  # pragma: no cover - guards a change of the scheme's indicators
        raise PlanningError("指标体系与测算资源不一致")
    return sch, standards, limit


def _count_school(s: PlanSchool, codes: Sequence[str], standards: Mapping[str, float], rest: float,
                  allowed: int) -> _Counted:
    """One counted school: its values, the units it lacks to reach the standard and the relaxed
    floor (`rest` × standard), and every set of `allowed` unmet indicators it may leave below
    the standard."""
    amounts = dict(s.amounts)
    values = {c: value_of(amounts[c], s.students, RESOURCES[c]) for c in codes}
    to_standard, to_rest = {}, {}
    for c in codes:
        a = amounts[c]
        if a is None:
            to_standard[c] = to_rest[c] = 0
            continue
        to_standard[c] = units_to_reach(a, s.students, RESOURCES[c], standards[c])
        to_rest[c] = units_to_reach(a, s.students, RESOURCES[c], rest * standards[c])
    unmet = [c for c in codes if to_standard[c] > 0]
    size = min(allowed, len(unmet))
    choices: list[tuple[str, ...]] = [tuple(combo) for combo in itertools.combinations(unmet, size)] if size else [()]
    return _Counted(s.key, s.name, s.students, amounts, values, to_standard, to_rest, choices)


@dataclass
class _Solver:
    """The units each indicator needs, given which schools are relaxed on it (memoised).

    `members[code]` are the schools with an amount for that indicator; `weight[code]` turns
    units into a share of the county's requirement, so costs of different indicators add up.
    """

    counted: list[_Counted]
    codes: list[str]
    limit: float
    weight: dict[str, float]
    members: dict[str, list[int]]
    memo: dict[tuple[str, frozenset[int]], list[int]] = field(default_factory=dict)

    def solve(self, code: str, relaxed_here: frozenset[int]) -> list[int]:
        key = (code, relaxed_here)
        if key not in self.memo:
            idx = self.members[code]
            counted = self.counted
            floors = [counted[i].to_rest[code] if i in relaxed_here else counted[i].to_standard[code] for i in idx]
            self.memo[key] = solve_indicator(RESOURCES[code], [counted[i].amounts[code] for i in idx],  # type: ignore[misc]
                                             [counted[i].students for i in idx], floors, self.limit)
        return self.memo[key]

    def relaxed_sets(self, choice: Sequence[tuple[str, ...]]) -> dict[str, frozenset[int]]:
        return {c: frozenset(i for i, ch in enumerate(choice) if c in ch) for c in self.codes}

    def cost_of(self, code: str, relaxed_here: frozenset[int]) -> float:
        return sum(self.solve(code, relaxed_here)) * self.weight[code]


def _choose_relaxations(solver: _Solver) -> tuple[list[tuple[str, ...]], dict[str, dict[int, int]]]:
    """Which indicators each school leaves at the relaxed floor, and the units then added.

    Start: each school relaxes what saves most at its own floors; then improve one school at a
    time while the whole plan gets cheaper (at most 20 rounds). Returns the choice per school and
    {code: {school index: units}}.
    """
    counted, codes, weight = solver.counted, solver.codes, solver.weight
    choice = [max(s.choices, key=lambda ch, s=s: sum((s.to_standard[c] - s.to_rest[c]) * weight[c] for c in ch))
              for s in counted]
    sets = solver.relaxed_sets(choice)
    costs = {c: solver.cost_of(c, sets[c]) for c in codes}
    for _round in range(20):
        improved = False
        for i, s in enumerate(counted):
            if len(s.choices) < 2:
                continue
            for alt in s.choices:
                if alt == choice[i]:
                    continue
                touched = set(alt) ^ set(choice[i])
                trial = {c: (sets[c] | {i}) if c in alt else (sets[c] - {i}) for c in touched}
                new_costs = {c: solver.cost_of(c, trial[c]) for c in touched}
                if sum(new_costs.values()) < sum(costs[c] for c in touched) * (1 - 1e-12) - 1e-15:
                    choice[i] = alt
                    sets.update(trial)
                    costs.update(new_costs)
                    improved = True
        if not improved:
            break
    units_by_code = {c: dict(zip(solver.members[c], solver.solve(c, sets[c]), strict=True)) for c in codes}
    return choice, units_by_code


def _school_plans(counted: Sequence[_Counted], codes: Sequence[str], choice: Sequence[tuple[str, ...]],
                  units_by_code: Mapping[str, Mapping[int, int]], needs_plan: bool) -> list[SchoolPlan]:
    """Each school's additions, amounts and values after them, and the floor it was held to
    (`for_standard`); the verdicts are filled in by `_judge_school_plans`."""
    school_plans: list[SchoolPlan] = []
    for i, s in enumerate(counted):
        add: dict[str, Amount] = {}
        after: dict[str, Amount | None] = {}
        floors: dict[str, int] = {}
        for c in codes:
            res = RESOURCES[c]
            k = units_by_code[c].get(i, 0)
            add[c] = res.amount(k)
            after[c] = None if s.amounts[c] is None else s.amounts[c] + add[c]  # type: ignore[operator]
            if needs_plan and s.amounts[c] is not None:
                floors[c] = s.to_rest[c] if c in choice[i] else s.to_standard[c]
        values_after = {c: value_of(after[c], s.students, RESOURCES[c]) for c in codes}
        school_plans.append(SchoolPlan(
            key=s.key, name=s.name, students=s.students, current=dict(s.amounts), add=add, after=after,
            values_before=s.values, values_after=values_after, passes_before=None, passes_after=None,
            relaxed=tuple(c for c in choice[i] if s.to_rest[c] or s.to_standard[c]),
            missing=tuple(c for c in codes if s.amounts[c] is None), for_standard=floors,
        ))
    return school_plans


def _judge_school_plans(school_plans: Sequence[SchoolPlan], before: StageEvaluation | None,
                        after: StageEvaluation | None) -> None:
    """Copy each school's verdict before and after the plan onto its `SchoolPlan`."""
    if before and after:
        # evaluate_stage keeps every school given here, in order (the exclusions were made above).
        for p, ob, oa in zip(school_plans, before.schools, after.schools, strict=True):
            p.passes_before = ob.verdict.passes if ob.verdict else None
            p.passes_after = oa.verdict.passes if oa.verdict else None


def _indicator_plans(solver: _Solver, standards: Mapping[str, float], requirement: Mapping[str, float],
                     units_by_code: Mapping[str, Mapping[int, int]], school_plans: Sequence[SchoolPlan],
                     before: StageEvaluation | None, after: StageEvaluation | None) -> list[IndicatorPlan]:
    """Per indicator: the units added in all, how many of them reach the per-school standard and
    how many only the CV limit, and the CV before and after."""
    indicators = []
    for c in solver.codes:
        res = RESOURCES[c]
        total_units = sum(units_by_code[c].values())
        floor_units = sum(p.for_standard.get(c, 0) for p in school_plans)
        indicators.append(IndicatorPlan(
            resource=res, standard=standards[c], limit=solver.limit, units=total_units, added=res.amount(total_units),
            for_standard=res.amount(floor_units), for_cv=res.amount(total_units - floor_units),
            schools=sum(1 for k in units_by_code[c].values() if k),
            cv_before=before.cv[c].cv if before else None, cv_after=after.cv[c].cv if after else None,
            requirement=requirement[c], share=total_units * solver.weight[c], schools_counted=len(solver.members[c]),
        ))
    return indicators


def _plan_notes(plan: Plan, counted: Sequence[_Counted], members: Mapping[str, list[int]]) -> None:
    """The plan's notes: nothing to plan, already passing, an indicator or schools missing data."""
    before = plan.before
    if not counted:
        plan.notes.append("没有参评学校：无法测算")
    elif before is not None and before.verdict != FAIL:
        plan.notes.append("已达标，无需新增资源" if before.verdict == PASS else "没有未达标的项目；部分学校数据缺失，补齐后需重新测算")
    for c in members:
        if counted and not members[c]:
            plan.notes.append(f"{RESOURCES[c].label}：全部学校数据缺失，无法测算")
    if plan.partial:
        plan.notes.append(f"{len(plan.partial)} 所学校部分数据缺失：测算只补足已填报的指标，补齐数据后请重新测算")


def plan_county(schools: Iterable[PlanSchool], *, stage: str, scheme: str | Scheme = QUALITY_2017) -> Plan:
    """The least additions that make every school pass and every CV meet its limit (优质均衡).

    Schools with an `excluded_reason`, 0 pupils or no amount at all are left out and reported
    (`excluded`); a school missing some amounts counts for the others (`partial`) — the plan makes
    its known values pass, and its verdict stays undecided until the data is filled in. A county
    that already passes gets an empty plan. Raises `PlanningError` for another scheme or stage, and
    if the result would not pass its own check (it always should).
    """
    sch, standards, limit = _scheme_for_plan(scheme, stage)
    codes = list(RESOURCES)
    allowed = len(codes) - (sch.school_min_met or len(codes))
    rest = sch.school_rest_ratio or 1.0

    inputs, excluded = _inputs(schools)
    counted = [_count_school(s, codes, standards, rest, allowed) for s in inputs]

    before = _evaluate([(c.key, c.name, c.students, c.values) for c in counted], sch, stage) if counted else None
    partial = list(before.partial) if before else []
    total_students = math.fsum(c.students for c in counted)
    requirement = {c: standards[c] * total_students / RESOURCES[c].scale for c in codes}
    weight = {c: float(RESOURCES[c].step) / requirement[c] if requirement[c] else 0.0 for c in codes}
    # Which schools take part in each indicator (those with an amount for it).
    members = {c: [i for i, s in enumerate(counted) if s.amounts[c] is not None] for c in codes}
    solver = _Solver(counted, codes, limit, weight, members)

    needs_plan = before is not None and before.verdict == FAIL
    if needs_plan:
        choice, units_by_code = _choose_relaxations(solver)
    else:
        choice = [() for _ in counted]
        units_by_code = {c: {} for c in codes}

    school_plans = _school_plans(counted, codes, choice, units_by_code, needs_plan)
    after_eval = _evaluate([(p.key, p.name, p.students, p.values_after) for p in school_plans], sch, stage) if counted else None
    _judge_school_plans(school_plans, before, after_eval)
    indicators = _indicator_plans(solver, standards, requirement, units_by_code, school_plans, before, after_eval)
    plan = Plan(scheme=sch, stage=stage, limit=limit, schools=school_plans, indicators=indicators, excluded=excluded,
                partial=partial, before=before, after=after_eval, cost=math.fsum(i.share for i in indicators))
    _plan_notes(plan, counted, members)
    problems = check_plan(plan)
    if problems:
        raise PlanningError("测算结果未通过校验：" + "；".join(problems))
    return plan


# --------------------------------------------------------------------------------------------
# The check: the plan's after-values, judged by the verdict's own functions
# --------------------------------------------------------------------------------------------


def check_plan(plan: Plan) -> list[str]:
    """Problems of a plan (empty = it does what it says), recomputed from the after-amounts with
    `indicators.school_verdict` (through `evaluate_stage`) and `coefficient_of_variation`."""
    problems: list[str] = []
    if not plan.schools:
        return problems
    for s in plan.schools:
        for c, add in s.add.items():
            if add < 0:
                problems.append(f"{s.name} 的{RESOURCES[c].label}新增为负数")
            if RESOURCES[c].integer and not isinstance(add, int):
                problems.append(f"{s.name} 的{RESOURCES[c].label}新增不是整数")
            if s.current[c] is None and add:
                problems.append(f"{s.name} 的{RESOURCES[c].label}数据缺失却安排了新增")
    values = [(s.key, s.name, s.students, {c: value_of(s.after[c], s.students, RESOURCES[c]) for c in RESOURCES})
              for s in plan.schools]
    evaluation = _evaluate(values, plan.scheme, plan.stage)
    for outcome in evaluation.schools:
        if outcome.verdict is not None and outcome.verdict.passes is False:
            problems.append(f"{outcome.name} 仍未达到单校标准")
    for c in RESOURCES:
        known = [(v[3][c], v[2]) for v in values if v[3][c] is not None]
        if len(known) < 1:
            continue
        cv = coefficient_of_variation([k[0] for k in known], [k[1] for k in known])
        if cv > plan.limit:
            problems.append(f"{RESOURCES[c].label}差异系数 {cv:.3f} 仍超过 {plan.limit:.2f}")
    if evaluation.verdict == FAIL:
        problems.append("全县结论仍为未达标")
    return problems
