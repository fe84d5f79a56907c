"""The figures of a monthly work summary (工作月报): one office, one month, the office's region subtree.

`month_figures` reads each area through its own app's models and selectors and returns plain JSON
(numbers, short lists of names): the snapshot a `MonthlySummary` keeps. Nothing here depends on who
asks — the summary is the office's, drafted by its staff or by the scheduled job — so every count is
over the office's subtree (the pages that show it check the reader's scope, docs/monthly.md).

Month boundaries are Beijing dates (settings.TIME_ZONE, Asia/Shanghai): a date field is compared with
the month's first and last day, a timestamp with the local midnights that bound them. A month not yet
over is counted up to `as_of` (today); the text says "截至…".

What each count means:
- team: supervisors of the offices in the subtree in post (status history, supervisors.selectors) on
  the day before the month and on `as_of`; joined = in post at the end and not before, left = the reverse;
- training: sessions held in the month by an office of the subtree, their hours, attendances;
- visits: the quota engine's month report (visits.compliance, routine visits only, the schools the
  office's zones must cover) — visits, schools visited, schools short of the rule and by how much;
- campaigns (督导项目 of the subtree's offices): started = first moved into a working state (自查 …
  总结) in the month, finished = closed in the month, in progress = in a working state on `as_of`;
- findings (整改台账, units in the subtree): opened = found in the month, closed = 销号 in the month,
  unfinished and overdue on `as_of` (a finding closed later still counts as unfinished on that day;
  cancelled findings count nowhere);
- complaints at the subtree's schools: received, answered (handled) in the month, of which upheld
  (属实: 立案核查), and still unanswered on `as_of`;
- monitoring: schools and areas whose balanced-development results were recomputed in the month,
  schools failing among them, monitoring warnings turned into findings in the month;
- surveys of the subtree's offices open during the month, valid responses received in the month.
"""

from __future__ import annotations

from collections import Counter
from datetime import date, datetime, time, timedelta
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q, Sum
from django.utils import timezone

if TYPE_CHECKING:
    from dudao.regions.models import Office

# A campaign in one of these states is being worked on (launched, not yet closed).
WORKING_STATES = ("self_inspection", "onsite", "preliminary", "defence", "final", "rectification", "reinspection",
                  "summary")
MAX_ZONES = 30  # rows of the zone table and bars of the chart; the Excel file has them all
MAX_NAMES = 20  # names listed per team change or campaign group


def month_bounds(year: int, month: int) -> tuple[date, date]:
    """First and last day of the month."""
    start = date(year, month, 1)
    following = date(year + (month == 12), month % 12 + 1, 1)
    return start, following - timedelta(days=1)


def local_instants(start: date, end: date) -> tuple[datetime, datetime]:
    """The Beijing-time days start..end (inclusive) as [since, until) instants."""
    tz = timezone.get_default_timezone()
    return (timezone.make_aware(datetime.combine(start, time.min), tz),
            timezone.make_aware(datetime.combine(end + timedelta(days=1), time.min), tz))


def _number(value: Decimal | float | int | None) -> float:
    return float(round(Decimal(value or 0), 1))


def team_figures(office: Office, start: date, as_of: date) -> dict[str, Any]:
    from dudao.supervisors.models import Supervisor, SupervisorKind
    from dudao.supervisors.selectors import team_change

    supervisors = Supervisor.objects.filter(office__region__code__startswith=office.region.code)
    change = team_change(supervisors=supervisors, since=start - timedelta(days=1), day=as_of)
    before, after = change.before, change.after
    return {
        "before": before.total, "after": after.total,
        "full_time": [before.count_by_kind_code[SupervisorKind.FULL_TIME], after.count_by_kind_code[SupervisorKind.FULL_TIME]],
        "part_time": [before.count_by_kind_code[SupervisorKind.PART_TIME], after.count_by_kind_code[SupervisorKind.PART_TIME]],
        "average_age": [before.average_age, after.average_age],
        "joined": [{"name": s.name, "kind": s.kind, "office": s.office.name} for s in
                   sorted(change.joined, key=lambda s: (s.office.region.code, s.name))],
        "left": [{"name": s.name, "kind": s.kind, "office": s.office.name, "status": s.status} for s in
                 sorted(change.left, key=lambda s: (s.office.region.code, s.name))],
    }


def training_figures(office: Office, start: date, end: date) -> dict[str, Any]:
    from dudao.supervisors.models import TrainingSession

    sessions = list(TrainingSession.objects.filter(office__region__code__startswith=office.region.code,
                                                   held_on__range=(start, end))
                    .annotate(people=Count("attendance"), person_hours=Sum("attendance__hours"))
                    .select_related("office").order_by("held_on", "id"))
    return {
        "sessions": len(sessions),
        "hours": _number(sum((s.hours for s in sessions), Decimal(0))),
        "attendances": sum(s.people for s in sessions),
        "person_hours": _number(sum((s.person_hours or Decimal(0) for s in sessions), Decimal(0))),
        "list": [{"day": s.held_on.isoformat(), "topic": s.topic, "mode": s.mode, "hours": _number(s.hours),
                  "people": s.people, "office": s.office.name} for s in sessions],
    }


def visit_figures(office: Office, start: date, today: date) -> dict[str, Any]:
    from dudao.regions.models import RegionLevel
    from dudao.visits.compliance import compliance_report

    if office.level not in (RegionLevel.PROVINCE, RegionLevel.CITY, RegionLevel.COUNTY):
        return {"visits": 0, "schools": 0, "visited": 0, "not_visited": 0, "behind": 0, "shortfall": 0,
                "supervisors": 0, "supervisors_behind": 0, "zones": []}
    report = compliance_report(office=office, kind="month", day=start, today=today)
    zones = sorted(report.zones, key=lambda z: (-(z[1] - z[2]), z[0]))
    return {
        "visits": report.visit_count,
        "schools": len(report.schools),
        "visited": sum(1 for row in report.schools if row.visits),
        "not_visited": len(report.schools_not_visited),
        "behind": len(report.schools_behind),
        "shortfall": sum(row.shortfall for row in report.schools),
        "supervisors": len(report.supervisors),
        "supervisors_behind": len(report.supervisors_behind),
        "zones": [[name, n, visited] for name, n, visited in zones],
    }


def campaign_figures(office: Office, since: datetime, until: datetime) -> dict[str, Any]:
    from dudao.campaigns.models import Campaign, CampaignEvent, state_label

    campaigns = {c.pk: c for c in Campaign.objects.filter(office__region__code__startswith=office.region.code)
                 .exclude(state="cancelled").select_related("office")}
    first_working: dict[int, datetime] = {}
    closed: dict[int, datetime] = {}
    state_then: dict[int, str] = {}
    events = (CampaignEvent.objects.filter(campaign_id__in=list(campaigns), created_at__lt=until).exclude(to_state="")
              .order_by("campaign_id", "created_at", "id").values_list("campaign_id", "to_state", "created_at"))
    for campaign_id, to_state, at in events:
        state_then[campaign_id] = to_state
        if to_state in WORKING_STATES:
            first_working.setdefault(campaign_id, at)
        if to_state == "closed":
            closed[campaign_id] = at

    def line(pk: int) -> dict[str, str]:
        c = campaigns[pk]
        return {"name": c.name, "kind": c.kind, "state": state_label(c.kind, state_then.get(pk, c.state)),
                "office": c.office.name}

    def ordered(ids) -> list[dict[str, str]]:
        return [line(pk) for pk in sorted(ids, key=lambda pk: (campaigns[pk].name, pk))]

    return {
        "started": ordered(pk for pk, at in first_working.items() if at >= since),
        "finished": ordered(pk for pk, at in closed.items() if at >= since),
        "in_progress": ordered(pk for pk, state in state_then.items() if state in WORKING_STATES),
    }


def finding_figures(office: Office, start: date, end: date, as_of: date, since: datetime,
                    until: datetime) -> dict[str, Any]:
    from dudao.findings.models import Finding, FindingSource, FindingState

    findings = Finding.objects.filter(region__code__startswith=office.region.code).exclude(state=FindingState.CANCELLED)
    opened = findings.filter(found_on__range=(start, end))
    _since, as_of_until = local_instants(as_of, as_of)
    unfinished = findings.filter(found_on__lte=as_of).filter(
        ~Q(state=FindingState.CLOSED) | Q(closed_at__gte=as_of_until) | Q(closed_at__isnull=True))
    by_source = Counter(opened.values_list("source", flat=True))
    return {
        "opened": opened.count(),
        "closed": findings.filter(state=FindingState.CLOSED, closed_at__gte=since, closed_at__lt=until).count(),
        "unfinished": unfinished.count(),
        "overdue": unfinished.filter(deadline__lt=as_of).count(),
        "by_source": [[code, by_source[code]] for code in FindingSource.values if by_source[code]],
    }


def complaint_figures(office: Office, since: datetime, until: datetime, as_of_until: datetime) -> dict[str, Any]:
    from dudao.complaints.models import Complaint, ComplaintOutcome, ComplaintState

    complaints = Complaint.objects.filter(school__region_code__startswith=office.region.code)
    answered = complaints.filter(answered_at__gte=since, answered_at__lt=until)
    pending = (complaints.filter(received_at__lt=as_of_until)
               .filter(Q(answered_at__isnull=True) | Q(answered_at__gte=as_of_until))
               .exclude(state=ComplaintState.CLOSED, closed_at__lt=as_of_until))
    return {
        "received": complaints.filter(received_at__gte=since, received_at__lt=until).count(),
        "handled": answered.count(),
        "upheld": answered.filter(outcome=ComplaintOutcome.INVESTIGATED).count(),
        "pending": pending.count(),
    }


def monitoring_figures(office: Office, start: date, end: date, since: datetime, until: datetime) -> dict[str, Any]:
    from dudao.findings.models import Finding, FindingSource, FindingState
    from dudao.monitoring.models import AreaResult, SchoolResult

    code = office.region.code
    schools = SchoolResult.objects.filter(region_code__startswith=code, computed_at__gte=since, computed_at__lt=until)
    failing = schools.filter(passes=False).values("school_id").distinct().count()
    return {
        "schools": schools.values("school_id").distinct().count(),
        "failing": failing,
        "areas": AreaResult.objects.filter(region_code__startswith=code, computed_at__gte=since,
                                           computed_at__lt=until).values("region_id").distinct().count(),
        "alerts": Finding.objects.filter(region__code__startswith=code, source=FindingSource.MONITORING,
                                         found_on__range=(start, end)).exclude(state=FindingState.CANCELLED).count(),
    }


def survey_figures(office: Office, start: date, end: date, since: datetime, until: datetime) -> dict[str, Any]:
    from dudao.surveys.models import Response, Survey, SurveyState

    surveys = list(Survey.objects.filter(office__region__code__startswith=office.region.code, opens_on__lte=end,
                                         closes_on__gte=start).exclude(state=SurveyState.DRAFT)
                   .order_by("opens_on", "id"))
    counts = dict(Response.objects.filter(survey__in=surveys, voided=False, submitted_at__gte=since,
                                          submitted_at__lt=until)
                  .values_list("survey_id").annotate(n=Count("id")).order_by())
    rows = [{"name": s.name, "opens_on": s.opens_on.isoformat(), "closes_on": s.closes_on.isoformat(),
             "responses": counts.get(s.pk, 0)} for s in surveys]
    return {"surveys": len(rows), "responses": sum(r["responses"] for r in rows), "list": rows}


def month_figures(office: Office, year: int, month: int, *, today: date | None = None) -> dict[str, Any]:
    """Every figure of the office's month (see the module docstring); JSON-ready."""
    today = today or timezone.localdate()
    start, end = month_bounds(year, month)
    as_of = min(end, today)
    since, until = local_instants(start, end)
    _start, as_of_until = local_instants(as_of, as_of)
    return {
        "office": office.name, "region": office.region.code, "year": year, "month": month,
        "start": start.isoformat(), "end": end.isoformat(), "as_of": as_of.isoformat(), "complete": as_of == end,
        "team": team_figures(office, start, as_of),
        "training": training_figures(office, start, end),
        "visits": visit_figures(office, start, today),
        "campaigns": campaign_figures(office, since, min(until, as_of_until)),
        "findings": finding_figures(office, start, end, as_of, since, until),
        "complaints": complaint_figures(office, since, until, as_of_until),
        "monitoring": monitoring_figures(office, start, end, since, until),
        "surveys": survey_figures(office, start, end, since, until),
    }
