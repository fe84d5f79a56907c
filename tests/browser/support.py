"""Helpers for browser tests (fixtures live in tests/conftest.py so every folder shares one browser)."""

from __future__ import annotations

import re
from pathlib import Path

from tests.personas import PASSWORD
from tests.xlsx import xlsx_rows  # noqa: F401 — the one Excel reader, for downloads too

SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-results" / "browser"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def log_in(page, live_server, username: str) -> None:
    """Sign in through the login form; the user lands on the workbench, or on 我的督导 for a
    supervisor."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(re.escape(live_server.url) + r"/(visits/field/)?$"))


def screenshot(page, name: str) -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


class NoSignal:
    """A phone without signal: Chromium's offline emulation plus every write refused on the wire.

    The emulation alone once let a write through right after an offline reload (the new document can run
    before it is applied), so a test that asserts "nothing reached the server" also aborts non-GET
    requests until ``restore()``."""

    def __init__(self, page) -> None:
        self.context = page.context
        self.on = False
        self.context.route("**/*", self._route)

    def _route(self, route) -> None:
        if self.on and route.request.method != "GET":
            route.abort("internetdisconnected")
        else:
            route.continue_()

    def drop(self) -> None:
        self.on = True
        self.context.set_offline(True)

    def restore(self) -> None:
        self.on = False
        self.context.set_offline(False)
