"""The workbench (工作台): each count equals the number of rows its link shows, on a small case
counted by hand, for the office, the leader, the school and the evaluator; supervisors land on
我的督导; the menu shows only what the role can use.

Scope walk: "core:home" and "schools:overview" are walked as every persona here
(`test_every_persona_gets_a_workbench_within_scope`), see tests/access/coverage_core.py.
"core:jobs_attention" (后台任务需处理, the "jobs" tile's page) is walked as every persona in
tests/home/test_jobs_attention.py; "core:export_job" and "core:export_download" (a large export's page
and file: their owner only) in tests/findings/test_export_jobs.py.
"""

from __future__ import annotations

import re
from datetime import date, datetime, time, timedelta
from unittest import mock

import pytest
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import Finding
from dudao.home import workbench
from dudao.imports.models import ImportJob
from dudao.regions.models import Office
from tests.personas import EXPECTED, PERSONAS


@pytest.fixture
def today_is(monkeypatch):
    """The date the pages take as today (the pace within a month depends on it)."""
    real = timezone.localdate

    def _set(day: date) -> None:
        monkeypatch.setattr(timezone, "localdate", lambda *a, **k: real(*a, **k) if a or k else day)

    return _set


@pytest.fixture
def oct16(today_is):
    """16 October 2025, set before the findings are made: 李 (1 of 4 visits) is behind the pace of 2, 张 (3 of 4) is not."""
    today_is(date(2025, 10, 16))


def _finding(school, *, state="notified", deadline_days=30, found_days_ago=3):
    from dudao.findings.services import finding_create

    office = Office.objects.get(region__code=school.region_code[:6])
    today = timezone.localdate()
    finding = finding_create(by=None, office=office, school=school, source="visit", category="safety",
                             description=f"问题 {school.name} {state}", requirement="限期整改",
                             found_on=today - timedelta(days=found_days_ago), deadline=today + timedelta(days=deadline_days))
    Finding.objects.filter(pk=finding.pk).update(state=state)
    finding.refresh_from_db()
    return finding


@pytest.fixture
def findings(cast):
    """宁乡: A1 open, A1 overdue (notified), A2 reported ×2, A3 disputed, A2 returned and due in 3 days,
    A1 closed; 望城: B1 open and overdue. By hand, 宁乡's office: to issue 1, overdue 1, 核查 2,
    disputes 1; the A1 school: unfinished 2, overdue 1, due soon 0, returned 0."""
    return [
        _finding(cast.A1, state="open"), _finding(cast.A1, deadline_days=-2, found_days_ago=20),
        _finding(cast.A2, state="reported"), _finding(cast.A2, state="reported"), _finding(cast.A3, state="disputed"),
        _finding(cast.A2, state="returned", deadline_days=3), _finding(cast.A1, state="closed"),
        _finding(cast.B1, state="open", deadline_days=-1, found_days_ago=40),
    ]


def _rows_at(client, url: str) -> int:
    """How many rows the linked page lists."""
    html = client.get(url).content.decode()
    if "data-testid=\"coverage\"" in html:
        badge = re.search(r'data-testid="coverage-problems">(\d+) 个问题<', html)
        return int(badge.group(1)) if badge else 0
    if url.startswith(reverse("visits:compliance")):
        return len(re.findall(r'<tr data-supervisor="', html))
    if url.startswith(reverse("imports:list")):
        return len(re.findall(r'href="/imports/\d+/"', html))
    return int(re.search(r'data-testid="result-count">共 (\d+) [条件所]<', html).group(1))


def _tiles(html: str) -> dict[str, tuple[int, str]]:
    out = {}
    for m in re.finditer(r'<a class="card card-link text-reset h-100" href="([^"]+)" data-testid="tile-(\w+)">.*?'
                         r'data-testid="tile-count">(\d+)<', html, re.S):
        out[m.group(2)] = (int(m.group(3)), m.group(1).replace("&amp;", "&"))
    return out


def _check_every_tile(client, user) -> dict[str, int]:
    client.force_login(user)
    tiles = _tiles(client.get(reverse("core:home")).content.decode())
    for key, (count, url) in tiles.items():
        assert _rows_at(client, url) == count, (user.username, key, url)
    return {k: c for k, (c, _u) in tiles.items()}


def test_office_counts_equal_the_rows_their_links_show(oct16, cast, client, findings, office_world):
    from dudao.complaints.models import Complaint

    Complaint.objects.all().delete()
    counts = _check_every_tile(client, cast.county_staff)
    assert counts["to_issue"] == 1 and counts["to_verify"] == 2 and counts["disputes"] == 1
    assert counts["overdue"] == 1  # A1's; B1 (望城) is outside 宁乡's scope
    assert counts["behind"] == 1
    assert counts["complaints"] == 0 and counts["jobs"] == 0
    assert "coverage" in counts
    # 望城's office staff (the multi persona) count 望城's own: B1 to issue and overdue
    multi = _check_every_tile(client, cast.multi)
    assert multi["to_issue"] == 1 and multi["overdue"] == 1 and multi["to_verify"] == 0


def test_complaints_jobs_and_coverage_counts(cast, client, office_world):
    from dudao.complaints.models import Complaint, ComplaintState
    from dudao.complaints.services import complaint_submit
    from dudao.imports.services import import_job_create
    from tests.imports.helpers import csv_bytes, upload

    for school in (cast.A1, cast.A2, cast.B1):
        complaint_submit(school=school, category="fees", text="学校要求家长购买指定的教辅资料。", phone="13900000000")
    Complaint.objects.filter(school=cast.A2).update(state=ComplaintState.ANSWERED)
    jobs = [import_job_create(user=cast.county_staff, kind="year_data",
                              upload=upload("年度.csv", csv_bytes(["学校标识码", "学年", "学段", "在校生数"], [[cast.A1.code, "2024", "小学", "3"]])))
            for _ in range(3)]
    ImportJob.objects.filter(pk=jobs[0].pk).update(status="failed")
    ImportJob.objects.filter(pk=jobs[1].pk).update(status="succeeded")
    ImportJob.objects.filter(pk=jobs[2].pk).update(status="failed", created_at=timezone.now() - timedelta(days=10))
    counts = _check_every_tile(client, cast.county_staff)
    assert counts["complaints"] == 1  # A1 received; A2 answered; B1 outside 宁乡
    assert counts["jobs"] == 1  # the failed one of this week
    ningxiang = Office.objects.get(region__code="430182")
    from dudao.zones.coverage import coverage_report

    assert counts["coverage"] == coverage_report(ningxiang).problem_count


def test_a_stalled_import_counts_until_its_worker_is_found_dead(cast, client):
    from dudao.imports.services import import_job_create
    from tests.imports.helpers import csv_bytes, upload

    job = import_job_create(user=cast.county_staff, kind="year_data",
                            upload=upload("年度.csv", csv_bytes(["学校标识码", "学年", "学段", "在校生数"], [[cast.A1.code, "2024", "小学", "3"]])))
    ImportJob.objects.filter(pk=job.pk).update(status="writing", updated_at=timezone.now() - timedelta(minutes=16))
    assert _check_every_tile(client, cast.county_staff)["jobs"] == 1
    assert ImportJob.objects.get(pk=job.pk).status == "failed"  # the list page failed it, and still lists it


def test_school_user_sees_their_findings_and_deadlines(cast, client, findings):
    counts = _check_every_tile(client, cast.school_user)
    assert counts == {"unfinished": 2, "overdue": 1, "due_soon": 0, "returned": 0}  # A1: open and overdue
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="deadlines"' in html and "逾期 2 天" in html
    assert 'data-testid="office-tiles"' not in html


def test_leader_figures_link_to_their_rows(oct16, cast, client, findings, office_world):
    client.force_login(cast.county_leader)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="office-tiles"' not in html  # leaders read figures, they have no to-do list
    overdue = re.search(r'href="([^"]+)" data-testid="figure-overdue">.*?data-testid="figure-value">(\d+)<', html, re.S)
    assert int(overdue.group(2)) == _rows_at(client, overdue.group(1).replace("&amp;", "&")) == 1
    complaints = re.search(r'href="([^"]+)" data-testid="figure-complaints">.*?data-testid="figure-value">(\d+)<', html, re.S)
    assert int(complaints.group(2)) == _rows_at(client, complaints.group(1).replace("&amp;", "&"))
    for key in ("quota", "rectification", "complaints"):
        assert f'data-chart="spark-{key}"' in html and f'id="spark-{key}"' in html


def test_leader_quota_and_rectification_rates_by_hand(cast, findings, office_world):
    """October 2025 is over: 张 3 of 4 and 李 1 of 4 are both behind, 0 % met; the findings' cohort
    this month (found 3 days ago: 5 in 宁乡 without the cancelled, 1 closed) — 20 %."""
    today = timezone.localdate()
    bench = workbench.workbench(user=cast.county_leader, today=today)
    figures = {f.key: f for f in bench.leader}
    ningxiang = Office.objects.get(region__code="430182")
    assert workbench.supervisors_behind(ningxiang, day=date(2025, 10, 15)) == (2, 2)
    rect = figures["rectification"]
    # 宁乡: 7 findings, 1 closed, none cancelled → 14.3 %
    assert rect.value == "14.3%"
    found = {f.found_on.replace(day=1) for f in findings if f.school.region_code.startswith("430182")}
    for first in found:
        month_rows = [f for f in findings if f.school.region_code.startswith("430182") and f.found_on.replace(day=1) == first]
        closed = sum(1 for f in month_rows if Finding.objects.get(pk=f.pk).state == "closed")
        label = f"{first.month}月"
        assert rect.trend[rect.trend_labels.index(label)] == round(100 * closed / len(month_rows), 1)


def test_evaluator_sees_the_schools_assigned(cast, client):
    counts = _check_every_tile(client, cast.evaluator)
    assert counts == {"assigned": 2}  # B1 and B2


def test_a_supervisor_lands_on_my_visits(cast, client, office_world):
    client.force_login(cast.supervisor)
    response = client.get(reverse("core:home"))
    assert response.status_code == 302 and response["Location"] == reverse("visits:field_home")
    # a supervisor who is also office staff keeps the workbench, with a way to 我的督导
    from dudao.supervisors.services import supervisor_create

    supervisor_create(by=None, office=Office.objects.get(region__code="430112"), name="望城兼职督学", kind="part_time",
                      level="county", user=cast.multi)
    client.force_login(cast.multi)
    html = client.get(reverse("core:home")).content.decode()
    assert 'data-testid="office-tiles"' in html and 'data-testid="go-field"' in html


def test_waiting_for_verification_opens_exactly_those_rows(cast, client, findings, office_world):
    """The supervisor's 等待您核查: of A2's two reported findings, the one whose responsible supervisor is 张."""
    zhang = office_world.supervisors["宁乡张督学"]
    reported = [f for f in findings if f.state == "reported"]
    Finding.objects.filter(pk=reported[0].pk).update(supervisor=zhang)
    Finding.objects.filter(pk=reported[1].pk).update(supervisor=None)  # not theirs to verify
    client.force_login(cast.supervisor)
    html = client.get(reverse("visits:field_home")).content.decode()
    link = re.search(r'<a href="([^"]+)" data-testid="todo-to-verify">(\d+) 个问题', html)
    assert link.group(2) == "1"
    assert _rows_at(client, link.group(1).replace("&amp;", "&")) == 1


@pytest.mark.parametrize("persona", PERSONAS)
def test_every_persona_gets_a_workbench_within_scope(cast, client, findings, persona):
    """core:home and schools:overview as every persona: 200 (or 我的督导), no school outside the scope
    named, and the register counts on 学校概况 equal the scope."""
    user = getattr(cast, persona)
    client.force_login(user)
    response = client.get(reverse("core:home"))
    assert response.status_code in (200, 302)
    html = response.content.decode()
    outside = [getattr(cast, k).name for k in ("A1", "A2", "A3", "B1", "B2", "C1", "D1") if k not in EXPECTED[persona]]
    assert not [name for name in outside if name in html], persona
    overview = client.get(reverse("schools:overview")).content.decode()
    expected = len(EXPECTED[persona])
    if expected:
        assert f'data-testid="school-count">{expected}<' in overview
    else:
        assert "您的权限范围内还没有学校" in overview
    assert not [name for name in outside if name in overview], persona
    for key, (count, url) in _tiles(html).items():
        assert _rows_at(client, url) == count, (persona, key)


@pytest.mark.parametrize(("persona", "shown", "hidden"), [
    ("county_staff", ["nav-schools", "nav-team", "nav-visits-office", "nav-findings", "nav-complaints", "nav-monitoring"], ["nav-field"]),
    ("school_user", ["nav-schools", "nav-visits-office", "nav-findings", "nav-complaints"], ["nav-team", "nav-monitoring", "nav-field"]),
    ("evaluator", ["nav-schools", "nav-findings", "nav-monitoring"], ["nav-team", "nav-visits-office", "nav-complaints"]),
    ("nobody", [], ["nav-schools", "nav-team", "nav-visits-office", "nav-findings", "nav-complaints", "nav-monitoring"]),
])
def test_menus_show_only_what_the_role_can_use(cast, client, persona, shown, hidden):
    client.force_login(getattr(cast, persona))
    html = client.get(reverse("core:home")).content.decode()
    assert [t for t in shown if f'data-testid="{t}"' not in html] == []
    assert [t for t in hidden if f'data-testid="{t}"' in html] == []


CARDS = {"unfinished": "count-unfinished", "overdue": "count-overdue", "soon": "count-due-soon", "closed": "count-closed"}


@pytest.mark.parametrize("query", [
    {}, {"state": "reported"}, {"state": "closed"}, {"state": "finished"}, {"state": "unfinished"}, {"due": "overdue"},
    {"due": "soon"}, {"due": "ontime"}, {"school": "宁乡二中"}, {"state": "returned", "due": "soon"},
])
def test_filtered_ledger_cards_count_and_open_the_filtered_rows(cast, client, findings, query):
    """Each card counts the filtered rows, and its link opens exactly those (None: nothing to open)."""
    client.force_login(cast.county_staff)
    html = client.get(reverse("findings:ledger"), query).content.decode()
    for card, testid in CARDS.items():
        count = int(re.search(rf'data-testid="{testid}">(\d+)<', html).group(1))
        link = re.search(rf'href="\?([^"]*)" data-testid="card-{card}"', html)
        if link is None:
            assert count == 0, (query, card)
            continue
        assert _rows_at(client, reverse("findings:ledger") + "?" + link.group(1).replace("&amp;", "&")) == count, (query, card)


def test_ledger_cards_by_hand(cast, client, findings):
    """宁乡 with state=reported: 2 unfinished (both reported), 0 closed — the 待整改 card keeps the filter."""
    client.force_login(cast.county_staff)
    html = client.get(reverse("findings:ledger"), {"state": "reported"}).content.decode()
    assert 'data-testid="count-unfinished">2<' in html and 'data-testid="count-closed">0<' in html
    assert 'href="?state=reported" data-testid="card-unfinished"' in html
    assert 'data-testid="card-closed"' not in html


def test_finished_months_of_the_quota_trend_are_cached(cast, office_world):
    """The leader's page recomputes only the running month once the finished ones are cached."""
    ningxiang = Office.objects.get(region__code="430182")
    today = date(2025, 11, 16)
    first = workbench._quota_figure(ningxiang, today)
    assert first.trend_labels == ("6月", "7月", "8月", "9月", "10月", "11月")
    assert first.trend[4] == 0.0  # October: 张 3 of 4 and 李 1 of 4, both behind
    with mock.patch.object(workbench, "supervisors_behind", wraps=workbench.supervisors_behind) as spy:
        again = workbench._quota_figure(ningxiang, today)
    assert again == first and spy.call_count == 1  # only November


@pytest.mark.parametrize("persona", PERSONAS)
def test_the_api_gives_the_same_counts_as_the_page(cast, client, findings, persona):
    """GET /api/v1/workbench/ ("api-1:get_workbench") as every persona: the page's tiles, same counts and links."""
    user = getattr(cast, persona)
    client.force_login(user)
    data = client.get(reverse("api-1:get_workbench")).json()
    page = client.get(reverse("core:home"))
    if page.status_code == 302:
        assert data["lands_on_field"] is True
        return
    tiles = _tiles(page.content.decode())
    api = {t["key"]: (t["count"], t["url"]) for section in ("office", "school", "evaluator") for t in data[section]}
    assert api == tiles, persona
    leader = ["quota", "rectification", "overdue", "complaints", "monitoring"] if persona == "county_leader" else []
    assert [f["key"] for f in data["leader"]] == leader


def test_the_complaints_overdue_alert_counts_and_opens_the_filtered_rows(cast, client):
    """Two complaints a month old (A1, A2: past their answer deadline) and a new one at A1; filtered
    to A1 the alert says 1 and opens that one."""
    from dudao.complaints.services import complaint_submit

    old = timezone.now() - timedelta(days=30)
    for school, received in ((cast.A1, old), (cast.A2, old), (cast.A1, None)):
        complaint_submit(school=school, category="fees", text="学校要求家长购买指定的教辅资料。", phone="13900000000",
                         received_at=received)
    client.force_login(cast.county_staff)
    for query, expected in (({}, 2), ({"school": cast.A1.name}, 1), ({"school": cast.B1.name}, 0)):
        html = client.get(reverse("complaints:list"), query).content.decode()
        if not expected:
            assert 'data-testid="overdue-alert"' not in html
            continue
        assert f"有 {expected} 件反映已超过答复期限" in html, query
        link = re.search(r'href="([^"]+)" data-testid="overdue-link"', html).group(1).replace("&amp;", "&")
        assert _rows_at(client, link) == expected, query


def _area(region_code: str, level: str, year: int, verdict: str, passing: int = 0, schools: int = 0):
    from dudao.monitoring.models import AreaResult
    from dudao.monitoring.standards import DEFAULT_SCHEME
    from dudao.regions.models import Region

    return AreaResult.objects.create(scheme=DEFAULT_SCHEME, year=year, stage="primary", level=level,
                                     region=Region.objects.get(code=region_code), region_code=region_code,
                                     verdict=verdict, schools_passing=passing, school_count=schools,
                                     computed_at=timezone.now())


def test_monitoring_verdicts_for_county_and_city_leaders(cast):
    """宁乡 passed in 2024 (3 of 3 schools) and failed in 2025 (1 of 3); of 长沙's counties in 2025,
    宁乡 failed and 望城 passed — 1 of 2 (the account without a role is made 长沙's leader)."""
    from dudao.people.models import Role
    from dudao.people.services import role_grant_add

    _area("430182", "county", 2024, "pass", 3, 3)
    _area("430182", "county", 2025, "fail", 1, 3)
    _area("430112", "county", 2025, "pass", 2, 2)
    county = {f.key: f for f in workbench.workbench(user=cast.county_leader).leader}["monitoring"]
    assert (county.value, county.trend_labels, county.trend) == ("未达标", ("2024", "2025"), (3, 1))
    assert "2025 年：达标学校 1 / 3" in county.note
    role_grant_add(user=cast.nobody, role=Role.OFFICE_LEADER, office=Office.objects.get(region__code="4301"))
    city = {f.key: f for f in workbench.workbench(user=cast.nobody).leader}["monitoring"]
    # 2024: only 宁乡 has a result, and it passed (1); 2025: 望城 passed, 宁乡 failed (1 of 2)
    assert (city.value, city.trend_labels, city.trend) == ("1 / 2", ("2024", "2025"), (1, 1))
    assert "2025 年：达标区县 1 / 2" in city.note


def test_leader_complaints_per_month_by_hand(cast):
    """Two complaints received this month at A1, one two months ago at A2, one at B1 (outside 宁乡):
    the trend ends …, 1, 0, 2 and 3 are not closed."""
    from dudao.complaints.services import complaint_submit

    today = timezone.localdate()
    first = today.replace(day=1)
    two_ago = (first - timedelta(days=1)).replace(day=1) - timedelta(days=1)  # a day of the month two before
    when = timezone.make_aware(datetime.combine(two_ago.replace(day=10), time(10)))
    for school, received in ((cast.A1, None), (cast.A1, None), (cast.A2, when), (cast.B1, None)):
        complaint_submit(school=school, category="fees", text="学校要求家长购买指定的教辅资料。", phone="13900000000",
                         received_at=received)
    figure = {f.key: f for f in workbench.workbench(user=cast.county_leader, today=today).leader}["complaints"]
    assert figure.value == "3" and figure.trend[-3:] == (1, 0, 2)
    assert figure.trend_labels[-3:] == (f"{two_ago.month}月", f"{(first - timedelta(days=1)).month}月", f"{today.month}月")


def test_the_workbench_in_english(cast, client, findings):
    client.force_login(cast.county_staff)
    client.post(reverse("set_language"), {"language": "en", "next": "/"})
    html = client.get(reverse("core:home")).content.decode()
    assert "Dashboard" in html  # 工作台 (its English name predates the workbench)
    assert "Notices to issue" in html and "Waiting for verification" in html
    assert "待下发整改通知" not in html
