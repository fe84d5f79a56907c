"""Fixtures of the framework-library tests. The built-ins are installed per test that asks for them
(`builtins`), not in the session's reference data, so other apps' tests count only their own frameworks."""

from __future__ import annotations

import pytest

from dudao.frameworks.builtin import frameworks_install_builtin
from dudao.frameworks.models import Framework
from dudao.regions.models import Office
from tests.campaigns.conftest import small_version  # noqa: F401 - the shared framework of issue [9]


@pytest.fixture
def builtins(db) -> dict[str, Framework]:
    frameworks_install_builtin()
    return {f.builtin_key: f for f in Framework.objects.filter(owner__isnull=True)}


@pytest.fixture
def county_office(cast) -> Office:
    return Office.objects.get(region__code="430182")


@pytest.fixture
def city_office(cast) -> Office:
    return Office.objects.get(region__code="4301")
