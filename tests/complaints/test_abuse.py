"""Abuse protection of the public form: rate limits per address and per school, the challenge,
the honeypot — and a failed check keeps what the parent typed."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from dudao.complaints import abuse
from dudao.complaints.models import Complaint
from tests.complaints.conftest import solved

TEXT = "食堂的饭菜经常是凉的，孩子中午吃不饱。"


def _post(client, school, *, ip="198.51.100.7", token=None, answer=None, agent="", **fields):
    if token is None:
        token, right = solved()
        answer = right if answer is None else answer
    data = {"category": "canteen", "text": TEXT, "phone": "", "contact_name": "", "token": token, "answer": answer,
            "website": ""}
    data.update(fields)
    return client.post(reverse("public:complaint", args=[school.code]), data, REMOTE_ADDR=ip, HTTP_USER_AGENT=agent)


def test_a_solved_form_is_accepted(cast, team, client):
    response = _post(client, cast.A1)

    assert response.status_code == 302
    assert Complaint.objects.get().text == TEXT


def test_rate_limit_per_address_keeps_the_typed_text(cast, team, client, settings):
    settings.DUDAO_COMPLAINTS_PER_IP_PER_HOUR = 2
    assert [_post(client, cast.A1).status_code for _n in range(2)] == [302, 302]

    response = _post(client, cast.A1, text="第三次反映：校门口上下学时段交通拥堵。")

    assert response.status_code == 429
    page = response.content.decode()
    assert "您提交得太频繁了" in page
    assert "第三次反映：校门口上下学时段交通拥堵。" in page
    assert Complaint.objects.count() == 2
    assert _post(client, cast.A1, ip="198.51.100.8").status_code == 302  # another address is not limited


def test_rate_limit_per_school_across_addresses(cast, team, client, settings):
    settings.DUDAO_COMPLAINTS_PER_SCHOOL_PER_DAY = 3
    for n in range(3):
        assert _post(client, cast.A1, ip=f"198.51.100.{10 + n}").status_code == 302

    response = _post(client, cast.A1, ip="198.51.100.99")

    assert response.status_code == 429
    assert "该校今天收到的网上反映已达上限" in response.content.decode()
    assert _post(client, cast.A2, ip="198.51.100.99").status_code == 302  # another school is not limited


def test_the_database_backs_the_cache_up(cast, team, client, settings):
    """A per-process cache (the embedded default) forgets between workers: the stored address hash counts too."""
    settings.DUDAO_COMPLAINTS_PER_IP_PER_HOUR = 2
    for _n in range(2):
        _post(client, cast.A1)
    cache.clear()  # another worker, or a restart

    assert _post(client, cast.A1).status_code == 429


def test_limits_count_online_submissions_of_the_last_hour_only(cast, team, client, settings):
    settings.DUDAO_COMPLAINTS_PER_IP_PER_HOUR = 1
    _post(client, cast.A1)
    Complaint.objects.update(received_at=timezone.now() - timedelta(hours=2))
    cache.clear()

    assert _post(client, cast.A1).status_code == 302


def test_wrong_answer_keeps_the_typed_text_and_asks_a_new_question(cast, team, client):
    token, right = solved()

    response = _post(client, cast.A1, token=token, answer=str(int(right) + 1), contact_name="李先生", phone="13700001111")

    assert response.status_code == 400
    page = response.content.decode()
    assert "验证题答案不正确" in page
    assert TEXT in page and "李先生" in page and "13700001111" in page
    assert 'value="canteen" selected' in page
    assert token not in page  # a fresh challenge
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(("answer", "message"), [("", "请回答验证题"), ("八八", "请用数字填写")])
def test_missing_or_unreadable_answers(cast, team, client, answer, message):
    token, _right = solved()
    response = _post(client, cast.A1, token=token, answer=answer)
    assert message in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_form_sent_faster_than_a_person_reads_is_refused(cast, team, client):
    token, right = solved(seconds_ago=0)

    response = _post(client, cast.A1, token=token, answer=right)

    assert "提交太快了" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_forged_or_expired_challenge_is_refused(cast, team, client):
    response = _post(client, cast.A1, token="forged:token", answer="3")
    assert "验证题无效" in response.content.decode()

    token, right = solved(seconds_ago=3 * 3600)
    response = _post(client, cast.A1, token=token, answer=right)
    assert "验证题已过期" in response.content.decode()
    assert not Complaint.objects.exists()


def test_a_challenge_is_used_once(cast, team, client):
    token, right = solved()
    assert _post(client, cast.A1, token=token, answer=right).status_code == 302

    replay = _post(client, cast.A1, token=token, answer=right, ip="198.51.100.50")

    assert "这道验证题已经用过" in replay.content.decode()
    assert Complaint.objects.count() == 1


def test_the_honeypot_refuses_scripts(cast, team, client):
    response = _post(client, cast.A1, website="http://spam.example")

    assert response.status_code == 400
    assert "提交未通过校验" in response.content.decode()
    assert not Complaint.objects.exists()


@pytest.mark.parametrize(("raw", "value"), [("8", 8), ("８", 8), (" 12 ", 12), ("七", 7), ("十", 10), ("十三", 13),
                                            ("abc", None), ("", None), ("三十", None)])
def test_answers_in_digits_or_chinese_numerals(raw, value):
    assert abuse.parse_answer(raw) == value


def test_questions_are_written_in_chinese_words():
    question = abuse.challenge_new().question
    assert question.endswith("等于几？")
    assert ("加" in question) != ("减" in question)
    assert not any(c.isdigit() for c in question)


def test_verify_checks_the_arithmetic_of_subtraction_too():
    for _n in range(30):  # random operators: both appear
        challenge = abuse.challenge_new(now=timezone.now() - timedelta(seconds=30))
        from django.core import signing

        data = signing.loads(challenge.token, salt=abuse.CHALLENGE_SALT)
        right = data["a"] + data["b"] if data["op"] == "+" else data["a"] - data["b"]
        assert right >= 0
        abuse.challenge_verify(challenge.token, str(right))
        with pytest.raises(ValidationError):
            abuse.challenge_verify(challenge.token, str(right + 1))


def test_only_a_keyed_hash_of_the_address_is_stored(cast, team, client):
    _post(client, cast.A1, ip="198.51.100.77", agent="Mozilla/5.0 (iPhone) " + "x" * 300)

    complaint = Complaint.objects.get()
    assert complaint.ip_hash == abuse.ip_hash("198.51.100.77")
    assert "198.51.100.77" not in complaint.ip_hash and len(complaint.ip_hash) == 64
    assert complaint.user_agent.startswith("Mozilla/5.0 (iPhone)") and len(complaint.user_agent) == 120


def test_client_address_behind_trusted_proxies(settings):
    request = RequestFactory().get("/", REMOTE_ADDR="10.0.0.1", HTTP_X_FORWARDED_FOR="1.2.3.4, 203.0.113.5")
    assert abuse.client_ip(request) == "10.0.0.1"  # no proxy trusted: the header may be forged
    settings.DUDAO_TRUSTED_PROXIES = 1
    assert abuse.client_ip(request) == "203.0.113.5"  # the address our proxy saw, not what the client wrote
