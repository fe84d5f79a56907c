"""The API of self-inspection and results: same services and rules as the pages."""

from __future__ import annotations

import uuid
from decimal import Decimal

import pytest

from dudao.campaigns.models import CampaignState, Score
from dudao.campaigns.results import campaign_results_compute
from tests.campaigns.scoring_support import hand_case, items
from tests.campaigns.states import move_to


@pytest.fixture
def campaign(county_campaign):
    move_to(county_campaign, CampaignState.SELF_INSPECTION)
    return county_campaign


def test_school_answers_through_the_api_idempotently(campaign, cast, client):
    client.force_login(cast.school_user)
    codes = items(campaign)
    url = f"/api/v1/campaigns/{campaign.pk}/self-inspection"
    sheet = client.get(url).json()
    assert [i["code"] for i in sheet["items"]] == ["B1", "B2", "B3"] and sheet["missing"] == ["B1", "B2", "B3"]
    assert sheet["items"][2]["levels"] == [{"label": "好", "score": "10"}, {"label": "中", "score": "6"},
                                           {"label": "差", "score": "2"}]
    first = {"indicator_id": codes["B1"].pk, "value": "5", "client_id": str(uuid.uuid4())}
    body = {"report": "自查报告", "answers": [first, {"indicator_id": codes["B2"].pk, "choice": "yes"},
                                             {"indicator_id": codes["B3"].pk, "choice": "中"}]}
    saved = client.post(url, body, content_type="application/json")
    assert saved.status_code == 200 and saved.json()["self_total"] == "15.00"
    client.post(url, {"answers": [{"indicator_id": codes["B1"].pk, "value": "3"}]}, content_type="application/json")
    again = client.post(url, {"answers": [first]}, content_type="application/json")  # the phone retries
    assert again.json()["self_total"] == "13.00"
    assert Score.objects.filter(kind="self").count() == 3
    submitted = client.post(f"{url}/submit", {}, content_type="application/json")
    assert submitted.status_code == 200 and submitted.json()["read_only"] is True
    refused = client.post(url, body, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["detail"] == "自查已提交，不能再修改；如需修改，请联系督导室退回。"


def test_a_wrong_answer_is_refused_by_item_in_chinese(campaign, cast, client):
    client.force_login(cast.school_user)
    url = f"/api/v1/campaigns/{campaign.pk}/self-inspection"
    response = client.post(url, {"answers": [{"indicator_id": items(campaign)["B3"].pk, "choice": "优"}]},
                           content_type="application/json")
    assert response.status_code == 400
    assert response.json()["errors"] == {"B3": ["B3：请选择等级（好/中/差）。"]}


def test_results_and_flags_for_the_office(campaign, cast, client):
    hand_case(campaign, cast)
    campaign_results_compute(campaign=campaign)
    client.force_login(cast.county_staff)
    rows = client.get(f"/api/v1/campaigns/{campaign.pk}/results").json()
    assert [(r["school"], r["rank"], r["verified_total"], r["grade"]) for r in rows] == [
        (cast.A1.name, 1, "15.33", "良好"), (cast.A2.name, 2, "16.00", "不合格"), (cast.A3.name, None, None, "")]
    flags = client.get(f"/api/v1/campaigns/{campaign.pk}/flags").json()
    assert [(r["school"], [(f["code"], f["kind"]) for f in r["flags"]]) for r in flags] == [
        (cast.A1.name, [("B3", "higher")]), (cast.A2.name, [("B2", "yes_no")])]
    detail = client.get(f"/api/v1/campaigns/{campaign.pk}/results/{cast.A1.pk}").json()
    b3 = next(i for i in detail["items"] if i["code"] == "B3")
    assert [Decimal(s) for s in b3["rater_scores"]] == [Decimal(6), Decimal(10), Decimal(6)]
    assert (b3["verified"], b3["spread"], b3["flag"]) == ("7.33", "4.00", "higher")
