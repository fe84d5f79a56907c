"""In Chromium on a phone-sized screen with WeChat's user agent: a parent opens a school's survey
link (no account), chooses who they are, answers — the skip logic shows a follow-up question, a
missing answer is refused with everything typed kept — reads the digits off the image, and is
thanked; the link then tells the same phone it has answered already."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from dudao.regions.models import Office
from dudao.surveys import abuse, services
from dudao.surveys.logic import normalise_options
from dudao.surveys.models import Questionnaire, Response
from tests.browser.support import screenshot

pytestmark = pytest.mark.browser

WECHAT = ("Mozilla/5.0 (Linux; Android 12; V2049A Build/SP1A.210812.003; wv) AppleWebKit/537.36 (KHTML, like Gecko) "
          "Version/4.0 Chrome/107.0.5304.141 Mobile Safari/537.36 XWEB/5061 MMWEBSDK/20230303 MicroMessenger/8.0.34 "
          "WeChat/arm64 NetType/4G Language/zh_CN")
SCALE = ["满意", "基本满意", "不满意"]


def _survey(school):
    office = Office.objects.get(region__code="430182")
    q = Questionnaire.objects.create(office=office, code="PHONE", name="家长满意度", kind="recognition",
                                     groups=["parent", "teacher"])
    save = services.question_save
    save(by=None, questionnaire=q, code="Q1", text="孩子是否参加课后服务", type="single", options=normalise_options(["是", "否"]))
    save(by=None, questionnaire=q, code="Q2", text="您对课后服务是否满意", type="scale", in_index=True,
         options=normalise_options(SCALE, ["满意", "基本满意"]), show_if={"question": "Q1", "in": ["是"]})
    save(by=None, questionnaire=q, code="M", text="您对学校以下方面的评价", type="matrix", in_index=True,
         rows=["作业量", "课后服务", "家校沟通"], options=normalise_options(SCALE, ["满意", "基本满意"]))
    save(by=None, questionnaire=q, code="T", text="意见建议", type="text", required=False)
    today = timezone.localdate()
    survey = services.survey_create(by=None, office=office, questionnaire=q, name="课后服务满意度调查", year=today.year,
                                    region=office.region, opens_on=today - dt.timedelta(days=1),
                                    closes_on=today + dt.timedelta(days=7))
    services.links_generate(by=None, survey=survey, mode="schools")
    services.survey_set_state(by=None, survey=survey, state="open")
    return survey.links.get(school=school)


def test_parent_answers_a_survey_on_a_phone_in_wechat(browser_cast, browser, live_server, settings, monkeypatch):
    settings.DUDAO_SURVEY_MIN_SECONDS = 1
    monkeypatch.setattr(abuse, "_digits", lambda: "2468")  # the digits a person reads off the image
    link = _survey(browser_cast.A1)
    context = browser.new_context(locale="zh-CN", viewport={"width": 375, "height": 740}, is_mobile=True,
                                  has_touch=True, user_agent=WECHAT)
    phone = context.new_page()
    phone.set_default_timeout(15000)
    try:
        phone.goto(f"{live_server.url}/q/{link.token}/")
        expect(phone.get_by_test_id("groups").locator("a")).to_have_count(2)
        phone.get_by_test_id("groups").get_by_text("学生家长").click()

        follow_up = phone.locator('fieldset[data-question="Q2"]')
        expect(follow_up).to_be_hidden()
        phone.get_by_label("是", exact=True).check()
        expect(follow_up).to_be_visible()  # skip logic in the browser
        matrix = phone.locator('fieldset[data-question="M"]')
        matrix.locator('input[name="q-M-1"][value="满意"]').check()
        matrix.locator('input[name="q-M-2"][value="不满意"]').check()
        phone.fill('textarea[name="q-T"]', "希望延长课后服务时间")
        phone.fill("#id_challenge", "2468")
        phone.wait_for_timeout(1100)
        phone.get_by_test_id("submit").click()

        expect(phone.get_by_test_id("error-Q2")).to_have_text("请回答此题。")
        expect(phone.get_by_test_id("error-M")).to_have_text("请回答每一行。")
        expect(phone.locator('textarea[name="q-T"]')).to_have_value("希望延长课后服务时间")
        expect(phone.locator('input[name="q-M-2"][value="不满意"]')).to_be_checked()
        expect(follow_up).to_be_visible()
        assert phone.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        screenshot(phone, "survey-phone-errors")

        follow_up.locator('input[value="基本满意"]').check()
        matrix.locator('input[name="q-M-3"][value="满意"]').check()
        phone.fill("#id_challenge", "2468")
        phone.get_by_test_id("submit").click()
        expect(phone.get_by_test_id("thanks")).to_contain_text("提交成功")
        screenshot(phone, "survey-phone-thanks")

        response = Response.objects.get()
        assert response.answers == {"Q1": "是", "Q2": "基本满意", "M": {"作业量": "满意", "课后服务": "不满意", "家校沟通": "满意"},
                                    "T": "希望延长课后服务时间"}
        assert (response.rated, response.satisfied) == (4, 3)

        phone.goto(f"{live_server.url}/q/{link.token}/")
        expect(phone.get_by_test_id("thanks")).to_contain_text("您已经提交过本次调查")
    finally:
        context.close()
