"""The public answer page (no login): group choice, answers kept on error, each abuse control
refusing with a clear Chinese message, the thank-you page, and one response per device."""

from __future__ import annotations

import pytest
from django.core import signing
from django.core.cache import cache
from django.urls import reverse

from dudao.surveys import abuse
from dudao.surveys.models import Response
from tests.surveys.conftest import known_challenge

GOOD = {"q-Q1": "是", "q-Q2": "满意", "q-M-1": "满意", "q-M-2": "基本满意", "q-M-3": "不满意", "q-T": "多开展体育活动"}


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


def url(survey, school, **query) -> str:
    token = survey.links.get(school=school).token
    base = reverse("surveys_public:answer", kwargs={"token": token})
    return base + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def post(client, survey, school, *, digits="4821", typed="4821", seconds_ago=120, group="parent", **fields):
    data = {"group": group, "token": known_challenge(digits, seconds_ago=seconds_ago), "challenge": typed, "website": "",
            **GOOD, **fields}
    return client.post(url(survey, school), data)


def opened(client, survey, school):
    """Open the page first, as a person does: the device cookie is set there."""
    page = client.get(url(survey, school, group="parent"))
    assert page.status_code == 200
    return page


def test_group_choice_then_form_without_the_answer_in_the_page(cast, client, survey):
    page = client.get(url(survey, cast.A1))
    html = page.content.decode()
    assert page.status_code == 200 and 'data-testid="groups"' in html and "学生" in html and "3 年级及以上" in html
    assert abuse.DEVICE_COOKIE in page.cookies
    page = client.get(url(survey, cast.A1, group="parent"))
    html = page.content.decode()
    assert "是否参加课后服务" in html and "睡眠时间" not in html  # N is the students'
    assert 'data-show-q="Q2"' not in html and 'data-show-q="Q1"' in html
    token = html.split('name="token" value="')[1].split('"')[0]
    payload = signing.loads(token, salt=abuse.CHALLENGE_SALT)
    assert set(payload) == {"n", "h", "t"}  # a nonce, a MAC and the time: not the digits
    assert "data:image/png;base64," in html


def test_a_response_is_stored_once_per_device(cast, client, survey):
    opened(client, survey, cast.A1)
    page = post(client, survey, cast.A1)
    assert page.status_code == 302 and page["Location"].endswith("/thanks/")
    r = Response.objects.get()
    assert (r.rated, r.satisfied) == (4, 3) and r.group == "parent" and r.ip_hash and len(r.device_hash) == 64
    assert r.seconds is not None and r.seconds >= 120
    assert "感谢您的参与" in client.get(page["Location"]).content.decode()
    again = client.get(url(survey, cast.A2, group="parent"))
    assert "您已经提交过本次调查" in again.content.decode()
    page = post(client, survey, cast.A1)  # a second POST from the device is answered with the same page
    assert "您已经提交过本次调查" in page.content.decode()
    assert Response.objects.count() == 1


def test_wrong_digits_keep_the_answers(cast, client, survey):
    opened(client, survey, cast.A1)
    page = post(client, survey, cast.A1, typed="1111", **{"q-Q2": ""})
    html = page.content.decode()
    assert page.status_code == 400
    assert "图中的数字输入不正确，请看新图重新输入。" in html
    assert "请回答此题。" in html  # the answers' problems are shown at the same time
    assert "多开展体育活动" in html and 'value="是" checked' in html
    assert not Response.objects.exists()


def test_too_fast_is_refused(cast, client, survey):
    opened(client, survey, cast.A1)
    page = post(client, survey, cast.A1, seconds_ago=3)
    assert page.status_code == 400 and "提交太快了，请认真阅读题目后再提交" in page.content.decode()


def test_honeypot_is_refused(cast, client, survey):
    opened(client, survey, cast.A1)
    page = post(client, survey, cast.A1, website="http://spam")
    assert page.status_code == 400 and "提交未通过校验，请刷新页面后重试。" in page.content.decode()
    assert not Response.objects.exists()


def test_no_device_cookie_is_refused(cast, client, survey):
    page = post(client, survey, cast.A1)  # never opened the page: no cookie
    assert page.status_code == 400 and "请允许浏览器保存 Cookie" in page.content.decode()


def test_a_challenge_is_spent_once(cast, client, survey):
    opened(client, survey, cast.A1)
    token = known_challenge("1357")
    data = {"group": "parent", "token": token, "challenge": "1357", **GOOD}
    assert client.post(url(survey, cast.A1), data).status_code == 302
    client.cookies.clear()
    opened(client, survey, cast.A1)  # a new device replaying the same challenge
    page = client.post(url(survey, cast.A1), data)
    assert page.status_code == 400 and "这个验证码已经用过" in page.content.decode()


def test_rate_limit_per_address(cast, client, survey, settings):
    settings.DUDAO_SURVEY_PER_IP_PER_HOUR = 1
    opened(client, survey, cast.A1)
    assert post(client, survey, cast.A1).status_code == 302
    client.cookies.clear()
    opened(client, survey, cast.A1)
    page = post(client, survey, cast.A1)
    assert page.status_code == 429 and "这个网络地址提交的问卷已达上限" in page.content.decode()
    cache.clear()  # another worker's cache: the table still counts the address
    page = post(client, survey, cast.A1)
    assert page.status_code == 429
    assert Response.objects.count() == 1


def test_attempts_per_address(cast, client, survey, settings):
    settings.DUDAO_SURVEY_ATTEMPTS_PER_IP_PER_HOUR = 2
    opened(client, survey, cast.A1)
    assert post(client, survey, cast.A1, typed="0").status_code == 400
    assert post(client, survey, cast.A1, typed="0").status_code == 400
    page = post(client, survey, cast.A1)
    assert page.status_code == 429 and "提交过于频繁，请一小时后再试。" in page.content.decode()


def test_student_below_the_grade(cast, client, survey):
    client.get(url(survey, cast.A1, group="student"))
    page = post(client, survey, cast.A1, group="student", grade="2", **{"q-N": "9"})
    assert page.status_code == 400 and "本调查面向 3 年级及以上的学生" in page.content.decode()
    page = post(client, survey, cast.A1, group="student", grade="4", **{"q-N": "9"})
    assert page.status_code == 302 and Response.objects.get().grade == 4


def test_closed_and_unknown(cast, client, survey):
    survey.state = "closed"
    survey.save()
    page = client.get(url(survey, cast.A1))
    assert page.status_code == 200 and "本调查已经结束" in page.content.decode()
    assert client.get(reverse("surveys_public:answer", kwargs={"token": "nosuchtoken1"})).status_code == 404


def test_challenge_image_is_a_png():
    challenge = abuse.challenge_new()
    import base64
    import io

    from PIL import Image

    image = Image.open(io.BytesIO(base64.b64decode(challenge.image.split(",", 1)[1])))
    assert image.format == "PNG" and image.size == (180, 60)
