"""The complaints statistics read plain rows (issue [7]): the figures equal a straightforward count
over the complaint objects on generated data, and the page's queries do not grow with the complaints."""

from __future__ import annotations

import random
from collections import Counter
from datetime import datetime, time, timedelta

from django.urls import reverse
from django.utils import timezone

from dudao.complaints.models import Complaint, ComplaintChannel, ComplaintOutcome, ComplaintState
from dudao.complaints.selectors import complaint_stats
from tests.complaints.conftest import submit


def _generate(cast, n: int, seed: int) -> None:
    rng = random.Random(seed)
    now = timezone.now()
    schools = [cast.A1, cast.A2, cast.A3, cast.B1]
    for i in range(n):
        received = now - timedelta(days=rng.randint(0, 80), hours=rng.randint(0, 23), minutes=rng.randint(0, 59))
        c = submit(rng.choice(schools), received_at=received, text=f"生成的反映{seed}-{i}：作业太多")
        state = rng.choice(ComplaintState.values)
        answered = received + timedelta(days=rng.randint(0, 20), hours=rng.randint(0, 23)) if rng.random() < 0.5 else None
        Complaint.objects.filter(pk=c.pk).update(
            state=state, outcome=rng.choice(["", *ComplaintOutcome.values]), channel=rng.choice(ComplaintChannel.values),
            category=rng.choice(["fees", "workload", "safety"]), answered_at=answered)


def _reference(user, start, end) -> dict:
    """The figures counted over Complaint objects, one by one, as the page did before."""
    today = timezone.localdate()
    rows = Complaint.objects.visible_to(user).filter(received_at__date__gte=start, received_at__date__lte=end).select_related("school")
    out: dict = {"total": 0, "outcomes": Counter(), "categories": Counter(), "channels": Counter(), "months": Counter(),
                 "answered": 0, "on_time": 0, "overdue": 0, "days": [], "schools": {}}
    for c in sorted(rows, key=lambda c: (c.received_at, c.pk)):
        out["total"] += 1
        out["outcomes"][c.outcome] += 1
        out["categories"][c.category] += 1
        out["channels"][c.channel] += 1
        out["months"][timezone.localtime(c.received_at).strftime("%Y-%m")] += 1
        school = out["schools"].setdefault(c.school.code, {"total": 0, "pending": 0, "overdue": 0, "outcomes": Counter()})
        school["total"] += 1
        school["outcomes"][c.outcome] += 1
        if c.answered_at:
            out["answered"] += 1
            out["days"].append((c.answered_at - c.received_at).total_seconds() / 86400)
            out["on_time"] += timezone.localdate(c.answered_at) <= c.response_due
        elif c.state != ComplaintState.CLOSED:
            school["pending"] += 1
            if c.response_due < today:
                out["overdue"] += 1
                school["overdue"] += 1
    return out


def test_the_statistics_equal_a_count_over_the_complaint_objects(cast, team):
    _generate(cast, 60, 1)
    today = timezone.localdate()
    start, end = today - timedelta(days=50), today - timedelta(days=2)
    # the edges of the local days: the first and last instants in, the ones either side out
    tz = timezone.get_current_timezone()
    for day, at in ((start, time.min), (end, time(23, 59, 59)), (start - timedelta(days=1), time(23, 59, 59)),
                    (end + timedelta(days=1), time.min)):
        submit(cast.A1, received_at=timezone.make_aware(datetime.combine(day, at), tz), text=f"边界 {day} {at}：收费")
    stats = complaint_stats(user=cast.province_staff, start=start, end=end)
    ref = _reference(cast.province_staff, start, end)
    assert 20 < stats.total == ref["total"] < 60
    assert sum(1 for c in Complaint.objects.filter(text__startswith="边界")
               if start <= timezone.localdate(c.received_at) <= end) == 2
    assert {code: n for code, _label, n in stats.by_outcome if n} == {k: n for k, n in ref["outcomes"].items() if n}
    assert sorted(n for _label, n in stats.by_category) == sorted(ref["categories"].values())
    assert sorted(n for _label, n in stats.by_channel) == sorted(ref["channels"].values())
    assert stats.by_month == sorted(ref["months"].items())
    assert (stats.answered, stats.on_time, stats.overdue_now) == (ref["answered"], ref["on_time"], ref["overdue"])
    assert stats.answered > 0 and stats.overdue_now >= 0
    assert stats.average_days == round(sum(ref["days"]) / len(ref["days"]), 1)
    assert {s.code: {"total": s.total, "pending": s.pending, "overdue": s.overdue, "outcomes": Counter(s.outcomes)}
            for s in stats.schools} == ref["schools"]


def test_the_statistics_page_query_count_does_not_grow(cast, team, client, django_assert_max_num_queries):
    client.force_login(cast.province_staff)
    client.get(reverse("complaints:stats"))
    start = (timezone.localdate() - timedelta(days=90)).isoformat()
    for n, seed in ((3, 2), (40, 3)):
        _generate(cast, n, seed)
        with django_assert_max_num_queries(8):
            response = client.get(reverse("complaints:stats"), {"start": start})
        assert response.status_code == 200
        assert response.context["stats"].total == Complaint.objects.filter(received_at__date__gte=start).count()
