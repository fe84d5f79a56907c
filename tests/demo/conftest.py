"""The demo city, built once for all the demo tests: a build takes about a minute, and each test
used to build its own. It lives in a transaction rolled back after the last demo test, so no
other test ever sees it; each test still runs in its own savepoint (the `db` fixture)."""

from __future__ import annotations

import pytest
from django.db import transaction


@pytest.fixture(scope="package")
def demo_city(django_db_setup, django_db_blocker):
    from dudao.demo.build import demo_build
    from dudao.system.services import dictionaries_install_builtin

    with django_db_blocker.unblock(), transaction.atomic():
        dictionaries_install_builtin()
        built = demo_build()
        yield built
        transaction.set_rollback(True)
