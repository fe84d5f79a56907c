"""End to end in Chromium: draft review (征求意见). The 宁乡 office sends a draft 督导意见书 to the school
for comments; the school's account, on a 375 px phone, finds it in 收文 and contests one paragraph;
the office answers (部分采纳 with its reason); the draft then goes to 送审, which was refused while the
comment was unanswered; the printable record holds the comment and the answer."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from playwright.sync_api import expect

from dudao.documents import review, services
from dudao.documents.models import Document, DocumentStatus, ReviewComment
from dudao.regions.models import Office
from tests.browser.support import log_in, screenshot

pytestmark = pytest.mark.browser
PHONE = {"width": 375, "height": 812, "mobile": True}
TITLE = "关于测试宁乡一小的督导意见书（征求意见稿）"


def test_office_sends_school_contests_a_paragraph_office_answers_then_submits(browser_cast, page_for, live_server):
    cast = browser_cast
    office = Office.objects.get(region__code="430182")
    doc = services.create_draft(
        by=cast.county_staff, office=office, kind="opinion", title=TITLE, school=cast.A1,
        body=[{"type": "h1", "text": "一、基本情况"}, {"type": "p", "text": "学校办学行为规范，课程开齐开足。"},
              {"type": "h1", "text": "二、存在问题"}, {"type": "p", "text": "食堂食材采购台账不全。"}],
        recipients=[{"school": cast.A1, "name": cast.A1.name}])
    problem_key = doc.body[3]["key"]

    # The office sends the draft with the default period.
    desk = page_for()
    log_in(desk, live_server, "t_county")
    desk.goto(f"{live_server.url}/documents/{doc.pk}/review/")
    expect(desk.locator("#id_days")).to_have_value("5")
    desk.get_by_role("button", name="发送征求意见稿").click()
    deadline = review.chinese_date(review.current_review(doc).deadline)
    expect(desk.get_by_text(f"各单位须于 {deadline} 前反馈")).to_be_visible()

    # The school, on a phone: 收文 → the draft → 提意见 on the second problem paragraph.
    phone = page_for(**PHONE)
    errors: list[str] = []
    phone.on("pageerror", lambda exc: errors.append(str(exc)))
    log_in(phone, live_server, "t_school")
    phone.goto(f"{live_server.url}/documents/inbox/")
    expect(phone.get_by_test_id("count-review")).to_have_text("1")
    phone.get_by_test_id("inbox-row").filter(has_text=TITLE).click()
    expect(phone.get_by_test_id("review-state")).to_contain_text(deadline)
    block = phone.locator(f'[data-key="{problem_key}"]')
    block.get_by_test_id("comment-toggle").click()
    block.get_by_label("异议").check()
    block.get_by_label("意见内容").fill("台账已于9月补齐，附采购记录，请删除此条。")
    assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")  # no sideways scrolling
    screenshot(phone, "draft-review-phone")
    block.get_by_role("button", name="提交意见").click()
    expect(phone.get_by_text("意见已提交")).to_be_visible()
    expect(phone.locator(f'[data-key="{problem_key}"]').get_by_test_id("comment")).to_contain_text("待督导室答复")
    comment = ReviewComment.objects.get(document=doc)
    assert (comment.kind, comment.block_key, comment.block_text) == ("objection", problem_key, "食堂食材采购台账不全。")
    assert errors == []

    # 送审 is refused while the comment is unanswered.
    with pytest.raises(ValidationError):
        services.submit(Document.objects.get(pk=doc.pk), by=cast.county_staff)

    # The office answers it.
    desk.goto(f"{live_server.url}/documents/{doc.pk}/review/")
    expect(desk.get_by_test_id("unanswered")).to_contain_text("还有 1 条意见未答复")
    answer = desk.get_by_test_id("answer-form")
    answer.get_by_label("部分采纳").check()
    answer.get_by_role("button", name="保存答复").click()
    expect(desk.get_by_text("部分采纳或不采纳时，请说明理由。").first).to_be_visible()  # the reason is required
    answer = desk.get_by_test_id("answer-form")
    answer.get_by_label("部分采纳").check()
    answer.get_by_label("处理说明").fill("台账问题已整改，改为“已整改到位，须长效坚持”。")
    answer.get_by_role("button", name="保存答复").click()
    expect(desk.get_by_text("所有意见均已答复")).to_be_visible()
    screenshot(desk, "draft-review-office")

    # The school sees the answer.
    phone.goto(f"{live_server.url}/documents/{doc.pk}/read/")
    expect(phone.get_by_test_id("answer")).to_contain_text("部分采纳")

    # The printable record, then 送审 (the workflow's step, documents/services.submit).
    desk.goto(f"{live_server.url}/documents/{doc.pk}/review/print/")
    expect(desk.get_by_text("台账已于9月补齐")).to_be_visible()
    expect(desk.get_by_text("【部分采纳】")).to_be_visible()
    services.submit(Document.objects.get(pk=doc.pk), by=cast.county_staff)
    assert Document.objects.get(pk=doc.pk).status == DocumentStatus.CHECKING
    phone.goto(f"{live_server.url}/documents/{doc.pk}/read/")
    expect(phone.get_by_test_id("review-state")).to_contain_text("征求意见已结束")
