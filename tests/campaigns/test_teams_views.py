"""Team pages as their readers see them: the allocation and its conflicts, a refused move with its
message, the mobilisation sheet (page and Excel: the same rows), a member's own teams, the API's
error shape on 回避."""

from __future__ import annotations

import pytest
from django.urls import reverse

from dudao.campaigns import teams as svc
from dudao.campaigns.models import CampaignSchool, TieKind
from tests.campaigns.teams_world import build_world
from tests.html_page import Html
from tests.xlsx import xlsx_rows


@pytest.fixture
def setup(cast, county_campaign):
    world = build_world(cast)
    one = svc.team_create(campaign=county_campaign, name="第一组", by=None)
    two = svc.team_create(campaign=county_campaign, name="第二组", by=None)
    svc.team_member_add(team=one, user=world.staff, section="纪检监察", phone="0731-8888", by=None)
    svc.team_member_add(team=two, user=world.inspector, by=None)
    svc.team_member_add(team=two, user=world.third, section="湖南某评估公司", by=None)
    svc.allocation_run(campaign=county_campaign, by=None)
    return {"campaign": county_campaign, "one": one, "two": two, "world": world}


def _cells(row) -> list[str]:
    return [td.text for td in row.find_all("td")]


def test_sheet_page_and_excel_have_the_same_rows(cast, client, setup):
    client.force_login(cast.county_staff)
    pk = setup["campaign"].pk
    page = Html(client.get(reverse("campaigns:team_sheet", kwargs={"pk": pk})))
    teams = page.find_all("div", testid="sheet-team")
    page_members, page_schools = [], []
    for block in teams:
        name = block.find("span", testid="sheet-team-name").text
        page_members += [[name, *_cells(r)] for r in block.find("table", testid="sheet-members").find("tbody").find_all("tr")]
        page_schools += [[name, *_cells(r)] for r in block.find("table", testid="sheet-schools").find("tbody").find_all("tr")]
    data = b"".join(client.get(reverse("campaigns:team_sheet_export", kwargs={"pk": pk})).streaming_content)
    members = [[str(c) for c in r] for r in xlsx_rows(data, 0)]
    schools = [[str(c) for c in r] for r in xlsx_rows(data, 1)]
    assert members[0] == ["组别", "职务", "姓名", "身份", "科室/单位", "联系电话"]
    assert members[1:] == page_members
    assert schools[1:] == page_schools
    # hand-checked: the county group (A2, A3) goes whole to 第一组 (team order), A1 to 第二组 where
    # 张督学 must avoid it, so A1 swaps with A2 (first by code): 第一组 A3 + A1, 第二组 A2
    assert members[1:] == [["第一组", "组长", "宁乡领导", "机关工作人员", "纪检监察", "0731-8888"],
                           ["第二组", "组长", "张督学", "督学", "督导室", "13800000001"],
                           ["第二组", "组员", "评估公司甲", "第三方评估人员", "湖南某评估公司", "13900000003"]]
    assert [(r[0], r[1], r[2]) for r in schools[1:]] == [("第一组", "1", "测试宁乡三幼"), ("第一组", "2", "测试宁乡一小"),
                                                         ("第二组", "1", "测试宁乡二中")]
    assert schools[1][4] == "宁乡市（直属）" and schools[2][4] == cast.A1.region.name


def test_allocation_shows_conflicts_and_a_refused_move_names_the_member(cast, client, setup):
    client.force_login(cast.county_staff)
    pk = setup["campaign"].pk
    a1 = CampaignSchool.objects.get(campaign=setup["campaign"], school=cast.A1)
    assert a1.team == setup["one"]  # kept away from 张督学 by the allocation (see the sheet test)
    response = client.post(reverse("campaigns:team_move", kwargs={"pk": pk}), {"entry": a1.pk, "team": setup["two"].pk},
                           follow=True)
    alerts = Html(response).texts("div", cls="alert")
    assert any("张督学（第二组成员）与测试宁乡一小存在回避关系（挂牌责任督学），不能将该校分配给“第二组”。" in a for a in alerts), alerts
    assert CampaignSchool.objects.get(pk=a1.pk).team == setup["one"]
    # a tie recorded after the allocation is shown as a conflict on the page
    svc.school_tie_add(user=setup["world"].staff, school=cast.A1, kind=TieKind.RELATIVE, note="女儿任教", by=None)
    page = Html(client.get(reverse("campaigns:team_index", kwargs={"pk": pk})))
    assert page.find("div", testid="conflicts").find("ul").text == "宁乡领导（第一组）与测试宁乡一小存在回避关系：亲属任职：女儿任教"


def test_the_api_refuses_a_conflicting_move_in_the_error_shape(cast, client, setup):
    client.force_login(cast.county_staff)
    response = client.post(f"/api/v1/campaigns/{setup['campaign'].pk}/allocation/move",
                           {"school_id": cast.A1.pk, "team_id": setup["two"].pk}, content_type="application/json")
    assert response.status_code == 400
    assert response.json() == {"code": "invalid", "field": "team",
                               "detail": "张督学（第二组成员）与测试宁乡一小存在回避关系（挂牌责任督学），不能将该校分配给“第二组”。",
                               "errors": {"team": ["张督学（第二组成员）与测试宁乡一小存在回避关系（挂牌责任督学），不能将该校分配给“第二组”。"]}}


def test_adding_a_member_on_the_page_keeps_the_form_and_says_why(cast, client, setup):
    client.force_login(cast.county_staff)
    response = client.post(reverse("campaigns:team_member_add", kwargs={"pk": setup["one"].pk}),
                           {"user": setup["world"].inspector.pk})
    assert response.status_code == 200
    errors = Html(response).texts("div", cls="invalid-feedback")
    assert errors == ["张督学已在本项目的“第二组”中，一人只能加入一个督查组。"]


def test_the_team_leader_walks_their_team(cast, client, setup):
    """张督学 leads 第二组: 我的督查组 lists the campaign, the teammates with phones and the schools."""
    client.force_login(setup["world"].inspector)
    page = Html(client.get(reverse("campaigns:team_mine")))
    card = page.find("div", testid="my-team")
    assert "测试宁乡综合督导 · 第二组" in card.text and "组长" in card.text
    assert [li.text for li in card.find("ul", testid="teammates").find_all("li")] == [
        "张督学（组长） · 督导室 · 13800000001", "评估公司甲 · 湖南某评估公司 · 13900000003"]
    assert [li.text.split(" ·")[0] for li in card.find("ol", testid="my-schools").find_all("li")] == ["测试宁乡二中"]
    detail = Html(client.get(reverse("campaigns:team_detail", kwargs={"pk": setup["two"].pk})))
    assert [s.text for s in detail.find("table", testid="members").find_all("span", testid="member-name")] == ["张督学", "评估公司甲"]
    assert "13900000003" in detail.find("table", testid="members").text  # a member reads the team's phones


def test_pages_read_in_english(cast, client, setup):
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.force_login(cast.county_staff)
    page = Html(client.get(reverse("campaigns:team_index", kwargs={"pk": setup["campaign"].pk})))
    assert page.text_of("h1") == "Teams and school allocation"
    mine = Html(client.get(reverse("campaigns:team_mine")))
    assert mine.text_of("h1") == "My inspection teams"
    assert "You are not in any inspection team at the moment." in mine.text


def test_the_move_choices_mark_the_teams_a_school_must_avoid(cast, client, setup):
    client.force_login(cast.county_staff)
    page = Html(client.get(reverse("campaigns:team_index", kwargs={"pk": setup["campaign"].pk})))
    rows = {r.find_all("td")[0].text: r for r in page.find("table", testid="allocation").find("tbody").find_all("tr")}
    a1 = next(r for name, r in rows.items() if name.startswith("测试宁乡一小"))
    assert [o.text for o in a1.find_all("option")] == ["未分配", "第一组", "第二组（回避）"]  # 张督学 is in 第二组
    a2 = next(r for name, r in rows.items() if name.startswith("测试宁乡二中"))
    assert [o.text for o in a2.find_all("option")] == ["未分配", "第一组", "第二组"]


def _thirty_more(cast, campaign):
    """6 schools in each of the first five townships of 宁乡 (A1 is in the first)."""
    from dudao.regions.models import Region
    from tests.factories import SchoolFactory

    towns = list(Region.objects.filter(code__startswith="430182", level="township").order_by("code")[:5])
    assert cast.A1.region == towns[0]
    for i in range(30):
        school = SchoolFactory(name=f"加测学校{i:02d}", region=towns[i % 5], code=f"31430991{i:02d}")
        CampaignSchool.objects.create(campaign=campaign, school=school)
    return towns


def test_a_larger_allocation_by_hand(cast, setup):
    # 33 schools: T0 7 (with A1), T1–T4 6 each, the county group 2; two teams (shares 17 and 16).
    # T0 → 第一组 (第二组's 张督学 must avoid A1); T1 → 第二组 (most room), T2 → 第二组 (11 > 10),
    # T3 → 第一组 (10 > 5); T4 fits nowhere (rooms 4 and 5): 5 to 第二组, 1 to 第一组; county → 第一组.
    towns = _thirty_more(cast, setup["campaign"])
    result = svc.allocation_run(campaign=setup["campaign"], by=None)
    assert result.counts == {"第一组": 16, "第二组": 17}
    assert result.split_townships == [towns[4].name] and result.conflicts == []


def test_pages_keep_their_query_count_as_schools_grow(cast, client, setup, django_assert_max_num_queries):
    _thirty_more(cast, setup["campaign"])
    svc.allocation_run(campaign=setup["campaign"], by=None)
    client.force_login(cast.county_staff)
    pk = setup["campaign"].pk
    with django_assert_max_num_queries(16):
        assert client.get(reverse("campaigns:team_index", kwargs={"pk": pk})).status_code == 200
    with django_assert_max_num_queries(8):
        assert client.get(reverse("campaigns:team_sheet", kwargs={"pk": pk})).status_code == 200
