"""The demo's 结果运用 (issue [11] item 6): the 宁乡 office (nx_office) has recorded a few decisions —
a 约谈 of the principal of the school with the most overdue findings, a 通报表扬 of a school whose
findings were all closed on time, and 经费奖补 for the same school. They show on each school's page and
on the 结果运用 sheet. Through the service the page calls; idempotent (nothing the second time)."""

from __future__ import annotations

from datetime import timedelta

from django.db.models import Count, Q
from django.utils import timezone

from dudao.findings.models import FINISHED_STATES, Finding, FindingState
from dudao.outcomes.models import DecisionKind, OutcomeDecision
from dudao.outcomes.services import decision_record
from dudao.people.models import User
from dudao.schools.models import School

NX = "430182"


def build_ningxiang_outcomes() -> None:
    if OutcomeDecision.objects.filter(school__region_code__startswith=NX).exists():
        return
    staff = User.objects.filter(username="nx_office").first()
    if staff is None:
        return
    today = timezone.localdate()
    overdue = Q(deadline__lt=today) & ~Q(state__in=FINISHED_STATES)
    worst = (Finding.objects.filter(overdue, school__region_code__startswith=NX).values("school_id")
             .annotate(n=Count("id")).order_by("-n", "school_id").first())
    if worst is not None:
        school = School.objects.get(pk=worst["school_id"])
        example = Finding.objects.filter(overdue, school=school).order_by("deadline", "id").first()
        decision_record(by=staff, school=school, kind=DecisionKind.INTERVIEW, decided_on=today - timedelta(days=3),
                        basis=f"该校有 {worst['n']} 个问题逾期未整改，依据《督导问责办法》约谈校长，限期整改到位。",
                        finding=example)
    # the school with most findings closed and none overdue; else (a young ledger) the first school with none overdue
    late_schools = Finding.objects.filter(overdue, school__isnull=False).values("school_id")  # NOT IN meets no NULL
    closed = (Finding.objects.filter(school__region_code__startswith=NX, state=FindingState.CLOSED)
              .exclude(school__in=late_schools)
              .values("school_id").annotate(n=Count("id")).order_by("-n", "school_id").first())
    good = (School.objects.get(pk=closed["school_id"]) if closed is not None else
            School.objects.filter(region_code__startswith=NX, is_active=True).exclude(pk__in=late_schools)
            .order_by("code").first())
    if good is not None:
        decision_record(by=staff, school=good, kind=DecisionKind.COMMENDATION, decided_on=today - timedelta(days=10),
                        basis="本年度督导发现问题按期整改、无逾期未整改问题，在全市督导工作通报中予以表扬。")
        decision_record(by=staff, school=good, kind=DecisionKind.FUNDING, decided_on=today - timedelta(days=5),
                        basis="按期整改、督导结果优良，安排教育督导经费奖补。")
