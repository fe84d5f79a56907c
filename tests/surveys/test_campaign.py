"""A survey that is part of a campaign: created from the campaign's page, listed there through
`campaign.surveys` (campaigns never imports surveys) as its 问卷调查 method; install_defaults
installs the built-in questionnaires."""

from __future__ import annotations

import io

from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from dudao.surveys.models import Questionnaire, Survey
from tests.campaigns.conftest import county_campaign, small_version  # noqa: F401 - the shared campaign fixtures


def test_a_campaign_survey_is_listed_on_the_campaign(cast, client, county_campaign, small):  # noqa: F811
    client.force_login(cast.county_staff)
    page = client.get(reverse("surveys:create") + f"?campaign={county_campaign.pk}")
    assert page.status_code == 200 and f'value="{county_campaign.pk}" selected' in page.content.decode()
    today = timezone.localdate()
    created = client.post(reverse("surveys:create"), {
        "office": county_campaign.office_id, "questionnaire": small.pk, "name": "专项督导家长问卷", "year": today.year,
        "region": county_campaign.office.region_id, "opens_on": today.isoformat(), "closes_on": today.isoformat(),
        "campaign": county_campaign.pk, "min_student_grade": 3})
    assert created.status_code == 302
    survey = Survey.objects.get(name="专项督导家长问卷")
    assert survey.campaign == county_campaign and survey.created_by == cast.county_staff
    html = client.get(reverse("campaigns:detail", kwargs={"pk": county_campaign.pk})).content.decode()
    card = html.split('data-testid="campaign-surveys"')[1].split("</div>\n    <div")[0]
    assert "专项督导家长问卷" in card and "计为督导方法：问卷调查" in card


def test_survey_form_refuses_a_closing_date_before_the_opening(cast, client, county_office, small):
    client.force_login(cast.county_staff)
    today = timezone.localdate()
    page = client.post(reverse("surveys:create"), {
        "office": county_office.pk, "questionnaire": small.pk, "name": "日期错误", "year": today.year,
        "region": county_office.region_id, "opens_on": today.isoformat(), "closes_on": "2000-01-01",
        "min_student_grade": 3})
    assert page.status_code == 400
    html = page.content.decode()
    assert "截止日期不能早于开始日期。" in html and "日期错误" in html
    assert not Survey.objects.exists()


def test_install_defaults_installs_the_questionnaires(db):
    out = io.StringIO()
    call_command("install_defaults", stdout=out)
    assert "4 份内置问卷" in out.getvalue()
    assert Questionnaire.objects.filter(office__isnull=True).count() == 4
