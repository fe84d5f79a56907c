"""Abuse controls of the public survey pages (no account, no third-party service).

- **One response per device per survey**: a random device id in a signed cookie set when the page
  is first shown; its keyed hash is `Response.device_hash`, refused when already stored for the
  survey, and the constraint `response_once_per_device` is the last guard under a race.
- **Rate limits** per address: accepted responses per hour (generous — a school's parents may share
  one carrier address) in the cache, checked again by `ip_hash` in the responses table (the cache
  may be per process); and attempts per hour (every POST, accepted or not).
- **A honeypot** field people never see.
- **A minimum answering time**: the form's signed start time; faster submissions are refused.
- **A challenge a script cannot read out of the page**: four digits drawn by Pillow (noise, rotation,
  jitter) into a PNG shown inline; the page carries only a signed HMAC of the answer and a nonce
  (the digits are in no field and no attribute), spent once in the cache when a response is stored.

Only keyed hashes of the device and the address are kept.
"""

from __future__ import annotations

import base64
import hmac
import io
import random
import secrets
import unicodedata
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from dudao.core.ratelimit import RateLimited, cache_incr, client_ip, keyed_hash

DEVICE_COOKIE = "dudao_sv"
DEVICE_SALT = "dudao.surveys.device"
CHALLENGE_SALT = "dudao.surveys.challenge"
CHALLENGE_MAX_AGE = 3 * 3600  # a long questionnaire on a slow phone
DIGITS = 4


# --- tunable limits (settings override them; tests and the bench set them) -----------------------------
def min_seconds() -> int:
    """Fewer seconds than this between showing the form and submitting it: not a person reading."""
    return int(getattr(settings, "DUDAO_SURVEY_MIN_SECONDS", 20))


def per_ip_per_hour() -> int:
    return int(getattr(settings, "DUDAO_SURVEY_PER_IP_PER_HOUR", 60))


def attempts_per_ip_per_hour() -> int:
    return int(getattr(settings, "DUDAO_SURVEY_ATTEMPTS_PER_IP_PER_HOUR", 200))


def suspicious_seconds() -> int:
    """Responses faster than this are listed as suspicious (not refused): twice the minimum."""
    return 2 * min_seconds()


SUSPICIOUS_BURST = 10  # responses of one survey from one address within an hour


# --- the address and the device -------------------------------------------------------------------------
def ip_hash(request: HttpRequest) -> str:
    return keyed_hash("survey-ip", client_ip(request))


def device_id(request: HttpRequest) -> str:
    """The device id from the signed cookie ("" when absent or forged)."""
    return request.get_signed_cookie(DEVICE_COOKIE, default="", salt=DEVICE_SALT) or ""


def device_ensure(request: HttpRequest, response: HttpResponse) -> None:
    """Give the device an id when it has none (one year, HttpOnly, never sent to other sites)."""
    if not device_id(request):
        response.set_signed_cookie(DEVICE_COOKIE, secrets.token_hex(16), salt=DEVICE_SALT, max_age=365 * 86400,
                                   httponly=True, samesite="Lax", secure=request.is_secure())


def device_hash(device: str) -> str:
    return keyed_hash("survey-device", device)


# --- rate limits ----------------------------------------------------------------------------------------
def _hour(now: datetime) -> str:
    return f"{timezone.localtime(now):%Y%m%d%H}"


def attempt_count(address: str, *, now: datetime | None = None) -> None:
    """Count one POST of the form whatever becomes of it; refuse once too many this hour."""
    key = f"surveys:attempt:{address[:32]}:{_hour(now or timezone.now())}"
    if cache.get(key, 0) >= attempts_per_ip_per_hour():
        raise RateLimited(_("提交过于频繁，请一小时后再试。"))
    cache_incr(key, 3700)


def rate_check(address: str, *, now: datetime | None = None) -> None:
    """Refuse when this address stored `per_ip_per_hour` responses in the last hour (cache, then the table)."""
    from dudao.surveys.models import Response

    now = now or timezone.now()
    limit = per_ip_per_hour()
    if (cache.get(f"surveys:ip:{address[:32]}:{_hour(now)}", 0) >= limit
            or Response.objects.filter(ip_hash=address, submitted_at__gte=now - timedelta(hours=1)).count() >= limit):
        raise RateLimited(_("这个网络地址提交的问卷已达上限，请一小时后再试或换用手机流量提交。"))


def rate_count(address: str, *, now: datetime | None = None) -> None:
    cache_incr(f"surveys:ip:{address[:32]}:{_hour(now or timezone.now())}", 3700)


def honeypot_check(value: str) -> None:
    if value:
        raise ValidationError({"challenge": [_("提交未通过校验，请刷新页面后重试。")]})


# --- the image challenge --------------------------------------------------------------------------------
@dataclass(frozen=True)
class Challenge:
    token: str
    image: str  # data: URI of the PNG


def _answer_mac(nonce: str, answer: str) -> str:
    return keyed_hash("survey-challenge", f"{nonce}:{answer}")[:32]


def _digits() -> str:
    return "".join(str(secrets.randbelow(10)) for _digit in range(DIGITS))


def challenge_new(*, now: datetime | None = None, started: datetime | None = None) -> Challenge:
    """A new image; `started` keeps the answering time of a form shown again after an error."""
    now = started or now or timezone.now()
    digits = _digits()
    nonce = secrets.token_hex(8)
    token = signing.dumps({"n": nonce, "h": _answer_mac(nonce, digits), "t": int(now.timestamp())},
                          salt=CHALLENGE_SALT, compress=True)
    return Challenge(token=token, image=challenge_image(digits))


def challenge_image(digits: str) -> str:
    """The digits drawn rotated and jittered over noise lines and dots, as a data: URI."""
    from PIL import Image, ImageDraw, ImageFont

    rng = random.Random(secrets.randbits(64))  # noqa: S311 - drawing noise, not a secret
    width, height = 40 * len(digits) + 20, 60
    image = Image.new("RGB", (width, height), (246, 247, 250))
    draw = ImageDraw.Draw(image)
    for _line in range(6):
        draw.line([(rng.randint(0, width), rng.randint(0, height)) for _end in range(2)],
                  fill=(rng.randint(120, 200), rng.randint(120, 200), rng.randint(120, 200)), width=2)
    try:
        font: ImageFont.FreeTypeFont | ImageFont.ImageFont = ImageFont.load_default(size=38)
    except TypeError:  # Pillow without FreeType sizes
        font = ImageFont.load_default()
    for i, digit in enumerate(digits):
        glyph = Image.new("RGBA", (44, 56), (0, 0, 0, 0))
        ImageDraw.Draw(glyph).text((8, 4), digit, font=font,
                                   fill=(rng.randint(10, 90), rng.randint(10, 90), rng.randint(60, 140), 255))
        glyph = glyph.rotate(rng.uniform(-28, 28), resample=Image.Resampling.BICUBIC, expand=False)
        image.paste(glyph, (10 + 40 * i + rng.randint(-3, 3), rng.randint(-2, 6)), glyph)
    for _dot in range(120):
        draw.point((rng.randint(0, width - 1), rng.randint(0, height - 1)),
                   fill=(rng.randint(80, 220), rng.randint(80, 220), rng.randint(80, 220)))
    buffer = io.BytesIO()
    image.save(buffer, format="PNG", optimize=False)
    return "data:image/png;base64," + base64.b64encode(buffer.getvalue()).decode()


def challenge_read(token: str) -> dict:
    """The signed challenge (nonce, answer MAC, start time) or ValidationError."""
    try:
        return signing.loads(token or "", salt=CHALLENGE_SALT, max_age=CHALLENGE_MAX_AGE)
    except signing.SignatureExpired as exc:
        raise ValidationError({"challenge": [_("页面已打开太久，请重新输入图中的数字后再提交。")]}) from exc
    except signing.BadSignature as exc:
        raise ValidationError({"challenge": [_("验证码无效，请刷新页面后重试。")]}) from exc


def started_at(token: str) -> datetime | None:
    """When the form was shown (from the signed token), or None when the token is bad."""
    try:
        data = challenge_read(token)
    except ValidationError:
        return None
    return datetime.fromtimestamp(data["t"], tz=timezone.get_current_timezone())


def challenge_verify(token: str, answer: str, *, now: datetime | None = None) -> tuple[str, int]:
    """Check the digits and the answering time; answer (nonce, seconds taken). ValidationError keyed
    "challenge" (Chinese)."""
    now = now or timezone.now()
    data = challenge_read(token)
    seconds = int(now.timestamp() - data["t"])
    if seconds < min_seconds():
        raise ValidationError({"challenge": [_("提交太快了，请认真阅读题目后再提交（至少用时 %(n)s 秒）。")
                                             % {"n": min_seconds()}]})
    typed = unicodedata.normalize("NFKC", answer or "").strip().replace(" ", "")
    if not typed:
        raise ValidationError({"challenge": [_("请输入图中的数字。")]})
    if not hmac.compare_digest(_answer_mac(data["n"], typed), data["h"]):
        raise ValidationError({"challenge": [_("图中的数字输入不正确，请看新图重新输入。")]})
    if cache.get(_nonce_key(data["n"])):
        raise ValidationError({"challenge": [_("这个验证码已经用过，请输入新图中的数字。")]})
    return data["n"], seconds


def challenge_spend(nonce: str) -> bool:
    """Mark the challenge used; False when another request spent it first (a replay)."""
    return cache.add(_nonce_key(nonce), 1, CHALLENGE_MAX_AGE + 60)


def _nonce_key(nonce: str) -> str:
    return f"surveys:challenge:{nonce}"


# --- the one public entry -------------------------------------------------------------------------------
def submit_public(*, request: HttpRequest, link, group: str, data, grade: int | None):
    """Attempts → honeypot → device cookie → challenge and answering time → rate limit →
    `response_submit` (which re-checks skip logic and required answers) → the challenge spent in the
    same transaction → counted. Raises ValidationError (Chinese, keyed by field) or RateLimited."""
    from django.db import transaction

    from dudao.surveys import logic
    from dudao.surveys.services import response_submit

    address = ip_hash(request)
    attempt_count(address)
    honeypot_check(data.get("website", ""))
    device = device_id(request)
    if not device:
        raise ValidationError({"challenge": [_("请允许浏览器保存 Cookie（不要使用无痕模式），刷新页面后再填写。")]})
    try:
        nonce, seconds = challenge_verify(data.get("token", ""), data.get("challenge", ""))
    except ValidationError as exc:  # show the answers' problems at the same time
        questions = list(link.survey.questionnaire.questions.order_by("order", "id"))
        _answers, problems = logic.read_answers(questions, group, data)
        errors = {logic.field_name(q): [problems[q.code]] for q in questions if q.code in problems}
        raise ValidationError({**errors, **exc.message_dict}) from exc
    rate_check(address)
    with transaction.atomic():
        response = response_submit(link=link, group=group, data=data, device_hash=device_hash(device),
                                   ip_hash=address, grade=grade, seconds=seconds)
        if not challenge_spend(nonce):
            raise ValidationError({"challenge": [_("这个验证码已经用过，请输入新图中的数字。")]})
    rate_count(address)
    return response
