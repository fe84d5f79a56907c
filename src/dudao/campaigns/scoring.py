"""The scoring engine of a campaign: pure functions over plain values (no ORM, no database; only
gettext for the Chinese messages of `answer_check`).

`results.py` loads a framework version into a `Tree` and the campaign's `Score` rows into
`Answer`s, then calls these functions; the property tests (tests/campaigns/test_scoring_*.py) call
them directly. What they decide:

- **The score of one item** (`item_score`), by scoring type: points → the value within [0, max];
  rubric → the chosen level's score; yes/no → max (是) or 0 (否); count and computed → the number
  within [0, max] when the item has a max, otherwise the number is recorded but scores nothing
  (a descriptive item). `answer_check` is the strict version for input (Chinese messages).
- **Several raters** (`aggregate`): mean, median, or the team leader's reconciled score; the
  raters' spread (max − min) is always reported. Under "leader" an item not yet reconciled falls
  back to the mean and is marked `pending`.
- **Totals** (`totals`): points style — the sum of item scores, each section capped at its own
  max and the total at the version's total; weights style — each top-level node scored out of 100
  (its items' scores over their maxima) × its weight, weights normalised to their sum (0.15/0.25…
  and 15/25… give the same total out of 100); no weighting — no total.
- **Veto** (一票否决): a veto item fails when its verified score is zero (否, "不得分", a rubric
  level scored 0). A failure makes the grade 不合格 (the version's lowest band) whatever the total.
- **Grade**: the highest band whose minimum the total reaches.
- **Ranking** (`rank`): standard competition ranking by default ("1224": equal totals share a
  rank and the next rank skips), or dense ("1223"). Schools with a veto failure rank after every
  school without one; schools without a total are not ranked.
- **Discrepancy flags** (`discrepancies`): self higher than verified by more than the campaign's
  threshold ("higher"), or self 是 verified 否 on a yes/no item ("yes_no").

Arithmetic is `Decimal`. Item scores and the mean are rounded to 0.01 (ROUND_HALF_UP, the way a
score sheet is filled); section percentages are kept unrounded and only the total is rounded to
0.01 (ROUND_HALF_UP), so rounding never compounds.
"""

from __future__ import annotations

import statistics
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import TypeVar

from django.utils.translation import gettext as _

CENT = Decimal("0.01")
ZERO = Decimal(0)
HUNDRED = Decimal(100)
VETO_GRADE = "不合格"

# scoring types (frameworks.models.ScoringType values; repeated so this module imports no Django model)
POINTS, RUBRIC, YES_NO, COUNT, COMPUTED = "points", "rubric", "yes_no", "count", "computed"
# weighting styles (frameworks.models.Weighting values)
W_POINTS, W_WEIGHTS, W_NONE = "points", "weights", "none"
# aggregation rules (campaigns.models.Aggregation values)
MEAN, MEDIAN, LEADER = "mean", "median", "leader"
# ranking methods
COMPETITION, DENSE = "competition", "dense"
YES, NO = "yes", "no"

K = TypeVar("K")


def q2(value: Decimal) -> Decimal:
    """Round to 0.01, half up (a score sheet's rounding)."""
    return value.quantize(CENT, rounding=ROUND_HALF_UP)


# --- the framework as plain values -----------------------------------------------------------------
@dataclass(frozen=True)
class Item:
    """A scored leaf of the framework."""

    id: int
    code: str
    scoring: str
    max_score: Decimal | None = None
    levels: tuple[tuple[str, Decimal], ...] = ()  # (label, score)
    is_veto: bool = False
    parent_id: int | None = None
    text: str = ""


@dataclass(frozen=True)
class Node:
    """A section (a node with children): its max (points style) and weight (weights style)."""

    id: int
    code: str
    parent_id: int | None = None
    max_score: Decimal | None = None
    weight: Decimal | None = None
    text: str = ""


@dataclass(frozen=True)
class Tree:
    weighting: str
    items: Mapping[int, Item]
    nodes: Mapping[int, Node] = field(default_factory=dict)
    total_score: Decimal | None = None
    bands: tuple[tuple[str, Decimal], ...] = ()  # (label, min_score), highest first

    def top_of(self, item: Item) -> int | None:
        """The top-level node above an item (None for an item at the top)."""
        parent = item.parent_id
        top = None
        while parent is not None:
            top = parent
            node = self.nodes.get(parent)
            parent = node.parent_id if node is not None else None
        return top


# --- one item ------------------------------------------------------------------------------------
@dataclass(frozen=True)
class Answer:
    """One answer as stored: `value` (points, count, computed number or a level's score) and
    `choice` (a rubric label, "yes" or "no")."""

    value: Decimal | None = None
    choice: str = ""


def _clamp(value: Decimal, top: Decimal | None) -> Decimal:
    if value < ZERO:
        return ZERO
    if top is not None and value > top:
        return top
    return value


def item_score(item: Item, answer: Answer | None) -> Decimal | None:
    """The score of an answer (None: unanswered, or a descriptive count/computed item).

    Lenient: out-of-range numbers are brought back into [0, max]; input is checked strictly by
    `answer_check` before it is stored."""
    if answer is None:
        return None
    top = item.max_score
    if item.scoring == YES_NO:
        if answer.choice in (YES, NO):
            yes = answer.choice == YES
        elif answer.value is not None:
            yes = answer.value > ZERO
        else:
            return None
        return q2(top if top is not None else Decimal(1)) if yes else q2(ZERO)
    if item.scoring == RUBRIC and answer.choice:
        for label, score in item.levels:
            if label == answer.choice:
                return q2(_clamp(score, top))
        return None
    if answer.value is None:
        return None
    if item.scoring in (COUNT, COMPUTED) and top is None:
        return None
    return q2(_clamp(answer.value, top))


class AnswerError(ValueError):
    """An answer that cannot be stored; the message is Chinese (shown on the form and the API)."""


def answer_check(item: Item, *, value: Decimal | str | None, choice: str = "") -> Answer:
    """Validate an answer for `item` and return it normalised (value = its score for yes/no and
    rubric items). Raises AnswerError with the reason."""
    choice = (choice or "").strip()
    if item.scoring == YES_NO:
        if choice not in (YES, NO):
            raise AnswerError(_("%(code)s：请选择“是”或“否”。") % {"code": item.code})
        return Answer(value=item_score(item, Answer(choice=choice)), choice=choice)
    if item.scoring == RUBRIC:
        labels = [label for label, _score in item.levels]
        if choice not in labels:
            raise AnswerError(_("%(code)s：请选择等级（%(levels)s）。") % {"code": item.code, "levels": "/".join(labels)})
        return Answer(value=item_score(item, Answer(choice=choice)), choice=choice)
    if value is None or (isinstance(value, str) and not value.strip()):
        raise AnswerError(_("%(code)s：请填写数值。") % {"code": item.code})
    try:
        number = Decimal(str(value).strip())
    except InvalidOperation:
        raise AnswerError(_("%(code)s：“%(value)s”不是数字。") % {"code": item.code, "value": value}) from None
    if not number.is_finite():
        raise AnswerError(_("%(code)s：“%(value)s”不是数字。") % {"code": item.code, "value": value})
    if number < ZERO:
        raise AnswerError(_("%(code)s：不能为负数。") % {"code": item.code})
    if item.scoring == POINTS and item.max_score is not None and number > item.max_score:
        raise AnswerError(_("%(code)s：得分应在 0 到 %(max)s 之间。") % {"code": item.code,
                                                                   "max": f"{item.max_score.normalize():f}"})
    if number != q2(number):
        raise AnswerError(_("%(code)s：最多保留两位小数。") % {"code": item.code})
    return Answer(value=number)


# --- several raters --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Aggregate:
    value: Decimal | None
    spread: Decimal | None  # max − min of the raters' scores
    raters: int
    pending: bool = False  # "leader" rule, not reconciled yet: the mean is shown meanwhile


def aggregate(scores: Sequence[Decimal], rule: str = MEAN, reconciled: Decimal | None = None) -> Aggregate:
    """Several raters' scores of one item → one verified score (see the module docstring)."""
    if not scores:
        if rule == LEADER and reconciled is not None:
            return Aggregate(q2(reconciled), None, 0)
        return Aggregate(None, None, 0)
    spread = max(scores) - min(scores)
    if rule == LEADER and reconciled is not None:
        return Aggregate(q2(reconciled), spread, len(scores))
    if rule == MEDIAN:
        value = q2(statistics.median(scores))
    else:
        value = q2(sum(scores, ZERO) / len(scores))
    return Aggregate(value, spread, len(scores), pending=rule == LEADER)


# --- totals, veto, grade --------------------------------------------------------------------------
def totals(tree: Tree, scores: Mapping[int, Decimal | None]) -> Decimal | None:
    """The total of a school's item scores (item id → score; missing or None counts 0)."""
    if tree.weighting == W_NONE:
        return None
    if tree.weighting == W_WEIGHTS:
        return _weighted_total(tree, scores)
    # points: sum bottom-up, capping each section at its own max
    section_sum: dict[int | None, Decimal] = {}
    for item in tree.items.values():
        score = scores.get(item.id)
        if score is None:
            continue
        section_sum[item.parent_id] = section_sum.get(item.parent_id, ZERO) + score
    total = _roll_up(tree, section_sum)
    if tree.total_score is not None and total > tree.total_score:
        total = tree.total_score
    return q2(total)


def _roll_up(tree: Tree, section_sum: dict[int | None, Decimal]) -> Decimal:
    """Sum sections into their parents, deepest first, each capped at its max."""
    depth: dict[int, int] = {}

    def depth_of(node_id: int) -> int:
        if node_id not in depth:
            parent = tree.nodes[node_id].parent_id if node_id in tree.nodes else None
            depth[node_id] = 0 if parent is None else depth_of(parent) + 1
        return depth[node_id]

    pending = dict(section_sum)
    total = pending.pop(None, ZERO)
    for node_id in sorted((k for k in pending if k is not None), key=depth_of, reverse=True):
        value = pending.pop(node_id)
        node = tree.nodes.get(node_id)
        if node is not None and node.max_score is not None and value > node.max_score:
            value = node.max_score
        parent = node.parent_id if node is not None else None
        if parent is None:
            total += value
        else:
            pending[parent] = pending.get(parent, ZERO) + value
    return total


def _weighted_total(tree: Tree, scores: Mapping[int, Decimal | None]) -> Decimal | None:
    got: dict[int | None, Decimal] = {}
    out_of: dict[int | None, Decimal] = {}
    for item in tree.items.values():
        if item.max_score is None or item.max_score <= ZERO:
            continue
        top = tree.top_of(item)
        out_of[top] = out_of.get(top, ZERO) + item.max_score
        score = scores.get(item.id)
        if score is not None:
            got[top] = got.get(top, ZERO) + min(score, item.max_score)
    weights = {top: (tree.nodes[top].weight if top is not None and top in tree.nodes else None) for top in out_of}
    weight_sum = sum((w for w in weights.values() if w), ZERO)
    if weight_sum <= ZERO:
        return None
    total = ZERO
    for top, maximum in out_of.items():
        weight = weights[top]
        if weight:
            total += got.get(top, ZERO) / maximum * HUNDRED * weight
    total = total / weight_sum
    if tree.total_score is not None and total > tree.total_score:
        total = tree.total_score
    return q2(total)


def vetoed_items(tree: Tree, scores: Mapping[int, Decimal | None]) -> list[Item]:
    """Veto items whose verified score is zero (unanswered items do not fail)."""
    return [item for item in tree.items.values() if item.is_veto and scores.get(item.id) == ZERO]


def grade(tree: Tree, total: Decimal | None, *, vetoed: bool = False) -> str:
    """The highest band the total reaches; a veto failure gives the lowest band (不合格)."""
    if vetoed:
        return veto_grade(tree)
    if total is None:
        return ""
    for label, minimum in sorted(tree.bands, key=lambda band: band[1], reverse=True):
        if total >= minimum:
            return label
    return ""


def veto_grade(tree: Tree) -> str:
    if tree.bands:
        return min(tree.bands, key=lambda band: band[1])[0]
    return VETO_GRADE


def grade_order(tree: Tree, label: str) -> int:
    """A grade's position, best first (0), unknown/empty last: for "never improves" comparisons."""
    ordered = [label for label, _m in sorted(tree.bands, key=lambda band: band[1], reverse=True)]
    return ordered.index(label) if label in ordered else len(ordered)


# --- ranking --------------------------------------------------------------------------------------
def rank(totals_by: Mapping[K, Decimal | None], *, vetoed: Collection[K] = (),
         method: str = COMPETITION) -> dict[K, int | None]:
    """Rank keys by total, highest first; vetoed keys after every other; None totals unranked.

    competition ("1224"): equals share the rank, the next rank skips as many as shared;
    dense ("1223"): the next rank follows on."""
    vetoed_set = set(vetoed)
    ranked = sorted(((k, t) for k, t in totals_by.items() if t is not None),
                    key=lambda kt: (kt[0] in vetoed_set, -kt[1]))
    out: dict[K, int | None] = {k: None for k, t in totals_by.items() if t is None}
    previous: tuple[bool, Decimal] | None = None
    current = 0
    for position, (key, total) in enumerate(ranked, start=1):
        sort_key = (key in vetoed_set, total)
        if sort_key != previous:
            current = position if method == COMPETITION else current + 1
            previous = sort_key
        out[key] = current
    return out


# --- self vs verified -------------------------------------------------------------------------------
@dataclass(frozen=True)
class Flag:
    indicator: int
    code: str
    kind: str  # "higher" | "yes_no"
    self_score: Decimal
    verified: Decimal

    def as_json(self) -> dict:
        return {"indicator": self.indicator, "code": self.code, "kind": self.kind,
                "self": str(self.self_score), "verified": str(self.verified)}


def discrepancies(tree: Tree, self_answers: Mapping[int, Answer], self_scores: Mapping[int, Decimal | None],
                  verified_answers: Mapping[int, Answer | None], verified_scores: Mapping[int, Decimal | None],
                  threshold: Decimal) -> list[Flag]:
    """Items where the school rated itself better than the inspectors found, in framework order.

    `verified_answers` gives the verified choice for yes/no items (None when raters disagree and no
    single choice stands; then the verified score decides: 0 means 否)."""
    flags: list[Flag] = []
    for item in tree.items.values():
        mine, found = self_scores.get(item.id), verified_scores.get(item.id)
        if mine is None or found is None:
            continue
        if item.scoring == YES_NO:
            answer = self_answers.get(item.id)
            said_yes = answer is not None and (answer.choice == YES or (not answer.choice and mine > ZERO))
            verified = verified_answers.get(item.id)
            found_no = (verified.choice == NO) if verified is not None and verified.choice else found == ZERO
            if said_yes and found_no:
                flags.append(Flag(item.id, item.code, "yes_no", mine, found))
                continue
        if mine - found > threshold:
            flags.append(Flag(item.id, item.code, "higher", mine, found))
    return flags


# --- one school -----------------------------------------------------------------------------------
@dataclass
class ItemResult:
    item: Item
    self_answer: Answer | None
    self_score: Decimal | None
    rater_scores: list[Decimal]
    verified: Decimal | None
    spread: Decimal | None
    pending: bool
    reinspected: bool


@dataclass
class SchoolOutcome:
    self_total: Decimal | None
    verified_total: Decimal | None
    grade: str
    vetoed: bool
    veto_codes: list[str]
    flags: list[Flag]
    items: list[ItemResult]


def evaluate_school(tree: Tree, *, self_answers: Mapping[int, Answer], rater_answers: Mapping[int, Iterable[Answer]],
                    reconciled: Mapping[int, Answer] | None = None, reinspection: Mapping[int, Answer] | None = None,
                    rule: str = MEAN, threshold: Decimal = Decimal(2)) -> SchoolOutcome:
    """Everything about one school from its answers (item id → answer(s)).

    The verified score of an item is its re-inspection answer when there is one (复查 updates the
    result), otherwise the raters' scores aggregated by `rule`. Without any verified score at all
    the verified total, grade and veto stay empty (not yet inspected)."""
    reconciled = reconciled or {}
    reinspection = reinspection or {}
    rows: list[ItemResult] = []
    self_scores: dict[int, Decimal | None] = {}
    verified_scores: dict[int, Decimal | None] = {}
    verified_answers: dict[int, Answer | None] = {}
    any_verified = False
    for item in tree.items.values():
        own = self_answers.get(item.id)
        own_score = item_score(item, own)
        self_scores[item.id] = own_score
        answers = list(rater_answers.get(item.id, ()))
        scores = [s for s in (item_score(item, a) for a in answers) if s is not None]
        again = reinspection.get(item.id)
        if again is not None and item_score(item, again) is not None:
            verified = item_score(item, again)
            verified_answers[item.id] = again
            spread, pending, reinspected = (max(scores) - min(scores)) if scores else None, False, True
        else:
            leader = reconciled.get(item.id)
            agg = aggregate(scores, rule, item_score(item, leader) if leader is not None else None)
            verified, spread, pending, reinspected = agg.value, agg.spread, agg.pending, False
            choices = {a.choice for a in answers if a.choice}
            if rule == LEADER and leader is not None:
                verified_answers[item.id] = leader
            elif len(choices) == 1:
                verified_answers[item.id] = Answer(choice=choices.pop())
            else:
                verified_answers[item.id] = None
        verified_scores[item.id] = verified
        any_verified = any_verified or verified is not None
        rows.append(ItemResult(item, own, own_score, scores, verified, spread, pending, reinspected))
    self_total = totals(tree, self_scores) if any(v is not None for v in self_scores.values()) else None
    if not any_verified:
        return SchoolOutcome(self_total, None, "", False, [], [], rows)
    verified_total = totals(tree, verified_scores)
    failed = vetoed_items(tree, verified_scores)
    flags = discrepancies(tree, self_answers, self_scores, verified_answers, verified_scores, threshold)
    return SchoolOutcome(self_total, verified_total, grade(tree, verified_total, vetoed=bool(failed)), bool(failed),
                         [i.code for i in failed], flags, rows)


# --- the fast path: whole numbers of cents --------------------------------------------------------------
# `results.campaign_results_compute` lets the database aggregate the raters per item (sum, count,
# min, max in cents) and does the rest here in integers: the same rules as above, checked equal to
# them by tests/campaigns/test_scoring_fast.py. Cents are exact, so no rounding happens until the
# weights style divides.
def to_cents(value: Decimal | int | None) -> int | None:
    return None if value is None else int((Decimal(value) * 100).to_integral_value(rounding=ROUND_HALF_UP))


def from_cents(cents: int | None) -> Decimal | None:
    return None if cents is None else Decimal(cents).scaleb(-2)


def mean_cents(total: int, n: int) -> int:
    """The mean of n scores in cents, rounded half up (scores are never negative)."""
    return (2 * total + n) // (2 * n)


@dataclass(frozen=True)
class Plan:
    """A tree prepared for the cents path: each item's section, the sections deepest first with
    their caps and parents."""

    tree: Tree
    item_section: dict[int, int | None]
    sections: tuple[tuple[int, int | None, int | None], ...]  # (node, cap in cents, parent), deepest first
    total_cap: int | None
    top_of: dict[int, int | None]
    out_of: dict[int | None, int]  # weights style: a top node's sum of item maxima (cents)
    weights: dict[int | None, Decimal]
    weight_sum: Decimal


def plan(tree: Tree) -> Plan:
    depth: dict[int, int] = {}

    def depth_of(node_id: int) -> int:
        if node_id not in depth:
            parent = tree.nodes[node_id].parent_id if node_id in tree.nodes else None
            depth[node_id] = 0 if parent is None or parent not in tree.nodes else depth_of(parent) + 1
        return depth[node_id]

    used = {item.parent_id for item in tree.items.values() if item.parent_id is not None}
    for node_id in list(used):  # every ancestor of an item's section
        parent = tree.nodes[node_id].parent_id if node_id in tree.nodes else None
        while parent is not None:
            used.add(parent)
            parent = tree.nodes[parent].parent_id if parent in tree.nodes else None
    sections = tuple((n, to_cents(tree.nodes[n].max_score) if n in tree.nodes else None,
                      tree.nodes[n].parent_id if n in tree.nodes else None)
                     for n in sorted(used, key=depth_of, reverse=True))
    top_of = {item.id: tree.top_of(item) for item in tree.items.values()}
    out_of: dict[int | None, int] = {}
    for item in tree.items.values():
        if item.max_score is not None and item.max_score > ZERO:
            out_of[top_of[item.id]] = out_of.get(top_of[item.id], 0) + (to_cents(item.max_score) or 0)
    weights: dict[int | None, Decimal] = {}
    for top in out_of:
        node = tree.nodes.get(top) if top is not None else None
        weights[top] = node.weight if node is not None and node.weight else ZERO
    return Plan(tree, {item.id: item.parent_id for item in tree.items.values()}, sections,
                to_cents(tree.total_score), top_of, out_of, weights, sum(weights.values(), ZERO))


def totals_cents(p: Plan, cents: Mapping[int, int]) -> Decimal | None:
    """`totals` over item scores in cents (missing items count 0)."""
    tree = p.tree
    if tree.weighting == W_NONE:
        return None
    if tree.weighting == W_WEIGHTS:
        if p.weight_sum <= ZERO:
            return None
        got: dict[int | None, int] = {}
        for item_id, value in cents.items():
            item = tree.items[item_id]
            if item.max_score is None or item.max_score <= ZERO:
                continue
            top = p.top_of[item_id]
            got[top] = got.get(top, 0) + min(value, to_cents(item.max_score) or 0)
        weighted = sum((Decimal(got.get(top, 0)) / maximum * HUNDRED * p.weights[top]
                        for top, maximum in p.out_of.items() if p.weights[top]), ZERO) / p.weight_sum
        if tree.total_score is not None and weighted > tree.total_score:
            weighted = tree.total_score
        return q2(weighted)
    sums: dict[int | None, int] = {}
    for item_id, value in cents.items():
        section = p.item_section[item_id]
        sums[section] = sums.get(section, 0) + value
    total = sums.pop(None, 0)
    for node_id, cap, parent in p.sections:
        value = sums.pop(node_id, 0)
        if cap is not None and value > cap:
            value = cap
        if parent is None or parent not in tree.nodes:
            total += value
        else:
            sums[parent] = sums.get(parent, 0) + value
    if p.total_cap is not None and total > p.total_cap:
        total = p.total_cap
    return from_cents(total)
