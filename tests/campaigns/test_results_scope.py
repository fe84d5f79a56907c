"""Every self-inspection and results URL (pages and API) as every persona of tests/personas.py, on
the 宁乡 county campaign over A1–A3 (tests/campaigns/conftest.py).

The rule (campaigns/access.py, selectors.result_schools): the campaign's office and the offices above (staff and
leaders) and admins read the office pages; staff (not leaders) act; the A1 school account fills
its own self-inspection and reads its own result once published; everyone else — a supervisor of
A1 who is in no team, the evaluator, another county, an account without roles — gets 404
(existence not disclosed). Anonymous: the login page (API: 401).

URL names walked here (tests/access/coverage_campaigns_scoring.py): "campaigns:self_form",
"campaigns:self_evidence_upload", "campaigns:self_evidence_file", "campaigns:self_evidence_delete",
"campaigns:self_list", "campaigns:self_reopen", "campaigns:self_late", "campaigns:result_list",
"campaigns:result_export", "campaigns:result_compute", "campaigns:result_findings",
"campaigns:result_school", "api-1:get_self_inspection", "api-1:save_self_inspection",
"api-1:submit_self_inspection", "api-1:list_results", "api-1:list_flags", "api-1:get_school_result".
"""

from __future__ import annotations

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from dudao.campaigns.models import CampaignEvidence, CampaignState
from tests.campaigns.scoring_support import hand_case
from tests.campaigns.states import move_to
from tests.findings.conftest import png_bytes
from tests.personas import PERSONAS

OFFICE_READ = {"admin", "province_staff", "city_staff", "county_staff", "county_leader"}
OFFICE_WRITE = OFFICE_READ - {"county_leader"}
SCHOOL = {"school_user"}


def expect(persona: str, *, office: int, school: int, writer: int | None = None) -> int:
    """The status a persona must get: office readers `office` (staff `writer` when it differs for
    leaders, who get 403), the A1 account `school`, everyone else 404."""
    if persona in OFFICE_READ:
        if writer is not None:
            return writer if persona in OFFICE_WRITE else 403
        return office
    if persona in SCHOOL:
        return school
    return 404


@pytest.fixture
def world(county_campaign, cast, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    move_to(county_campaign, CampaignState.SELF_INSPECTION)
    hand_case(county_campaign, cast)
    return county_campaign


def evidence(campaign, cast) -> CampaignEvidence:
    e = CampaignEvidence(campaign=campaign, school=cast.A1, kind="self", original_name="台账.png",
                         content_type="image/png", size=10, sha256="0" * 64, uploaded_by=cast.school_user)
    e.file.save("x.png", ContentFile(png_bytes()), save=False)
    e.save()
    return e


@pytest.mark.parametrize("persona", PERSONAS)
def test_pages_answer_by_scope(world, cast, client, persona):
    campaign = world
    client.force_login(getattr(cast, persona))
    pk = campaign.pk
    hidden = {cast.B1.name, cast.C1.name, cast.D1.name}
    cases = [
        ("get", reverse("campaigns:self_form", args=[pk]), {}, expect(persona, office=403, school=200)),
        ("post", reverse("campaigns:self_evidence_upload", args=[pk]), {}, expect(persona, office=403, school=302)),
        ("get", reverse("campaigns:self_list", args=[pk]), {}, expect(persona, office=200, school=403)),
        ("get", reverse("campaigns:self_late", args=[pk]), {}, expect(persona, office=200, school=403)),
        ("get", reverse("campaigns:result_list", args=[pk]), {}, expect(persona, office=200, school=403)),
        ("get", reverse("campaigns:result_export", args=[pk]), {}, expect(persona, office=200, school=403)),
        ("get", reverse("campaigns:result_school", args=[pk, cast.A1.pk]), {}, expect(persona, office=200, school=404)),
        ("get", reverse("campaigns:result_school", args=[pk, cast.B1.pk]), {}, 404),  # not in the campaign
        ("post", reverse("campaigns:result_compute", args=[pk]), {}, expect(persona, office=0, school=403, writer=302)),
        ("post", reverse("campaigns:result_findings", args=[pk]), {"deadline": "2030-01-01"},
         expect(persona, office=0, school=403, writer=302)),
        ("post", reverse("campaigns:self_reopen", args=[pk, cast.A1.pk]), {"reason": "补充"},
         expect(persona, office=0, school=403, writer=302)),
    ]
    for method, url, data, status in cases:
        response = getattr(client, method)(url, data)
        assert response.status_code == status, (persona, url, response.status_code)
        if status == 200 and not response.streaming:
            text = response.content.decode()
            assert not [n for n in hidden if n in text], (persona, url)
            if persona in SCHOOL:
                assert cast.A2.name not in text and cast.A3.name not in text
    e = evidence(campaign, cast)
    file_status = expect(persona, office=200, school=200)
    assert client.get(reverse("campaigns:self_evidence_file", args=[pk, e.pk])).status_code == file_status
    delete = client.post(reverse("campaigns:self_evidence_delete", args=[pk, e.pk]))
    assert delete.status_code == expect(persona, office=403, school=302), persona
    assert CampaignEvidence.objects.filter(pk=e.pk).exists() == (persona not in SCHOOL)


@pytest.mark.parametrize("persona", PERSONAS)
def test_api_answers_by_scope(world, cast, client, persona):
    campaign = world
    client.force_login(getattr(cast, persona))
    base = f"/api/v1/campaigns/{campaign.pk}"
    cases = [
        ("get", f"{base}/self-inspection", None, expect(persona, office=403, school=200)),
        ("post", f"{base}/self-inspection", {"answers": []}, expect(persona, office=403, school=200)),
        ("post", f"{base}/self-inspection/submit", {}, expect(persona, office=403, school=400)),
        ("get", f"{base}/results", None, expect(persona, office=200, school=403)),
        ("get", f"{base}/flags", None, expect(persona, office=200, school=403)),
        ("get", f"{base}/results/{cast.A1.pk}", None, expect(persona, office=200, school=404)),
    ]
    for method, url, body, status in cases:
        if method == "get":
            response = client.get(url)
        else:
            response = client.post(url, body, content_type="application/json")
        assert response.status_code == status, (persona, url, response.status_code, response.content[:200])
        if status >= 400:
            assert set(response.json()) >= {"code", "detail"}


def test_the_school_reads_its_result_once_published(world, cast, client):
    move_to(world, CampaignState.PRELIMINARY)
    client.force_login(cast.school_user)
    assert client.get(reverse("campaigns:result_school", args=[world.pk, cast.A1.pk])).status_code == 200
    assert client.get(f"/api/v1/campaigns/{world.pk}/results/{cast.A1.pk}").status_code == 200
    assert client.get(f"/api/v1/campaigns/{world.pk}/results/{cast.A2.pk}").status_code == 404


def test_anonymous_is_sent_to_login(world, cast, client):
    page = client.get(reverse("campaigns:result_list", args=[world.pk]))
    assert page.status_code == 302 and "/accounts/login/" in page["Location"]
    assert client.get(f"/api/v1/campaigns/{world.pk}/results").status_code == 401


@pytest.mark.parametrize(("state", "unannounced", "status"), [
    (CampaignState.DRAFT, False, 404),  # not notified yet
    (CampaignState.APPROVED, False, 404),
    (CampaignState.SELF_INSPECTION, False, 200),
    (CampaignState.ONSITE, True, 404),  # 暗访: the school is not told before the visit
    (CampaignState.PRELIMINARY, True, 200),
])
def test_a_school_learns_of_a_campaign_with_its_notice(world, cast, client, state, unannounced, status):
    world.events.all().delete()  # as if the campaign had come straight to this state
    move_to(world, state, unannounced=unannounced)
    client.force_login(cast.school_user)
    # the result page answers once published; before the notice (or an unannounced visit) nothing exists for it
    url = reverse("campaigns:result_school", args=[world.pk, cast.A1.pk])
    assert client.get(url).status_code == (200 if status == 200 and state == CampaignState.PRELIMINARY else 404)
    assert client.get(reverse("campaigns:self_late", args=[world.pk])).status_code == (403 if status == 200 else 404)
