"""The visits office world (supervisors, zones, October 2025 visits) for the export tests, and a
fresh cache for each test."""

import pytest

from tests.visits.conftest import office_world, quota_defaults  # noqa: F401 (fixtures)


@pytest.fixture(autouse=True)
def _fresh_cache():
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()
