"""The demo's complaints (demo/complaints.py) on the test cast: every outcome, mostly questions."""

from __future__ import annotations

from collections import Counter

from dudao.complaints.models import Complaint, ComplaintOutcome, ComplaintState
from dudao.demo.complaints import build_ningxiang_complaints
from dudao.findings.models import FindingSource


def test_demo_complaints_cover_every_outcome(cast, team):
    assert build_ningxiang_complaints() == 40

    complaints = Complaint.objects.all()
    outcomes = Counter(complaints.values_list("outcome", flat=True))
    assert outcomes == {ComplaintOutcome.QUESTION: 24, ComplaintOutcome.REFERRED: 5, "": 4, ComplaintOutcome.INVESTIGATED: 3,
                        ComplaintOutcome.KEPT_FOR_VISIT: 2, ComplaintOutcome.UNFOUNDED: 2}
    assert complaints.overdue().count() == 2
    assert complaints.filter(state=ComplaintState.CLOSED).count() >= 15
    investigated = complaints.filter(outcome=ComplaintOutcome.INVESTIGATED)
    assert all(c.finding and c.finding.source == FindingSource.COMPLAINT for c in investigated)
    assert complaints.filter(channel="phone").exists() and complaints.filter(anonymous=True).exists()
    for c in complaints.exclude(answered_at=None):
        assert c.answered_at >= c.received_at
        assert c.events.get(action="received").created_at == c.received_at
    assert build_ningxiang_complaints() == 0  # idempotent
