"""The campaigns API: the same services and rules as the pages, the one error shape of api/errors.py."""

from __future__ import annotations

from django.urls import reverse

from dudao.campaigns.models import Campaign, CampaignSchool


def _post(client, url, payload):
    return client.post(url, payload, content_type="application/json")


def test_create_scope_and_steps_through_the_api(cast, small_version, client):
    client.force_login(cast.county_staff)
    from dudao.regions.models import Office

    office = Office.objects.get(region__code="430182")
    response = _post(client, reverse("api-1:create_campaign"), {
        "office_id": office.pk, "kind": "special", "name": "暑期有偿补课专项督导", "year": 2026,
        "framework_version_id": small_version.pk, "purpose": "查处有偿补课", "self_deadline": "2026-07-20",
        "onsite_start": "2026-07-25", "onsite_end": "2026-08-05"})
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["state"], body["state_label"], body["office"]) == ("draft", "草拟", office.name)
    assert body["plan"]["purpose"] == "查处有偿补课" and body["dates"]["onsite_end"] == "2026-08-05"
    assert [a["name"] for a in body["actions"]] == ["cancel"]  # no school in scope yet: submit waits
    pk = body["id"]

    scope = {"mode": "sample", "region_code": "430182", "sample_size": 2, "strata": "kind", "seed": 20260701}
    first = _post(client, reverse("api-1:campaign_scope_preview", kwargs={"campaign_id": pk}), scope).json()
    again = _post(client, reverse("api-1:campaign_scope_preview", kwargs={"campaign_id": pk}), scope).json()
    assert first == again and first["count"] == 2 and first["population"] == 3 and first["seed"] == 20260701
    assert sorted(s["population"] for s in first["strata"]) == [1, 1, 1]
    detail = _post(client, reverse("api-1:campaign_scope_set", kwargs={"campaign_id": pk}), scope).json()
    assert {s["school_id"] for s in detail["schools"]} == set(first["school_ids"])
    assert detail["sample_seed"] == 20260701
    assert set(CampaignSchool.objects.filter(campaign_id=pk).values_list("stratum", flat=True)) <= {
        "primary", "junior", "kindergarten"}

    act = reverse("api-1:campaign_action", kwargs={"campaign_id": pk, "action": "submit"})
    assert _post(client, act, {}).json()["state"] == "submitted"
    client.force_login(cast.county_leader)
    refused = _post(client, reverse("api-1:campaign_action", kwargs={"campaign_id": pk, "action": "return"}), {})
    assert refused.status_code == 400
    assert refused.json() == {"code": "invalid", "detail": "请填写退回原因。", "field": "note",
                              "errors": {"note": ["请填写退回原因。"]}}
    approved = _post(client, reverse("api-1:campaign_action", kwargs={"campaign_id": pk, "action": "approve"}),
                     {"note": "同意"}).json()
    assert approved["state"] == "approved" and approved["events"][-1]["note"] == "同意"
    assert approved["actions"] == []  # the leader has nothing more to do


def test_errors_share_the_one_shape(cast, county_campaign, client):
    client.force_login(cast.county_leader)
    forbidden = _post(client, reverse("api-1:campaign_action", kwargs={"campaign_id": county_campaign.pk,
                                                                       "action": "submit"}), {})
    assert forbidden.status_code == 403 and forbidden.json()["code"] and forbidden.json()["detail"]
    client.force_login(cast.county_staff)
    patched = client.patch(reverse("api-1:update_campaign", kwargs={"campaign_id": county_campaign.pk}),
                           {"onsite_end": "2026-09-01"}, content_type="application/json")
    assert patched.status_code == 400
    assert patched.json()["errors"] == {"onsite_end": ["实地督导结束不能早于实地督导开始。"]}
    unknown = _post(client, reverse("api-1:campaign_action", kwargs={"campaign_id": county_campaign.pk,
                                                                     "action": "nosuch"}), {})
    assert unknown.status_code == 400 and unknown.json()["detail"] == "未知的操作。"
    outside = _post(client, reverse("api-1:campaign_scope_preview", kwargs={"campaign_id": county_campaign.pk}),
                    {"mode": "region", "region_code": "430112"})
    assert outside.status_code == 400 and outside.json()["field"] == "region_code"
    assert Campaign.objects.get(pk=county_campaign.pk).onsite_end.isoformat() == "2026-10-10"


def test_create_names_every_missing_field(cast, small_version, client):
    from dudao.regions.models import Office

    client.force_login(cast.county_staff)
    office = Office.objects.get(region__code="430182")
    response = _post(client, reverse("api-1:create_campaign"), {"office_id": office.pk, "kind": "special", "name": " "})
    assert response.status_code == 400
    assert response.json()["errors"] == {"name": ["请填写项目名称。"], "year": ["请填写年度。"],
                                         "framework_version": ["请选择指标体系版本。"]}
    assert not Campaign.objects.exists()
