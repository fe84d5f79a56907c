"""Hand-computed cases on the `small_version` framework (tests/campaigns/conftest.py):
B1 points 0–6, B2 yes/no 4 (veto), B3 rubric 好 10 / 中 6 / 差 2; total 20;
bands 优秀 ≥ 18, 良好 ≥ 15, 合格 ≥ 12, 不合格."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dudao.campaigns import scoring
from dudao.campaigns.models import Aggregation, SchoolResult
from dudao.campaigns.results import campaign_results_compute, load_tree, school_outcome
from dudao.campaigns.scoring import Answer, Item, Node, Tree
from tests.campaigns.scoring_support import hand_case

D = Decimal


@pytest.fixture
def tree(small_version):
    return load_tree(small_version)


def by_code(tree):
    return {item.code: item for item in tree.items.values()}


def test_the_tree_has_three_items_two_sections_and_four_bands(tree):
    assert sorted(by_code(tree)) == ["B1", "B2", "B3"]
    assert sorted(node.code for node in tree.nodes.values()) == ["A1", "A2"]
    assert [label for label, _m in tree.bands] == ["优秀", "良好", "合格", "不合格"]
    assert by_code(tree)["B2"].is_veto


@pytest.mark.parametrize(("code", "answer", "expected"), [
    ("B1", Answer(value=D("5.5")), D("5.50")),
    ("B1", Answer(value=D(9)), D("6.00")),  # brought back to its max
    ("B2", Answer(choice="yes"), D("4.00")),
    ("B2", Answer(choice="no"), D(0)),
    ("B3", Answer(choice="中"), D("6.00")),
    ("B3", Answer(choice="优"), None),  # not one of its levels
])
def test_item_score_by_scoring_type(tree, code, answer, expected):
    assert scoring.item_score(by_code(tree)[code], answer) == expected


@pytest.mark.parametrize(("code", "value", "choice", "message"), [
    ("B1", "7", "", "B1：得分应在 0 到 6 之间。"),
    ("B1", "abc", "", "B1：“abc”不是数字。"),
    ("B1", "-1", "", "B1：不能为负数。"),
    ("B1", "", "", "B1：请填写数值。"),
    ("B1", "1.234", "", "B1：最多保留两位小数。"),
    ("B2", None, "maybe", "B2：请选择“是”或“否”。"),
    ("B3", None, "优", "B3：请选择等级（好/中/差）。"),
])
def test_answer_check_refuses_in_chinese(tree, code, value, choice, message):
    with pytest.raises(scoring.AnswerError) as exc:
        scoring.answer_check(by_code(tree)[code], value=value, choice=choice)
    assert str(exc.value) == message


def test_mean_of_three_raters(county_campaign, cast, tree):
    hand_case(county_campaign, cast)
    outcome, _answers = school_outcome(county_campaign, cast.A1.pk, tree)
    rows = {row.item.code: row for row in outcome.items}
    assert rows["B1"].verified == D("4.00") and rows["B1"].spread == D(2)
    assert rows["B3"].verified == D("7.33") and rows["B3"].spread == D(4)  # (6 + 10 + 6) / 3
    assert outcome.self_total == D("20.00")
    assert outcome.verified_total == D("15.33")  # 4 + 4 + 7.33
    assert outcome.grade == "良好"
    assert not outcome.vetoed
    # B1: 6 vs 4 is exactly the threshold (2): no flag; B3: 10 vs 7.33 → flagged
    assert [(f.code, f.kind, f.self_score, f.verified) for f in outcome.flags] == [("B3", "higher", D("10.00"), D("7.33"))]


def test_median_of_three_raters(county_campaign, cast, tree):
    hand_case(county_campaign, cast)
    county_campaign.aggregation = Aggregation.MEDIAN
    outcome, _answers = school_outcome(county_campaign, cast.A1.pk, tree)
    assert outcome.verified_total == D("14.00")  # 4 + 4 + 6
    assert outcome.grade == "合格"


def test_veto_failure_fails_the_school_whatever_its_total(county_campaign, cast, tree):
    hand_case(county_campaign, cast)
    outcome, _answers = school_outcome(county_campaign, cast.A2.pk, tree)
    assert outcome.verified_total == D("16.00")  # 6 + 0 + 10: 良好 without the veto
    assert outcome.vetoed and outcome.veto_codes == ["B2"]
    assert outcome.grade == "不合格"
    assert [(f.code, f.kind) for f in outcome.flags] == [("B2", "yes_no")]


def test_results_are_stored_graded_and_ranked(county_campaign, cast):
    hand_case(county_campaign, cast)
    report = campaign_results_compute(campaign=county_campaign, by=cast.county_staff)
    assert (report.schools, report.created, report.vetoed, report.flagged) == (3, 3, 1, 2)
    rows = {r.school_id: r for r in SchoolResult.objects.filter(campaign=county_campaign)}
    a1, a2, a3 = rows[cast.A1.pk], rows[cast.A2.pk], rows[cast.A3.pk]
    assert (a1.verified_total, a1.grade, a1.rank, a1.flag_count) == (D("15.33"), "良好", 1, 1)
    # A2 has the higher total (16) but a failed veto: it ranks after every school without one
    assert (a2.verified_total, a2.grade, a2.vetoed, a2.rank) == (D("16.00"), "不合格", True, 2)
    assert a2.flags == [{"indicator": a2.flags[0]["indicator"], "code": "B2", "kind": "yes_no", "self": "4.00",
                         "verified": "0.00"}]
    assert (a3.verified_total, a3.grade, a3.rank) == (None, "", None)  # not inspected
    # again: the same rows updated, none added
    again = campaign_results_compute(campaign=county_campaign, by=cast.county_staff)
    assert (again.created, again.updated) == (0, 3)
    assert SchoolResult.objects.filter(campaign=county_campaign).count() == 3


def test_only_the_office_computes(county_campaign, cast):
    from django.core.exceptions import PermissionDenied

    for persona in (cast.county_leader, cast.supervisor, cast.school_user, cast.multi):
        with pytest.raises(PermissionDenied):
            campaign_results_compute(campaign=county_campaign, by=persona)


def test_weights_style_scores_each_section_out_of_100_times_its_weight():
    # A1 (×0.4): B1 15/20 = 75 → 30;  A2 (×0.6): B2 6/10 = 60 → 36;  total 66
    items = {11: Item(11, "B1", scoring.POINTS, D(20), parent_id=1), 12: Item(12, "B2", scoring.POINTS, D(10), parent_id=2)}
    for weights in ((D("0.4"), D("0.6")), (D(40), D(60))):
        nodes = {1: Node(1, "A1", weight=weights[0]), 2: Node(2, "A2", weight=weights[1])}
        tree = Tree(scoring.W_WEIGHTS, items, nodes, D(100), (("优秀", D(90)), ("合格", D(60)), ("不合格", D(0))))
        total = scoring.totals(tree, {11: D(15), 12: D(6)})
        assert total == D("66.00")
        assert scoring.grade(tree, total) == "合格"


def test_points_style_caps_a_section_at_its_max():
    items = {11: Item(11, "B1", scoring.POINTS, D(6), parent_id=1), 12: Item(12, "B2", scoring.POINTS, D(6), parent_id=1)}
    tree = Tree(scoring.W_POINTS, items, {1: Node(1, "A1", max_score=D(10))}, D(10))
    assert scoring.totals(tree, {11: D(6), 12: D(6)}) == D("10.00")


def test_competition_and_dense_ranking_by_hand():
    totals = {"a": D(90), "b": D(85), "c": D(85), "d": D(80), "e": None}
    assert scoring.rank(totals) == {"a": 1, "b": 2, "c": 2, "d": 4, "e": None}
    assert scoring.rank(totals, method=scoring.DENSE) == {"a": 1, "b": 2, "c": 2, "d": 3, "e": None}
    assert scoring.rank(totals, vetoed={"a"}) == {"b": 1, "c": 1, "d": 3, "a": 4, "e": None}
