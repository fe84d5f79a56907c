"""The findings API as every persona, against findings inside and outside their scope.

Walks "api-1:list_findings", "api-1:get_finding", "api-1:create_finding", "api-1:finding_action" and
"api-1:upload_evidence": outside the scope everything answers 404 and changes nothing; inside it,
a step the persona's role does not allow answers 403; lists contain exactly the scope.
"""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.access import finding_roles
from dudao.findings.models import Finding, FindingEvidence
from tests.findings.conftest import photo
from tests.findings.views_support import build_spread
from tests.personas import PERSONAS

KEYS = ("A1", "A2", "A3", "B1", "B2", "C1", "D1", "NX", "WC")
CREATORS_AT = {  # persona -> schools it may record a finding at through the API
    "admin": {"A1", "A2", "A3", "B1", "B2", "C1", "D1"},
    "province_staff": {"A1", "A2", "A3", "B1", "B2", "C1"},
    "city_staff": {"A1", "A2", "A3", "B1", "B2", "C1"},
    "county_staff": {"A1", "A2", "A3"},
    "multi": {"B1", "B2"},  # 望城 staff; A3 is only on its supervisor grant, without a supervisor record
    "supervisor": {"A1", "A2"},
    "outsider": {"C1"},
}


@pytest.fixture
def api_spread(ledger):
    return build_spread(ledger)


@pytest.mark.parametrize("persona", PERSONAS)
def test_reads_show_only_the_scope(api_spread, client, cast, persona):
    client.force_login(getattr(cast, persona))
    visible = api_spread.visible_keys(persona)
    listing = client.get(reverse("api-1:list_findings"), {"page": 1})
    assert listing.status_code == 200
    body = listing.json()
    assert body["count"] == len(visible)
    assert {i["id"] for i in body["items"]} == {api_spread.findings[k].pk for k in visible}, persona
    for key in KEYS:
        finding = api_spread.findings[key]
        response = client.get(reverse("api-1:get_finding", args=[finding.pk]))
        if key in visible:
            assert response.status_code == 200 and response.json()["description"] == finding.description
        else:
            assert response.status_code == 404, (persona, key)
            assert finding.description not in response.content.decode()
    # A search for an outside school's name finds nothing.
    for key in set(KEYS) - visible:
        found = client.get(reverse("api-1:list_findings"), {"school": api_spread.findings[key].unit_name}).json()
        assert api_spread.findings[key].pk not in {i["id"] for i in found["items"]}


@pytest.mark.parametrize("persona", PERSONAS)
def test_writes_outside_the_scope_answer_404_and_change_nothing(api_spread, client, cast, persona):
    client.force_login(getattr(cast, persona))
    visible = api_spread.visible_keys(persona)
    for key in set(KEYS) - visible:
        finding = api_spread.findings[key]
        acted = client.post(reverse("api-1:finding_action", args=[finding.pk, "cancel"]), {"note": "越权撤销"},
                            content_type="application/json")
        uploaded = client.post(reverse("api-1:upload_evidence", args=[finding.pk]), {"file": photo("x.png", "#123")})
        assert (acted.status_code, uploaded.status_code) == (404, 404), (persona, key)
    assert not Finding.objects.filter(state="cancelled").exists()
    assert FindingEvidence.objects.count() == len(KEYS)


@pytest.mark.parametrize("persona", PERSONAS)
def test_steps_inside_the_scope_follow_the_table(api_spread, client, cast, persona):
    """The cancel step (office only) on each visible finding: 200 for the office, 403 for the rest."""
    client.force_login(getattr(cast, persona))

    for key in api_spread.visible_keys(persona):
        finding = api_spread.findings[key]
        may = "office" in finding_roles(getattr(cast, persona), finding)
        response = client.post(reverse("api-1:finding_action", args=[finding.pk, "cancel"]), {"note": "重复登记"},
                               content_type="application/json")
        assert response.status_code == (200 if may else 403), (persona, key)
        finding.refresh_from_db()
        assert (finding.state == "cancelled") is may


@pytest.mark.parametrize("persona", PERSONAS)
def test_create_only_inside_the_scope(api_spread, client, cast, persona):
    client.force_login(getattr(cast, persona))
    allowed = CREATORS_AT.get(persona, set())
    before = Finding.objects.count()
    for key in ("A1", "A3", "B1", "C1", "D1"):
        school = getattr(cast, key)
        response = client.post(reverse("api-1:create_finding"), {
            "school_id": school.pk, "category": "safety", "description": f"{persona} 登记 {key}",
            "requirement": "整改", "deadline": (timezone.localdate() + timedelta(days=10)).isoformat()},
            content_type="application/json")
        if key in allowed:
            assert response.status_code == 201, (persona, key, response.content)
        else:
            assert response.status_code in (403, 404), (persona, key)
            if key not in api_spread.visible_keys(persona):
                assert response.status_code in (403, 404) and school.name not in response.content.decode()
    assert Finding.objects.count() == before + len(allowed & {"A1", "A3", "B1", "C1", "D1"})
