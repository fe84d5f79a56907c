"""In Chromium: /api/docs renders Swagger UI under the CSP, with no blocked resource or script error."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_api_docs_render_under_the_csp(page_for, live_server, transactional_db):
    page = page_for()
    problems: list[str] = []
    page.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: problems.append(str(e)))
    page.on("requestfailed", lambda r: problems.append(f"failed {r.url}"))
    page.goto(f"{live_server.url}/api/docs")
    expect(page.locator(".swagger-ui .info .title")).to_contain_text("督导 Dudao API")
    expect(page.locator(".opblock").first).to_be_visible()
    assert problems == []
