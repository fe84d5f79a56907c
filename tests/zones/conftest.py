from __future__ import annotations

import pytest

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create


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
