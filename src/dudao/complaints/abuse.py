"""Abuse protection of the public complaint form and API: no third-party service.

- **Every attempt** (form or API, accepted or not) counts toward a limit per address (20 an hour),
  before the body is read (guard.py: the number and size of photos are capped there too).
- **Rate limits** per address (5 an hour) and per school (50 a day) in the Django cache (Redis in
  production, shared by every worker), checked again against the complaints table by address hash,
  so that a per-process cache (the embedded default) cannot be bypassed by landing on another worker.
- **A challenge**: a small sum written in Chinese words ("七 加 五 等于几？"), signed with the secret
  key (nothing stored), refused when answered faster than a person reads the form, older than two
  hours or used before (its nonce is marked in the cache when a complaint is accepted).
- **A honeypot** field that people never see and form-filling scripts fill in.
- Only a keyed hash of the address is kept (HMAC with the secret key): enough to count, useless
  to recover the address.
"""

from __future__ import annotations

import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.complaints import rules
from dudao.core.ratelimit import RateLimited, cache_incr, client_ip, keyed_hash

CHALLENGE_SALT = "dudao.complaints.challenge"
NUMERALS = "零一二三四五六七八九十"


# --- the address (client_ip, RateLimited: dudao.core.ratelimit, shared with the surveys) ---------------
def ip_hash(ip: str) -> str:
    return keyed_hash("complaint-ip", ip)


def user_agent(request: HttpRequest) -> str:
    return request.META.get("HTTP_USER_AGENT", "")[:120]


# --- rate limits -------------------------------------------------------------------------------------
def _ip_key(address_hash: str, now: datetime) -> str:
    return f"complaints:ip:{address_hash[:32]}:{timezone.localtime(now):%Y%m%d%H}"


def _school_key(school_id: int, now: datetime) -> str:
    return f"complaints:school:{school_id}:{timezone.localdate(now):%Y%m%d}"


def rate_check(*, address_hash: str, school_id: int, now: datetime | None = None) -> None:
    """Raise RateLimited when this address or this school has reached its limit."""
    from dudao.complaints.models import Complaint, ComplaintChannel

    now = now or timezone.now()
    per_ip, per_school = rules.per_ip_per_hour(), rules.per_school_per_day()
    online = Complaint.objects.filter(channel=ComplaintChannel.ONLINE)
    if (cache.get(_ip_key(address_hash, now), 0) >= per_ip
            or online.filter(ip_hash=address_hash, received_at__gte=now - timedelta(hours=1)).count() >= per_ip):
        raise RateLimited(_("您提交得太频繁了，请一小时后再试；情况紧急请拨打投诉电话。"))
    if (cache.get(_school_key(school_id, now), 0) >= per_school
            or online.filter(school_id=school_id, received_at__gte=now - timedelta(days=1)).count() >= per_school):
        raise RateLimited(_("该校今天收到的网上反映已达上限，请明天再试；情况紧急请拨打投诉电话。"))


_incr = cache_incr


def rate_count(*, address_hash: str, school_id: int, now: datetime | None = None) -> None:
    """Count an accepted submission."""
    now = now or timezone.now()
    _incr(_ip_key(address_hash, now), 3700)
    _incr(_school_key(school_id, now), 90000)


def _attempt_key(address_hash: str, now: datetime) -> str:
    return f"complaints:attempt:{address_hash[:32]}:{timezone.localtime(now):%Y%m%d%H}"


def attempt_count(address_hash: str, *, now: datetime | None = None) -> None:
    """Count one submission attempt of the form or the API — whatever becomes of it — and raise
    RateLimited once the address has made too many this hour (complaints/guard.py)."""
    now = now or timezone.now()
    key = _attempt_key(address_hash, now)
    if cache.get(key, 0) >= rules.attempts_per_ip_per_hour():
        raise RateLimited(_("您提交得太频繁了，请一小时后再试；情况紧急请拨打投诉电话。"))
    _incr(key, 3700)


def lookup_check(address_hash: str, *, now: datetime | None = None) -> None:
    """Failed tracking-code look-ups per address: guessing codes must stay slow."""
    if cache.get(_lookup_key(address_hash, now or timezone.now()), 0) >= rules.lookups_per_ip_per_hour():
        raise RateLimited(_("查询次数过多，请一小时后再试。"))


def lookup_failed(address_hash: str, *, now: datetime | None = None) -> None:
    _incr(_lookup_key(address_hash, now or timezone.now()), 3700)


def _lookup_key(address_hash: str, now: datetime) -> str:
    return f"complaints:lookup:{address_hash[:32]}:{timezone.localtime(now):%Y%m%d%H}"


# --- the challenge -----------------------------------------------------------------------------------
@dataclass(frozen=True)
class Challenge:
    question: str
    token: str


def _words(n: int) -> str:
    """0–18 in Chinese numerals: 七, 十, 十二."""
    return NUMERALS[n] if n <= 10 else "十" + NUMERALS[n - 10]


def challenge_new(*, now: datetime | None = None) -> Challenge:
    now = now or timezone.now()
    a, b = secrets.randbelow(9) + 1, secrets.randbelow(9) + 1
    if secrets.randbelow(2) and a != b:
        a, b = max(a, b), min(a, b)
        op, word = "-", "减"
    else:
        op, word = "+", "加"
    token = signing.dumps({"a": a, "b": b, "op": op, "t": int(now.timestamp()), "n": secrets.token_hex(8)},
                          salt=CHALLENGE_SALT, compress=True)
    return Challenge(question=_("%(a)s %(op)s %(b)s 等于几？") % {"a": _words(a), "op": word, "b": _words(b)}, token=token)


def parse_answer(raw: str) -> int | None:
    """Digits (half or full width) or Chinese numerals up to 十九."""
    text = unicodedata.normalize("NFKC", raw or "").strip().replace(" ", "")
    if text.isdigit():
        return int(text)
    if text and all(c in NUMERALS for c in text):
        if text == "十":
            return 10
        if len(text) == 1:
            return NUMERALS.index(text)
        if len(text) == 2 and text[0] == "十":
            return 10 + NUMERALS.index(text[1])
    return None


def challenge_verify(token: str, answer: str, *, now: datetime | None = None) -> str:
    """Check the answer; return the challenge's nonce (to be spent when the complaint is accepted).
    Raises ValidationError (Chinese) keyed "answer"."""
    now = now or timezone.now()
    try:
        data = signing.loads(token or "", salt=CHALLENGE_SALT, max_age=rules.CHALLENGE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError({"answer": [_("验证题已过期，请回答新的验证题后再提交。")]}) from exc
    except signing.BadSignature as exc:
        raise ValidationError({"answer": [_("验证题无效，请回答新的验证题后再提交。")]}) from exc
    age = now.timestamp() - data["t"]
    if age > rules.CHALLENGE_MAX_AGE:
        raise ValidationError({"answer": [_("验证题已过期，请回答新的验证题后再提交。")]})
    if age < rules.min_seconds():
        raise ValidationError({"answer": [_("提交太快了，请确认内容后再提交。")]})
    expected = data["a"] + data["b"] if data["op"] == "+" else data["a"] - data["b"]
    value = parse_answer(answer)
    if value is None:
        raise ValidationError({"answer": [_("请用数字填写验证题的答案。")]})
    if value != expected:
        raise ValidationError({"answer": [_("验证题答案不正确，请重新计算。")]})
    if cache.get(_nonce_key(data["n"])):
        raise ValidationError({"answer": [_("这道验证题已经用过，请回答新的验证题。")]})
    return data["n"]


def challenge_spend(nonce: str) -> bool:
    """Mark the challenge used; False when another request spent it first (a replay)."""
    return cache.add(_nonce_key(nonce), 1, rules.CHALLENGE_MAX_AGE + 60)


def _nonce_key(nonce: str) -> str:
    return f"complaints:challenge:{nonce}"


def honeypot_check(value: str) -> None:
    if value:
        raise ValidationError(_("提交未通过校验，请刷新页面后重试。"))


# --- the one public entry (the form and the API) ------------------------------------------------------
def submit_public(*, request: HttpRequest, school, token: str, answer: str, website: str = "", **fields):
    """Honeypot → challenge → rate limits → `complaint_submit` → count. Raises ValidationError
    (Chinese, keyed by field) or RateLimited; the challenge is spent only by an accepted complaint."""
    from dudao.complaints.services import complaint_submit

    address = ip_hash(client_ip(request))
    honeypot_check(website)
    nonce = challenge_verify(token, answer)
    rate_check(address_hash=address, school_id=school.pk)
    if not challenge_spend(nonce):
        raise ValidationError({"answer": [_("这道验证题已经用过，请回答新的验证题。")]})
    complaint = complaint_submit(school=school, ip_hash=address, user_agent=user_agent(request), **fields)
    rate_count(address_hash=address, school_id=school.pk)
    return complaint
