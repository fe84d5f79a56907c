"""The demo ledger: every visit problem became a finding, every state is there, overdue findings
were escalated, closed ones have realistic days to close, and the demo school has work to do."""

from __future__ import annotations

from django.utils import timezone

from dudao.findings.models import EscalationRecord, Finding, FindingState
from dudao.findings.selectors import ledger_counts, todo_summary
from dudao.people.models import User
from dudao.visits.models import VisitProblem


def test_demo_ledger(demo_city, db):
    from dudao.demo.findings import build_ningxiang_findings

    problems = VisitProblem.objects.filter(visit__supervisor__office__region__code="430182")
    assert problems.exists() and not problems.filter(finding__isnull=True).exists()
    ledger = Finding.objects.filter(region__code__startswith="430182")
    assert set(ledger.values_list("state", flat=True)) == set(FindingState.values)
    assert set(ledger.values_list("source", flat=True)) >= {"visit", "campaign", "evaluation", "monitoring", "other"}
    # 督政: the county government and its bureau (demo/findings.py), and the township's findings of the
    # 督政 campaign (demo/governance.py): every finding without a school is owned by its government unit
    assert not ledger.filter(school__isnull=True, government_unit__isnull=True).exists()
    assert set(ledger.filter(school__isnull=True, government_problem__isnull=True)
               .values_list("government_unit__name", "government_unit__kind", "unit_name")) == {
        ("宁乡市人民政府", "government", "宁乡市人民政府"), ("宁乡市教育局", "department", "宁乡市教育局")}
    assert ledger.filter(government_problem__isnull=False).count() > 0
    counts = ledger_counts(ledger)
    assert counts.overdue > 0 and counts.due_soon > 0 and counts.closed > counts.unfinished
    assert 5 <= counts.avg_days_to_close <= 40 and 5 <= counts.overdue_rate <= 50
    assert EscalationRecord.objects.filter(finding__in=ledger, action="summons").exists()
    # Steps are dated back: the history reads in order and nothing happens in the future.
    closed = ledger.filter(state="closed").first()
    times = list(closed.events.order_by("id").values_list("created_at", flat=True))
    assert times == sorted(times) and timezone.localdate(closed.closed_at) >= closed.found_on  # both Beijing dates
    school = todo_summary(user=User.objects.get(username="nx_school"))
    assert school.unfinished >= 3 and school.due_soon >= 1 and school.overdue >= 1
    assert build_ningxiang_findings() == 0  # idempotent
