"""Helpers of the scoring, self-inspection and results tests: answers on the `small_version`
framework (tests/campaigns/conftest.py) for the `county_campaign` schools.

`hand_case(campaign, cast)` stores the hand-computed case of test_scoring_hand.py:

A1 — self: B1 6, B2 是, B3 好 (self total 20);
     raters (supervisor, county_staff, province_staff): B1 5/4/3, B2 是/是/是, B3 中/好/中;
     supervisor notes on B1 "安全台账不全".
A2 — self: B1 5, B2 是, B3 中 (15); one rater (supervisor): B1 6, B2 否, B3 好.
A3 — nothing.
"""

from __future__ import annotations

from decimal import Decimal

from dudao.campaigns.models import Score, ScoreKind
from dudao.frameworks.models import Indicator


def items(campaign) -> dict[str, Indicator]:
    return {i.code: i for i in Indicator.objects.filter(version=campaign.framework_version)}


def answer(campaign, school, code: str, *, kind=ScoreKind.SELF, rater=None, value=None, choice="", note=""):
    indicator = items(campaign)[code]
    if indicator.scoring == "yes_no" and choice:
        value = indicator.max_score if choice == "yes" else Decimal(0)
    if indicator.scoring == "rubric" and choice:
        value = next(Decimal(str(level["score"])) for level in indicator.levels if level["label"] == choice)
    return Score.objects.create(campaign=campaign, school=school, indicator=indicator, kind=kind, rater=rater,
                                value=None if value is None else Decimal(str(value)), choice=choice, note=note)


def hand_case(campaign, cast) -> None:
    A1, A2 = cast.A1, cast.A2
    for code, value, choice in (("B1", 6, ""), ("B2", None, "yes"), ("B3", None, "好")):
        answer(campaign, A1, code, value=value, choice=choice)
    raters = (cast.supervisor, cast.county_staff, cast.province_staff)
    for rater, b1, b2, b3 in zip(raters, (5, 4, 3), ("yes", "yes", "yes"), ("中", "好", "中"), strict=True):
        answer(campaign, A1, "B1", kind=ScoreKind.ONSITE, rater=rater, value=b1,
               note="安全台账不全" if rater == cast.supervisor else "")
        answer(campaign, A1, "B2", kind=ScoreKind.ONSITE, rater=rater, choice=b2)
        answer(campaign, A1, "B3", kind=ScoreKind.ONSITE, rater=rater, choice=b3)
    for code, value, choice in (("B1", 5, ""), ("B2", None, "yes"), ("B3", None, "中")):
        answer(campaign, A2, code, value=value, choice=choice)
    for code, value, choice in (("B1", 6, ""), ("B2", None, "no"), ("B3", None, "好")):
        answer(campaign, A2, code, kind=ScoreKind.ONSITE, rater=cast.supervisor, value=value, choice=choice)
