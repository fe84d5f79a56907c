"""The sheet's figures: by hand on a small case (tests/outcomes/world.py), against the source apps' own
functions, the Excel file against the page, the PDF renders."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.complaints.selectors import complaint_stats
from dudao.findings.selectors import FindingFilters, finding_list, ledger_counts
from dudao.monitoring.models import SchoolResult
from dudao.outcomes.selectors import rectification_rate, school_sheets
from tests.outcomes.world import build_world
from tests.xlsx import xlsx_rows


@pytest.fixture
def world(cast):
    return build_world(cast)


def _sheet(cast, world, user=None, school="A1"):
    sheets = school_sheets(user=user or cast.county_staff, office=world.ningxiang, year=world.year)
    return {s.school.pk: s for s in sheets}[getattr(cast, school).pk]


def test_figures_by_hand(cast, world):
    s = _sheet(cast, world)
    assert (s.findings.total, s.open, s.overdue, s.due, s.on_time) == (5, 2, 1, 3, 1)
    assert s.rectification_rate == 33.3  # 1 ÷ 3 × 100, one decimal
    assert (s.complaints, s.upheld) == (2, 1)
    a2 = _sheet(cast, world, school="A2")
    assert (a2.due, a2.on_time, a2.rectification_rate) == (1, 1, 100.0)
    a3 = _sheet(cast, world, school="A3")
    assert a3.rectification_rate is None and a3.findings.total == 0  # nothing due: "—", never 0 % or 100 %


def test_findings_agree_with_the_ledger_page(cast, world, client):
    """The ledger's own function, with the filters the sheet's link carries, gives the same counts."""
    y = world.year
    filters = FindingFilters(school_id=cast.A1.pk, start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
    counts = ledger_counts(finding_list(user=cast.county_staff, filters=filters))
    s = _sheet(cast, world)
    assert (counts.total, counts.unfinished, counts.overdue) == (s.findings.total, s.open, s.overdue)
    assert rectification_rate(counts) == s.rectification_rate
    # the sheet's links open exactly those rows on the ledger page
    client.force_login(cast.county_staff)
    page = client.get(reverse("outcomes:school", args=[cast.A1.pk]))
    assert page.status_code == 200
    links = page.context["links"]
    for key, expected in (("findings", 5), ("open", 2), ("overdue", 1)):
        ledger = client.get(links[key])
        assert ledger.status_code == 200
        assert ledger.context["page"].paginator.count == expected, key


def test_complaints_agree_with_the_stats_page(cast, world):
    y = world.year
    stats = complaint_stats(user=cast.county_staff, start=dt.date(y, 1, 1), end=dt.date(y, 12, 31))
    line = next(line for line in stats.schools if line.school_id == cast.A1.pk)
    s = _sheet(cast, world)
    assert (line.total, line.outcomes["investigated"]) == (s.complaints, s.upheld)


def test_monitoring_is_the_stored_result(cast, world):
    from dudao.monitoring.selectors import school_rows
    from dudao.monitoring.standards import DEFAULT_SCHEME, SCHEMES

    SchoolResult.objects.create(scheme=DEFAULT_SCHEME, year=world.year, stage="primary", school=cast.A1,
                                region_code=cast.A1.region_code, students=300, values={}, met={}, met_count=5,
                                passes=True, computed_at=timezone.now())
    rows = school_rows(user=cast.county_staff, scheme=SCHEMES[DEFAULT_SCHEME], year=world.year, stage="primary",
                       region_code="430182")
    (line,) = _sheet(cast, world).monitoring
    assert (line.met, line.indicators, line.passes) == (rows[0].result.met_count, len(rows[0].cells), True)
    assert line.text.startswith("小学 5/")


def test_excel_equals_page(cast, world, client):
    client.force_login(cast.county_staff)
    query = {"office": world.ningxiang.pk, "year": world.year}
    page = client.get(reverse("outcomes:index"), query)
    assert page.status_code == 200
    response = client.get(reverse("outcomes:export"), query)
    assert response.status_code == 200
    rows = xlsx_rows(response)
    header, body = rows[0], {r[1]: r for r in rows[1:] if r and r[1]}
    assert header[:4] == ["学校", "学校标识码", "所在区划", "校长（园长）"]
    shown = {s.school.code: s for s, _d, _l in page.context["rows"]}
    assert set(body) == set(shown) == {cast.A1.code, cast.A2.code, cast.A3.code}
    for code, s in shown.items():
        row = body[code]
        assert row[header.index("发现问题数")] == s.findings.total
        assert row[header.index("逾期未整改")] == s.overdue
        assert row[header.index("查实投诉数")] == s.upheld
        rate = row[header.index("按期整改率（%）")]
        assert (rate if rate != "" else None) == s.rectification_rate
    assert body[cast.A1.code][header.index("按期整改率（%）")] == 33.3


def test_printable_sheets(cast, world, client):
    client.force_login(cast.county_leader)
    response = client.get(reverse("outcomes:pdf"), {"office": world.ningxiang.pk})
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert response.content.startswith(b"%PDF")
    response = client.get(reverse("outcomes:school_pdf", args=[cast.A1.pk]))
    assert response.status_code == 200 and response.content.startswith(b"%PDF")


def test_english_page(cast, world, client):
    client.force_login(cast.county_staff)
    client.cookies["django_language"] = "en"
    html = client.get(reverse("outcomes:index"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Use of results" in html and "Rectification on time" in html and "按期整改率" not in html
    html = client.get(reverse("outcomes:cockpit"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Leader's overview" in html


def test_large_office_goes_to_the_background_export(cast, world, client, settings):
    """Above EXPORT_ASYNC_ROWS schools the Excel file is a background job (core/exports.py) whose builder
    writes the same rows as the file sent at once."""
    from django.http import QueryDict

    from dudao.core.models import ExportJob
    from dudao.outcomes.exports import KIND, county_workbook

    client.force_login(cast.county_staff)
    query = {"office": world.ningxiang.pk, "year": world.year}
    direct = xlsx_rows(client.get(reverse("outcomes:export"), query))
    settings.EXPORT_ASYNC_ROWS = 2
    response = client.get(reverse("outcomes:export"), query)
    assert response.status_code == 302
    job = ExportJob.objects.get(kind=KIND, created_by=cast.county_staff)
    params = QueryDict(mutable=True)
    for key, values in job.params.items():
        params.setlist(key, values)
    book = county_workbook(cast.county_staff, params)
    (name, headers, rows), = book.sheets
    assert [list(headers), *[list(r) for r in rows]] == [
        [("" if c is None else c) for c in row] for row in direct]


def test_survey_index_agrees_with_the_survey_results(cast):
    """The 2026 survey of tests/surveys/results_world.py: A1's valid responses rated 3 + 3 + 2 = 8 items,
    2 + 2 + 2 = 6 satisfied (the voided one left out) → 6 ÷ 8 = 75.00 %; last year's survey is not on the
    2026 sheet."""
    from decimal import Decimal

    from dudao.regions.models import Office
    from dudao.surveys.results import school_rows
    from tests.surveys.results_world import build_world as survey_world

    w = survey_world(cast)
    office = Office.objects.get(region__code="430182")
    sheets = {s.school.pk: s for s in school_sheets(user=cast.county_leader, office=office, year=2026)}
    (line,) = sheets[cast.A1.pk].surveys
    source = {r.key: r for r in school_rows(cast.county_leader, w.survey)}[str(cast.A1.pk)]
    assert line.rate == source.rate == Decimal("75.00") and line.survey_id == w.survey.pk
    assert [s.rate for s in sheets[cast.A2.pk].surveys] == [Decimal("83.33")]  # 5 ÷ 6


def test_campaign_grades_are_the_results_page_rows(cast, small_version, county_campaign):
    """The 2026 宁乡 综合督导 of tests/campaigns (hand case, computed): the sheet shows each school's stored
    grade and verified total — the very row the campaign's results page lists (`ranking_rows`)."""
    from dudao.campaigns.models import CampaignState
    from dudao.campaigns.results import campaign_results_compute, ranking_rows
    from dudao.regions.models import Office
    from tests.campaigns.scoring_support import hand_case
    from tests.campaigns.states import move_to

    move_to(county_campaign, CampaignState.SELF_INSPECTION)
    hand_case(county_campaign, cast)
    campaign_results_compute(campaign=county_campaign)
    office = Office.objects.get(region__code="430182")
    sheets = {s.school.pk: s for s in school_sheets(user=cast.county_staff, office=office, year=2026)}
    rows = [r for r in ranking_rows(county_campaign) if r["result"] is not None]
    assert rows
    for row in rows:
        (grade,) = sheets[row["school"].pk].campaigns
        assert (grade.grade, grade.total, grade.rank, grade.vetoed) == (
            row["result"].grade, row["result"].verified_total, row["result"].rank, row["result"].vetoed)
    assert not school_sheets(user=cast.county_staff, office=office, year=2025)[0].campaigns  # another year
