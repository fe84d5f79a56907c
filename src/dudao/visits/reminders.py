"""The daily quota reminders (issue [3] item 6): tell each supervisor what they are behind on, and
tell their office who is behind. In-app notifications, e-mailed too when e-mail is configured.

"Behind" is the compliance page's rule (visits/pace.py): below the prorated share of a quota in
a running period, or below the quota once the period is over — so nobody is nagged on the 2nd of
the month for four visits that are not due yet. Every county and city office with quota rules is
evaluated for the month, semester and year containing the day (visits/compliance.py).

Runs once a day from the scheduler (visits/schedule.py → core/schedule.py). Each notification
carries a dedupe key with the day, so running it again the same day sends nothing new.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date

from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.notifications.models import NotificationLevel
from dudao.notifications.services import notify, notify_office_staff
from dudao.regions.models import Office, RegionLevel
from dudao.supervisors.models import Supervisor, SupervisorStatus
from dudao.visits import pace
from dudao.visits.compliance import ComplianceReport, compliance_report
from dudao.visits.models import QuotaMetric
from dudao.zones.models import Assignment

KINDS = ("month", "semester", "year")
# Used only if the compliance page's URL name is missing (it is wired in visits/urls.py).
COMPLIANCE_FALLBACK_URL = "/visits/compliance/"


@dataclass
class BehindCheck:
    period_label: str
    metric: str
    label: str
    done: int
    required: int
    expected: int  # the prorated requirement for today (pace.expected_by_now)
    detail: str = ""

    def line(self) -> str:
        text = _("%(period)s %(label)s：已完成 %(done)s，要求 %(required)s，按进度此时应完成 %(expected)s") % {
            "period": self.period_label, "label": self.label, "done": self.done, "required": self.required,
            "expected": self.expected}
        return f"{text}（{self.detail}）" if self.detail else text


@dataclass
class BehindSupervisor:
    supervisor: Supervisor
    checks: list[BehindCheck] = field(default_factory=list)
    # (period label, school name, visits by its responsible supervisor, required) below the quota
    schools: list[tuple[str, str, int, int]] = field(default_factory=list)

    def short(self) -> str:
        parts = [f"{c.period_label} {c.label} {c.done}/{c.required}" for c in self.checks]
        name = self.supervisor.name if self.supervisor.user_id else _("%(name)s（无登录账号）") % {"name": self.supervisor.name}
        return f"{name}：" + "；".join(parts)


def compliance_url(office: Office) -> str:
    try:
        base = reverse("visits:compliance")
    except NoReverseMatch:
        base = COMPLIANCE_FALLBACK_URL
    return f"{base}?office={office.pk}"


def _plan_url() -> str:
    try:
        return reverse("visits:plan_mine")
    except NoReverseMatch:
        return ""


def _schools_below(report: ComplianceReport, supervisor_ids: list[int], required: dict[int, int],
                   counts: dict[int, int] | None = None) -> dict[int, list]:
    """For each supervisor, the schools they answer for on the report's day that their period's
    visits (by default by the school's responsible supervisor of the visit day, as compliance counts
    them; `counts` for a rule on every visit) leave below the quota: [(school name, visits, required)]."""
    held = list(Assignment.objects.current(report.reference_day).filter(supervisor_id__in=supervisor_ids)
                .values_list("supervisor_id", "school_id", "school__name").order_by("school__code"))
    if not held:
        return {}
    counts = report.responsible_visits if counts is None else counts
    below: dict[int, list] = defaultdict(list)
    for supervisor_id, school_id, name in held:
        n = counts.get(school_id, 0)
        if n < required[supervisor_id]:
            below[supervisor_id].append((name, n, required[supervisor_id]))
    return below


def office_behind(*, office: Office, day: date) -> list[BehindSupervisor]:
    """The office's own supervisors who are behind on any quota of the month, semester or year of `day`."""
    found: dict[int, BehindSupervisor] = {}
    labels = dict(QuotaMetric.choices)
    for kind in KINDS:
        report = compliance_report(office=office, kind=kind, day=day, today=day)
        if not report.rules:
            continue
        school_quota: dict[int, int] = {}
        zone_quota: dict[int, int] = {}
        for row in report.supervisors:
            if row.supervisor.office_id != office.pk:
                continue  # a city report also covers the counties below: they are told by their own office
            for check in row.checks:
                if check.over_months:
                    continue  # a month gone by was told in its month; the semester's tally is for the office's pages
                if pace.check_state(check.done, check.required, report.elapsed) != pace.BEHIND:
                    continue
                entry = found.setdefault(row.supervisor.pk, BehindSupervisor(row.supervisor))
                entry.checks.append(BehindCheck(
                    period_label=report.period.label, metric=check.rule.metric, label=str(labels.get(check.rule.metric)),
                    done=check.done, required=check.required,
                    expected=pace.expected_by_now(check.required, report.elapsed), detail=check.detail))
                if check.rule.metric == QuotaMetric.VISITS_PER_ASSIGNED_SCHOOL:
                    school_quota[row.supervisor.pk] = check.rule.required
                elif check.rule.metric == QuotaMetric.VISITS_PER_ZONE_SCHOOL:
                    zone_quota[row.supervisor.pk] = check.rule.required
        if school_quota:
            for supervisor_id, rows in _schools_below(report, list(school_quota), school_quota).items():
                found[supervisor_id].schools.extend((report.period.label, *r) for r in rows)
        if zone_quota:
            visits = {r.school.pk: r.visits for r in report.schools}
            for supervisor_id, rows in _schools_below(report, list(zone_quota), zone_quota, visits).items():
                found[supervisor_id].schools.extend((report.period.label, *r) for r in rows)
    # the report's rows hold plain values; the reminders need the supervisors themselves (their account)
    models = Supervisor.objects.select_related("user", "office").in_bulk(list(found))
    for entry in found.values():
        entry.supervisor = models[entry.supervisor.pk]
    return sorted(found.values(), key=lambda b: b.supervisor.name)


def _tell_supervisor(entry: BehindSupervisor, day: date) -> bool:
    user = entry.supervisor.user
    if user is None or not user.is_active:
        return False
    lines = [_("截至 %(day)s，您有以下督导配额落后于进度：") % {"day": f"{day:%Y年%m月%d日}"}]
    lines += [f"· {c.line()}" for c in entry.checks]
    if entry.schools:
        lines.append(_("尚未按要求督导的挂牌学校："))
        lines += [_("· %(period)s %(school)s：已督导 %(n)s 次，要求 %(required)s 次") % {
            "period": period, "school": school, "n": n, "required": required} for period, school, n, required in entry.schools]
    lines.append(_("请合理安排督导计划。"))
    return notify(
        recipient=user, level=NotificationLevel.WARNING, url=_plan_url(),
        title=_("督导进度提醒：%(n)s 项配额落后于进度") % {"n": len(entry.checks)},
        body="\n".join(lines), dedupe_key=f"visits:behind:{day.isoformat()}:{entry.supervisor.pk}",
    ) is not None


def _tell_office(office: Office, behind: list[BehindSupervisor], below: dict[str, int], day: date) -> int:
    lines = [_("截至 %(day)s：") % {"day": f"{day:%Y年%m月%d日}"}]
    if behind:
        lines.append(_("本督导室以下 %(n)s 名督学落后于配额进度：") % {"n": len(behind)})
        lines += [f"· {b.short()}" for b in behind]
    if below:
        lines.append(_("下级督导室落后于进度的督学人数："))
        lines += [f"· {name}：{n}" for name, n in sorted(below.items())]
    total = len(behind) + sum(below.values())
    return notify_office_staff(
        office=office, level=NotificationLevel.INFO, url=compliance_url(office),
        title=_("督导进度：%(office)s 有 %(n)s 名督学落后于进度") % {"office": office.name, "n": total},
        body="\n".join(lines), dedupe_key=f"visits:office-behind:{day.isoformat()}:{office.pk}",
    )


LEVELS_BOTTOM_UP = [RegionLevel.COUNTY, RegionLevel.CITY, RegionLevel.PROVINCE]
CHILD_LEVEL = {RegionLevel.CITY: RegionLevel.COUNTY, RegionLevel.PROVINCE: RegionLevel.CITY}


def _offices_with_supervisors() -> list[Office]:
    """County, city and province offices with an active supervisor at or below them, counties
    first, so that an office above is told the counts of the offices below it."""
    codes = set(Supervisor.objects.filter(status=SupervisorStatus.ACTIVE).values_list("office__region__code", flat=True))
    offices = Office.objects.filter(level__in=LEVELS_BOTTOM_UP).select_related("region")
    chosen = [o for o in offices if any(code.startswith(o.region.code) for code in codes)]
    return sorted(chosen, key=lambda o: (LEVELS_BOTTOM_UP.index(o.level), o.region.code))


def _behind_below(office: Office, offices: list[Office], behind_by_office: dict[int, int]) -> dict[str, int]:
    """Behind supervisors per office one level down (a city: its counties; a province: its cities,
    each with the counties under it)."""
    child_level = CHILD_LEVEL.get(office.level)
    if child_level is None:
        return {}
    below: dict[str, int] = {}
    for child in offices:
        if child.level != child_level or not child.region.code.startswith(office.region.code):
            continue
        n = sum(behind_by_office.get(o.pk, 0) for o in offices if o.region.code.startswith(child.region.code))
        if n:
            below[child.name] = n
    return below


def reminders_send(day: date | None = None) -> dict[str, int]:
    """The daily job: notify behind supervisors and their offices; returns what was done."""
    day = day or timezone.localdate()
    stats = {"offices": 0, "supervisors_behind": 0, "supervisors_notified": 0, "staff_notified": 0}
    behind_by_office: dict[int, int] = {}
    offices = _offices_with_supervisors()
    for office in offices:
        stats["offices"] += 1
        behind = office_behind(office=office, day=day)
        behind_by_office[office.pk] = len(behind)
        stats["supervisors_behind"] += len(behind)
        stats["supervisors_notified"] += sum(_tell_supervisor(entry, day) for entry in behind)
        below = _behind_below(office, offices, behind_by_office)
        if behind or below:
            stats["staff_notified"] += _tell_office(office, behind, below, day)
    return stats
