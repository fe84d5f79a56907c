"""Fixtures of the zones tests: 宁乡's office and a supervisor factory; for the plaques tests
(test_plaques*.py), an office with a complaint phone and two responsible supervisors (`team`)."""

from __future__ import annotations

import io
from dataclasses import dataclass

import pytest
from django.core.files.base import ContentFile

from dudao.regions.models import Office
from dudao.supervisors.models import Supervisor
from dudao.supervisors.services import supervisor_create
from dudao.zones.services import assignment_create


@pytest.fixture
def ningxiang(cast):
    return Office.objects.get(region__code="430182")


@pytest.fixture
def make_supervisor(ningxiang):
    counter = iter(range(1000))

    def _make(name: str | None = None, office=None, kind: str = "full_time", **extra):
        n = next(counter)
        return supervisor_create(by=None, office=office or ningxiang, name=name or f"督学{n}", kind=kind,
                                 level="county", phone=f"1381234{n:04d}", **extra)

    return _make


# --- plaques --------------------------------------------------------------------------------------

COMPLAINT_PHONE = "0731-87654321"


def jpeg(color: str = "#3a6ea5", size: tuple[int, int] = (600, 800)) -> ContentFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG")
    return ContentFile(out.getvalue(), name="photo.jpg")


@dataclass
class Team:
    office: Office
    wang: Supervisor  # responsible for A1 and A2, with a photo
    li: Supervisor  # also responsible for A1, no photo


@pytest.fixture
def team(cast) -> Team:
    """宁乡's office with a complaint phone; 王 (photo) answers for A1 and A2, 李 (no photo) for A1."""
    office = Office.objects.get(region__code="430182")
    # No service edits an office's contact details yet: set the one field the plaque reads.
    Office.objects.filter(pk=office.pk).update(complaint_phone=COMPLAINT_PHONE)
    office.refresh_from_db()
    wang = supervisor_create(by=None, office=office, name="王建国", kind="full_time", level="county",
                             phone="13812345678", photo=jpeg())
    li = supervisor_create(by=None, office=office, name="李秀英", kind="part_time", level="county", phone="13987654321")
    assignment_create(supervisor=wang, school=cast.A1)
    assignment_create(supervisor=li, school=cast.A1)
    assignment_create(supervisor=wang, school=cast.A2)
    return Team(office=office, wang=wang, li=li)
