from __future__ import annotations

import uuid
from datetime import date, datetime, time

import pytest
from django.utils import timezone

from dudao.regions.models import Office
from dudao.supervisors.services import supervisor_create
from dudao.visits.models import Visit
from tests.visits.field_support import field  # noqa: F401  (the phone pages' supervisors)


@pytest.fixture
def ningxiang(cast):
    return Office.objects.get(region__code="430182")


@pytest.fixture
def quota_defaults(cast):
    """National defaults plus seed 001's Hunan rules (the Hunan office exists in the cast)."""
    from dudao.visits.quota import quota_rules_install_defaults

    quota_rules_install_defaults()


@pytest.fixture
def make_supervisor(ningxiang):
    counter = iter(range(1000))

    def _make(name: str | None = None, office=None, kind: str = "full_time", **extra):
        n = next(counter)
        extra.setdefault("appointed_on", date(2020, 1, 1))
        extra.setdefault("level", "county")
        return supervisor_create(by=None, office=office or ningxiang, name=name or f"督学{n}", kind=kind,
                                 phone=f"1371234{n:04d}", **extra)

    return _make


@pytest.fixture
def record(cast):
    """A submitted visit on a given day, as the compliance engine counts it."""

    def _record(supervisor, school, day: date, **extra) -> Visit:
        started = timezone.make_aware(datetime.combine(day, time(9)))
        return Visit.objects.create(client_id=uuid.uuid4(), supervisor=supervisor, school=school, status="submitted",
                                    started_at=started, visit_date=day, submitted_at=started,
                                    created_by=supervisor.user or cast.admin, **extra)

    return _record


@pytest.fixture
def office_world(cast, quota_defaults):
    """Supervisors, zones and visits across the cast's counties (tests/visits/office_world.py)."""
    from tests.visits.office_world import build_world

    return build_world(cast)
