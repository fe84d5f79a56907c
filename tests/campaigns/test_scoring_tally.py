"""The per-(campaign, school, item) tally of the scores (campaigns/tally.py) equals a fresh GROUP BY
of the scores after every kind of write — a create, an update of the value, the choice, the kind or
the key, a delete, a bulk insert, a bulk UPDATE and DELETE, the services' self-inspection saves,
deleting a campaign — and after a rebuild; the triggers of migration 0002_glue_score_tally keep it,
on SQLite and PostgreSQL alike. The results computed from it are the hand-computed ones."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dudao.campaigns.models import Score, ScoreKind, ScoreTally
from dudao.campaigns.results import campaign_results_compute
from dudao.campaigns.tally import score_tally_expected, score_tally_rebuild, score_tally_stored
from tests.campaigns.scoring_support import answer, hand_case, items


def assert_fresh(campaign=None) -> None:
    assert score_tally_stored(campaign) == score_tally_expected(campaign)


def row(campaign, school, code) -> tuple | None:
    """(self, self choice, raters, raters' sum, yes, no, reconciled, re-inspection) in cents."""
    found = ScoreTally.objects.filter(campaign=campaign, school=school, indicator=items(campaign)[code]).first()
    if found is None:
        return None
    return (found.self_cents, found.self_choice, found.onsite_count, found.onsite_sum, found.onsite_yes,
            found.onsite_no, found.reconciled_cents, found.reinspection_cents)


def test_the_hand_case_by_hand(county_campaign, cast):
    hand_case(county_campaign, cast)
    c = county_campaign
    # A1 B1: self 6, raters 5 + 4 + 3 = 12 (cents); B2 是 = max 4, raters three 是; B3 好 10, raters 中 6 / 好 10 / 中 6
    assert row(c, cast.A1, "B1") == (600, "", 3, 1200, 0, 0, None, None)
    assert row(c, cast.A1, "B2") == (400, "yes", 3, 1200, 3, 0, None, None)
    assert row(c, cast.A1, "B3") == (1000, "好", 3, 2200, 0, 0, None, None)
    assert row(c, cast.A2, "B2") == (400, "yes", 1, 0, 0, 1, None, None)
    assert row(c, cast.A3, "B1") is None and ScoreTally.objects.count() == 6
    assert_fresh(c)


def test_updates_move_the_tally(county_campaign, cast):
    hand_case(county_campaign, cast)
    c = county_campaign
    score = Score.objects.get(campaign=c, school=cast.A1, indicator=items(c)["B1"], rater=cast.supervisor)
    score.value = Decimal("9")  # above the max 6: clamped
    score.save()
    assert row(c, cast.A1, "B1") == (600, "", 3, 600 + 400 + 300, 0, 0, None, None)
    score.kind = ScoreKind.RECONCILED
    score.value = Decimal("4.5")
    score.save()
    assert row(c, cast.A1, "B1") == (600, "", 2, 700, 0, 0, 450, None)
    score.school = cast.A3  # moved to another key: the old one loses it, the new one gains it
    score.save()
    assert row(c, cast.A3, "B1") == (None, None, 0, None, 0, 0, 450, None)
    b2 = Score.objects.get(campaign=c, school=cast.A1, indicator=items(c)["B2"], rater=cast.county_staff)
    b2.choice, b2.value = "no", Decimal(0)
    b2.save()
    assert row(c, cast.A1, "B2")[2:6] == (3, 800, 2, 1)
    assert_fresh(c)


def test_deletes_and_bulk_writes(county_campaign, cast):
    hand_case(county_campaign, cast)
    c = county_campaign
    Score.objects.filter(campaign=c, school=cast.A1, kind=ScoreKind.ONSITE, rater=cast.province_staff).delete()
    assert row(c, cast.A1, "B1") == (600, "", 2, 900, 0, 0, None, None)
    Score.objects.filter(campaign=c, kind=ScoreKind.ONSITE).update(value=Decimal("1"), choice="")
    assert row(c, cast.A1, "B1")[2:4] == (2, 200) and row(c, cast.A1, "B2")[2:6] == (2, 200, 0, 0)
    b1 = items(c)["B1"]
    Score.objects.bulk_create([Score(campaign=c, school=cast.A3, indicator=b1, kind=ScoreKind.ONSITE, rater=r,
                                     value=Decimal(v)) for r, v in ((cast.supervisor, "2.5"), (cast.county_staff, "-1"))])
    assert row(c, cast.A3, "B1") == (None, None, 2, 250, 0, 0, None, None)  # -1 counts as 0
    Score.objects.filter(campaign=c, school=cast.A2).delete()
    assert row(c, cast.A2, "B1") is None
    assert_fresh(c)
    c.delete()
    assert ScoreTally.objects.count() == 0 and score_tally_expected() == {}


def test_reinspection_and_rebuild(county_campaign, cast):
    hand_case(county_campaign, cast)
    c = county_campaign
    answer(c, cast.A1, "B1", kind=ScoreKind.REINSPECTION, rater=cast.county_staff, value=6)
    assert row(c, cast.A1, "B1")[7] == 600
    ScoreTally.objects.filter(campaign=c).delete()  # a table restored without its rows
    assert score_tally_rebuild(c) == 6  # A1 and A2 × B1–B3
    assert_fresh(c)
    report = campaign_results_compute(campaign=c)
    assert report.schools == 3
    a1 = c.results.get(school=cast.A1)
    # A1: B1 re-inspected 6, B2 是 4, B3 mean (6 + 10 + 6) / 3 = 7.33 → 17.33; self 20
    assert (a1.verified_total, a1.self_total) == (Decimal("17.33"), Decimal("20.00"))


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(["create", "update", "delete", "bulk", "bulk_update"]),
                          st.integers(0, 2), st.sampled_from(["B1", "B2", "B3"]),
                          st.sampled_from(list(ScoreKind.values)), st.integers(0, 2),
                          st.decimals(min_value=-2, max_value=12, places=2)), max_size=15))
def test_any_sequence_of_writes_keeps_it_fresh(county_campaign, cast, writes):
    c = county_campaign
    schools = [cast.A1, cast.A2, cast.A3]
    raters = [cast.supervisor, cast.county_staff, cast.province_staff]
    codes = items(c)
    Score.objects.filter(campaign=c).delete()
    for op, s, code, kind, r, value in writes:
        rater = None if kind == ScoreKind.SELF else raters[r]
        key = {"campaign": c, "school": schools[s], "indicator": codes[code], "kind": kind, "rater": rater}
        existing = Score.objects.filter(**key).first()
        choice = "" if code == "B1" else ("yes" if value > 1 else "no") if code == "B2" else "中"
        if op == "create" and existing is None:
            Score.objects.create(**key, value=value, choice=choice)
        elif op == "update" and existing is not None:
            existing.value, existing.choice = value, choice
            existing.save()
        elif op == "delete" and existing is not None:
            existing.delete()
        elif op == "bulk":
            Score.objects.bulk_create([Score(**{**key, "school": school}, value=value, choice=choice)
                                       for school in schools], ignore_conflicts=True)
        elif op == "bulk_update":
            Score.objects.filter(campaign=c, indicator=codes[code]).update(value=value)
    assert_fresh(c)


@pytest.mark.django_db
def test_an_empty_database_has_an_empty_tally():
    assert score_tally_stored() == score_tally_expected() == {}
