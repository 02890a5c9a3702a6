#!/usr/bin/env bash
# Makes sure a PostgreSQL server answers on 127.0.0.1:5432 as user `postgres` without a password,
# for the store tests (each creates a fresh database and drops it). Already there: one line, exit 0.
# Missing: installs Debian's `postgresql` (as root, else with `sudo -n`), starts its cluster and
# lets local TCP connections in by trust (a test machine's server only); or says what to run, exit 1.
#   STORE_TEST_POSTGRES_URL   another server for the tests (then this script only checks it answers)
set -euo pipefail

say() { printf 'postgres-ready: %s\n' "$*"; }
URL="${STORE_TEST_POSTGRES_URL:-postgres://postgres@127.0.0.1:5432/postgres}"

answers() {
  command -v psql >/dev/null 2>&1 && psql "$URL" -Atqc 'select 1' >/dev/null 2>&1
}

if answers; then
  say "PostgreSQL answers at ${URL%%\?*}."
  exit 0
fi
if [ -n "${STORE_TEST_POSTGRES_URL:-}" ]; then
  say "STORE_TEST_POSTGRES_URL is set but nothing answers there; start that server or unset it." >&2
  exit 1
fi

as_root=()
if [ "$EUID" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1 && sudo -n true >/dev/null 2>&1; then
    as_root=(sudo -n)
  else
    say "no PostgreSQL on 127.0.0.1:5432 and this user cannot install one; as root:" >&2
    echo "    apt-get install -y postgresql && pg_ctlcluster \$(ls /etc/postgresql) main start" >&2
    exit 1
  fi
fi
root() { ${as_root[@]+"${as_root[@]}"} "$@"; }

if ! command -v pg_ctlcluster >/dev/null 2>&1; then
  say "installing postgresql (the store tests run against PostgreSQL as well as SQLite)"
  root apt-get update -qq
  root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq postgresql >/dev/null
fi
version="$(ls /etc/postgresql | sort -V | tail -n 1)"
hba="/etc/postgresql/$version/main/pg_hba.conf"
# The tests connect over TCP as postgres without a password: trust local TCP (this machine only).
if ! root grep -qE '^host\s+all\s+all\s+127\.0\.0\.1/32\s+trust' "$hba"; then
  root sed -i '1i host all all 127.0.0.1/32 trust' "$hba"
fi
root pg_ctlcluster "$version" main start 2>/dev/null || root pg_ctlcluster "$version" main reload
for _ in $(seq 1 30); do
  if answers; then
    say "PostgreSQL $version started on 127.0.0.1:5432."
    exit 0
  fi
  sleep 1
done
say "PostgreSQL $version did not answer on 127.0.0.1:5432 within 30 s; see /var/log/postgresql/." >&2
exit 1
