"""The documented production set-up boots and serves a login (issue [7] item 4).

gunicorn on the production settings (DEBUG off, Argon2, Redis for cache and sessions) against this
test run's PostgreSQL database: a user whose password was hashed with the production hasher logs
in, lands on the home page, and the session lives in Redis. Production runs on PostgreSQL, so the
test runs in the PostgreSQL pass of `make test` (the SQLite pass keeps its test database in memory,
where no second process can reach it).
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
from django.conf import settings
from django.db import connection

pytestmark = pytest.mark.skipif(not settings.IS_POSTGRES, reason="production runs on PostgreSQL: the PostgreSQL pass runs this")

REDIS_URL = os.environ.get("DUDAO_TEST_REDIS_URL", "redis://127.0.0.1:6379/6")
PASSWORD = "Prod-login-2026!"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _database_url() -> str:
    db = connection.settings_dict
    user = quote(db.get("USER") or "postgres")
    password = f":{quote(db['PASSWORD'])}" if db.get("PASSWORD") else ""
    return f"postgres://{user}{password}@{db.get('HOST') or '127.0.0.1'}:{db.get('PORT') or 5432}/{db['NAME']}"


@pytest.fixture
def production_server(transactional_db, tmp_path):
    import redis

    client = redis.Redis.from_url(REDIS_URL)
    client.flushdb()
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DUDAO_", "DATABASE_URL", "PYTEST", "DJANGO_"))}
    env.update({"DATABASE_URL": _database_url(), "DUDAO_SECRET_KEY": "p" * 50, "REDIS_URL": REDIS_URL,
                "DUDAO_ALLOWED_HOSTS": "127.0.0.1", "DUDAO_INSECURE_HTTP": "1", "DUDAO_VAR_DIR": str(tmp_path),
                "DUDAO_STATIC_ROOT": str(tmp_path / "static"), "DUDAO_CONN_MAX_AGE": "0",
                "PYTHONPATH": str(Path(settings.SRC_DIR).parent)})
    gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
    assert gunicorn, "gunicorn is a runtime dependency (requirements.lock)"
    log = (tmp_path / "gunicorn.log").open("w")
    proc = subprocess.Popen([gunicorn, "dudao.wsgi", "-w", "1", "-b", f"127.0.0.1:{port}"], env=env,
                            stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                    break
            except OSError:
                if proc.poll() is not None:
                    break
                time.sleep(0.2)
        yield base, client
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()
        output = (tmp_path / "gunicorn.log").read_text()
        assert "Traceback" not in output, output


class _Browser:
    """Cookies and CSRF like a browser, with the standard library only."""

    def __init__(self, base: str):
        import http.cookiejar
        import urllib.request

        self.base = base
        self.jar = http.cookiejar.CookieJar()

        class NoRedirect(urllib.request.HTTPRedirectHandler):
            def redirect_request(self, *args, **kwargs):
                return None

        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)

    def request(self, path: str, data: dict | None = None) -> tuple[int, dict, str]:
        import urllib.error
        import urllib.parse
        import urllib.request

        body = urllib.parse.urlencode(data).encode() if data is not None else None
        try:
            with self.opener.open(urllib.request.Request(self.base + path, data=body), timeout=30) as response:
                return response.status, dict(response.headers), response.read().decode()
        except urllib.error.HTTPError as exc:  # 3xx (no redirect followed) and errors
            return exc.code, dict(exc.headers), exc.read().decode()

    def cookie(self, name: str) -> str | None:
        return next((c.value for c in self.jar if c.name == name), None)


def test_production_settings_with_redis_log_in(production_server):
    from django.contrib.auth.hashers import Argon2PasswordHasher

    from dudao.people.models import Role, RoleGrant, User
    from dudao.regions.models import Region
    from dudao.regions.services import office_ensure

    base, redis_client = production_server
    hasher = Argon2PasswordHasher()
    user = User.objects.create(username="prod_office", password=hasher.encode(PASSWORD, hasher.salt()),
                               full_name="宁乡市督导室·生产配置")
    RoleGrant.objects.create(user=user, role=Role.OFFICE_STAFF, office=office_ensure(region=Region.objects.get(code="430182")))

    browser = _Browser(base)
    status, _headers, form = browser.request("/accounts/login/")
    assert status == 200

    def token(html: str) -> str:
        return re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1)

    status, _headers, page = browser.request("/accounts/login/", {"username": "prod_office", "password": "wrong-Password-1",
                                                                  "csrfmiddlewaretoken": token(form)})
    assert status == 200 and browser.cookie("sessionid") is None
    status, headers, _page = browser.request("/accounts/login/", {"username": "prod_office", "password": PASSWORD,
                                                                  "csrfmiddlewaretoken": token(page)})
    assert status == 302, _page[:500]
    assert browser.cookie("sessionid")
    status, _headers, home = browser.request(headers["Location"])
    assert status == 200
    assert "宁乡市督导室·生产配置" in home
    # the session is in Redis (the cache session backend), not in the database
    keys = [k.decode() for k in redis_client.keys("*")]
    assert any("django.contrib.sessions.cache" in k for k in keys), keys
    # the production hasher verified the password: Argon2 still on the row
    user.refresh_from_db()
    assert user.password.startswith("argon2$")
