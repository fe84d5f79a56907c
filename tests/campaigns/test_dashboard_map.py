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
                                                                       "#9fb00f")
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


def test_band_colours_run_from_green_to_red_over_the_bands():
    # the ramp #2fb344 → #74b816 → #f59f00 → #f76707 → #d63939 (stops at 0, ¼, ½, ¾, 1)
    assert reads.band_colors(1) == ["#2fb344"]
    assert reads.band_colors(2) == ["#2fb344", "#d63939"]  # 达标 / 不达标
    assert reads.band_colors(3) == ["#2fb344", "#f59f00", "#d63939"]
    # four bands at 0, ⅓, ⅔, 1 of the ramp: ⅓ is a third of the way from #74b816 to #f59f00 —
    # 0x74 + (0xf5 − 0x74)/3 = 159 = 0x9f, 0xb8 − 25/3 ≈ 176 = 0xb0, 0x16 − 22/3 ≈ 15 = 0x0f; ⅔ is two
    # thirds of the way from #f59f00 to #f76707 — 245 + 2·2/3 ≈ 246, 159 − 56·2/3 ≈ 122, 7·2/3 ≈ 5
    assert reads.band_colors(4) == ["#2fb344", "#9fb00f", "#f67a05", "#d63939"]
    assert reads.band_colors(5) == reads.GRADE_RAMP


def test_the_colours_follow_the_versions_bands_not_a_fixed_list(case, cast):
    """Two bands (达标 ≥ 60, 不达标): the pass band green, the fail band red, whatever else exists."""
    from dudao.frameworks.models import GradeBand

    version = case.framework_version
    GradeBand.objects.filter(version=version).delete()
    GradeBand.objects.create(version=version, label="达标", min_score=60)
    GradeBand.objects.create(version=version, label="不达标", min_score=0)
    labels = reads.grade_labels(case)
    data = reads.school_points(case, labels)
    # the stored results still say 良好 and 不合格: grades no longer among the bands, one colour for them
    assert data["pieces"] == [(0, "达标", "#2fb344"), (1, "不达标", "#d63939"), (2, "不合格", reads.OTHER_GRADE_COLOR),
                              (3, "良好", reads.OTHER_GRADE_COLOR), (4, "未定等", reads.UNGRADED_COLOR)]
    assert [(i["label"], i["range"], i["count"]) for i in data["legend"]] == [
        ("达标", "≥ 60", 0), ("不达标", "0–59.99", 0), ("不合格", "已不在等级线中", 1), ("良好", "已不在等级线中", 1),
        ("未定等", "尚无结果或无等级", 0)]


def test_the_page_shows_the_legend_with_ranges_and_counts(case, cast, client):
    client.force_login(cast.county_staff)
    html = Html(client.get(reverse("campaigns:dashboard", args=[case.pk])).content.decode())
    items = html.find_all(testid="legend-item")
    texts = [" ".join(i.text.split()) for i in items]
    # bands of the shared version: 优秀 18, 良好 15, 合格 12, 不合格 0; A1 良好, A2 不合格 (vetoed), A3 unmapped
    assert texts == ["优秀 ≥ 18 · 0 所", "良好 15–17.99 · 1 所", "合格 12–14.99 · 0 所", "不合格 0–11.99 · 1 所",
                     "未定等 尚无结果或无等级 · 0 所"]
    swatches = [i.find_all("span")[0].attrs["data-color"] for i in items]
    assert swatches == [*reads.band_colors(4), reads.UNGRADED_COLOR]
    assert " ".join(html.find(testid="legend-veto").text.split()) == "◆ 一票否决（按最低等级着色） · 1 所"
