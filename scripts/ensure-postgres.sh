#!/usr/bin/env bash
# Make sure a PostgreSQL server answers on 127.0.0.1:5432: start it when stopped, install it where
# it is missing and the machine allows (Debian, root), otherwise fail with a clear message.
set -euo pipefail
HOST=127.0.0.1 PORT=5432

ready() { pg_isready -q -h "$HOST" -p "$PORT" 2>/dev/null; }

if command -v pg_isready >/dev/null && ready; then
  exit 0
fi
if ! ls /etc/postgresql/*/main >/dev/null 2>&1; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "PostgreSQL is not installed: installing Debian's postgresql package"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends postgresql
    v=$(ls /etc/postgresql | sort -V | tail -1)
    # Local trust authentication for the test database, as on the CI machines.
    sed -i 's/^\(host\s\+all\s\+all\s\+127.0.0.1\/32\s\+\)\S\+/\1trust/; s/^\(local\s\+all\s\+postgres\s\+\)\S\+/\1trust/' /etc/postgresql/$v/main/pg_hba.conf
  else
    echo "ERROR: PostgreSQL is not installed and cannot be installed here (need root and apt-get)." >&2
    echo "       Install PostgreSQL 15 listening on 127.0.0.1:5432 with trust auth, then run make test again." >&2
    exit 1
  fi
fi
v=$(ls /etc/postgresql | sort -V | tail -1)
echo "starting PostgreSQL $v"
pg_ctlcluster --skip-systemctl-redirect "$v" main start 2>/dev/null || pg_ctlcluster "$v" main start
for _ in $(seq 1 30); do ready && exit 0; sleep 1; done
echo "ERROR: PostgreSQL did not become ready on $HOST:$PORT" >&2
exit 1
