"""我的督导: the month against the quota and the semester's unvisited schools agree with the office's
compliance report; drafts and recent visits are listed; the nav item is for supervisors."""

from __future__ import annotations

import re

from django.urls import reverse
from django.utils import timezone

from dudao.regions.models import Office
from dudao.visits.compliance import compliance_report
from dudao.visits.models import QuotaMetric
from tests.visits.field_support import draft_visit


def test_figures_agree_with_the_compliance_report(cast, client, field, record, quota_defaults):
    # given: three visits this month, all at A1; A2 never visited
    today = timezone.localdate()
    for _ in range(3):
        record(field.me, cast.A1, today)
    client.force_login(cast.supervisor)
    # when
    page = client.get(reverse("visits:field_home")).content.decode()
    # then: the same numbers as the office's report
    report = compliance_report(office=Office.objects.get(region__code="430182"), kind="month", day=today, today=today)
    row = next(r for r in report.supervisors if r.supervisor.pk == field.me.pk)
    checks = {c.rule.metric: c for c in row.checks}
    per_supervisor = checks[QuotaMetric.VISITS_PER_SUPERVISOR]
    assert per_supervisor.done == 3 and per_supervisor.required == 4
    assert f"本月已督导 {per_supervisor.done} 次，要求 {per_supervisor.required} 次" in page
    per_school = checks[QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL]
    assert f"挂牌学校本月已达标 {per_school.done} / 2 所" in page
    semester = compliance_report(office=Office.objects.get(region__code="430182"), kind="semester", day=today, today=today)
    unvisited = {r.school.name for r in semester.schools_not_visited} & {cast.A1.name, cast.A2.name}
    assert unvisited == {cast.A2.name}
    block = re.search(r'data-testid="semester-unvisited">(.*?)</div>', page, re.S).group(1)
    assert "还有 1 所挂牌学校未督导" in block and cast.A2.name in block and cast.A1.name not in block


def test_lists_schools_drafts_and_recent_visits(cast, client, field, record):
    record(field.me, cast.A1, timezone.localdate())
    draft = draft_visit(cast.supervisor, cast.A2)
    client.force_login(cast.supervisor)
    page = client.get(reverse("visits:field_home")).content.decode()
    assert reverse("visits:field_form", args=[draft.client_id]) in page and "继续填写草稿" in page
    assert f'data-testid="start-{cast.A1.pk}"' in page and f'data-testid="start-{cast.A2.pk}"' not in page
    assert "从未督导" in page  # A2
    assert "最近提交" in page and reverse("visits:detail", args=[cast.A1.visits.get().pk]) in page


def test_a_supervisor_without_schools_sees_an_empty_state(cast, client, field):
    field.me.assignments.all().delete()
    client.force_login(cast.supervisor)
    page = client.get(reverse("visits:field_home")).content.decode()
    assert "您目前没有挂牌学校" in page


def test_nav_item_only_for_supervisors(cast, client, field):
    client.force_login(cast.supervisor)
    assert 'data-testid="nav-field"' in client.get(reverse("core:home"), follow=True).content.decode()
    client.force_login(cast.county_staff)
    assert 'data-testid="nav-field"' not in client.get(reverse("core:home")).content.decode()
