#!/usr/bin/env bash
# make test: lint, then the whole suite on PostGIS, then the `spatialite` tests on SpatiaLite.
source "$(dirname "$0")/lib.sh"

PG_URL="${YIZHAN_TEST_DATABASE_URL:-postgis://yizhan:yizhan@127.0.0.1:5432/yizhan}"

ensure_base_packages

step "PostgreSQL, PostGIS, Redis, Chromium"
if ! command -v pg_lsclusters >/dev/null; then
  apt_install postgresql
fi
PG_MAJOR="$(pg_lsclusters -h 2>/dev/null | awk '{print $1}' | sort -V | tail -1)"
if [ -z "$PG_MAJOR" ]; then
  PG_MAJOR="$(ls /usr/lib/postgresql | sort -V | tail -1)"
  [ -n "$PG_MAJOR" ] || fail "PostgreSQL is installed but no version was found under /usr/lib/postgresql"
  is_root || fail "no PostgreSQL cluster; create one with: sudo pg_createcluster $PG_MAJOR main --start"
  pg_createcluster "$PG_MAJOR" main >/dev/null || fail "pg_createcluster $PG_MAJOR main"
fi
apt_install "postgresql-$PG_MAJOR-postgis-3" redis-server chromium fonts-wqy-microhei
PG_CLUSTER="$(pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1==v {print $2; exit}')"
if ! pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1==v {print $4}' | grep -q online; then
  step "starting PostgreSQL $PG_MAJOR/$PG_CLUSTER"
  pg_ctlcluster --skip-systemctl-redirect "$PG_MAJOR" "$PG_CLUSTER" start 2>/dev/null \
    || pg_ctlcluster "$PG_MAJOR" "$PG_CLUSTER" start || fail "starting PostgreSQL $PG_MAJOR"
fi
PG_PORT="$(pg_lsclusters -h | awk -v v="$PG_MAJOR" '$1==v {print $3; exit}')"
if [ "$PG_PORT" != 5432 ] && [ -z "${YIZHAN_TEST_DATABASE_URL:-}" ]; then
  PG_URL="postgis://yizhan:yizhan@127.0.0.1:$PG_PORT/yizhan"
fi

psql_super() { runuser -u postgres -- psql -p "$PG_PORT" -v ON_ERROR_STOP=1 -qAt "$@"; }
if is_root; then
  # The test role may create databases; PostGIS lives in template1, so the test database
  # pytest-django creates has it without the role being a superuser.
  psql_super -d postgres -c "DO \$\$BEGIN
    IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'yizhan') THEN
      CREATE ROLE yizhan LOGIN CREATEDB PASSWORD 'yizhan';
    END IF; END\$\$;" || fail "creating the PostgreSQL role yizhan"
  psql_super -d template1 -c "CREATE EXTENSION IF NOT EXISTS postgis;" \
    || fail "installing PostGIS into template1"
  psql_super -d postgres -c "SELECT 1 FROM pg_database WHERE datname='yizhan'" | grep -q 1 \
    || psql_super -d postgres -c "CREATE DATABASE yizhan OWNER yizhan;" || fail "creating database yizhan"
fi

if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
  step "starting Redis"
  mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
    --dir /tmp --logfile /tmp/yizhan-redis.log || fail "starting Redis"
  for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
  redis-cli -h 127.0.0.1 ping | grep -q PONG || fail "Redis did not answer on 127.0.0.1:6379"
fi
[ -x /usr/bin/chromium ] || fail "Chromium is not at /usr/bin/chromium"

ensure_venv
compile_messages

step "ruff (lint and format)"
"$VENV/bin/ruff" check . || fail "ruff check"
"$VENV/bin/ruff" format --check . || fail "ruff format --check (run: .venv/bin/ruff format .)"

export CELERY_TEST_BROKER_URL="${CELERY_TEST_BROKER_URL:-redis://127.0.0.1:6379/15}"
export CHROMIUM_PATH=/usr/bin/chromium
mkdir -p "$ROOT/var/test-artifacts"

step "tests on PostGIS ($PG_URL)"
DATABASE_URL="$PG_URL" "$PY" -m pytest -p no:cacheprovider "$@" || fail "tests on PostGIS"

step "tests marked spatialite on SpatiaLite"
DATABASE_URL="spatialite:///var/test-spatialite.sqlite3" "$PY" -m pytest -p no:cacheprovider \
  -m spatialite "$@" || fail "tests on SpatiaLite"

printf '\nall checks passed\n'
