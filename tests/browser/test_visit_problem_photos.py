"""On a phone in Chromium (issue [6] item 6): a new problem proposes the office's default deadline,
the supervisor ticks the photo that shows the problem, submits — and the finding carries the photo
as its first evidence."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from django.urls import reverse
from django.utils import timezone
from playwright.sync_api import expect

from dudao.findings.models import Finding, FindingPolicy
from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.visits.models import Visit, VisitPhoto
from dudao.zones.services import assignment_create
from tests.browser.support import log_in, screenshot
from tests.visits.field_support import jpeg

pytestmark = pytest.mark.browser


def test_a_problem_gets_the_default_deadline_and_its_photo(browser_cast, page_for, live_server, tmp_path):
    cast = browser_cast
    office = Office.objects.get(region__code="430182")
    FindingPolicy.objects.create(office=office, default_deadline_days=12)
    me = supervisor_create(by=None, office=office, name="谢彩飞", kind="full_time", level="county", phone="13700000001",
                           appointed_on=date(2020, 1, 1), user=cast.supervisor)
    assignment_create(supervisor=me, school=cast.A1, starts_on=date(2020, 1, 1))
    page = page_for(width=390, height=844, mobile=True)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(page, live_server, "t_supervisor")
    page.goto(f"{live_server.url}{reverse('visits:field_home')}")
    page.get_by_test_id(f"start-{cast.A1.pk}").click()
    page.wait_for_url("**/visits/field/*-*/")

    page.locator("label.field-choice", has_text="查阅资料").click()
    page.locator("label.field-choice", has_text="招生、收费、择校情况").click()
    page.fill("#id_narrative", "巡视实验楼。")
    photo = tmp_path / "灭火器.jpg"
    photo.write_bytes(jpeg(1200, 900, color=(200, 30, 30)))
    page.set_input_files("[data-photo-input]", str(photo))
    expect(page.get_by_test_id("photos")).to_contain_text("已上传")

    page.click("[data-add-problem]")
    problem = page.locator("[data-problem]").first
    expected = (timezone.localdate() + timedelta(days=12)).isoformat()
    expect(problem.locator("input[data-key=deadline]")).to_have_value(expected)  # proposed …
    problem.locator("input[data-key=deadline]").fill((timezone.localdate() + timedelta(days=7)).isoformat())  # … editable
    problem.locator("select").select_option(label="校园安全隐患")
    problem.locator("textarea[data-key=description]").fill("实验室灭火器已过有效期")
    problem.locator("textarea[data-key=requirement]").fill("立即更换过期消防器材")
    expect(problem.locator("[data-photo-choice]")).to_have_count(1)
    problem.locator("[data-photo-choice]").check()
    screenshot(page, "visit-problem-photo")
    page.get_by_test_id("submit").click()
    page.wait_for_url("**/visits/*/")

    visit = Visit.objects.get()
    assert visit.status == "submitted"
    problem_row = visit.problems.get()
    assert list(problem_row.photos.all()) == [VisitPhoto.objects.get(visit=visit)]
    assert problem_row.deadline == timezone.localdate() + timedelta(days=7)
    finding = Finding.objects.get(visit_problem=problem_row)
    assert finding.evidence.filter(event__action="created").count() == 1
    assert not errors
