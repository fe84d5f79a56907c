"""In Chromium on a phone: a parent scans the plaque's QR code, writes a complaint, gets a tracking
code; the responsible supervisor finds it holds and puts it into the rectification ledger; later the
parent reads the answer with the code — and never sees anything internal."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dudao.complaints.abuse import parse_answer
from dudao.complaints.models import Complaint, ComplaintState
from dudao.findings.models import FindingSource
from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.zones.services import assignment_create
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser

TEXT = "学校要求每个学生购买 120 元的指定教辅资料，说是“自愿”，但不买的要在班上点名。"


def _solve(question: str) -> str:
    """"七 加 五 等于几？" → "12", as a person reads it."""
    a, op, b, _rest = question.split(" ")
    x, y = parse_answer(a), parse_answer(b)
    return str(x + y if op == "加" else x - y)


def test_parent_complains_supervisor_investigates_parent_reads_the_answer(browser_cast, page_for, live_server, settings):
    settings.DUDAO_COMPLAINT_MIN_SECONDS = 1
    office = Office.objects.get(region__code="430182")
    wang = supervisor_create(by=None, office=office, name="王建国", kind="full_time", level="county", phone="13800000001",
                             user=browser_cast.supervisor)
    assignment_create(supervisor=wang, school=browser_cast.A1, starts_on=timezone.localdate() - timedelta(days=30))
    school = browser_cast.A1

    # the parent, on a phone, from the plaque's QR code
    phone = page_for(width=375, height=740, mobile=True)
    phone.goto(f"{live_server.url}/s/{school.code}/")
    phone.get_by_test_id("complaint-link").click()
    expect(phone.locator("h1")).to_have_text("我要反映问题")
    phone.select_option("#id_category", label="收费问题")
    phone.fill("#id_text", TEXT)
    phone.fill("#id_contact_name", "王女士")
    phone.fill("#id_phone", "13912345678")
    phone.fill("#id_answer", "0")  # a wrong answer first: everything typed stays
    phone.wait_for_timeout(1100)  # a person takes longer than DUDAO_COMPLAINT_MIN_SECONDS to read the form
    phone.get_by_test_id("submit").click()
    expect(phone.get_by_test_id("challenge-error")).to_contain_text("验证题答案不正确")
    expect(phone.locator("#id_text")).to_have_value(TEXT)
    expect(phone.locator("#id_phone")).to_have_value("13912345678")
    phone.fill("#id_answer", _solve(phone.get_by_test_id("challenge-question").inner_text()))
    phone.wait_for_timeout(1100)
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(phone, "complaint-form-phone")
    phone.get_by_test_id("submit").click()

    expect(phone.get_by_test_id("submitted")).to_contain_text("提交成功")
    code = phone.get_by_test_id("tracking-code").inner_text().replace(" ", "")
    complaint = Complaint.objects.get()
    assert code == complaint.tracking_code and complaint.supervisor == wang
    expect(phone.get_by_test_id("public-state")).to_have_text("已受理，正在处理")
    screenshot(phone, "complaint-tracking-code-phone")

    # the responsible supervisor finds it holds: into the rectification ledger
    desk = page_for()
    log_in(desk, live_server, "t_supervisor")
    desk.get_by_test_id("nav-complaints").locator("a.dropdown-toggle").click()
    desk.click("text=反映台账")
    desk.click(f"tr[data-complaint='{complaint.pk}'] a")
    expect(desk.get_by_test_id("phone")).to_contain_text("13912345678")
    investigate = desk.locator("details[data-outcome='investigated']")
    investigate.locator("summary").click()
    investigate.locator("textarea[name='investigated-verification_note']").fill("到校查阅收费台账，属实，涉及 43 名学生。")
    investigate.locator("textarea[name='investigated-description']").fill("以“自愿”名义统一收取教辅资料费")
    investigate.locator("textarea[name='investigated-requirement']").fill("立即停止统一收费，一周内退还已收费用")
    investigate.locator("textarea[name='investigated-public_answer']").fill("您好，经核实，您反映的问题属实，已责令学校停止收费并退还费用。")
    investigate.locator("button[type=submit]").click()
    expect(desk.get_by_test_id("state")).to_have_text("立案整改中")
    expect(desk.get_by_test_id("finding")).to_contain_text("以“自愿”名义统一收取教辅资料费")
    screenshot(desk, "complaint-investigated")
    complaint.refresh_from_db()
    assert complaint.state == ComplaintState.INVESTIGATING and complaint.finding.source == FindingSource.COMPLAINT

    # days later, the parent types the code on another phone
    later = page_for(width=375, height=740, mobile=True)
    later.goto(f"{live_server.url}/s/track/")
    later.fill("#id_code", f"{code[:5]} {code[5:]}".lower())
    later.click("button:has-text('查询')")
    expect(later.get_by_test_id("public-answer")).to_contain_text("已责令学校停止收费并退还费用")
    expect(later.get_by_test_id("public-state")).to_have_text("已立案，正在督促学校整改")
    body = later.locator("body").inner_text()
    for secret in ("13912345678", "王女士", "到校查阅收费台账", "王建国"):
        assert secret not in body, secret
    assert later.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    screenshot(later, "complaint-answer-phone")
