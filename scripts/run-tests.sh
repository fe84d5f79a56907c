#!/usr/bin/env bash
# The whole suite: unit/page tests on SQLite, the same tests on PostgreSQL, then the browser tests.
# pytest's own exit code is kept: "no tests ran" (5) is a failure here, never turned into 0.
set -uo pipefail
cd "$(dirname "$0")/.."
PY=.venv/bin/python
PG_URL=${DUDAO_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/dudao}
status=0
run() {
  local label=$1; shift
  echo "=== $label ==="
  "$@"
  local rc=$?
  if [ $rc -ne 0 ]; then echo "=== $label FAILED (exit $rc) ==="; status=1; fi
}
# Two workers (pytest-xdist): the CI machine has 2 cores; DUDAO_TEST_WORKERS=0 runs in one process.
N=${DUDAO_TEST_WORKERS:-2}
XDIST=(-n "$N" --dist loadfile)
run "SQLite" env -u DATABASE_URL $PY -m pytest -m "not browser" -q "${XDIST[@]}"
run "PostgreSQL ($PG_URL)" env DATABASE_URL="$PG_URL" $PY -m pytest -m "not browser" -q "${XDIST[@]}"
run "Browser (headless Chromium)" env -u DATABASE_URL DJANGO_ALLOW_ASYNC_UNSAFE=true $PY -m pytest -m browser -q
exit $status
