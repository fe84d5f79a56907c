"""A 督政 campaign reads 自评 where a school campaign reads 学校自查, and its plan takes only the
frameworks for governments (the other kinds only the school ones), checked by the service."""

from __future__ import annotations

from decimal import Decimal

from django.urls import reverse

from dudao.campaigns.models import Campaign, CampaignKind, CampaignState, state_label
from dudao.frameworks.models import Framework, FrameworkShape, FrameworkVersion, VersionState, Weighting
from dudao.regions.models import Office
from tests.governance.conftest import move


def _school_version() -> FrameworkVersion:
    framework = Framework.objects.create(name="测试学校评价", shape=FrameworkShape.WEIGHTED, source="测试用")
    return FrameworkVersion.objects.create(framework=framework, number=1, state=VersionState.PUBLISHED,
                                           weighting=Weighting.POINTS, total_score=Decimal(10))


def _plan(version, kind: str, name: str) -> dict:
    return {"office": Office.objects.get(region__code="430182").pk, "kind": kind, "name": name,
            "year": 2026, "framework_version": version.pk, "purpose": "检查",
            "self_deadline": "2026-09-05", "onsite_start": "2026-09-08", "onsite_end": "2026-09-12",
            "aggregation": "mean", "discrepancy_threshold": "2"}


def test_state_labels_by_kind(cast, gov, client):
    assert state_label(CampaignKind.GOVERNMENT, CampaignState.SELF_INSPECTION) == "自评"
    assert state_label(CampaignKind.SPECIAL, CampaignState.SELF_INSPECTION) == "学校自查"
    assert state_label(CampaignKind.GOVERNMENT, CampaignState.ONSITE) == "实地督导"
    move(gov, CampaignState.SELF_INSPECTION)
    assert gov.campaign.state_label == "自评"
    client.force_login(cast.county_staff)
    for name in ("campaigns:detail", "governance:campaign"):
        page = client.get(reverse(name, kwargs={"pk": gov.campaign.pk})).content.decode()
        assert 'data-testid="campaign-state">自评<' in page
    phases = client.get(reverse("campaigns:detail", kwargs={"pk": gov.campaign.pk})).content.decode()
    assert "学校自查" not in phases.split('data-testid="campaign-phases"')[1].split("</ul>")[0]
    listing = client.get(reverse("campaigns:list")).content.decode()
    assert ">自评</span>" in listing

    school = Campaign.objects.create(kind=CampaignKind.SPECIAL, name="学校专项", office=gov.campaign.office,
                                     year=2026, framework_version=_school_version(),
                                     created_by=cast.county_staff, state=CampaignState.SELF_INSPECTION)
    page = client.get(reverse("campaigns:detail", kwargs={"pk": school.pk})).content.decode()
    assert 'data-testid="campaign-state">学校自查<' in page


def test_the_form_groups_frameworks_and_the_service_checks_the_kind(cast, gov, client):
    school_version = _school_version()
    client.force_login(cast.county_staff)
    page = client.get(reverse("campaigns:create")).content.decode()
    schools, governments = page.split('<optgroup label="学校指标体系">')[1].split('<optgroup label="督政（评价政府）指标体系">')
    assert "测试学校评价" in schools and "测试督政" not in schools
    assert "测试督政" in governments.split("</optgroup>")[0]
    assert "campaigns/campaign_form.js" in page

    response = client.post(reverse("campaigns:create"), _plan(school_version, "government", "错选的督政"))
    assert response.status_code == 400
    assert "督政项目只能选用督政（评价政府）的指标体系。" in response.content.decode()
    assert "错选的督政" in response.content.decode()  # what was typed stays
    response = client.post(reverse("campaigns:create"), _plan(gov.version, "special", "错选的专项"))
    assert response.status_code == 400
    assert "督政（评价政府）的指标体系只能用于督政项目，请选用学校指标体系。" in response.content.decode()
    assert not Campaign.objects.filter(name__startswith="错选").exists()

    response = client.post(reverse("campaigns:create"), _plan(gov.version, "government", "新的督政"))
    assert response.status_code == 302
    assert Campaign.objects.get(name="新的督政").framework_version == gov.version
    response = client.post(reverse("campaigns:create"), _plan(school_version, "special", "新的专项"))
    assert response.status_code == 302
