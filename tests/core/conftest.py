"""The visits office world (supervisors, zones, October 2025 visits) for the workbench tests."""

from tests.visits.conftest import office_world, quota_defaults  # noqa: F401 (fixtures)
