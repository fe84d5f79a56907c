"""领导驾驶舱: the office's subtree at a glance, one card per area (the cities of a province, the counties of
a city; a county office reads its county as one area), for a year. Every count is read from the app that
owns it, through the same filter its list page applies, and links to that page with the filter in the
URL — so the link opens exactly the rows counted (tests/outcomes/test_cockpit.py opens some and counts):

- visits: the 督导记录台账 (`visits.selectors.visit_log`, every submitted visit, region and dates);
  the quota from the office's compliance report (schools meeting their yearly rule / schools with one);
- findings: `findings.selectors.ledger_groups` over findings found in the year, per area — the ledger
  (`findings:list`) with region, dates and state/due opens the same rows;
- complaints: `complaints.selectors.complaint_list` with region and dates (received, 查实, overdue);
- campaigns: the schools with a stored result in each campaign of the year, per area (the results page,
  `?region=` a county);
- monitoring: the stored county verdicts (`monitoring.selectors.area_rows` / `stage_results`);
- surveys: each survey's index per area (`surveys.results.region_rows`).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.utils import timezone

from dudao.findings.selectors import LedgerCounts
from dudao.outcomes.selectors import (
    UPHELD,
    link,
    rectification_rate,
    year_bounds,
    year_campaigns,
    year_surveys,
)

if TYPE_CHECKING:
    from dudao.people.models import User
    from dudao.regions.models import Office, Region

@dataclass
class Figure:
    value: Any
    href: str = ""


@dataclass
class AreaCard:
    code: str
    name: str
    visits: Figure = field(default_factory=lambda: Figure(0))
    quota_met: Figure = field(default_factory=lambda: Figure(0))
    quota_schools: int = 0
    findings: Figure = field(default_factory=lambda: Figure(0))
    unfinished: Figure = field(default_factory=lambda: Figure(0))
    overdue: Figure = field(default_factory=lambda: Figure(0))
    rate: float | None = None
    complaints: Figure = field(default_factory=lambda: Figure(0))
    upheld: Figure = field(default_factory=lambda: Figure(0))
    complaints_overdue: Figure = field(default_factory=lambda: Figure(0))
    campaigns: list[tuple[str, Figure]] = field(default_factory=list)
    monitoring: list[tuple[str, str, Figure]] = field(default_factory=list)  # (stage, verdict, link)
    surveys: list[tuple[str, Decimal | None, str]] = field(default_factory=list)  # (survey, rate, link)


def areas_of(office: Office) -> list[Region]:
    """The office's areas: its child regions down to counties; a county (or township) office itself."""
    from dudao.regions.models import Region

    region = office.region
    if len(region.code) >= 6:
        return [region]
    return list(Region.objects.filter(parent=region, level__in=["city", "county"]).order_by("code"))


def _visits(user: User, cards: dict[str, AreaCard], start: date, end: date) -> None:
    from dudao.visits.selectors import VisitLogFilters, visit_log

    for code, card in cards.items():
        filters = VisitLogFilters(start=start, end=end, region=code, who="all")
        card.visits = Figure(visit_log(user=user, filters=filters).count(), link("visits:log", filters.as_query()))


def _quota(office: Office, cards: dict[str, AreaCard], year: int, today: date) -> None:
    from dudao.visits.compliance import compliance_report

    report = compliance_report(office=office, kind="year", day=date(year, 1, 1), today=today)
    href = link("visits:compliance", {"office": office.pk, "kind": "year", "day": date(year, 1, 1).isoformat()})
    for code, card in cards.items():
        rows = [r for r in report.schools if r.school.region_code.startswith(code) and r.required]
        card.quota_schools = len(rows)
        card.quota_met = Figure(sum(1 for r in rows if r.ok), href)


def _findings(user: User, cards: dict[str, AreaCard], start: date, end: date, today: date) -> None:
    from dudao.findings.selectors import ledger_counts, visible_findings

    period = {"start": start.isoformat(), "end": end.isoformat()}
    for code, card in cards.items():
        qs = visible_findings(user).filter(found_on__gte=start, found_on__lte=end, region__code__startswith=code)
        counts: LedgerCounts = ledger_counts(qs, today=today)
        card.findings = Figure(counts.total, link("findings:ledger", {"region": code, **period}))
        card.unfinished = Figure(counts.unfinished, link("findings:ledger", {"region": code, "state": "unfinished", **period}))
        card.overdue = Figure(counts.overdue, link("findings:ledger", {"region": code, "due": "overdue", **period}))
        card.rate = rectification_rate(counts)


def _complaints(user: User, cards: dict[str, AreaCard], start: date, end: date) -> None:
    from dudao.complaints.selectors import ComplaintFilters, complaint_list

    for code, card in cards.items():
        for attr, extra in (("complaints", {}), ("upheld", {"outcome": UPHELD}), ("complaints_overdue", {"overdue": "1"})):
            filters = ComplaintFilters(start=start, end=end, region=code, **extra)
            setattr(card, attr, Figure(complaint_list(user=user, filters=filters).count(),
                                       link("complaints:list", filters.as_query())))


def _campaigns(user: User, cards: dict[str, AreaCard], year: int, code: str) -> None:
    from dudao.campaigns.models import SchoolResult
    from dudao.campaigns.selectors import result_schools

    for campaign in year_campaigns(user, year, code):
        readable = result_schools(user, campaign).values("school_id")
        regions = list(SchoolResult.objects.filter(campaign=campaign, school_id__in=readable)
                       .values_list("school__region_code", flat=True))
        for area, card in cards.items():
            n = sum(1 for r in regions if r.startswith(area))
            query = {"region": area} if len(area) == 6 else {}
            card.campaigns.append((campaign.name, Figure(n, link("campaigns:result_list", query, [campaign.pk]))))


def _monitoring(user: User, cards: dict[str, AreaCard], office: Office, year: int) -> None:
    from dudao.monitoring.selectors import area_rows, stage_results
    from dudao.monitoring.standards import DEFAULT_SCHEME, SCHEMES, STAGE_LABELS, STAGES

    scheme = SCHEMES[DEFAULT_SCHEME]
    for stage in STAGES:
        if len(office.region.code) >= 6:
            results = list(stage_results(user=user, scheme=scheme.code, year=year, region=office.region).values())
            results = [r for r in results if r.stage == stage]
        else:
            results = [row.result for row in area_rows(user=user, scheme=scheme, year=year, stage=stage,
                                                       region=office.region)]
        for result in results:
            for code, card in cards.items():
                if result.region_code.startswith(code) and len(result.region_code) >= 6:
                    href = link("monitoring:index", {"region": result.region_code, "year": year,
                                                     "scheme": scheme.code, "stage": stage})
                    label = f"{result.region.name} {STAGE_LABELS[stage]}" if len(code) < 6 else STAGE_LABELS[stage]
                    card.monitoring.append((label, result.get_verdict_display(),
                                            Figure(f"{result.schools_passing}/{result.school_count}", href)))


def _surveys(user: User, cards: dict[str, AreaCard], year: int, code: str) -> None:
    from dudao.surveys.results import region_rows, survey_total

    for survey in year_surveys(user, year, code):
        href = link("surveys:results", {}, [survey.pk])
        if len(survey.region.code) >= 6:  # a county's survey: its total, on the county's card
            for area, card in cards.items():
                if survey.region.code.startswith(area):
                    card.surveys.append((survey.name, survey_total(user, survey).rate, href))
            continue
        rows = region_rows(user, survey, level="county")
        for area, card in cards.items():
            mine = [r for r in rows if r.key.startswith(area) and r.n]
            if len(mine) == 1:  # the county's own index, as the survey's page shows it
                card.surveys.append((survey.name, mine[0].rate, href))
            elif mine:  # a city's counties: the page lists each; the card names how many
                card.surveys.append((f"{survey.name}（{len(mine)}个县市区）", None, href))


def cockpit(*, user: User, office: Office, year: int, today: date | None = None) -> list[AreaCard]:
    today = today or timezone.localdate()
    start, end = year_bounds(year)
    cards = {r.code: AreaCard(r.code, r.name) for r in areas_of(office)}
    if not cards:
        return []
    _visits(user, cards, start, end)
    _quota(office, cards, year, today)
    _findings(user, cards, start, end, today)
    _complaints(user, cards, start, end)
    _campaigns(user, cards, year, office.region.code)
    _monitoring(user, cards, office, year)
    _surveys(user, cards, year, office.region.code)
    return list(cards.values())
