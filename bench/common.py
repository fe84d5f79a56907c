"""Shared by the bench scripts: environment, paths, the standalone databases and percentile figures.

`configure()` must run before `django.setup()`: the settings module reads the environment once,
when it is imported.
"""

from __future__ import annotations

import math
import os
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT_DIR = ROOT / "var" / "bench"
BENCH_DB = "dudao_bench"
# The server (no database name); the bench creates and drops BENCH_DB on it.
PG_SERVER_URL = os.environ.get("DUDAO_BENCH_PG", "postgres://postgres@127.0.0.1:5432").rstrip("/")


def configure(database: str = BENCH_DB) -> None:
    """Point Django at the bench database (or another one on the same server) with DEBUG off
    (DEBUG records every query)."""
    os.environ["DATABASE_URL"] = f"{PG_SERVER_URL}/{database}"
    os.environ["DJANGO_SETTINGS_MODULE"] = "dudao.settings"
    # TESTING gives the built-in secret key, plain static storage, a cheap password hasher and the
    # immediate tasks backend; none of it is on the measured paths. DEBUG and DEMO stay off.
    os.environ["DUDAO_TESTING"] = "1"
    os.environ["DUDAO_DEBUG"] = "0"
    os.environ["DUDAO_DEMO"] = "0"
    # django.test.Client sends SERVER_NAME "testserver".
    os.environ["DUDAO_ALLOWED_HOSTS"] = "testserver,127.0.0.1"
    # Uploaded files go to a folder of their own, not the tests' media folder.
    os.environ["DUDAO_MEDIA_ROOT"] = str(OUT_DIR / "media")
    os.environ.setdefault("DUDAO_LOG_LEVEL", "WARNING")


def standalone_database(database: str, *, keep: bool, fill=None) -> bool:
    """Point Django at `database` (the standalone database of bench/campaigns.py or bench/monitoring.py)
    and make it ready: dropped and created again unless `keep` and it exists, then `django.setup()`
    and the migrations (also on a kept database, so it follows the code); a new one gets the regions
    with their towns and the schools of run.py's generator (bench/province_data.py), then
    `fill(schools)` when given. Returns True when the database was built afresh."""
    import time

    import psycopg
    from psycopg import sql

    configure(database)
    with psycopg.connect(f"{PG_SERVER_URL}/postgres", autocommit=True) as conn:
        exists = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [database]).fetchone()
        if not (keep and exists):
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(database)))
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(database)))
            exists = None
    import django

    django.setup()
    from django.core.management import call_command

    started = time.perf_counter()
    call_command("migrate", verbosity=0, interactive=False)
    if exists:
        return False
    from dudao.regions.services import regions_load
    from province_data import create_schools

    regions_load(with_towns=True)
    schools = create_schools()
    extra = fill(schools) if fill is not None else ""
    print(f"… dataset: {len(schools):,} schools{extra} in {time.perf_counter() - started:.1f} s", flush=True)
    return True


def production_password(password: str) -> str:
    """A password hashed with the production hasher (Argon2), whatever this process's settings say:
    the bench runs with the tests' cheap hasher, but its users must be able to log in to a server
    on the production settings (bench/load.py), which refuse MD5."""
    from django.contrib.auth.hashers import Argon2PasswordHasher

    hasher = Argon2PasswordHasher()
    return hasher.encode(password, hasher.salt())


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: the smallest value with at least p % of the values at or below it."""
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def summarise_ms(seconds: list[float]) -> dict[str, float]:
    ms = [s * 1000 for s in seconds]
    return {
        "n": len(ms),
        "p50_ms": round(percentile(ms, 50), 1),
        "p95_ms": round(percentile(ms, 95), 1),
        "max_ms": round(max(ms), 1),
    }
