"""Production-safe defaults: checked in a fresh interpreter with a production environment."""

from __future__ import annotations

import json
import os
import subprocess
import sys

PROBE = (
    "import json, dudao.settings as s; print(json.dumps({'debug': s.DEBUG, 'secure': s.SESSION_COOKIE_SECURE,"
    " 'csrf': s.CSRF_COOKIE_SECURE, 'hsts': s.SECURE_HSTS_SECONDS, 'lang': s.LANGUAGE_CODE, 'tz': s.TIME_ZONE,"
    " 'db': s.DATABASES['default']['ENGINE'], 'redirect': s.SECURE_SSL_REDIRECT}))"
)


def _run(env: dict) -> subprocess.CompletedProcess:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DUDAO_", "DATABASE_URL", "PYTEST"))}
    return subprocess.run([sys.executable, "-c", PROBE], env={**clean, **env}, capture_output=True, text=True, check=False)


def test_production_defaults_are_safe(tmp_path):
    result = _run({"DUDAO_SECRET_KEY": "x" * 50, "DUDAO_VAR_DIR": str(tmp_path),
                   "DATABASE_URL": "postgres://dudao@db.internal/dudao"})
    values = json.loads(result.stdout)
    assert values == {"debug": False, "secure": True, "csrf": True, "hsts": 31536000, "lang": "zh-hans",
                      "tz": "Asia/Shanghai", "db": "django.db.backends.postgresql", "redirect": True}


def test_production_refuses_to_start_without_a_secret_key(tmp_path):
    result = _run({"DUDAO_VAR_DIR": str(tmp_path)})
    assert result.returncode != 0 and "DUDAO_SECRET_KEY" in result.stderr


def test_default_database_is_a_sqlite_file_under_var(tmp_path):
    probe = "import dudao.settings as s; print(s.DATABASES['default']['NAME'])"
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DUDAO_", "DATABASE_URL", "PYTEST"))}
    out = subprocess.run([sys.executable, "-c", probe], env={**clean, "DUDAO_DEMO": "1", "DUDAO_VAR_DIR": str(tmp_path)},
                         capture_output=True, text=True, check=True).stdout.strip()
    assert out == str(tmp_path / "dudao.sqlite3")
