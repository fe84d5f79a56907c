"""The fast path (the database aggregates the raters per item, the rest in whole cents) gives what
the reference functions give, school by school."""

from __future__ import annotations

import random
from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings

from dudao.campaigns import scoring
from dudao.campaigns.models import Aggregation, CampaignSchool, Score, ScoreKind
from dudao.campaigns.results import evaluate, fast_outcomes, load_tree, stream_answers
from tests.campaigns.scoring_support import items
from tests.campaigns.test_scoring_properties import tree_and_answers
from tests.factories import SchoolFactory


@settings(suppress_health_check=[HealthCheck.too_slow], deadline=None)
@given(tree_and_answers())
def test_totals_in_cents_equal_the_decimal_totals(case):
    tree, answers = case
    scores = {pk: scoring.item_score(tree.items[pk], a) for pk, a in answers.items()}
    cents = {pk: scoring.to_cents(s) for pk, s in scores.items() if s is not None}
    assert scoring.totals_cents(scoring.plan(tree), cents) == scoring.totals(tree, scores)


def random_scores(campaign, cast, schools, seed: int) -> None:
    rng = random.Random(seed)
    raters = [cast.supervisor, cast.county_staff, cast.province_staff]
    codes = items(campaign)
    rows = []
    for school in schools:
        for indicator in codes.values():
            if not indicator.scoring:
                continue

            def pick(indicator=indicator):
                if indicator.scoring == "yes_no":
                    choice = rng.choice(["yes", "no"])
                    return (indicator.max_score if choice == "yes" else Decimal(0)), choice
                if indicator.scoring == "rubric":
                    level = rng.choice(indicator.levels)
                    return Decimal(level["score"]), level["label"]
                return Decimal(rng.randint(0, 600)) / 100, ""

            if rng.random() < 0.9:
                value, choice = pick()
                rows.append(Score(campaign=campaign, school=school, indicator=indicator, kind=ScoreKind.SELF,
                                  value=value, choice=choice))
            for rater in rng.sample(raters, rng.randint(0, 3)):
                value, choice = pick()
                rows.append(Score(campaign=campaign, school=school, indicator=indicator, kind=ScoreKind.ONSITE,
                                  rater=rater, value=value, choice=choice))
            for kind in (ScoreKind.RECONCILED, ScoreKind.REINSPECTION):
                if rng.random() < 0.15:
                    value, choice = pick()
                    rows.append(Score(campaign=campaign, school=school, indicator=indicator, kind=kind,
                                      rater=cast.county_staff, value=value, choice=choice))
    Score.objects.bulk_create(rows)


@pytest.mark.parametrize("rule", [Aggregation.MEAN, Aggregation.LEADER])
@pytest.mark.parametrize("seed", [1, 2, 3])
def test_fast_outcomes_equal_the_reference(county_campaign, cast, rule, seed):
    schools = [cast.A1, cast.A2, cast.A3] + [SchoolFactory(region=cast.A1.region) for _ in range(9)]
    for school in schools[3:]:
        CampaignSchool.objects.create(campaign=county_campaign, school=school)
    county_campaign.aggregation = rule
    county_campaign.discrepancy_threshold = Decimal("1.5")
    random_scores(county_campaign, cast, schools, seed)
    tree = load_tree(county_campaign.framework_version)
    fast = fast_outcomes(county_campaign, tree)
    reference = {sid: evaluate(tree, county_campaign, answers) for sid, answers in stream_answers(county_campaign)}
    assert set(fast) == set(reference)
    for sid, ref in reference.items():
        got = fast[sid]
        assert (got.self_total, got.verified_total, got.grade, got.vetoed) == (
            ref.self_total, ref.verified_total, ref.grade, ref.vetoed), sid
        assert got.flags == [f.as_json() for f in ref.flags], sid


@pytest.mark.parametrize("seed", [4, 5])
def test_fast_problems_equal_the_reference(county_campaign, cast, seed):
    from dudao.campaigns import results

    schools = [cast.A1, cast.A2, cast.A3]
    random_scores(county_campaign, cast, schools, seed)
    for n, score in enumerate(Score.objects.filter(kind=ScoreKind.ONSITE).order_by("id")):
        if n % 4 == 0:
            score.note = f"问题{n}"
            score.save()
    tree = load_tree(county_campaign.framework_version)
    fast = results._fast_problems(county_campaign, tree)
    reference = results._reference_problems(county_campaign, tree)
    # the reference's notes come in stream order; compare them sorted
    key = [(p.school_id, p.item.code, p.verified, p.veto, sorted(p.notes)) for p in fast]
    assert key and key == [(p.school_id, p.item.code, p.verified, p.veto, sorted(p.notes)) for p in reference]
