"""A small world for the outcomes tests, on the persona cast (tests/personas.py): findings and complaints
at A1 (and A2) whose figures are worked out by hand below, a monitoring result, one decision.

Findings at A1 found this year (Y = today's year), the ledger's rules (findings/selectors.py):
  f1 closed on time (closed before its deadline)          judged, on time
  f2 closed late (closed after its deadline)              judged, late
  f3 in progress, deadline yesterday                      judged, late (overdue), unfinished
  f4 notified, deadline in 30 days                        unfinished, not yet due
  f5 cancelled                                            counted in total only
  f0 found last year, overdue                             outside the year: not on the sheet
  → total 5, unfinished 2, overdue 1, due (judged) 3, on time 1, rate 1 ÷ 3 = 33.3 %.
A2: one finding, closed on time → rate 100.0 %.
Complaints received this year: A1 two (one 立案核查 = upheld, one question), A2 one upheld; A1 last year
one upheld (outside). → A1: complaints 2, upheld 1.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from itertools import count

from django.utils import timezone

from dudao.complaints.models import Complaint
from dudao.findings.models import Finding
from dudao.regions.models import Office

_codes = count(1)


@dataclass
class World:
    year: int
    ningxiang: Office
    wangcheng: Office
    findings: dict[str, Finding]


def _aware(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day, dt.time(10, 0)))


def finding(office, school, *, found_on, deadline, state="notified", closed_on=None) -> Finding:
    return Finding.objects.create(
        office=office, school=school, region=school.region, unit_name=school.name, source="visit",
        category="safety", description="消防通道堆放杂物", requirement="清理", found_on=found_on,
        deadline=deadline, state=state, closed_at=_aware(closed_on) if closed_on else None)


def complaint(office, school, *, received: dt.date, outcome="", state="received") -> Complaint:
    return Complaint.objects.create(
        school=school, office=office, tracking_code=f"OC{next(_codes):08d}", category="other", text="反映食堂问题",
        received_at=_aware(received), response_due=received + dt.timedelta(days=15), state=state, outcome=outcome)


def build_world(cast) -> World:
    today = timezone.localdate()
    y = today.year
    jan1 = dt.date(y, 1, 1)
    ningxiang = Office.objects.get(region__code="430182")
    wangcheng = Office.objects.get(region__code="430112")
    A1, A2 = cast.A1, cast.A2
    yesterday = today - dt.timedelta(days=1)
    f = {
        "f1": finding(ningxiang, A1, found_on=jan1, deadline=yesterday, state="closed", closed_on=jan1),
        "f2": finding(ningxiang, A1, found_on=jan1, deadline=jan1, state="closed", closed_on=today),
        "f3": finding(ningxiang, A1, found_on=jan1, deadline=yesterday, state="in_progress"),
        "f4": finding(ningxiang, A1, found_on=jan1, deadline=today + dt.timedelta(days=30)),
        "f5": finding(ningxiang, A1, found_on=jan1, deadline=yesterday, state="cancelled"),
        "f0": finding(ningxiang, A1, found_on=dt.date(y - 1, 6, 1), deadline=dt.date(y - 1, 7, 1)),
        "a2": finding(ningxiang, A2, found_on=jan1, deadline=yesterday, state="closed", closed_on=jan1),
        "b1": finding(wangcheng, cast.B1, found_on=jan1, deadline=yesterday),
    }
    complaint(ningxiang, A1, received=jan1, outcome="investigated", state="investigating")
    complaint(ningxiang, A1, received=jan1, outcome="question", state="answered")
    complaint(ningxiang, A2, received=jan1, outcome="investigated", state="investigating")
    complaint(ningxiang, A1, received=dt.date(y - 1, 3, 1), outcome="investigated", state="investigating")
    complaint(wangcheng, cast.B1, received=jan1, outcome="investigated", state="investigating")
    return World(year=y, ningxiang=ningxiang, wangcheng=wangcheng, findings=f)
