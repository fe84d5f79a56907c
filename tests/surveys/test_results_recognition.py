"""county_recognition (for the county evaluation) on the hand-checked world (tests/surveys/results_world.py)."""

from __future__ import annotations

from decimal import Decimal

import pytest

from dudao.regions.models import Region
from dudao.surveys.results import Recognition, county_recognition
from tests.surveys.results_world import build_world


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_county_recognition_by_hand(world):
    result = county_recognition(Region.objects.get(code="430182"), year=2026, kind="recognition")
    # 17 satisfied of 20 rated (voided r4 left out) = 85.00 %: exactly the line, which passes (≥ 85 %).
    assert result == Recognition(rate=Decimal("85.00"), valid=7, target=9, pass_line=Decimal("85"), passes=True,
                                 surveys=[world.survey.pk])


def test_last_year_and_other_kinds(world):
    county = Region.objects.get(code="430182")
    before = county_recognition(county, year=2025, kind="recognition")
    assert (before.rate, before.valid, before.target, before.passes) == (Decimal("33.33"), 1, 5, False)
    none = county_recognition(county, year=2026, kind="satisfaction")
    assert (none.rate, none.valid, none.target, none.passes, none.surveys) == (None, 0, 0, None, [])


def test_a_township_survey_counts_for_its_county_not_a_neighbour(world):
    township = world.links["A1"].region
    world.survey.region = township
    world.survey.save()
    assert county_recognition(Region.objects.get(code="430182"), year=2026, kind="recognition").valid == 7
    assert county_recognition(Region.objects.get(code="430112"), year=2026, kind="recognition").valid == 0


def test_all_voided_has_no_rate(world):
    world.survey.responses.update(voided=True)
    result = county_recognition(Region.objects.get(code="430182"), year=2026, kind="recognition")
    assert (result.rate, result.valid, result.passes, result.target) == (None, 0, None, 9)
