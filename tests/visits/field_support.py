"""Shared set-up of the phone-page tests: the cast's supervisor and outsider get supervisor records
and their assignments (挂牌), so their scopes stay those of tests/personas.py."""

from __future__ import annotations

import io
import uuid
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.utils import timezone
from PIL import Image

from dudao.access import clear_scope_cache
from dudao.regions.models import Office
from dudao.supervisors.models import Supervisor
from dudao.supervisors.services import supervisor_create
from dudao.visits.models import Visit
from dudao.visits.services import ProblemInput, VisitInput, photo_add, visit_save
from dudao.zones.services import assignment_create

METHODS = ["class_observation"]
TOPICS = ["supervision_item:1"]


@dataclass
class Field:
    me: Supervisor  # 谢彩飞, the cast's supervisor: A1 and A2 (宁乡)
    other: Supervisor  # the outsider's record: C1 (浏阳)


@pytest.fixture
def field(cast) -> Field:
    ningxiang = Office.objects.get(region__code="430182")
    liuyang = Office.objects.get(region__code="430181")
    me = supervisor_create(by=None, office=ningxiang, name="谢彩飞", kind="full_time", level="county", phone="13700000001",
                           appointed_on=date(2020, 1, 1), user=cast.supervisor)
    for school in (cast.A1, cast.A2):
        assignment_create(supervisor=me, school=school, starts_on=date(2020, 1, 1))
    other = supervisor_create(by=None, office=liuyang, name="高阳", kind="full_time", level="county", phone="13700000002",
                              appointed_on=date(2020, 1, 1), user=cast.outsider)
    assignment_create(supervisor=other, school=cast.C1, starts_on=date(2020, 1, 1))
    cast.A1.latitude, cast.A1.longitude = Decimal("28.250000"), Decimal("112.550000")
    cast.A1.save()
    for user in (cast.supervisor, cast.outsider):
        clear_scope_cache(user)
    return Field(me=me, other=other)


def method_codes() -> list[str]:
    from dudao.system.models import DictionaryItem

    return list(DictionaryItem.objects.filter(dict_type="visit_method", is_active=True).values_list("code", flat=True)[:2])


def category_code() -> str:
    from dudao.system.models import DictionaryItem

    return DictionaryItem.objects.filter(dict_type="problem_category", is_active=True).values_list("code", flat=True).first()


def jpeg(width: int = 2400, height: int = 1800, color=(30, 120, 200), exif: bool = False) -> bytes:
    """A JPEG as a phone makes it; with `exif`, a shooting time and a GPS position in 宁乡."""
    image = Image.new("RGB", (width, height), color)
    out = io.BytesIO()
    if exif:
        data = Image.Exif()
        data[0x0132] = "2026:03:05 09:41:00"
        data.get_ifd(0x8769)[36867] = "2026:03:05 09:41:00"
        gps = data.get_ifd(0x8825)
        gps[1], gps[2] = "N", (28.0, 15.0, 0.0)
        gps[3], gps[4] = "E", (112.0, 33.0, 0.0)
        image.save(out, format="JPEG", exif=data)
    else:
        image.save(out, format="JPEG")
    return out.getvalue()


def full_input(school, client_id=None, **extra) -> VisitInput:
    values = dict(
        client_id=client_id or uuid.uuid4(), school=school, methods=method_codes()[:1], topics=["supervision_item:1"],
        narrative="听了三年级数学课，查阅了收费台账。", opinions="建议加强课后服务管理。",
        problems=[ProblemInput(category=category_code(), description="作业公示栏未更新", requirement="一周内更新公示",
                               deadline=timezone.localdate() + timedelta(days=14))],
    )
    values.update(extra)
    return VisitInput(**values)


def submitted_visit(user, school, *, photo: bool = True, **extra) -> Visit:
    """A visit recorded through the services: a draft, a photo, then the submission."""
    data = full_input(school, **extra)
    visit, _created = visit_save(by=user, data=data)
    if photo:
        photo_add(by=user, visit=visit, client_id=uuid.uuid4(), raw=jpeg(color=(10, 200, 10)))
    visit, _created = visit_save(by=user, data=data, submit=True)
    return visit


def draft_visit(user, school, *, photo: bool = True, **extra) -> Visit:
    visit, _created = visit_save(by=user, data=full_input(school, **extra))
    if photo:
        photo_add(by=user, visit=visit, client_id=uuid.uuid4(), raw=jpeg(color=(200, 10, 10)))
    return visit
