"""Plan pages: a supervisor generates, adjusts and saves a month; the office reads every plan."""

from __future__ import annotations

from datetime import date

import pytest
from django.urls import reverse

from dudao.visits.models import VisitPlan
from dudao.zones.services import assignment_create


@pytest.fixture
def me(cast, make_supervisor):
    supervisor = make_supervisor("谢彩飞", user=cast.nobody)
    assignment_create(supervisor=supervisor, school=cast.A1, starts_on=date(2025, 1, 1))
    return supervisor


def test_supervisor_generates_and_saves_a_plan(quota_defaults, cast, client, me):
    client.force_login(cast.nobody)
    month = date.today().replace(day=1)
    page = client.get(reverse("visits:plan_mine"), {"month": f"{month:%Y-%m}", "suggest": "1"}).content.decode()
    assert "测试宁乡一小" in page and "系统建议" in page
    day = date.today() if date.today().weekday() < 5 else month
    client.post(reverse("visits:plan_mine"), {"month": f"{month:%Y-%m}", "school": [cast.A1.pk], "planned_on": [day.isoformat()],
                                              "reason": ["从未督导"]})
    plan = VisitPlan.objects.get(supervisor=me)
    assert [(i.school, i.planned_on) for i in plan.items.all()] == [(cast.A1, day)]


def test_plan_for_a_school_not_assigned_is_refused(cast, client, me):
    client.force_login(cast.nobody)
    response = client.post(reverse("visits:plan_mine"), {"month": "2025-12", "school": [cast.B1.pk], "planned_on": ["2025-12-03"],
                                                         "reason": [""]}, follow=True)
    assert "不是您的挂牌学校" in response.content.decode()
    assert not VisitPlan.objects.exists()


def test_refusing_a_school_outside_the_scope_does_not_name_it(cast, client, me):
    client.force_login(cast.nobody)
    response = client.post(reverse("visits:plan_mine"), {"month": "2025-12", "school": [cast.B1.pk], "planned_on": ["2025-12-03"],
                                                         "reason": [""]}, follow=True)
    page = response.content.decode()
    assert "计划第 1 项的学校不是您的挂牌学校" in page
    assert cast.B1.name not in page


def test_office_sees_plans_in_scope_only(cast, client, me):
    from dudao.visits.plans import plan_save

    plan_save(supervisor=me, month=date(2025, 12, 1), items=[(cast.A1, date(2025, 12, 3), "")])
    client.force_login(cast.county_staff)
    assert "谢彩飞" in client.get(reverse("visits:plans"), {"month": "2025-12"}).content.decode()
    client.force_login(cast.evaluator)
    assert client.get(reverse("visits:plans"), {"month": "2025-12"}).status_code == 403
    client.force_login(cast.multi)  # 望城 office: not 宁乡's supervisors
    assert "谢彩飞" not in client.get(reverse("visits:plans"), {"month": "2025-12"}).content.decode()


@pytest.mark.parametrize("persona", ["admin", "county_staff", "county_leader", "supervisor", "school_user", "evaluator", "outsider", "nobody"])
def test_plan_pages_as_every_persona(cast, client, persona):
    """"visits:plan_mine" is for supervisors with a record; "visits:plans" for offices."""
    client.force_login(getattr(cast, persona))
    assert client.get(reverse("visits:plan_mine")).status_code == 403  # none of the cast has a supervisor record
    status = client.get(reverse("visits:plans")).status_code
    assert status == (200 if persona in {"admin", "county_staff", "county_leader"} else 403)
