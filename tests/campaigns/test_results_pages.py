"""Results pages: the ranking table (and by region), one school's self vs verified with flags, the
Excel of every school's item scores (its figures equal the page's), the office's actions."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.urls import reverse

from dudao.campaigns.models import CampaignSchool, CampaignState
from dudao.findings.models import Finding
from tests.campaigns.scoring_support import hand_case
from tests.campaigns.states import move_to
from tests.factories import SchoolFactory
from tests.html_page import Html
from tests.xlsx import xlsx_rows


@pytest.fixture
def inspected(county_campaign, cast):
    hand_case(county_campaign, cast)
    return county_campaign


def compute(client, campaign):
    return client.post(reverse("campaigns:result_compute", args=[campaign.pk]))


def ranking(page) -> list[list[str]]:
    table = Html(page).find("table", testid="ranking")
    return [[cell.text for cell in row.find_all("td")] for row in table.find("tbody").find_all("tr")]


def test_office_computes_and_reads_the_ranking(inspected, cast, client):
    client.force_login(cast.county_staff)
    response = compute(client, inspected)
    assert response.status_code == 302
    page = client.get(reverse("campaigns:result_list", args=[inspected.pk]))
    rows = ranking(page)
    assert [(r[0], r[1], r[4], r[5], r[6]) for r in rows] == [
        ("1", cast.A1.name, "15.33", "良好", "1"),
        ("2", cast.A2.name, "16.00", "一票否决 不合格", "1"),
        ("—", cast.A3.name, "—", "—", "0"),
    ]


def test_a_leader_reads_but_does_not_compute(inspected, cast, client):
    client.force_login(cast.county_leader)
    assert compute(client, inspected).status_code == 403
    page = client.get(reverse("campaigns:result_list", args=[inspected.pk]))
    assert page.status_code == 200 and 'data-testid="result-compute"' not in page.content.decode()


def test_ranking_within_a_region(inspected, cast, client):
    client.force_login(cast.county_staff)
    compute(client, inspected)
    region = cast.A2.region_code[:9]
    page = client.get(reverse("campaigns:result_list", args=[inspected.pk]) + f"?region={region}")
    rows = ranking(page)
    in_region = [s for s in (cast.A1, cast.A2, cast.A3) if s.region_code.startswith(region)]
    assert sorted(r[2] for r in rows) == sorted(s.name for s in in_region)
    for r in rows:  # A2's rank within its region: first if A1 is elsewhere (no school without a veto beats it)
        if r[2] == cast.A2.name:
            assert r[1] == ("2" if cast.A1.region_code.startswith(region) else "1")


def test_the_export_has_the_page_figures_and_every_item(inspected, cast, client):
    client.force_login(cast.county_staff)
    compute(client, inspected)
    page = ranking(client.get(reverse("campaigns:result_list", args=[inspected.pk])))
    sheet = xlsx_rows(client.get(reverse("campaigns:result_export", args=[inspected.pk])))
    headers, body = sheet[0], sheet[1:]
    assert headers[:10] == ["名次", "区域内名次", "学校", "学校标识码", "督查组", "自评总分", "核查总分", "等级", "一票否决", "差异项数"]
    assert headers[10:] == ["B1 自评", "B1 核查", "B2 自评", "B2 核查", "B3 自评", "B3 核查"]

    def shown(value):
        return "—" if value in (None, "") else f"{Decimal(str(value)):.2f}" if isinstance(value, float) else str(value)

    for line, row in zip(body, page, strict=True):
        assert line[2] == row[1]
        assert shown(line[0] if line[0] != "" else None).replace(".00", "") == row[0]
        assert shown(line[5]) == row[3] and shown(line[6]) == row[4]
        assert str(line[9]).replace(".0", "") == row[6]
    a1 = next(line for line in body if line[2] == cast.A1.name)
    assert a1[10:] == [6, 4, 4, 4, 10, 7.33]


def test_the_school_page_shows_self_and_verified_side_by_side_with_flags(inspected, cast, client):
    client.force_login(cast.county_staff)
    page = Html(client.get(reverse("campaigns:result_school", args=[inspected.pk, cast.A1.pk])))
    rows = page.find("table", testid="side-by-side").find("tbody").find_all("tr")
    cells = {r.find_all("td")[0].text.split()[0]: [c.text for c in r.find_all("td")] for r in rows}
    assert cells["B1"][2].startswith("6.00") and cells["B1"][3].startswith("4.00") and "安全台账不全" in cells["B1"][3]
    assert cells["B1"][5] == "2.00" and cells["B1"][6] == ""  # spread 2; 6 − 4 is not beyond the threshold 2
    assert cells["B3"][2] == "好 · 10.00" and cells["B3"][3] == "7.33" and cells["B3"][6] == "自评高于核查"
    assert page.text_of("*", testid="verified-total") == "15.33" and page.text_of("*", testid="grade") == "良好"


def test_a_school_reads_its_own_result_once_published(inspected, cast, client):
    client.force_login(cast.school_user)
    own = reverse("campaigns:result_school", args=[inspected.pk, cast.A1.pk])
    assert client.get(own).status_code == 404  # draft: not yet published to it
    move_to(inspected, CampaignState.PRELIMINARY)
    assert client.get(own).status_code == 200
    assert client.get(reverse("campaigns:result_school", args=[inspected.pk, cast.A2.pk])).status_code == 404
    assert client.get(reverse("campaigns:result_list", args=[inspected.pk])).status_code == 403


def test_problems_go_to_the_ledger_once_from_the_page(inspected, cast, client):
    client.force_login(cast.county_staff)
    url = reverse("campaigns:result_findings", args=[inspected.pk])
    client.post(url, {"deadline": "2030-06-30"})
    client.post(url, {"deadline": "2030-06-30"})
    assert Finding.objects.filter(source="campaign").count() == 2
    assert {f.deadline.isoformat() for f in Finding.objects.all()} == {"2030-06-30"}


def test_the_pages_do_not_grow_queries_with_schools(inspected, cast, client, django_assert_max_num_queries):
    client.force_login(cast.county_staff)
    compute(client, inspected)
    for _n in range(12):
        CampaignSchool.objects.create(campaign=inspected, school=SchoolFactory(region=cast.A1.region))
    compute(client, inspected)
    with django_assert_max_num_queries(14):
        assert client.get(reverse("campaigns:result_list", args=[inspected.pk])).status_code == 200
    with django_assert_max_num_queries(14):
        assert client.get(reverse("campaigns:result_export", args=[inspected.pk])).status_code == 200
    with django_assert_max_num_queries(16):
        assert client.get(reverse("campaigns:self_list", args=[inspected.pk])).status_code == 200
