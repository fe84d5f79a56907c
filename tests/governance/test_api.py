"""The 督政 API: the same services and rules as the pages. The unit's government user fills and submits
its self-assessment; the office reads the results table, whose figures agree with the page, the
Excel file and the unit's detail (hand arithmetic on the test framework of conftest.py)."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from dudao.governance import services
from dudao.governance.models import CampaignUnit
from tests.governance.conftest import move, png_upload
from tests.xlsx import xlsx_rows


def _self_url(gov, entry) -> str:
    return reverse("api-1:save_gov_self", kwargs={"campaign_id": gov.campaign.pk, "entry_id": entry.pk})


def _detail_url(gov, entry) -> str:
    return reverse("api-1:get_gov_unit", kwargs={"campaign_id": gov.campaign.pk, "entry_id": entry.pk})


def test_the_unit_fills_and_submits_its_self_assessment(cast, gov, client):
    move(gov, "self_inspection")
    i = gov.items
    client.force_login(gov.gov_a)
    listed = client.get(reverse("api-1:list_gov_campaigns")).json()
    assert listed["count"] == 1 and listed["items"][0]["state_label"] == "自评"
    detail = client.get(_detail_url(gov, gov.entry_a)).json()
    assert detail["may_fill"] is True and detail["self_state"] == "" and detail["campaign_state_label"] == "自评"
    assert detail["sees_result"] is False and detail["result"] is None and detail["opinion"] is None
    assert [s["heading"] for s in detail["sections"]][0] == "一、基本概况"

    bad = client.post(_self_url(gov, gov.entry_a), {
        "sections": {"report_overview": "甲镇概况"},
        "answers": [{"indicator_id": i["B1"].pk, "value": "abc"}, {"indicator_id": i["B2"].pk, "choice": "yes"}]},
        content_type="application/json")
    assert bad.status_code == 400
    body = bad.json()
    assert body["code"] == "invalid" and body["field"] == f"value_{i['B1'].pk}" and "abc" in body["detail"]
    kept = client.get(_detail_url(gov, gov.entry_a)).json()  # the valid answer and the report are kept
    assert {r["code"]: r["self_choice"] for r in kept["items"]}["B2"] == "yes"
    assert kept["sections"][0]["text"] == "甲镇概况" and kept["self_state"] == "draft"

    missing = client.post(_self_url(gov, gov.entry_a), {"submit": True}, content_type="application/json")
    assert missing.status_code == 400 and "以下指标尚未自评：B1、B3" in missing.json()["detail"]

    services.evidence_add(by=gov.gov_a, entry=gov.entry_a, upload=png_upload())
    done = client.post(_self_url(gov, gov.entry_a), {
        "answers": [{"indicator_id": i["B1"].pk, "value": "6"}, {"indicator_id": i["B3"].pk, "choice": "中"}],
        "submit": True}, content_type="application/json")
    assert done.status_code == 200, done.content
    body = done.json()
    assert body["self_state"] == "submitted" and body["may_fill"] is False and body["submitted_at"]
    assert [e["name"] for e in body["evidence"]] == ["自评佐证.png"]
    assert CampaignUnit.objects.get(pk=gov.entry_a.pk).self_total == Decimal(16)  # 6 + 4 + 6
    again = client.post(_self_url(gov, gov.entry_a), {"submit": True}, content_type="application/json")
    assert again.status_code == 400 and again.json()["detail"] == "自评报告已提交，不能再修改。"
    # another unit's entry: not found; the office may read it but not fill it
    assert client.get(_detail_url(gov, gov.entry_b)).status_code == 404
    client.force_login(cast.county_staff)
    refused = client.post(_self_url(gov, gov.entry_a), {"submit": True}, content_type="application/json")
    assert refused.status_code == 403 and refused.json()["code"] == "forbidden"


def test_results_agree_between_api_page_excel_and_detail(cast, gov, client):
    i = gov.items
    move(gov, "onsite")
    # one rater: B1 1 of 6, B2 是 = 4, B3 好 = 10 → 15, 良好 (≥ 15); unit B not scored
    services.onsite_save(by=cast.supervisor, entry=gov.entry_a, answers={
        i["B1"].pk: services.AnswerIn(value="1"), i["B2"].pk: services.AnswerIn(choice="yes"),
        i["B3"].pk: services.AnswerIn(choice="好")})
    client.force_login(cast.county_staff)
    rows = client.get(reverse("api-1:gov_results", kwargs={"campaign_id": gov.campaign.pk})).json()
    assert [(r["unit"], r["verified_total"], r["grade"], r["vetoed"]) for r in rows] == [
        (gov.unit_a.name, "15.00", "良好", False), (gov.unit_b.name, None, "", False)]
    page = client.get(reverse("governance:results", args=[gov.campaign.pk])).content.decode()
    assert "15.00" in page and "良好" in page
    table = xlsx_rows(client.get(reverse("governance:results_export", args=[gov.campaign.pk])))
    excel = {row[0]: dict(zip(table[0], row, strict=False)) for row in table[1:]}
    assert float(excel[gov.unit_a.name]["核查总分"]) == 15 and excel[gov.unit_a.name]["等级"] == "良好"
    detail = client.get(_detail_url(gov, gov.entry_a)).json()
    assert detail["result"]["verified_total"] == "15.00" and detail["result"]["grade"] == "良好"
    assert {r["code"]: r["verified"] for r in detail["items"]} == {"B1": "1.00", "B2": "4.00", "B3": "10.00"}
    assert detail["opinion"] == {"drafted": False, "number": "", "issued_on": None, "deadline": None}
    # the unit reads its result from the preliminary opinion on, never the table
    client.force_login(gov.gov_a)
    assert client.get(_detail_url(gov, gov.entry_a)).json()["result"] is None
    move(gov, "preliminary")
    assert client.get(_detail_url(gov, gov.entry_a)).json()["result"]["verified_total"] == "15.00"
    assert client.get(reverse("api-1:gov_results", kwargs={"campaign_id": gov.campaign.pk})).status_code == 403
