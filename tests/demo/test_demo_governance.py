"""Issue [10] item 1: the demo's 督政. A 教育强镇督导验收 on four 宁乡 townships: two self-assessments
submitted on time, two late; the first township scored by the team with an opinion and findings; the
printed township-government account (nx_zhenzf) sees exactly its own work and never a school."""

from __future__ import annotations

import re

from django.test import Client
from django.urls import reverse

from dudao.campaigns.models import Campaign
from dudao.demo.build import DEMO_PASSWORD, demo_accounts_table
from dudao.findings.models import Finding
from dudao.governance import services
from dudao.governance.models import CampaignUnit, Opinion, UnitFinding
from dudao.people.models import Role, User
from dudao.people.services import role_grant_add
from dudao.schools.models import School


def _campaign() -> Campaign:
    return Campaign.objects.get(office__region__code="430182", kind="government")


def test_the_campaign_and_its_units(demo_city, db):
    c = _campaign()
    assert c.state == "preliminary" and c.framework_version.framework.builtin_key == "jiaoyu-qiangzhen"
    entries = list(CampaignUnit.objects.filter(campaign=c).select_related("unit"))
    assert len(entries) == 4 and all(e.unit.name.endswith("镇人民政府") and e.team_id for e in entries)
    assert sum(e.self_state == "submitted" for e in entries) == 2
    late = services.late_list(c)
    assert len(late) == 2 and all(not r.entry.submitted_at for r in late)
    scored = [e for e in entries if e.verified_total is not None]
    assert len(scored) == 1
    first = scored[0]
    # the results page figure agrees with the scoring of the stored rows
    outcome, _notes = services.outcome(first)
    assert first.verified_total == outcome.verified_total and first.grade == outcome.grade
    assert Opinion.objects.filter(entry=first).exists()
    problems = services.problems(first)
    assert problems and UnitFinding.objects.filter(entry=first).count() == len(problems)
    assert services.findings_register(by=User.objects.get(username="nx_office"), entry=first) == ([], len(problems))


def test_the_township_account_walks_its_work(demo_city, db):
    printed = demo_accounts_table(demo_city[2])
    assert re.search(r"nx_zhenzf\s+" + re.escape(DEMO_PASSWORD) + r"\s+政府单位用户", printed)
    user = User.objects.get(username="nx_zhenzf")
    client = Client()
    assert user.check_password(DEMO_PASSWORD) and user.is_active
    client.force_login(user)
    c = _campaign()
    entry = CampaignUnit.objects.get(campaign=c, unit__grants__user=user)
    findings = Finding.objects.filter(government_unit=entry.unit)
    home = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="government-tiles"' in home
    unfinished = client.get(reverse("findings:ledger"), {"state": "unfinished"}).content.decode()
    for f in findings:
        assert reverse("findings:detail", args=[f.pk]) in unfinished
    assert client.get(reverse("governance:index")).status_code == 200
    assert client.get(reverse("governance:entry", args=[c.pk, entry.pk])).status_code == 200
    assert client.get(reverse("governance:opinion_print", args=[c.pk, entry.pk])).status_code == 200
    other = CampaignUnit.objects.filter(campaign=c).exclude(pk=entry.pk).first()
    assert client.get(reverse("governance:entry", args=[c.pk, other.pk])).status_code == 404
    assert not School.objects.visible_to(user).exists()
    school = School.objects.filter(region_code__startswith="430182").first()
    assert client.get(reverse("schools:detail", kwargs={"pk": school.pk})).status_code == 404
    # the office reads the results table with the same total
    office = Client()
    office.force_login(User.objects.get(username="nx_office"))
    table = office.get(reverse("governance:results", args=[c.pk])).content.decode()
    scored = CampaignUnit.objects.get(campaign=c, verified_total__isnull=False)
    assert f"{scored.verified_total}" in table


def test_the_county_findings_belong_to_the_county_units(demo_city, db):
    """The older findings against 宁乡市人民政府 and 宁乡市教育局 are linked to their units: an account of
    the county government reads its own finding (not the bureau's, not a township's); nx_zhenzf reads
    none of them."""
    county = Finding.objects.get(school__isnull=True, unit_name="宁乡市人民政府")
    bureau = Finding.objects.get(school__isnull=True, unit_name="宁乡市教育局")
    assert county.government_unit.region.code == bureau.government_unit.region.code == "430182"
    assert bureau.government_unit.parent == county.government_unit
    township = User.objects.get(username="nx_zhenzf")
    assert not Finding.objects.visible_to(township).filter(pk__in=[county.pk, bureau.pk]).exists()
    assert set(Finding.objects.visible_to(township).values_list("government_unit__region__parent__code", flat=True)) \
        == {"430182"}  # only its township's findings
    user = User.objects.create_user(username="t_county_gov", password=DEMO_PASSWORD, full_name="宁乡市政府办")
    role_grant_add(user=user, role=Role.GOVERNMENT_USER, government_unit=county.government_unit)
    assert list(Finding.objects.visible_to(user).values_list("pk", flat=True)) == [county.pk]
    client = Client()
    client.force_login(user)
    assert client.get(reverse("findings:detail", args=[county.pk])).status_code == 200
    assert client.get(reverse("findings:detail", args=[bureau.pk])).status_code == 404
    # the offices see them as before: the city its own finding on the county, 宁乡 both
    assert Finding.objects.visible_to(User.objects.get(username="nx_office")).filter(
        pk__in=[county.pk, bureau.pk]).count() == 2
