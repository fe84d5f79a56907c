"""The government user's workbench: what they must do now, with counts that open exactly those rows;
the menu shows 督政 and no school pages."""

from __future__ import annotations

import re

from django.urls import reverse

from dudao.findings.models import Finding
from dudao.findings.services import finding_transition
from dudao.governance import services
from dudao.home import workbench
from tests.governance.conftest import move


def _count(page: str, key: str) -> int:
    block = page.split(f'data-testid="tile-{key}"', 1)[1]
    return int(re.search(r'data-testid="tile-count">(\d+)<', block).group(1))


def test_self_assessment_due_opens_exactly_those_rows(cast, gov, client):
    move(gov, "self_inspection")
    client.force_login(gov.gov_a)
    home = client.get(reverse("core:home")).content.decode()
    assert _count(home, "self_due") == 1
    listing = client.get(reverse("governance:index"), {"todo": "self"}).content.decode()
    rows = re.findall(r'href="/governance/campaigns/\d+/u/(\d+)/"', listing.split('data-testid="my-entries"')[1].split("</table>")[0])
    assert rows == [str(gov.entry_a.pk)]
    assert 'data-testid="nav-governance"' in home and 'data-testid="nav-schools"' not in home
    # once submitted, nothing is due
    i = gov.items
    services.self_save(by=gov.gov_a, entry=gov.entry_a, sections={"report_work": "做法"}, answers={
        i["B1"].pk: services.AnswerIn(value="5"), i["B2"].pk: services.AnswerIn(choice="yes"),
        i["B3"].pk: services.AnswerIn(choice="好")})
    services.self_submit(by=gov.gov_a, entry=gov.entry_a)
    assert workbench.workbench(user=gov.gov_a).government[0].count == 0


def test_findings_to_rectify_are_the_units_own(cast, gov, client):
    move(gov, "onsite")
    i = gov.items
    services.onsite_save(by=cast.supervisor, entry=gov.entry_a, answers={
        i["B1"].pk: services.AnswerIn(value="1"), i["B2"].pk: services.AnswerIn(choice="no"),
        i["B3"].pk: services.AnswerIn(choice="好")})
    created, _ = services.findings_register(by=cast.county_staff, entry=gov.entry_a)
    for f in created:
        finding_transition(by=cast.county_staff, finding=f, action="notify")
    bench = workbench.workbench(user=gov.gov_a)
    tiles = {t.key: t for t in bench.government}
    assert tiles["unfinished"].count == 2 == Finding.objects.filter(government_unit=gov.unit_a).count()
    client.force_login(gov.gov_a)
    ledger = client.get(tiles["unfinished"].url).content.decode()
    assert all(reverse("findings:detail", args=[f.pk]) in ledger for f in created)
    assert {t.key: t.count for t in workbench.workbench(user=gov.gov_b).government}["unfinished"] == 0
