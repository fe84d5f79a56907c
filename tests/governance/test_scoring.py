"""On-site verification of a unit by its team, scored by campaigns/scoring.py (hand arithmetic on the
framework of conftest.py), reconciled by the leader; the results table agrees with the unit page."""

from __future__ import annotations

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied
from django.urls import reverse

from dudao.campaigns.models import Aggregation
from dudao.governance import services
from tests.governance.conftest import move


def _score(gov, user, b1: str, b2: str, b3: str, reconcile: bool = False) -> dict:
    i = gov.items
    return services.onsite_save(by=user, entry=gov.entry_a, reconcile=reconcile, answers={
        i["B1"].pk: services.AnswerIn(value=b1), i["B2"].pk: services.AnswerIn(choice=b2),
        i["B3"].pk: services.AnswerIn(choice=b3)})


def test_two_raters_mean_total_grade(cast, gov, client):
    move(gov, "onsite")
    assert _score(gov, cast.supervisor, "5", "yes", "中") == {}
    assert _score(gov, gov.member, "4", "yes", "好") == {}
    gov.entry_a.refresh_from_db()
    # B1 (5 + 4) / 2 = 4.5; B2 是 = 4; B3 (6 + 10) / 2 = 8 → 16.5 → 良好 (≥ 15)
    assert gov.entry_a.verified_total == Decimal("16.50")
    assert gov.entry_a.grade == "良好" and not gov.entry_a.vetoed
    client.force_login(cast.county_staff)
    table = client.get(reverse("governance:results", args=[gov.campaign.pk])).content.decode()
    assert "16.50" in table and "良好" in table
    page = client.get(reverse("governance:entry", args=[gov.campaign.pk, gov.entry_a.pk])).content.decode()
    assert 'data-testid="verified-total">16.50<' in page
    # the Excel file holds the same figures as the table
    from tests.xlsx import xlsx_rows

    rows = xlsx_rows(client.get(reverse("governance:results_export", args=[gov.campaign.pk])))
    header = rows[0]
    first = dict(zip(header, rows[1], strict=False))
    assert first["单位"] == gov.unit_a.name and float(first["核查总分"]) == 16.5 and first["等级"] == "良好"


def test_a_failed_veto_item_makes_it_fail(cast, gov):
    move(gov, "onsite")
    _score(gov, cast.supervisor, "6", "no", "好")
    gov.entry_a.refresh_from_db()
    # 6 + 0 + 10 = 16 would be 良好, but B2 (veto) scored 否
    assert gov.entry_a.verified_total == Decimal("16.00")
    assert gov.entry_a.vetoed and gov.entry_a.grade == "不合格"


def test_the_leader_reconciles(cast, gov):
    gov.campaign.aggregation = Aggregation.LEADER
    gov.campaign.save()
    move(gov, "onsite")
    _score(gov, cast.supervisor, "6", "yes", "好")
    _score(gov, gov.member, "2", "yes", "差")
    with pytest.raises(PermissionDenied):
        _score(gov, gov.member, "5", "yes", "中", reconcile=True)  # a member, not the leader
    _score(gov, cast.supervisor, "5", "yes", "中", reconcile=True)
    gov.entry_a.refresh_from_db()
    assert gov.entry_a.verified_total == Decimal("15.00")  # 5 + 4 + 6
    assert gov.entry_a.grade == "良好"


def test_only_the_team_during_the_onsite_phase(cast, gov):
    move(gov, "self_inspection")
    with pytest.raises(PermissionDenied):
        _score(gov, cast.supervisor, "5", "yes", "好")
    move(gov, "onsite")
    for outsider in (cast.county_staff, gov.gov_a, cast.outsider):
        with pytest.raises(PermissionDenied):
            _score(gov, outsider, "5", "yes", "好")
    with pytest.raises(PermissionDenied):  # unit B is not allocated to the team
        services.onsite_save(by=cast.supervisor, entry=gov.entry_b, answers={})


def test_the_phone_form_keeps_what_was_typed(cast, gov, client):
    move(gov, "onsite")
    client.force_login(gov.member)
    url = reverse("governance:score", args=[gov.campaign.pk, gov.entry_a.pk])
    page = client.get(url, HTTP_USER_AGENT="Mozilla/5.0 (iPhone)").content.decode()
    assert 'inputmode="decimal"' in page and 'name="viewport"' in page
    bad = client.post(url, {f"value_{gov.items['B1'].pk}": "abc", f"choice_{gov.items['B3'].pk}": "好"})
    assert bad.status_code == 400
    assert "“abc”不是数字" in bad.content.decode() and 'value="abc"' in bad.content.decode()
