"""The campaign pages end to end: create a plan, choose the scope with a preview, submit, approve,
send the notice — with Chinese errors that keep what was typed."""

from __future__ import annotations

from django.urls import reverse

from dudao.campaigns.models import Campaign, CampaignEvent, CampaignSchool
from dudao.regions.models import Office


def _plan(version, **extra) -> dict:
    return {"office": Office.objects.get(region__code="430182").pk, "kind": "special", "name": "秋季开学专项督导",
            "year": 2026, "framework_version": version.pk, "purpose": "检查秋季开学准备情况",
            "self_deadline": "2026-09-05", "onsite_start": "2026-09-08", "onsite_end": "2026-09-12",
            "aggregation": "mean", "discrepancy_threshold": "2", **extra}


def test_create_scope_submit_approve_notify_through_the_pages(cast, small_version, client):
    client.force_login(cast.county_staff)
    response = client.post(reverse("campaigns:create"), _plan(small_version))
    campaign = Campaign.objects.get(name="秋季开学专项督导")
    assert response.status_code == 302 and response["Location"] == reverse("campaigns:scope", kwargs={"pk": campaign.pk})
    assert (campaign.state, campaign.created_by, campaign.office.region.code) == ("draft", cast.county_staff, "430182")

    scope_url = reverse("campaigns:scope", kwargs={"pk": campaign.pk})
    form = {"scope_mode": "region", "scope_region": "430182", "kinds": ["primary", "junior"]}
    page = client.post(scope_url, {**form, "preview": "1"}).content.decode()
    assert 'data-testid="preview-count">2<' in page
    assert not CampaignSchool.objects.filter(campaign=campaign).exists()  # a preview saves nothing
    response = client.post(scope_url, {**form, "apply": "1"})
    assert response.status_code == 302
    assert set(CampaignSchool.objects.filter(campaign=campaign).values_list("school__name", flat=True)) == {
        "测试宁乡一小", "测试宁乡二中"}

    detail = reverse("campaigns:detail", kwargs={"pk": campaign.pk})
    page = client.get(detail).content.decode()
    assert 'data-testid="act-submit"' in page and 'data-testid="act-approve"' not in page
    client.post(reverse("campaigns:act", kwargs={"pk": campaign.pk, "action": "submit"}))
    client.force_login(cast.county_leader)
    page = client.get(detail).content.decode()
    assert 'data-testid="act-approve"' in page and 'data-testid="act-return"' in page
    assert 'data-testid="campaign-edit"' not in page
    client.post(reverse("campaigns:act", kwargs={"pk": campaign.pk, "action": "approve"}), {"note": "同意"})
    client.force_login(cast.county_staff)
    client.post(reverse("campaigns:act", kwargs={"pk": campaign.pk, "action": "notify"}))
    campaign.refresh_from_db()
    assert campaign.state == "self_inspection" and campaign.approved_by == cast.county_leader
    page = client.get(detail).content.decode()
    for text in ("送审", "审批通过", "同意", "发布通知", "通知学校", "学校自查"):
        assert text in page, text


def test_create_errors_are_chinese_and_keep_the_input(cast, small_version, client):
    client.force_login(cast.county_staff)
    response = client.post(reverse("campaigns:create"), _plan(small_version, name="", onsite_end="2026-09-01",
                                                               purpose="保留的目的文字"))
    page = response.content.decode()
    assert response.status_code == 400
    assert "保留的目的文字" in page
    assert not Campaign.objects.exists()
    response = client.post(reverse("campaigns:create"), _plan(small_version, onsite_end="2026-09-01",
                                                              purpose="保留的目的文字"))
    page = response.content.decode()
    assert response.status_code == 400 and "实地督导结束不能早于实地督导开始。" in page and "保留的目的文字" in page
    response = client.post(reverse("campaigns:create"), _plan(small_version, unannounced="on"))
    assert "暗访不提前通知学校，不安排学校自查，请清空自查截止日期。" in response.content.decode()


def test_a_draft_framework_version_is_not_offered_nor_accepted(cast, small_version, client):
    small_version.state = "draft"
    small_version.save()
    client.force_login(cast.county_staff)
    response = client.post(reverse("campaigns:create"), _plan(small_version))
    assert response.status_code == 400 and not Campaign.objects.exists()


def test_scope_errors_keep_the_input(cast, county_campaign, client):
    client.force_login(cast.county_staff)
    url = reverse("campaigns:scope", kwargs={"pk": county_campaign.pk})
    response = client.post(url, {"scope_mode": "picked", "school_codes": "3143090001\n3143090011", "apply": "1"})
    page = response.content.decode()
    assert response.status_code == 400
    assert "3143090011" in page  # what was typed stays
    assert "所选学校中有 1 所不在您的权限范围或组织督导室的辖区之内。" in page or "找不到以下学校" in page
    response = client.post(url, {"scope_mode": "region", "scope_region": "430112", "apply": "1"})
    assert "没有该区划代码，或不在您的权限范围内。" in response.content.decode()  # 望城 is not the county's
    client.force_login(cast.city_staff)  # the city sees 望城, but the campaign is 宁乡's
    response = client.post(url, {"scope_mode": "region", "scope_region": "430112", "apply": "1"})
    assert "范围区域须在组织督导室的辖区（宁乡市）之内。" in response.content.decode()
    response = client.post(url, {"scope_mode": "sample", "scope_region": "430182", "sample_strata": "kind",
                                 "preview": "1"})
    assert "请填写抽样数（至少 1 所）。" in response.content.decode()


def test_sample_preview_records_the_seed_in_the_form_and_apply_uses_it(cast, county_campaign, client):
    client.force_login(cast.county_staff)
    url = reverse("campaigns:scope", kwargs={"pk": county_campaign.pk})
    form = {"scope_mode": "sample", "scope_region": "430182", "sample_strata": "kind", "sample_size": "2"}
    response = client.post(url, {**form, "preview": "1"})
    seed = response.context["form"].data["sample_seed"]
    assert seed and f'value="{seed}"' in response.content.decode()
    previewed = {s.pk for s, _k in response.context["preview"].sample}
    client.post(url, {**form, "sample_seed": seed, "apply": "1"})
    assert set(CampaignSchool.objects.filter(campaign=county_campaign).values_list("school_id", flat=True)) == previewed
    county_campaign.refresh_from_db()
    assert county_campaign.sample_seed == int(seed)


def test_a_refused_step_comes_back_with_the_reason_and_the_note_kept(cast, county_campaign, client):
    Campaign.objects.filter(pk=county_campaign.pk).update(state="submitted")
    client.force_login(cast.county_leader)
    url = reverse("campaigns:act", kwargs={"pk": county_campaign.pk, "action": "return"})
    response = client.post(url, {"note": ""})
    assert response.status_code == 400 and "请填写退回原因。" in response.content.decode()
    Campaign.objects.filter(pk=county_campaign.pk).update(state="approved", onsite_end=None)
    client.force_login(cast.county_staff)
    response = client.post(reverse("campaigns:act", kwargs={"pk": county_campaign.pk, "action": "cancel"}),
                           {"note": ""})
    assert response.status_code == 400 and "请填写撤销原因。" in response.content.decode()
    # a step the page offers, refused by the service (the framework version was withdrawn meanwhile)
    Campaign.objects.filter(pk=county_campaign.pk).update(state="draft")
    county_campaign.framework_version.state = "draft"
    county_campaign.framework_version.save()
    response = client.post(reverse("campaigns:act", kwargs={"pk": county_campaign.pk, "action": "submit"}),
                           {"note": "请领导审批"})
    page = response.content.decode()
    assert response.status_code == 400 and "只能选用已发布的指标体系版本。" in page
    assert "请领导审批" in page
    county_campaign.refresh_from_db()
    assert county_campaign.state == "draft"
    assert not CampaignEvent.objects.filter(campaign=county_campaign, action="submit").exists()


def test_list_filters_and_nav(cast, county_campaign, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("campaigns:list")).content.decode()
    assert 'data-testid="nav-campaigns"' in page and "测试宁乡综合督导" in page
    assert "测试宁乡综合督导" not in client.get(reverse("campaigns:list") + "?kind=special").content.decode()
    assert "测试宁乡综合督导" in client.get(reverse("campaigns:list") + "?kind=comprehensive&year=2026").content.decode()
    assert "测试宁乡综合督导" not in client.get(reverse("campaigns:list") + "?state=closed").content.decode()
    assert "测试宁乡综合督导" not in client.get(reverse("campaigns:list") + "?year=2025").content.decode()
    client.force_login(cast.nobody)
    assert 'data-testid="nav-campaigns"' not in client.get(reverse("people:me")).content.decode()


def test_the_edit_form_saves_the_plan(cast, county_campaign, client):
    client.force_login(cast.county_staff)
    url = reverse("campaigns:edit", kwargs={"pk": county_campaign.pk})
    page = client.get(url).content.decode()
    assert "测试宁乡综合督导" in page
    data = _plan(county_campaign.framework_version, name="测试宁乡综合督导（修订）", results_use="纳入学校年度考核")
    data.pop("office")
    assert client.post(url, data).status_code == 302
    county_campaign.refresh_from_db()
    assert (county_campaign.name, county_campaign.results_use) == ("测试宁乡综合督导（修订）", "纳入学校年度考核")
    event = CampaignEvent.objects.get(campaign=county_campaign, action="update")
    assert "结果运用" in event.note and "名称" in event.note


def test_a_step_no_longer_possible_says_why(cast, county_campaign, client):
    """Two people at once: the leader approved while staff still had the page open; cancelling a
    closed campaign is refused with the state named."""
    Campaign.objects.filter(pk=county_campaign.pk).update(state="closed")
    client.force_login(cast.county_staff)
    response = client.post(reverse("campaigns:act", kwargs={"pk": county_campaign.pk, "action": "cancel"}),
                           {"note": "不再需要"})
    assert response.status_code == 400
    assert "督导项目当前状态为“已结束”，不能撤销项目。" in response.content.decode()
    assert client.post(reverse("campaigns:act", kwargs={"pk": county_campaign.pk, "action": "nosuch"})).status_code == 404


def test_scope_checkboxes_and_mode_stay_chosen_on_errors(cast, county_campaign, client):
    client.force_login(cast.county_staff)
    url = reverse("campaigns:scope", kwargs={"pk": county_campaign.pk})
    response = client.post(url, {"scope_mode": "sample", "scope_region": "430182", "kinds": ["primary", "junior"],
                                 "urban_rural": ["rural"], "sample_strata": "kind", "preview": "1"})
    page = response.content.decode()
    assert response.status_code == 400 and "请填写抽样数（至少 1 所）。" in page
    for name, value in [("scope_mode", "sample"), ("kinds", "primary"), ("kinds", "junior"), ("urban_rural", "rural")]:
        assert f'name="{name}" value="{value}" id="' in page
        tag = page.split(f'name="{name}" value="{value}" id="', 1)[1].split(">", 1)[0]
        assert tag.endswith(" checked"), (name, value)
    tag = page.split('name="kinds" value="kindergarten" id="', 1)[1].split(">", 1)[0]
    assert not tag.endswith(" checked")
