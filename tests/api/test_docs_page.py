"""/api/docs: Swagger UI from our own static files, under the strict CSP (no CDN, no inline script)."""

from __future__ import annotations

import re

from django.contrib.staticfiles import finders
from django.test import Client


def test_docs_page_uses_only_local_static_assets(db):
    response = Client().get("/api/docs")
    assert response.status_code == 200
    html = response.content.decode()
    urls = re.findall(r'(?:src|href)="([^"]+)"', html)
    assert urls, html
    assert all(u.startswith("/static/ninja/") for u in urls), urls
    assert "/static/ninja/swagger-ui-bundle.js" in urls and "/static/ninja/swagger-ui.css" in urls
    # the only <script> without src is the JSON settings block, which a browser does not execute
    inline = re.findall(r"<script(?![^>]*\bsrc=)([^>]*)>", html)
    assert inline == [' type="application/json" id="swagger-settings"']
    csp = response.headers["Content-Security-Policy"]
    assert "http" not in csp and "unsafe-eval" not in csp
    assert "script-src 'self'" in csp
    for url in urls:
        path = url.removeprefix("/static/")
        assert finders.find(path), path
        served = Client().get(url)
        assert served.status_code == 200, url
        assert b"".join(served.streaming_content if served.streaming else [served.content])
