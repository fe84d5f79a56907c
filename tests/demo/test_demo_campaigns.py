"""Issue [9] item 8: the demo's campaigns. 宁乡市 holds seed 002's two 专项督导 and a 综合督导评估 round in
their phases; every printed account opens its campaign pages; the campaigns' findings are in the
ledger exactly once; the build is deterministic."""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal

import pytest
from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from dudao.campaigns.models import (
    Campaign,
    CampaignSchool,
    SchoolResult,
    Score,
    SelfInspection,
    TeamMember,
)
from dudao.campaigns.results import campaign_findings_create, campaign_problems
from dudao.demo.build import DEMO_PASSWORD, demo_accounts_table
from dudao.findings.models import Finding
from dudao.people.models import User
from dudao.schools.models import School


def campaigns() -> dict[str, Campaign]:
    found = {}
    # the school campaigns of demo/campaigns.py (the 督政 one is demo/governance.py's: tests/demo/test_demo_governance.py)
    for c in (Campaign.objects.filter(office__region__code="430182").exclude(kind="government")
              .select_related("framework_version__framework")):
        key = ("summer" if "有偿补课" in c.name else "autumn" if "秋季开学" in c.name else
               "round" if c.kind == "comprehensive" else "pending" if c.state == "submitted" else c.name)
        found[key] = c
    return found


def signed_in(username: str) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": DEMO_PASSWORD})
    assert response.status_code == 302, f"{username} cannot sign in"
    return client


def page(client: Client, name: str, *args) -> str:
    response = client.get(reverse(name, args=args))
    assert response.status_code == 200, (name, args, response.status_code)
    return response.content.decode()


def test_the_three_campaigns_are_in_their_phases(demo_city, db):
    c = campaigns()
    assert set(c) == {"summer", "autumn", "round", "pending"}
    today = timezone.localdate()

    summer = c["summer"]
    assert (summer.kind, summer.state, summer.framework_version.framework.builtin_key) == ("special", "rectification", "youchang-buke")
    assert summer.teams.count() == 5 and summer.approved_by.username == "nx_leader"
    sections = set(TeamMember.objects.filter(team__campaign=summer, kind="staff").values_list("section", flat=True))
    assert {"监审", "普教", "成职幼教"} <= sections
    entries = CampaignSchool.objects.filter(campaign=summer)
    assert entries.count() > 50 and not entries.filter(team__isnull=True).exists()
    inspections = SelfInspection.objects.filter(campaign=summer, state="submitted")
    late = inspections.filter(submitted_at__date__gt=summer.self_deadline).count()
    assert entries.count() - 5 <= inspections.count() < entries.count() and late >= 3  # most, some late, a few never
    # self "是", verified "否": flagged, on the school's result
    flagged = SchoolResult.objects.filter(campaign=summer, flag_count__gt=0)
    assert flagged.count() >= 5
    assert any(f["kind"] == "yes_no" and Decimal(f["self"]) == 1 and Decimal(f["verified"]) == 0 for r in flagged for f in r.flags)

    autumn = c["autumn"]
    assert (autumn.state, autumn.framework_version.framework.builtin_key) == ("onsite", "kaixue-2020")
    assert autumn.approved_by.username == "nx_leader" and autumn.events.filter(action="schools_notified").exists()
    assert autumn.onsite_start <= today <= autumn.onsite_end  # the on-site pages are live
    members = TeamMember.objects.filter(team__campaign=autumn)
    assert members.count() == 72 and autumn.teams.count() == 12
    assert Counter(members.filter(is_leader=True).values_list("team_id", flat=True)) == Counter(
        {t: 1 for t in autumn.teams.values_list("id", flat=True)})
    staff_sections = set(members.filter(kind="staff").values_list("section", flat=True))
    assert {"普教", "纪检监察", "宣教", "综治", "成职幼教"} <= staff_sections
    assert not members.filter(kind="staff", user__supervisor__isnull=False).exists()  # bureau staff: no supervisor record
    assert members.filter(kind="supervisor").count() == 36
    assert not CampaignSchool.objects.filter(campaign=autumn, team__isnull=True).exists()

    rnd = c["round"]
    framework = rnd.framework_version.framework
    assert (rnd.kind, rnd.state, framework.copied_from.builtin_key) == ("comprehensive", "summary", "hainan-school-quality")
    assert rnd.framework_version.total_score == 100
    results = list(SchoolResult.objects.filter(campaign=rnd).order_by("rank"))
    assert len(results) == CampaignSchool.objects.filter(campaign=rnd).count()
    assert {r.grade for r in results} >= {"优秀", "良好", "不合格"}
    vetoed = [r for r in results if r.vetoed]
    assert len(vetoed) == 1 and vetoed[0].grade == "不合格" and vetoed[0].rank == len(results)  # last, whatever its total
    assert [r.rank for r in results] == sorted(r.rank for r in results) and results[0].rank == 1
    assert any(r.flag_count for r in results)
    third = TeamMember.objects.get(team__campaign=rnd, user__username="evaluator")
    assert third.kind == "third_party" and rnd.onsite_start <= today <= rnd.onsite_end
    # on-site scores are Score rows of kind onsite, by the team's raters
    assert Score.objects.filter(campaign=rnd, kind="onsite", rater=third.user).exists()

    assert c["pending"].state == "submitted"


def test_campaign_findings_are_in_the_ledger_exactly_once(demo_city, db):
    from dudao.demo.campaigns import build_ningxiang_campaigns

    c = campaigns()
    office = User.objects.get(username="nx_office")
    for key in ("summer", "round"):
        campaign = c[key]
        ledger = Finding.objects.filter(source="campaign", source_data__campaign=campaign.pk)
        keys = [(d["school"], d["indicator"]) for d in ledger.values_list("source_data", flat=True)]
        problems = campaign_problems(campaign)
        assert keys and len(keys) == len(set(keys)) == len(problems), key
        assert set(keys) == {p.key for p in problems}
        assert campaign_findings_create(campaign=campaign, by=office) == ([], len(problems))  # never twice
    # the veto of the round is a critical finding; the demo school has its own summer finding
    assert Finding.objects.filter(source_data__campaign=c["round"].pk, severity="critical",
                                  description__startswith="【一票否决】").count() == 1
    school = School.objects.get(role_grants__user__username="nx_school")
    assert Finding.objects.filter(source_data__campaign=c["summer"].pk, school=school).exists()
    assert not Finding.objects.filter(source="campaign", source_data__campaign=c["autumn"].pk).exists()  # still on site
    assert build_ningxiang_campaigns() == 0  # idempotent


def test_printed_accounts_walk_their_campaign_pages(demo_city, db):
    _schools, _rows, accounts = demo_city
    table = demo_accounts_table(accounts)
    names = [line.split()[0] for line in table.splitlines()[2:]]
    assert {"nx_zuzhang", "nx_jijian", "evaluator", "nx_office", "nx_leader", "nx_school"} <= set(names)
    c = campaigns()
    summer, autumn, rnd, pending = c["summer"], c["autumn"], c["round"], c["pending"]

    # 组长 of 秋季开学's 第一组: their team, its schools, the campaign
    leader = TeamMember.objects.select_related("team").get(user__username="nx_zuzhang", team__campaign=autumn)
    assert leader.is_leader and leader.team.name == "第一组"
    client = signed_in("nx_zuzhang")
    mine = page(client, "campaigns:team_mine")
    assert autumn.name in mine and "第一组" in mine
    first_school = CampaignSchool.objects.filter(team=leader.team).select_related("school").first().school
    assert first_school.name in page(client, "campaigns:team_detail", leader.team.pk)
    assert autumn.name in page(client, "campaigns:detail", autumn.pk)
    # …and scores a school of the group on the phone: the on-site list offers it, starting opens the form
    assert first_school.name in page(client, "campaigns:onsite_mine")
    started = client.post(reverse("campaigns:onsite_start"), {"campaign": autumn.pk, "school": first_school.pk})
    assert started.status_code == 302 and "/visits/field/" in started["Location"], started.get("Location")

    # a 纪检监察 staff member (no supervisor record) in a group of both special campaigns
    staff = User.objects.get(username="nx_jijian")
    assert not hasattr(staff, "supervisor")
    client = signed_in("nx_jijian")
    mine = page(client, "campaigns:team_mine")
    assert autumn.name in mine and summer.name in mine and "纪检监察" in mine
    assert autumn.name in page(client, "campaigns:detail", autumn.pk)

    # the third-party evaluator: inside its window it reads the round and its allocated schools
    client = signed_in("evaluator")
    evaluator = User.objects.get(username="evaluator")
    allocated = set(CampaignSchool.objects.filter(campaign=rnd, team__members__user=evaluator).values_list("school_id", flat=True))
    assert allocated and allocated <= set(School.objects.visible_to(evaluator).values_list("pk", flat=True))
    assert rnd.name in page(client, "campaigns:team_mine")
    assert rnd.name in page(client, "campaigns:detail", rnd.pk)
    school = School.objects.get(pk=min(allocated))
    assert school.name in page(client, "campaigns:result_school", rnd.pk, school.pk)
    assert client.get(reverse("campaigns:detail", args=[summer.pk])).status_code == 404

    # the office: the round's ranking with its veto; the summer's late list
    client = signed_in("nx_office")
    listing = page(client, "campaigns:list")
    assert all(x.name in listing for x in (summer, autumn, rnd, pending))
    assert "不合格" in page(client, "campaigns:result_list", rnd.pk)
    page(client, "campaigns:self_late", summer.pk)
    teams = page(client, "campaigns:team_index", autumn.pk)
    assert "第十二组" in teams and "纪检监察" in teams and "综治" in teams
    assert User.objects.get(username="nx_zuzhang").full_name in page(client, "campaigns:team_sheet", autumn.pk)
    page(client, "campaigns:self_list", autumn.pk)

    # the leader sees every campaign and approves the plan waiting for them
    client = signed_in("nx_leader")
    assert pending.name in page(client, "campaigns:list")
    detail = page(client, "campaigns:detail", pending.pk)
    assert reverse("campaigns:act", args=[pending.pk, "approve"]) in detail
    with transaction.atomic():
        response = client.post(reverse("campaigns:act", args=[pending.pk, "approve"]), {"note": "同意。"})
        assert response.status_code == 302
        pending.refresh_from_db()
        assert pending.state == "approved"
        transaction.set_rollback(True)

    # the school: its open 秋季开学 self-inspection, its summer result and the finding's page
    client = signed_in("nx_school")
    school = School.objects.get(role_grants__user__username="nx_school")
    form = page(client, "campaigns:self_form", autumn.pk)
    assert autumn.name in form and school.name in form
    result = page(client, "campaigns:result_school", summer.pk, school.pk)
    assert summer.name in result
    finding = Finding.objects.filter(source_data__campaign=summer.pk, school=school).first()
    assert re.search(re.escape(finding.description.splitlines()[0][:12]), page(client, "findings:detail", finding.pk))


def _fingerprint() -> list:
    rows = []
    for campaign in Campaign.objects.filter(office__region__code="430182").order_by("name"):
        rows.append((campaign.name, campaign.state, str(campaign.onsite_start), campaign.sample_seed))
        rows.append(sorted(CampaignSchool.objects.filter(campaign=campaign).values_list("school__code", "team__name")))
        rows.append(sorted(TeamMember.objects.filter(team__campaign=campaign).values_list(
            "team__name", "user__username", "kind", "section", "is_leader")))
        rows.append(sorted((s, i, k, r or "", str(v), ch) for s, i, k, r, v, ch in Score.objects.filter(campaign=campaign)
                           .values_list("school__code", "indicator__code", "kind", "rater__username", "value", "choice")))
        rows.append(sorted((s, str(t), g, rank or 0, f) for s, t, g, rank, f in SchoolResult.objects.filter(campaign=campaign)
                           .values_list("school__code", "verified_total", "grade", "rank", "flag_count")))
        rows.append(sorted(Finding.objects.filter(source="campaign", source_data__campaign=campaign.pk)
                           .values_list("school__code", "description", "deadline")))
    return rows


@pytest.mark.django_db
def test_campaigns_build_the_same_again(demo_city):
    """Deleting the campaigns and building them again gives the same campaigns, schools, teams,
    scores, results and findings (fixed seeds; the accounts are reused)."""
    from dudao.bulletins.models import Bulletin
    from dudao.demo.campaigns import build_ningxiang_campaigns
    from dudao.frameworks.models import Framework

    before = _fingerprint()
    with transaction.atomic():
        ids = list(Campaign.objects.filter(office__region__code="430182").exclude(kind="government")
                   .values_list("pk", flat=True))
        Finding.objects.filter(source="campaign", source_data__campaign__in=ids).delete()
        Bulletin.objects.filter(campaign__in=ids).delete()  # a 通报 keeps its campaign (PROTECT)
        Campaign.objects.filter(pk__in=ids).delete()
        Framework.objects.filter(owner__region__code="430182", copied_from__isnull=False).delete()
        assert build_ningxiang_campaigns() == 4
        assert _fingerprint() == before
        transaction.set_rollback(True)
