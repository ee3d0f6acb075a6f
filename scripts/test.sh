#!/usr/bin/env bash
# make test: lint, then the whole suite on PostGIS, then the tests that reach the database
# again on SpatiaLite. Two pytest-xdist workers (one a core), modules kept whole on one
# worker (--dist loadfile), in a shuffled order whose seed is printed (pytest-randomly:
# replay an order with `bash scripts/test.sh --randomly-seed=N`). TEST_WORKERS=1 runs
# in one process.
source "$(dirname "$0")/lib.sh"
started=$SECONDS
report_time() {
  local rc=$? elapsed=$(( SECONDS - started ))
  printf '\nmake test: %s in %d min %02d s\n' "$([ $rc = 0 ] && echo passed || echo FAILED)" \
    $((elapsed / 60)) $((elapsed % 60))
}
trap report_time EXIT

ensure_base_packages

ensure_postgres
ensure_redis
# The replica test (tests/test_replicas.py) reads a streaming standby of this cluster.
bash "$ROOT/scripts/replica.sh" ensure || fail "the streaming replica (scripts/replica.sh)"
ensure_chromium

ensure_venv
compile_messages
compile_sources

step "ruff (lint and format)"
"$VENV/bin/ruff" check . || fail "ruff check"
"$VENV/bin/ruff" format --check . || fail "ruff format --check (run: .venv/bin/ruff format .)"
# import-linter's layers run inside the suite (tests/test_architecture.py::test_layers_hold).

export CELERY_TEST_BROKER_URL="${CELERY_TEST_BROKER_URL:-redis://127.0.0.1:6379/15}"
export CHROMIUM_PATH=/usr/bin/chromium
# make test sends schemathesis's examples and fuzzing phases; make fuzz adds the coverage
# phase (boundary values of every parameter), which alone took 80 % of the fuzz time.
export FUZZ_PHASES="${FUZZ_PHASES:-examples,fuzzing}"
mkdir -p "$ROOT/var/test-artifacts"
WORKERS="${TEST_WORKERS:-$(( $(nproc) < 4 ? $(nproc) : 4 ))}"
PARALLEL=(-n "$WORKERS" --dist loadfile -p randomly)
[ "$WORKERS" -le 1 ] && PARALLEL=(-p randomly)

step "tests on PostGIS ($PG_URL, $WORKERS workers)"
DATABASE_URL="$PG_URL" "$PY" -m pytest -p no:cacheprovider "${PARALLEL[@]}" --durations=15 "$@" \
  || fail "tests on PostGIS"

step "tests that reach the database, again on SpatiaLite"
DATABASE_URL="spatialite:///var/test-spatialite.sqlite3" "$PY" -m pytest -p no:cacheprovider \
  "${PARALLEL[@]}" -m spatialite "$@" || fail "tests on SpatiaLite"

printf '\nall checks passed\n'
