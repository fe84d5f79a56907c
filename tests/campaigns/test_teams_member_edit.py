"""A member's section (科室/单位) and phone corrected after adding them: the service's rules, the page
(the form keeps what was typed, errors in Chinese), the API, the log and the mobilisation sheet."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from dudao.campaigns import teams as svc
from dudao.campaigns.mobilisation import mobilisation_sheet
from dudao.campaigns.models import Campaign, CampaignEvent
from tests.campaigns.teams_world import build_world
from tests.html_page import Html


@pytest.fixture
def setup(cast, county_campaign):
    world = build_world(cast)
    one = svc.team_create(campaign=county_campaign, name="第一组", by=None)
    staff = svc.team_member_add(team=one, user=world.staff, section="纪检监察", phone="0731-8888", by=None)
    sup = svc.team_member_add(team=one, user=world.inspector, by=None)
    third = svc.team_member_add(team=one, user=world.third, section="湖南某评估公司", by=None)
    return {"campaign": county_campaign, "one": one, "staff": staff, "sup": sup, "third": third, "world": world}


def _messages(exc: ValidationError) -> list[str]:
    return [m for ms in exc.message_dict.values() for m in ms] if hasattr(exc, "error_dict") else exc.messages


def test_the_service_changes_section_and_phone_and_logs_it(cast, setup):
    member = svc.team_member_update(member=setup["staff"], by=cast.county_staff, section=" 普教 ", phone="0731-1234")
    member.refresh_from_db()
    assert (member.section, member.phone) == ("普教", "0731-1234")
    event = CampaignEvent.objects.filter(campaign=setup["campaign"], action="member_update").get()
    assert event.note == "第一组：宁乡领导（科室/单位 纪检监察 → 普教；联系电话 0731-8888 → 0731-1234）"
    svc.team_member_update(member=member, by=cast.county_staff, section="普教", phone="0731-1234")
    assert CampaignEvent.objects.filter(action="member_update").count() == 1  # nothing changed, nothing logged


def test_the_rules_of_adding_apply(cast, setup):
    with pytest.raises(ValidationError) as exc:
        svc.team_member_update(member=setup["staff"], by=cast.county_staff, section="", phone="")
    assert _messages(exc.value) == ["请填写机关工作人员所在科室（如 普教、纪检监察）。"]
    with pytest.raises(ValidationError) as exc:
        svc.team_member_update(member=setup["third"], by=cast.county_staff, section=" ", phone="")
    assert _messages(exc.value) == ["请填写第三方评估机构的名称。"]
    # a supervisor's empty section is 督导室, an empty phone the supervisor record's
    sup = svc.team_member_update(member=setup["sup"], by=cast.county_staff, section="", phone="")
    assert (sup.section, sup.phone) == ("督导室", "13800000001")


def test_only_the_managers_and_only_while_open(cast, setup):
    with pytest.raises(PermissionDenied):
        svc.team_member_update(member=setup["staff"], by=cast.county_leader, section="普教", phone="")
    Campaign.objects.filter(pk=setup["campaign"].pk).update(state="closed")
    setup["staff"].team.campaign.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        svc.team_member_update(member=setup["staff"], by=cast.county_staff, section="普教", phone="")
    assert _messages(exc.value) == ["督导项目已结束或已撤销，督查组不能再修改。"]


def test_the_page_edits_and_keeps_what_was_typed(cast, client, setup):
    client.force_login(cast.county_staff)
    detail = Html(client.get(reverse("campaigns:team_detail", kwargs={"pk": setup["one"].pk})))
    links = [a.attrs["href"] for a in detail.find_all("a", testid="member-edit")]
    url = reverse("campaigns:team_member_edit", kwargs={"pk": setup["third"].pk})
    assert url in links and len(links) == 3
    refused = client.post(url, {"section": "", "phone": "13911112222"})
    assert refused.status_code == 200
    page = Html(refused)
    assert page.texts("div", cls="invalid-feedback") == ["请填写第三方评估机构的名称。"]
    assert 'value="13911112222"' in refused.content.decode()  # the form keeps the phone typed
    done = client.post(url, {"section": "湘评教育咨询有限公司", "phone": "13911112222"})
    assert done["Location"] == reverse("campaigns:team_detail", kwargs={"pk": setup["one"].pk})
    rows = mobilisation_sheet(setup["campaign"]).teams[0].member_rows
    assert any("湘评教育咨询有限公司" in row and "13911112222" in row for row in rows)


def test_the_api_patches_one_field_at_a_time(cast, client, setup):
    client.force_login(cast.county_staff)
    url = f"/api/v1/campaign-team-members/{setup['staff'].pk}"
    body = client.patch(url, {"phone": "0731-5555"}, content_type="application/json").json()
    assert (body["section"], body["phone"]) == ("纪检监察", "0731-5555")
    refused = client.patch(url, {"section": " "}, content_type="application/json")
    assert refused.status_code == 400
    assert refused.json()["errors"] == {"section": ["请填写机关工作人员所在科室（如 普教、纪检监察）。"]}
    client.force_login(cast.county_leader)  # reads the teams, manages nothing
    assert client.patch(url, {"phone": "1"}, content_type="application/json").status_code == 403
