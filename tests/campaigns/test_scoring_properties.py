"""Properties of the pure scoring engine (campaigns/scoring.py), over generated frameworks and answers."""

from __future__ import annotations

from decimal import Decimal

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.campaigns import scoring
from dudao.campaigns.scoring import Answer, Item, Node, Tree

scores = st.decimals(min_value=0, max_value=100, places=2, allow_nan=False, allow_infinity=False)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(scores, min_size=1, max_size=7), st.sampled_from([scoring.MEAN, scoring.MEDIAN, scoring.LEADER]))
def test_aggregate_lies_between_min_and_max_and_reports_the_spread(values, rule):
    result = scoring.aggregate(values, rule)
    assert min(values) <= result.value <= max(values)
    assert result.spread == max(values) - min(values)
    assert result.raters == len(values)
    assert result.pending == (rule == scoring.LEADER)  # not reconciled: the mean meanwhile


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(st.lists(scores, min_size=1, max_size=7), scores)
def test_leader_reconciled_score_wins_whatever_the_raters_gave(values, reconciled):
    result = scoring.aggregate(values, scoring.LEADER, reconciled)
    assert result.value == reconciled
    assert not result.pending
    assert result.spread == max(values) - min(values)


@st.composite
def trees(draw, weighting=None):
    """A framework of 1–4 sections with 1–5 items each, mixed scoring types, some veto items."""
    weighting = weighting or draw(st.sampled_from([scoring.W_POINTS, scoring.W_WEIGHTS]))
    items: dict[int, Item] = {}
    nodes: dict[int, Node] = {}
    next_id = 1
    for s in range(draw(st.integers(1, 4))):
        section = next_id
        next_id += 1
        section_items = []
        for _i in range(draw(st.integers(1, 5))):
            kind = draw(st.sampled_from([scoring.POINTS, scoring.YES_NO, scoring.RUBRIC, scoring.COUNT]))
            top = Decimal(draw(st.integers(1, 20)))
            levels = ()
            if kind == scoring.RUBRIC:
                levels = (("好", top), ("中", (top / 2).quantize(Decimal("0.01"))), ("差", Decimal(0)))
            items[next_id] = Item(id=next_id, code=f"B{next_id}", scoring=kind, max_score=top, levels=levels,
                                  is_veto=draw(st.booleans()) and kind == scoring.YES_NO, parent_id=section)
            section_items.append(top)
            next_id += 1
        nodes[section] = Node(id=section, code=f"A{s + 1}", max_score=sum(section_items, Decimal(0)),
                              weight=Decimal(draw(st.integers(1, 40))) / 100)
    total = (sum((n.max_score for n in nodes.values()), Decimal(0)) if weighting == scoring.W_POINTS
             else Decimal(100))
    bands = (("优秀", total * Decimal("0.9")), ("良好", total * Decimal("0.75")), ("合格", total * Decimal("0.6")),
             ("不合格", Decimal(0)))
    return Tree(weighting=weighting, items=items, nodes=nodes, total_score=total, bands=bands)


@st.composite
def answer_for(draw, item: Item) -> Answer:
    if item.scoring == scoring.YES_NO:
        return Answer(choice=draw(st.sampled_from([scoring.YES, scoring.NO])))
    if item.scoring == scoring.RUBRIC:
        return Answer(choice=draw(st.sampled_from([label for label, _s in item.levels])))
    return Answer(value=draw(st.decimals(min_value=-5, max_value=item.max_score + 5, places=2)))


@st.composite
def tree_and_answers(draw):
    tree = draw(trees())
    answers = {pk: draw(answer_for(item)) for pk, item in tree.items.items()
               if draw(st.integers(0, 9)) > 0}  # about one in ten unanswered
    return tree, answers


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(tree_and_answers())
def test_item_score_stays_within_zero_and_max(case):
    tree, answers = case
    for pk, answer in answers.items():
        item = tree.items[pk]
        score = scoring.item_score(item, answer)
        assert score is not None
        assert Decimal(0) <= score <= item.max_score


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(tree_and_answers())
def test_total_never_exceeds_the_total_score_nor_goes_below_zero(case):
    tree, answers = case
    item_scores = {pk: scoring.item_score(tree.items[pk], a) for pk, a in answers.items()}
    total = scoring.totals(tree, item_scores)
    assert Decimal(0) <= total <= tree.total_score


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(tree_and_answers())
def test_full_marks_everywhere_give_the_total_score(case):
    tree, _answers = case
    total = scoring.totals(tree, {pk: item.max_score for pk, item in tree.items.items()})
    assert total == tree.total_score.quantize(Decimal("0.01"))


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(tree_and_answers(), st.data())
def test_raising_one_item_never_lowers_the_total(case, data):
    tree, answers = case
    item_scores = {pk: scoring.item_score(tree.items[pk], a) for pk, a in answers.items()}
    pk = data.draw(st.sampled_from(sorted(tree.items)))
    better = {**item_scores, pk: tree.items[pk].max_score}
    assert scoring.totals(tree, better) >= scoring.totals(tree, item_scores)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(tree_and_answers(), st.data())
def test_a_veto_failure_never_improves_the_grade(case, data):
    tree, answers = case
    item_scores = {pk: scoring.item_score(tree.items[pk], a) for pk, a in answers.items()}
    total = scoring.totals(tree, item_scores)
    failed_before = bool(scoring.vetoed_items(tree, item_scores))
    before = scoring.grade(tree, total, vetoed=failed_before)
    # one more veto item fails (its score becomes 0): the total can only drop, the grade is 不合格
    veto = [pk for pk, item in tree.items.items() if item.is_veto]
    if not veto:
        veto_item = data.draw(st.sampled_from(sorted(tree.items)))
        tree = Tree(tree.weighting, {**tree.items, veto_item: Item(**{**tree.items[veto_item].__dict__, "is_veto": True})},
                    tree.nodes, tree.total_score, tree.bands)
        veto = [veto_item]
    failing = {**item_scores, data.draw(st.sampled_from(veto)): Decimal(0)}
    after_total = scoring.totals(tree, failing)
    after = scoring.grade(tree, after_total, vetoed=bool(scoring.vetoed_items(tree, failing)))
    assert after == "不合格"
    assert scoring.grade_order(tree, after) >= scoring.grade_order(tree, before)


totals_maps = st.dictionaries(st.integers(1, 60), st.one_of(st.none(), scores), max_size=30)


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(totals_maps, st.sets(st.integers(1, 60)), st.sampled_from([scoring.COMPETITION, scoring.DENSE]))
def test_ranking_is_consistent_with_totals(totals, vetoed, method):
    ranks = scoring.rank(totals, vetoed=vetoed, method=method)
    assert set(ranks) == set(totals)
    ranked = [k for k, t in totals.items() if t is not None]
    assert all(ranks[k] is None for k, t in totals.items() if t is None)
    for a in ranked:
        for b in ranked:
            key_a, key_b = (a not in vetoed, totals[a]), (b not in vetoed, totals[b])
            if key_a > key_b:
                assert ranks[a] < ranks[b]
            elif key_a == key_b:
                assert ranks[a] == ranks[b]
    if ranked:
        assert min(ranks[k] for k in ranked) == 1
        if method == scoring.COMPETITION:  # "1224": a rank is 1 + the count of strictly better keys
            for a in ranked:
                better = sum(1 for b in ranked if (b not in vetoed, totals[b]) > (a not in vetoed, totals[a]))
                assert ranks[a] == better + 1
        else:  # dense: ranks are 1..number of distinct keys, no gaps
            distinct = {(k not in vetoed, totals[k]) for k in ranked}
            assert {ranks[k] for k in ranked} == set(range(1, len(distinct) + 1))


@settings(max_examples=50, suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(tree_and_answers(), st.decimals(min_value=0, max_value=5, places=2))
def test_no_flag_when_the_school_rated_itself_as_the_inspectors_did(case, threshold):
    tree, answers = case
    outcome = scoring.evaluate_school(tree, self_answers=answers, rater_answers={pk: [a] for pk, a in answers.items()},
                                      threshold=threshold)
    assert outcome.flags == []
    assert outcome.self_total == outcome.verified_total
