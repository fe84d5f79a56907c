"""The campaign dashboard (看板) and summary (总结): every figure against the hand-computed small case
of tests/campaigns/dashboard_support.py, the same figures in the page, its Excel and the API, and a
query budget that does not grow with the schools."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.campaigns import dashboard as reads
from dudao.campaigns.models import CampaignEvent, CampaignSchool, CampaignState
from dudao.campaigns.results import campaign_findings_create, campaign_results_compute
from tests.campaigns.dashboard_support import dashboard_case
from tests.factories import SchoolFactory
from tests.html_page import Html
from tests.xlsx import xlsx_rows


@pytest.fixture
def case(county_campaign, cast):
    county_campaign.state = CampaignState.ONSITE
    county_campaign.save()
    dashboard_case(county_campaign, cast)
    return county_campaign


def table(page, testid: str) -> list[list[str]]:
    found = Html(page).find("table", testid=testid)
    return [[cell.text.strip() for cell in row.find_all("td")] for row in found.find("tbody").find_all("tr")]


def test_team_progress_by_hand(case):
    rows, total = reads.team_rows(case)
    first, second = rows
    assert first.team.name == "第一组" and first.leader == first.members[0]
    p = first.progress
    assert (p.schools, p.submitted, p.scored, p.results, p.graded, p.vetoed, p.flagged, p.flags) == (2, 1, 2, 2, 2, 1, 2, 2)
    assert p.total_cents == 1533 + 1600 and p.mean_total == Decimal("15.67")
    assert p.grades == {"良好": 1, "不合格": 1} and first.grade_counts == [0, 1, 0, 1]
    q = second.progress
    assert (q.schools, q.submitted, q.scored, q.results, q.graded, q.mean_total, q.grades) == (1, 0, 0, 1, 0, None, {})
    assert (total.schools, total.submitted, total.scored, total.results, total.graded, total.vetoed) == (3, 1, 2, 3, 2, 1)
    assert total.mean_total == Decimal("15.67")


def test_unallocated_schools_are_a_row_of_their_own(case, cast):
    CampaignSchool.objects.filter(campaign=case, school=cast.A3).update(team=None)
    rows, total = reads.team_rows(case)
    assert [r.team.name if r.team else None for r in rows] == ["第一组", "第二组", None]
    assert rows[1].progress.schools == 0 and rows[2].progress.schools == 1 and total.schools == 3


def test_distribution_and_weakest_items_by_hand(case):
    _rows, total = reads.team_rows(case)
    assert reads.distribution(case, total) == [("优秀", 0), ("良好", 1), ("合格", 0), ("不合格", 1), ("未定等", 1)]
    weakest = reads.weakest_items(case)
    assert [(w["code"], w["schools"], w["mean"], w["ratio"]) for w in weakest] == [
        ("B2", 2, Decimal("2.00"), Decimal("0.5000")),
        ("B1", 2, Decimal("5.00"), Decimal("0.8333")),
        ("B3", 2, Decimal("8.67"), Decimal("0.8665")),
    ]


def test_weakest_items_follow_a_new_computation(case, cast):
    from tests.campaigns.scoring_support import answer

    assert reads.weakest_items(case)[1]["schools"] == 2
    answer(case, cast.A3, "B1", kind="onsite", rater=cast.county_staff, value=0)
    assert reads.weakest_items(case)[1]["schools"] == 2  # as of the last computation of the results
    campaign_results_compute(campaign=case)
    b1 = next(w for w in reads.weakest_items(case) if w["code"] == "B1")
    assert b1["schools"] == 3 and b1["ratio"] == Decimal("0.5556")  # (4 + 6 + 0) / 18


def test_weakest_items_under_the_median_rule(case):
    case.aggregation = "median"
    case.save()
    campaign_results_compute(campaign=case)
    b3 = next(w for w in reads.weakest_items(case) if w["code"] == "B3")
    assert b3["mean"] == Decimal("8.00")  # A1 median of 6, 10, 6 = 6; A2 10 → (6 + 10) / 2


def test_nothing_before_the_results_are_computed(county_campaign, cast):
    assert reads.weakest_items(county_campaign) == []
    _rows, total = reads.team_rows(county_campaign)
    assert total.schools == 3 and total.results == 0
    assert reads.distribution(county_campaign, total) == [("优秀", 0), ("良好", 0), ("合格", 0), ("不合格", 0)]


def test_phases_carry_the_day_they_were_entered(case, cast):
    at = timezone.make_aware(dt.datetime(2026, 9, 20, 9, 0))
    event = CampaignEvent.objects.create(campaign=case, actor=cast.county_staff, action="start_onsite",
                                         from_state="self_inspection", to_state="onsite")
    CampaignEvent.objects.filter(pk=event.pk).update(created_at=at)
    phases = {p["state"]: p for p in reads.phase_rows(case)}
    assert phases["onsite"]["status"] == "current" and phases["onsite"]["entered_at"] == at
    assert phases["self_inspection"]["status"] == "done" and phases["self_inspection"]["entered_at"] is None
    assert phases["onsite"]["date"] == dt.date(2026, 9, 20)


def test_the_page_the_excel_and_the_api_agree(case, cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("campaigns:dashboard", args=[case.pk]))
    assert page.status_code == 200
    teams = table(page, "teams")
    assert [r[0] for r in teams] == ["第一组", "第二组"]
    assert teams[0][2:] == ["2", "1", "2", "2", "15.67", "0", "1", "0", "1"]
    assert teams[1][2:] == ["1", "0", "0", "1", "—", "0", "0", "0", "0"]
    assert table(page, "grades") == [["优秀", "0"], ["良好", "1"], ["合格", "0"], ["不合格", "1"], ["未定等", "1"]]
    assert [r[0].split()[0] for r in table(page, "weakest")] == ["B2", "B1", "B3"]
    assert [r[2] for r in table(page, "weakest")] == ["50%", "83%", "87%"]
    html = Html(page)
    assert html.text_of("*", testid="total-schools") == "3" and html.text_of("*", testid="total-mean") == "15.67"

    sheet = xlsx_rows(client.get(reverse("campaigns:dashboard_export", args=[case.pk])))
    assert sheet[0] == ["督查组", "组长", "成员", "学校数", "已提交自查", "已实地评分", "已计算结果", "平均核查总分",
                        "一票否决", "优秀", "良好", "合格", "不合格"]
    assert sheet[1][0] == "第一组" and sheet[1][3:] == [2, 1, 2, 2, 15.67, 1, 0, 1, 0, 1]
    assert sheet[2][0] == "第二组" and sheet[2][3:7] == [1, 0, 0, 1] and sheet[2][7] in (None, "")
    assert sheet[3][0] == "合计" and sheet[3][3:] == [3, 1, 2, 3, 15.67, 1, 0, 1, 0, 1]
    grades = xlsx_rows(client.get(reverse("campaigns:dashboard_export", args=[case.pk])), sheet=1)
    assert grades[1:] == [["优秀", 0], ["良好", 1], ["合格", 0], ["不合格", 1], ["未定等", 1]]
    weakest = xlsx_rows(client.get(reverse("campaigns:dashboard_export", args=[case.pk])), sheet=2)
    assert [r[1] for r in weakest[1:]] == ["B2", "B1", "B3"] and weakest[1][5:] == [2.0, 0.5]

    api = client.get(f"/api/v1/campaigns/{case.pk}/dashboard").json()
    assert [t["team"] for t in api["teams"]] == ["第一组", "第二组"]
    first = api["teams"][0]["progress"]
    assert (first["schools"], first["submitted"], first["scored"], first["results"], Decimal(first["mean_total"])) == (
        2, 1, 2, 2, Decimal("15.67"))
    assert api["total"]["schools"] == 3 and api["total"]["grades"] == {"良好": 1, "不合格": 1}
    assert [(g["label"], g["count"]) for g in api["grades"]] == [tuple(r) for r in grades[1:]]
    assert [(w["code"], Decimal(w["ratio"])) for w in api["weakest_items"]] == [
        ("B2", Decimal("0.5")), ("B1", Decimal("0.8333")), ("B3", Decimal("0.8665"))]


def test_the_school_table_is_paged_and_filtered_by_team(case, cast, client):
    client.force_login(cast.county_staff)
    rows = table(client.get(reverse("campaigns:dashboard", args=[case.pk])), "schools")
    by_name = {r[0]: r for r in rows}
    assert by_name[cast.A1.name][1:] == ["第一组", "已提交", "已评分", "15.33", "良好", "1"]
    assert by_name[cast.A2.name][1:] == ["第一组", "填报中", "已评分", "16.00", "一票否决 不合格", "2"]
    assert by_name[cast.A3.name][1:] == ["第二组", "未填报", "—", "—", "—", "—"]
    second = case.teams.get(name="第二组")
    rows = table(client.get(reverse("campaigns:dashboard", args=[case.pk]) + f"?team={second.pk}"), "schools")
    assert [r[0] for r in rows] == [cast.A3.name]
    for _n in range(reads.SCHOOL_PAGE_SIZE):
        CampaignSchool.objects.create(campaign=case, school=SchoolFactory(region=cast.A1.region))
    page = client.get(reverse("campaigns:dashboard", args=[case.pk]) + "?page=2")
    assert len(table(page, "schools")) == 3


def test_the_summary_by_hand(case, cast, client):
    created, _skipped = campaign_findings_create(campaign=case, by=cast.county_staff)
    s = reads.summary(case)
    assert (s["schools"], s["submitted"], s["scored"], s["graded"], s["vetoed"], s["flagged_schools"], s["flags"]) == (
        3, 1, 2, 2, 1, 2, 2)
    assert s["findings"]["total"] == len(created) == 2
    assert s["findings"]["by_state"] == [("待下发", 2)]
    assert sorted(s["findings"]["by_severity"]) == sorted([("一般", 1), ("严重", 1)])
    assert [r.school_id for r in s["best"]] == [cast.A1.pk, cast.A2.pk]
    assert [r.school_id for r in s["weakest"]] == [cast.A2.pk, cast.A1.pk]

    client.force_login(cast.county_leader)
    page = Html(client.get(reverse("campaigns:summary", args=[case.pk])))
    assert page.text_of("*", testid="s-schools") == "3" and page.text_of("*", testid="s-vetoed") == "1"
    assert page.text_of("*", testid="s-mean") == "15.67" and page.text_of("*", testid="s-flags") == "2"
    api = client.get(f"/api/v1/campaigns/{case.pk}/summary").json()
    assert (api["schools"], api["submitted"], api["scored"], api["vetoed"], api["flags"]) == (3, 1, 2, 1, 2)
    assert api["findings"]["total"] == 2 and [b["school"] for b in api["best"]] == [cast.A1.name, cast.A2.name]
    assert [w["code"] for w in api["weakest_items"]] == ["B2", "B1", "B3"]


def test_the_detail_page_links_the_dashboard(case, cast, client):
    client.force_login(cast.county_staff)
    page = client.get(reverse("campaigns:detail", args=[case.pk])).content.decode()
    assert reverse("campaigns:dashboard", args=[case.pk]) in page and "看板" in page


def test_the_dashboard_reads_a_fixed_number_of_queries(case, cast, client, django_assert_max_num_queries):
    client.force_login(cast.county_staff)
    url = reverse("campaigns:dashboard", args=[case.pk])
    client.get(url)  # the weakest items are cached after the first read
    with django_assert_max_num_queries(24) as small:
        assert client.get(url).status_code == 200
    few = len(small)
    for _n in range(30):
        CampaignSchool.objects.create(campaign=case, school=SchoolFactory(region=cast.A1.region))
    campaign_results_compute(campaign=case)
    client.get(url)
    with django_assert_max_num_queries(few):  # 33 schools read in as many queries as 3
        assert client.get(url).status_code == 200
    with django_assert_max_num_queries(20):
        assert client.get(reverse("campaigns:summary", args=[case.pk])).status_code == 200


def test_pages_in_english(case, cast, client):
    from django.utils import translation

    client.cookies.load({"django_language": "en"})
    client.force_login(cast.county_staff)
    page = client.get(reverse("campaigns:dashboard", args=[case.pk])).content.decode()
    assert "Progress by team" in page and "Weakest items (the ten lowest score ratios)" in page
    assert "Mean verified total" in page and "Progress by school" in page
    summary = client.get(reverse("campaigns:summary", args=[case.pk])).content.decode()
    assert "Campaign summary" in summary and "Lowest-ranked schools" in summary
    translation.activate("zh-hans")


def test_figures_are_kept_when_the_cache_is_on_and_the_page_says_so(case, cast, client, settings):
    from django.core.cache import cache

    settings.CAMPAIGN_DASHBOARD_CACHE_SECONDS = 60
    cache.clear()
    client.force_login(cast.county_staff)
    url = reverse("campaigns:dashboard", args=[case.pk])
    page = client.get(url)
    assert "统计数字每 60 秒更新一次" in page.content.decode()
    CampaignSchool.objects.create(campaign=case, school=SchoolFactory(region=cast.A1.region))
    assert Html(client.get(url)).text_of("*", testid="total-schools") == "3"  # kept
    cache.clear()
    assert Html(client.get(url)).text_of("*", testid="total-schools") == "4"
    settings.CAMPAIGN_DASHBOARD_CACHE_SECONDS = 0
    assert "统计数字每" not in client.get(url).content.decode()
