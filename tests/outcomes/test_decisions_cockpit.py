"""Decisions (who records, validation, the principal's name kept, the school's history) and the leader's
overview (each count opens exactly its rows in the source page)."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.outcomes.models import OutcomeDecision
from dudao.schools.models import School
from tests.outcomes.world import build_world


@pytest.fixture
def world(cast):
    return build_world(cast)


def test_decision_keeps_the_principal_and_shows_on_the_school_history(world, cast, client):
    School.objects.filter(pk=cast.A1.pk).update(head_name="张校长")
    client.force_login(cast.county_staff)
    f3 = world.findings["f3"]
    response = client.post(reverse("outcomes:decision_new", args=[cast.A1.pk]), {
        "kind": "interview", "decided_on": timezone.localdate().isoformat(), "basis": "逾期未整改问题约谈校长",
        "finding_id": f3.pk})
    assert response.status_code == 302
    decision = OutcomeDecision.objects.get()
    assert (decision.principal_name, decision.finding_id, decision.office.region.code, decision.decided_by) == (
        "张校长", f3.pk, "430182", cast.county_staff)
    School.objects.filter(pk=cast.A1.pk).update(head_name="李校长")  # a new principal: the record stays
    decision.refresh_from_db()
    assert decision.principal_name == "张校长"
    html = client.get(reverse("schools:detail", args=[cast.A1.pk])).content.decode()
    assert "逾期未整改问题约谈校长" in html and "约谈" in html and 'data-testid="outcome-decisions"' in html
    sheet = client.get(reverse("outcomes:school", args=[cast.A1.pk])).content.decode()
    assert "逾期未整改问题约谈校长" in sheet
    # the county leader reads the history, may not record
    client.force_login(cast.county_leader)
    html = client.get(reverse("schools:detail", args=[cast.A1.pk])).content.decode()
    assert "逾期未整改问题约谈校长" in html and reverse("outcomes:decision_new", args=[cast.A1.pk]) not in html


def test_decision_validation_keeps_what_was_typed(world, cast, client):
    client.force_login(cast.county_staff)
    url = reverse("outcomes:decision_new", args=[cast.A1.pk])
    future = (timezone.localdate() + dt.timedelta(days=3)).isoformat()
    response = client.post(url, {"kind": "funding", "decided_on": future, "basis": "奖补依据原文",
                                 "finding_id": world.findings["a2"].pk, "document_number": "宁督〔2099〕1号"})
    assert response.status_code == 400
    html = response.content.decode()
    assert "决定日期不能晚于今天" in html or "该校没有这个编号的问题" in html
    assert "该校没有这个编号的问题" in html and "找不到该发文字号的公文" in html and "奖补依据原文" in html
    response = client.post(url, {"kind": "funding", "decided_on": future, "basis": "奖补依据原文"})
    assert response.status_code == 400 and "决定日期不能晚于今天" in response.content.decode()
    response = client.post(url, {"kind": "", "decided_on": "2026-01-01", "basis": " "})
    assert response.status_code == 400
    assert not OutcomeDecision.objects.exists()


def _rows(client, href: str) -> int:
    response = client.get(href)
    assert response.status_code == 200, href
    page = response.context["page"]
    return page.paginator.count


def test_cockpit_links_open_exactly_the_rows(world, cast, client):
    client.force_login(cast.city_staff)  # 长沙市: one card per county
    response = client.get(reverse("outcomes:cockpit"))
    assert response.status_code == 200
    cards = {c.code: c for c in response.context["cards"]}
    nx, wc = cards["430182"], cards["430112"]
    # findings found this year in 宁乡: A1's five and A2's one; 望城: B1's one (overdue)
    assert (nx.findings.value, nx.unfinished.value, nx.overdue.value) == (6, 2, 1)
    assert (wc.findings.value, wc.overdue.value) == (1, 1)
    assert nx.rate == 50.0  # on time f1, a2 = 2 of due f1, f2, f3, a2 = 4
    for fig in (nx.findings, nx.unfinished, nx.overdue, wc.findings):
        assert _rows(client, fig.href) == fig.value, fig.href
    # complaints received this year: 宁乡 three (two upheld), 望城 one upheld
    assert (nx.complaints.value, nx.upheld.value, wc.upheld.value) == (3, 2, 1)
    for fig in (nx.complaints, nx.upheld, wc.upheld):
        assert _rows(client, fig.href) == fig.value, fig.href
    assert _rows(client, nx.visits.href) == nx.visits.value == 0


def test_cockpit_on_a_phone(world, cast, client):
    client.force_login(cast.county_leader)
    html = client.get(reverse("outcomes:cockpit")).content.decode()
    assert 'name="viewport"' in html and "col-12 col-md-6" in html and "<table" not in html.split("row row-cards")[1]
