"""The campaign dashboard's map: the schools with coordinates coloured by grade (the hand case of
tests/campaigns/dashboard_support.py: A1 良好, A2 不合格 and vetoed, A3 a result without a grade),
the others counted in a note, the outline of the scope region, the cap on points."""

from __future__ import annotations

import json
from decimal import Decimal

import pytest
from django.urls import reverse

from dudao.campaigns import dashboard as reads
from dudao.campaigns.models import CampaignState
from dudao.regions.models import Region
from dudao.schools.models import School
from tests.campaigns.dashboard_support import dashboard_case
from tests.html_page import Html


@pytest.fixture
def case(county_campaign, cast):
    county_campaign.state = CampaignState.ONSITE
    county_campaign.save()
    dashboard_case(county_campaign, cast)
    School.objects.filter(pk=cast.A1.pk).update(longitude=Decimal("112.55"), latitude=Decimal("28.25"))
    School.objects.filter(pk=cast.A2.pk).update(longitude=Decimal("112.60"), latitude=Decimal("28.30"))
    return county_campaign


def test_points_by_hand_grade_colour_and_veto(case, cast):
    labels = reads.grade_labels(case)
    assert labels == ["优秀", "良好", "合格", "不合格"]
    data = reads.school_points(case, labels)
    assert (data["shown"], data["located"]) == (2, 2)  # A3 has no coordinates
    colours = {value: colour for value, _label, colour in data["pieces"]}
    assert [label for _v, label, _c in data["pieces"]] == ["优秀", "良好", "合格", "不合格", "未定等"]
    a1, a2 = data["points"]
    assert (a1["name"], a1["lng"], a1["lat"], colours[a1["value"]]) == ("测试宁乡一小", Decimal("112.55"), Decimal("28.25"),
                                                                       "#206bc4")
    assert a1["detail"] == "良好" and "symbol" not in a1
    assert a1["link"] == reverse("campaigns:result_school", args=[case.pk, cast.A1.pk])
    assert (a2["name"], colours[a2["value"]], a2["symbol"], a2["detail"]) == ("测试宁乡二中", "#d63939", "diamond",
                                                                              "不合格 · 一票否决")


def test_a_school_without_a_grade_is_undetermined(case, cast):
    School.objects.filter(pk=cast.A3.pk).update(longitude=Decimal("112.50"), latitude=Decimal("28.20"))
    data = reads.school_points(case, reads.grade_labels(case))
    a3 = data["points"][2]
    assert a3["name"] == "测试宁乡三幼" and a3["value"] == 4 and a3["detail"] == "未定等"
    assert data["pieces"][4] == (4, "未定等", reads.UNGRADED_COLOR)


def test_the_cap_keeps_the_first_schools_by_code(case):
    data = reads.school_points(case, reads.grade_labels(case), limit=1)
    assert [p["name"] for p in data["points"]] == ["测试宁乡一小"] and (data["shown"], data["located"]) == (1, 2)


def test_the_outline_follows_the_scope_region(case):
    assert reads.map_outline(case) == {"code": "430100,430000", "only": "430182"}  # the office's county
    case.scope_region = Region.objects.get(code="4301")
    assert reads.map_outline(case) == {"code": "430100", "only": ""}
    case.scope_region = Region.objects.get(code="43")
    assert reads.map_outline(case) == {"code": "430000", "only": ""}


def test_the_page_draws_the_map_and_counts_the_schools_left_out(case, cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("campaigns:dashboard", args=[case.pk])).content.decode()
    html = Html(page)
    el = html.find(testid="school-map")
    assert el.attrs["data-geo-code"] == "430100,430000" and el.attrs["data-geo-only"] == "430182"
    option = json.loads(html.find(id="school-map-option").text)
    assert [d["name"] for d in option["series"][0]["data"]] == ["测试宁乡一小", "测试宁乡二中"]
    assert option["series"][0]["data"][1]["symbol"] == "diamond"
    assert [p["label"] for p in option["visualMap"]["pieces"]] == ["优秀", "良好", "合格", "不合格", "未定等"]
    note = html.find(testid="map-note").text
    assert "1 所学校没有经纬度" in note and "仅显示前" not in note
    assert "monitoring/map.js" in page


def test_the_note_says_when_points_are_capped(case, cast, client, monkeypatch):
    monkeypatch.setattr(reads, "MAP_POINTS_MAX", 1)
    client.force_login(cast.county_staff)
    html = Html(client.get(reverse("campaigns:dashboard", args=[case.pk])).content.decode())
    assert "仅显示前 1 所" in html.find(testid="map-note").text


def test_without_any_coordinates_there_is_no_map_but_the_note(county_campaign, cast, client):
    dashboard_case(county_campaign, cast)
    client.force_login(cast.county_staff)
    html = Html(client.get(reverse("campaigns:dashboard", args=[county_campaign.pk])).content.decode())
    assert html.find_all(testid="school-map") == []
    assert "3 所学校没有经纬度" in html.find(testid="map-note").text
