#!/usr/bin/env bash
# make fuzz: schemathesis against the API, served by gunicorn on PostGIS (tests/test_api_fuzz.py).
source "$(dirname "$0")/lib.sh"

ensure_base_packages
ensure_postgres
ensure_redis
ensure_venv
compile_messages

step "schemathesis on PostGIS ($PG_URL)"
DATABASE_URL="$PG_URL" FUZZ_EXAMPLES="${FUZZ_EXAMPLES:-50}" FUZZ_PHASES="${FUZZ_PHASES:-examples,coverage,fuzzing}" "$PY" -m pytest -p no:cacheprovider -m fuzz tests/test_api_fuzz.py "$@" \
  || fail "API fuzzing"
printf '\nfuzzing passed\n'
