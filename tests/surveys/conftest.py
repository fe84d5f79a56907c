"""Fixtures of the surveys tests: a small questionnaire of 宁乡市's office (every question type, skip
logic, a group-only question), an open survey over 宁乡市 with a link per school, and a challenge
whose digits the test knows (the page's image is unreadable by design)."""

from __future__ import annotations

import datetime as dt
import secrets

import pytest
from django.core import signing
from django.utils import timezone

from dudao.regions.models import Office
from dudao.surveys import abuse, services
from dudao.surveys.builtin import questionnaires_install_builtin
from dudao.surveys.logic import normalise_options
from dudao.surveys.models import Questionnaire, SurveyState

SCALE = ["满意", "基本满意", "不满意"]


@pytest.fixture
def builtins(db) -> dict[str, Questionnaire]:
    questionnaires_install_builtin()
    return {q.code: q for q in Questionnaire.objects.filter(office__isnull=True)}


@pytest.fixture
def county_office(cast) -> Office:
    return Office.objects.get(region__code="430182")


@pytest.fixture
def small(county_office) -> Questionnaire:
    """Q1 是/否; Q2 scale (indexed) shown when Q1 = 是; M matrix of three rows (indexed); T text
    (optional); N number for students only; K multiple (not indexed)."""
    q = Questionnaire.objects.create(office=county_office, code="SMALL", name="小问卷", kind="recognition")
    save = services.question_save
    save(by=None, questionnaire=q, code="Q1", text="是否参加课后服务", type="single", options=normalise_options(["是", "否"]))
    save(by=None, questionnaire=q, code="Q2", text="对课后服务是否满意", type="scale", in_index=True,
         options=normalise_options(SCALE, ["满意", "基本满意"]), show_if={"question": "Q1", "in": ["是"]})
    save(by=None, questionnaire=q, code="M", text="各方面评价", type="matrix", in_index=True, rows=["甲", "乙", "丙"],
         options=normalise_options(SCALE, ["满意", "基本满意"]))
    save(by=None, questionnaire=q, code="T", text="意见建议", type="text", required=False)
    save(by=None, questionnaire=q, code="N", text="睡眠时间（小时）", type="number", groups=["student"])
    save(by=None, questionnaire=q, code="K", text="了解渠道", type="multiple", required=False,
         options=normalise_options(["学校", "网络", "其他"]))
    return q


@pytest.fixture
def survey(cast, county_office, small):
    today = timezone.localdate()
    s = services.survey_create(by=None, office=county_office, questionnaire=small, name="宁乡认可度调查", year=today.year,
                               region=county_office.region, opens_on=today - dt.timedelta(days=1),
                               closes_on=today + dt.timedelta(days=10))
    services.links_generate(by=None, survey=s, mode="schools", target=10)
    services.survey_set_state(by=None, survey=s, state=SurveyState.OPEN)
    return s


def known_challenge(digits: str = "4821", *, seconds_ago: int = 120) -> str:
    """A challenge token for `digits`, shown `seconds_ago` (past the minimum answering time)."""
    nonce = secrets.token_hex(8)
    started = timezone.now() - dt.timedelta(seconds=seconds_ago)
    return signing.dumps({"n": nonce, "h": abuse._answer_mac(nonce, digits), "t": int(started.timestamp())},
                         salt=abuse.CHALLENGE_SALT, compress=True)
