"""Complaints fixtures: 宁乡's team with accounts, a solved challenge, photos, a submitted complaint."""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import timedelta

import pytest
from django.core import signing
from django.core.cache import cache
from django.utils import timezone

from dudao.complaints import abuse
from dudao.complaints.services import PhotoIn, complaint_submit
from dudao.regions.models import Office
from dudao.supervisors.models import Supervisor
from dudao.supervisors.services import supervisor_create
from dudao.zones.services import assignment_create

PHONE = "13912345678"


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Rate-limit counters and spent challenges live in the cache: every test starts clean."""
    cache.clear()
    yield
    cache.clear()


@dataclass
class Team:
    ningxiang: Office
    wangcheng: Office
    liuyang: Office
    wang: Supervisor  # the `supervisor` persona: responsible for A1 and A2
    zhao: Supervisor  # the `multi` persona's supervisor record: responsible for A3
    gao: Supervisor  # the `outsider` persona: 浏阳, responsible for C1
    li: Supervisor  # 宁乡, no account, no school


@pytest.fixture
def team(cast) -> Team:
    ningxiang = Office.objects.get(region__code="430182")
    liuyang = Office.objects.get(region__code="430181")
    common = {"by": None, "kind": "full_time", "level": "county"}
    wang = supervisor_create(office=ningxiang, name="王建国", phone="13800000001", user=cast.supervisor, **common)
    zhao = supervisor_create(office=ningxiang, name="赵立新", phone="13800000002", user=cast.multi, **common)
    gao = supervisor_create(office=liuyang, name="高阳", phone="13800000003", user=cast.outsider, **common)
    li = supervisor_create(office=ningxiang, name="李秀英", phone="13800000004", **common)
    since = timezone.localdate() - timedelta(days=400)  # responsible for a while: older complaints route too
    assignment_create(supervisor=wang, school=cast.A1, starts_on=since)
    assignment_create(supervisor=wang, school=cast.A2, starts_on=since)
    assignment_create(supervisor=zhao, school=cast.A3, starts_on=since)
    assignment_create(supervisor=gao, school=cast.C1, starts_on=since)
    return Team(ningxiang=ningxiang, wangcheng=Office.objects.get(region__code="430112"), liuyang=liuyang,
                wang=wang, zhao=zhao, gao=gao, li=li)


def solved(seconds_ago: int = 30) -> tuple[str, str]:
    """A challenge issued `seconds_ago` (older than the minimum reading time) and its answer."""
    challenge = abuse.challenge_new(now=timezone.now() - timedelta(seconds=seconds_ago))
    data = signing.loads(challenge.token, salt=abuse.CHALLENGE_SALT)
    answer = data["a"] + data["b"] if data["op"] == "+" else data["a"] - data["b"]
    return challenge.token, str(answer)


def jpeg_bytes(size: tuple[int, int] = (800, 600), *, gps: bool = False) -> bytes:
    from PIL import Image

    image = Image.new("RGB", size, (200, 120, 40))
    out = io.BytesIO()
    if gps:
        exif = Image.Exif()
        gps_ifd = {1: "N", 2: (28.0, 17.0, 0.0), 3: "E", 4: (112.0, 33.0, 0.0)}
        exif[0x8825] = gps_ifd
        image.save(out, "JPEG", exif=exif)
    else:
        image.save(out, "JPEG")
    return out.getvalue()


def submit(school, **fields):
    """A complaint as the public form sends it (abuse checks are the caller's, as in the view)."""
    values = {"category": "fees", "text": "学校要求家长购买指定的教辅资料，每人收费 120 元。", "phone": PHONE,
              "contact_name": "王女士", "ip_hash": abuse.ip_hash("203.0.113.9")}
    values.update(fields)
    if "photos" in values:
        values["photos"] = [p if isinstance(p, PhotoIn) else PhotoIn(raw=p) for p in values["photos"]]
    return complaint_submit(school=school, **values)
