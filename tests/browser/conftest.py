"""Browser tests drive Debian's headless Chromium (never a downloaded browser) with Playwright."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")  # Playwright's sync API runs an event loop
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "browser"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def browser():
    from playwright.sync_api import sync_playwright

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
    from tests.personas import build_cast

    if not Region.objects.filter(code="430182001").exists():
        regions_load(town_prefix="4301")
    return build_cast()


@pytest.fixture
def page_for(browser, live_server):
    contexts = []

    def _page(*, width: int = 1280, height: int = 900, mobile: bool = False):
        context = browser.new_context(locale="zh-CN", viewport={"width": width, "height": height},
                                      is_mobile=mobile, has_touch=mobile)
        contexts.append(context)
        page = context.new_page()
        page.set_default_timeout(15000)
        return page

    yield _page
    for context in contexts:
        context.close()


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path
