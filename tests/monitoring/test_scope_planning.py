"""The decision-support URLs (达标测算) as every persona (tests/personas.py), over counties,
a city and provinces inside and outside the persona's scope.

Same rule as the county dashboard (monitoring/selectors.py, `access_area`): office staff and
leaders of the county or above and admins read it; a region outside the scope answers 404, one
seen only through one's schools 403; a city or province (not a county) 404 for those who may read
it. No out-of-scope school name reaches the page or the Excel file. Named in OWN_TESTS
(tests/monitoring/test_scope.py): "monitoring:planning", "monitoring:planning_export".
"""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.monitoring.models import AreaResult
from tests.monitoring.dash_support import YEAR, build
from tests.monitoring.test_scope import CODES, area_status, assert_no_leak
from tests.personas import PERSONAS
from tests.xlsx import xlsx_rows

PLANNING_URLS = ("monitoring:planning", "monitoring:planning_export")


@pytest.fixture
def world(cast):
    build(cast)
    return cast


def expected_status(cast, persona: str, code: str) -> int:
    status = area_status(cast, persona, code)
    if status != 200:
        return status
    return 200 if len(code) == 6 else 404  # planning is per county


def has_result(code: str, stage: str) -> bool:
    return AreaResult.objects.filter(scheme="quality_2017", year=YEAR, stage=stage, region__code=code).exists()


@pytest.mark.parametrize("persona", PERSONAS)
def test_planning_answers_by_scope_and_never_leaks(world, client, persona):
    cast = world
    client.force_login(getattr(cast, persona))
    for code in CODES:
        expected = expected_status(cast, persona, code)
        for stage in ("primary", "junior"):
            for name in PLANNING_URLS:
                response = client.get(reverse(name), {"region": code, "year": YEAR, "stage": stage,
                                                       "scheme": "quality_2017"})
                wanted = expected
                if expected == 200 and name == "monitoring:planning_export" and not has_result(code, stage):
                    wanted = 404  # no stored result for the stage (浏阳 has no junior school): no plan to export
                assert response.status_code == wanted, (name, persona, code, stage, response.status_code)
                if response.status_code != 200:
                    continue
                if name == "monitoring:planning_export":
                    text = " ".join(str(cell) for row in xlsx_rows(response) for cell in row)
                else:
                    text = response.content.decode()
                assert_no_leak(cast, persona, text, f"{name} {code} {stage}")


def test_a_county_office_plans_only_its_own_county(world, client):
    cast = world
    for persona in ("county_staff", "county_leader"):
        client.force_login(getattr(cast, persona))
        page = client.get(reverse("monitoring:planning"), {"year": YEAR}).content.decode()  # its own county
        assert "宁乡市" in page and cast.A1.name in page
        for code in ("430112", "430181", "110101"):
            assert client.get(reverse("monitoring:planning"), {"region": code, "year": YEAR}).status_code == 404
        rows = xlsx_rows(client.get(reverse("monitoring:planning_export"), {"year": YEAR}))
        assert {row[1] for row in rows[1:-1]} <= {cast.A1.name, "宁乡测试二小", "宁乡测试三小"}


def test_anonymous_is_sent_to_login(world, client):
    for name in PLANNING_URLS:
        response = client.get(reverse(name), {"region": "430182", "year": YEAR})
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), name
