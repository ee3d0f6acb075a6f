#!/usr/bin/env bash
# make test: lint, then the whole suite on PostGIS, then the `spatialite` tests on SpatiaLite.
source "$(dirname "$0")/lib.sh"

ensure_base_packages

ensure_postgres
ensure_redis
# The replica test (tests/test_replicas.py) reads a streaming standby of this cluster.
bash "$ROOT/scripts/replica.sh" ensure || fail "the streaming replica (scripts/replica.sh)"
ensure_chromium

ensure_venv
compile_messages

step "ruff (lint and format)"
"$VENV/bin/ruff" check . || fail "ruff check"
"$VENV/bin/ruff" format --check . || fail "ruff format --check (run: .venv/bin/ruff format .)"

step "import-linter (layers, docs/architecture.md)"
"$VENV/bin/lint-imports" --no-cache || fail "lint-imports"

export CELERY_TEST_BROKER_URL="${CELERY_TEST_BROKER_URL:-redis://127.0.0.1:6379/15}"
export CHROMIUM_PATH=/usr/bin/chromium
mkdir -p "$ROOT/var/test-artifacts"

step "tests on PostGIS ($PG_URL)"
DATABASE_URL="$PG_URL" "$PY" -m pytest -p no:cacheprovider --durations=25 "$@" || fail "tests on PostGIS"

step "tests marked spatialite on SpatiaLite"
DATABASE_URL="spatialite:///var/test-spatialite.sqlite3" "$PY" -m pytest -p no:cacheprovider \
  -m spatialite "$@" || fail "tests on SpatiaLite"

printf '\nall checks passed\n'
