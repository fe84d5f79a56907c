"""Findings fixtures shared by the ledger's tests (workflow, services, notices, escalation, API, pages).

`ledger` gives the cast a real responsible-supervisor record: the cast's "supervisor" account is
王督学 of 宁乡 with A1 and A2 assigned (挂牌), so findings at A1 default to them.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from dudao.regions.models import Office
from dudao.supervisors.models import Supervisor
from dudao.supervisors.services import supervisor_create
from dudao.zones.services import assignment_create


@dataclass
class Ledger:
    cast: object
    ningxiang: Office
    wangcheng: Office
    changsha: Office
    hunan: Office
    wang: Supervisor  # the cast's "supervisor" account; A1 and A2
    outsider: Supervisor  # 浏阳's supervisor (the cast's "outsider"), C1

    def make(self, school=None, *, by=None, office=None, deadline: date | None = None, **extra):
        """A finding at `school` (A1 by default), created by the system unless `by` is given."""
        from dudao.findings.services import finding_create

        school = school or self.cast.A1
        fields = {"source": "visit", "category": "safety", "description": "消防通道堆放杂物",
                  "requirement": "立即清理消防通道并建立巡查制度", **extra}
        return finding_create(by=by, office=office or self.ningxiang, school=school,
                              deadline=deadline or timezone.localdate() + timedelta(days=30), **fields)


@pytest.fixture
def ledger(cast) -> Ledger:
    ningxiang = Office.objects.get(region__code="430182")
    liuyang = Office.objects.get(region__code="430181")
    wang = supervisor_create(by=None, office=ningxiang, name="王督学", kind="full_time", level="county",
                             phone="13812340001", user=cast.supervisor, appointed_on=date(2020, 1, 1))
    outsider = supervisor_create(by=None, office=liuyang, name="刘督学", kind="full_time", level="county",
                                 phone="13812340002", user=cast.outsider, appointed_on=date(2020, 1, 1))
    start = timezone.localdate() - timedelta(days=400)
    assignment_create(supervisor=wang, school=cast.A1, starts_on=start)
    assignment_create(supervisor=wang, school=cast.A2, starts_on=start)
    assignment_create(supervisor=outsider, school=cast.C1, starts_on=start)
    return Ledger(cast=cast, ningxiang=ningxiang, wangcheng=Office.objects.get(region__code="430112"),
                  changsha=Office.objects.get(region__code="4301"), hunan=Office.objects.get(region__code="43"),
                  wang=wang, outsider=outsider)


def png_bytes(color: str = "#c33", size=(40, 30)) -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def jpeg_bytes(color: str = "#3a6ea5") -> bytes:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (60, 40), color).save(out, "JPEG")
    return out.getvalue()


def photo(name: str = "整改后.png", color: str = "#c33") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, png_bytes(color), content_type="image/png")


@pytest.fixture
def upload():
    return photo
