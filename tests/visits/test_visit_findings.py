"""Visits and the findings ledger (issue [4] item 8): each problem of a submitted visit is a finding;
the visit's page and its record sheet show each finding's state (red when overdue), deadline and a
link — only to those who may see the finding; 我的督导 counts each school's open findings."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from dudao.findings.models import Finding
from dudao.findings.services import finding_create
from dudao.regions.models import Office
from dudao.visits.models import Visit, VisitProblem
from dudao.visits.selectors import visit_findings
from dudao.visits.services import ProblemInput
from tests.visits.field_support import category_code, draft_visit, submitted_visit
from tests.zones.plaques_helpers import pdf_text


def _problems(n: int) -> list[ProblemInput]:
    return [ProblemInput(category=category_code(), description=f"问题{i}：作业公示栏未更新", requirement=f"要求{i}：一周内更新",
                         deadline=timezone.localdate() + timedelta(days=10 + i)) for i in range(n)]


def _block(page: str, testid: str) -> str:
    match = re.search(rf'data-testid="{testid}"[^>]*>(.*?)</div>\s*</div>', page, re.S)
    assert match, testid
    return match.group(1)


@pytest.fixture
def visit(cast, field) -> Visit:
    """谢彩飞's submitted visit at A1 with two problems: two findings in the ledger."""
    return submitted_visit(cast.supervisor, cast.A1, photo=False, problems=_problems(2))


def test_submitting_a_visit_puts_each_problem_in_the_ledger(visit):
    findings = Finding.objects.filter(visit_problem__visit=visit).order_by("visit_problem_id")
    assert [f.visit_problem.description for f in findings] == ["问题0：作业公示栏未更新", "问题1：作业公示栏未更新"]
    assert {(f.source, f.state, f.school_id) for f in findings} == {("visit", "open", visit.school_id)}


def test_the_visit_page_shows_each_findings_state_deadline_and_link(cast, client, visit):
    first, second = Finding.objects.filter(visit_problem__visit=visit).order_by("visit_problem_id")
    # given: the first is overdue (notified, deadline passed); the second reported and extended
    today = timezone.localdate()
    Finding.objects.filter(pk=first.pk).update(state="notified", found_on=today - timedelta(days=40),
                                               deadline=today - timedelta(days=3))
    Finding.objects.filter(pk=second.pk).update(state="reported", deadline=second.deadline + timedelta(days=20))
    client.force_login(cast.supervisor)
    # when
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    # then: the overdue one is red with its days late, linked to its page
    p1, p2 = first.visit_problem_id, second.visit_problem_id
    assert re.search(rf'list-group-item-danger" data-testid="problem-{p1}"', page)
    state = re.search(rf'<span class="badge ([^"]*)" data-testid="finding-state-{p1}">(.*?)</span>', page, re.S)
    assert "bg-red" in state.group(1) and "已下发整改通知" in state.group(2) and "逾期 3 天" in state.group(2)
    assert f'href="{reverse("findings:detail", args=[first.pk])}" data-testid="finding-link-{p1}"' in page
    assert f"整改期限：{today - timedelta(days=3):%Y年%-m月%-d日}" in _block(page, f"problem-{p1}")
    # the other: its state, the extended deadline and the original one
    state = re.search(rf'<span class="badge ([^"]*)" data-testid="finding-state-{p2}">(.*?)</span>', page, re.S)
    assert "bg-red" not in state.group(1) and state.group(2).strip() == "已报送整改情况"
    assert not re.search(rf'list-group-item-danger" data-testid="problem-{p2}"', page)
    block = _block(page, f"problem-{p2}")
    new, old = second.deadline + timedelta(days=20), second.deadline
    assert f"整改期限：{new:%Y年%-m月%-d日}" in block and f"原定 {old:%Y年%-m月%-d日}，已延期" in block
    assert f'href="{reverse("findings:detail", args=[second.pk])}"' in page


def test_closed_and_cancelled_findings_are_not_red(cast, client, visit):
    first, second = Finding.objects.filter(visit_problem__visit=visit).order_by("visit_problem_id")
    past = timezone.localdate() - timedelta(days=5)
    Finding.objects.filter(pk=first.pk).update(state="closed", found_on=past - timedelta(days=9), deadline=past)
    Finding.objects.filter(pk=second.pk).update(state="cancelled", found_on=past - timedelta(days=9), deadline=past)
    client.force_login(cast.county_staff)
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert "list-group-item-danger" not in page and "逾期" not in page
    assert "已销号" in page and "已撤销" in page


def test_the_school_sees_its_own_findings_and_can_open_them(cast, client, visit):
    finding = Finding.objects.filter(visit_problem__visit=visit).order_by("visit_problem_id").first()
    client.force_login(cast.school_user)  # A1's account
    page = client.get(reverse("visits:detail", args=[visit.pk])).content.decode()
    assert f'data-testid="finding-state-{finding.visit_problem_id}"' in page and "待下发" in page
    link = reverse("findings:detail", args=[finding.pk])
    assert link in page
    assert client.get(link).status_code == 200


@pytest.mark.parametrize("persona", ["outsider", "multi", "evaluator", "nobody"])
def test_out_of_scope_users_see_neither_the_visit_nor_its_findings(cast, client, visit, persona):
    user = getattr(cast, persona)
    client.force_login(user)
    assert client.get(reverse("visits:detail", args=[visit.pk])).status_code == 404
    assert client.get(reverse("visits:record_pdf", args=[visit.pk])).status_code == 404
    for finding in Finding.objects.filter(visit_problem__visit=visit):
        assert client.get(reverse("findings:detail", args=[finding.pk])).status_code == 404
    assert visit_findings(user, visit) == {}  # the selector itself reads through the scope


def test_the_selector_returns_only_visible_findings(cast, visit):
    own = visit_findings(cast.school_user, visit)
    assert set(own) == set(visit.problems.values_list("pk", flat=True))
    assert {f.pk for f in visit_findings(cast.county_staff, visit).values()} == {f.pk for f in own.values()}
    assert visit_findings(cast.outsider, visit) == {}


def test_one_query_for_the_findings_whatever_the_number_of_problems(cast, client, field):
    few = submitted_visit(cast.supervisor, cast.A1, photo=False, problems=_problems(1))
    many = submitted_visit(cast.supervisor, cast.A1, photo=False, problems=_problems(6))
    client.force_login(cast.county_staff)
    client.get(reverse("visits:detail", args=[few.pk]))  # warm the scope and the session
    counts = []
    for v in (few, many):
        with CaptureQueriesContext(connection) as ctx:
            page = client.get(reverse("visits:detail", args=[v.pk])).content.decode()
        assert page.count('data-testid="finding-link-') == v.problems.count()
        counts.append(len(ctx.captured_queries))
        assert sum('"findings_finding"' in q["sql"] for q in ctx.captured_queries) == 1
    assert counts[0] == counts[1]


def test_problems_without_a_finding_show_no_state(cast, client, field, record):
    # given: a visit recorded before the ledger (its problem never became a finding), and a draft
    old = record(field.me, cast.A1, timezone.localdate() - timedelta(days=30))
    problem = VisitProblem.objects.create(visit=old, category=category_code(), description="旧问题", requirement="旧要求",
                                          deadline=timezone.localdate())
    draft = draft_visit(cast.supervisor, cast.A2, photo=False)
    client.force_login(cast.supervisor)
    page = client.get(reverse("visits:detail", args=[old.pk])).content.decode()
    assert "旧问题" in page and f"finding-state-{problem.pk}" not in page and "查看整改台账" not in page
    page = client.get(reverse("visits:detail", args=[draft.pk])).content.decode()
    assert "作业公示栏未更新" in page and "查看整改台账" not in page


def test_the_record_sheet_shows_each_findings_state(cast, client, visit):
    first = Finding.objects.filter(visit_problem__visit=visit).order_by("visit_problem_id").first()
    today = timezone.localdate()
    Finding.objects.filter(pk=first.pk).update(state="in_progress", found_on=today - timedelta(days=30),
                                               deadline=today - timedelta(days=2))
    for persona in ("county_staff", "school_user"):
        client.force_login(getattr(cast, persona))
        response = client.get(reverse("visits:record_pdf", args=[visit.pk]))
        assert response.status_code == 200
        text = re.sub(r"\s+", "", pdf_text(response.content, layout=False))
        assert "整改状态" in text and "整改中（逾期2天）" in text and "待下发" in text, persona
        assert f"截至{today:%Y年%-m月%-d日}" in text


def test_the_record_sheet_without_findings_has_no_state_column(cast, client, field, record):
    old = record(field.me, cast.A1, timezone.localdate() - timedelta(days=30))
    VisitProblem.objects.create(visit=old, category=category_code(), description="旧问题", requirement="旧要求",
                                deadline=timezone.localdate())
    client.force_login(cast.county_staff)
    text = re.sub(r"\s+", "", pdf_text(client.get(reverse("visits:record_pdf", args=[old.pk])).content, layout=False))
    assert "旧问题" in text and "整改状态" not in text


# --- 我的督导: open findings per school --------------------------------------------------------------


def _finding(school, *, state="open", days_left=10, source="complaint"):
    today = timezone.localdate()
    f = finding_create(by=None, office=Office.objects.get(region__code="430182"), school=school, source=source,
                       category="safety", description="问题", requirement="整改", found_on=today - timedelta(days=60),
                       deadline=today + timedelta(days=days_left))
    Finding.objects.filter(pk=f.pk).update(state=state)
    return f


def test_field_home_counts_each_schools_open_findings(cast, client, field):
    # given: A1 — two unfinished (one overdue), one closed, one cancelled; A2 — only a closed one
    _finding(cast.A1)
    _finding(cast.A1, state="returned", days_left=-4, source="monitoring")
    _finding(cast.A1, state="closed", days_left=-20)
    _finding(cast.A1, state="cancelled", days_left=-20)
    _finding(cast.A2, state="closed", days_left=-20)
    client.force_login(cast.supervisor)
    # when
    page = client.get(reverse("visits:field_home")).content.decode()
    # then
    badge = re.search(rf'<a class="badge ([^"]*)" href="([^"]*)" data-testid="open-findings-{cast.A1.pk}">(.*?)</a>', page, re.S)
    assert "bg-red" in badge.group(1)
    assert badge.group(2) == f"{reverse('findings:ledger')}?school_id={cast.A1.pk}&amp;state=unfinished"
    assert re.sub(r"\s+", " ", badge.group(3)).strip() == "2 项待整改 · 1 项逾期"
    assert f'data-testid="open-findings-{cast.A2.pk}"' not in page


def test_field_home_reads_the_findings_in_one_query(cast, client, field):
    for school in (cast.A1, cast.A2):
        _finding(school)
    client.force_login(cast.supervisor)
    client.get(reverse("visits:field_home"))
    with CaptureQueriesContext(connection) as ctx:
        page = client.get(reverse("visits:field_home")).content.decode()
    # one query for the schools' badges, one aggregate for the 待整改 / 等待您核查 line — whatever the number of schools
    assert sum('"findings_finding"' in q["sql"] for q in ctx.captured_queries) == 2
    assert f'data-testid="open-findings-{cast.A2.pk}"' in page and "1 项待整改" in page
    assert " 项逾期" not in page


def test_field_home_badge_links_to_a_ledger_the_supervisor_can_read(cast, client, field):
    finding = _finding(cast.A2, days_left=-1)
    client.force_login(cast.supervisor)
    page = client.get(reverse("findings:ledger"), {"school_id": cast.A2.pk, "state": "unfinished"}).content.decode()
    assert client.get(reverse("findings:detail", args=[finding.pk])).status_code == 200
    assert reverse("findings:detail", args=[finding.pk]) in page


def test_the_api_gives_each_problems_finding_to_those_who_may_see_it(cast, client, visit):
    first, second = Finding.objects.filter(visit_problem__visit=visit).order_by("visit_problem_id")
    Finding.objects.filter(pk=second.pk).update(state="reported")
    client.force_login(cast.supervisor)
    problems = client.get(reverse("api-1:get_visit", kwargs={"visit_id": visit.pk})).json()["problems"]
    assert [(p["finding_id"], p["finding_state"]) for p in problems] == [(first.pk, "open"), (second.pk, "reported")]
    assert problems[1]["finding_state_label"] == Finding.objects.get(pk=second.pk).get_state_display()
    # the school reads its visit's feedback and its own findings' states too
    client.force_login(cast.school_user)
    problems = client.get(reverse("api-1:get_visit", kwargs={"visit_id": visit.pk})).json()["problems"]
    assert [(p["finding_id"], p["finding_state"]) for p in problems] == [(first.pk, "open"), (second.pk, "reported")]
