#!/usr/bin/env bash
# make load: locust against the production start (scripts/serve.sh) on loopback, at rising
# concurrency, bounded in time: /healthz, nearby and visit batches (and vector tiles when
# LOAD_TILES=1). Figures go to bench/results/load.md.
#
# Environment: LOAD_PORT (8000), LOAD_DB (yizhan_load), LOAD_STATIONS (200000),
# LOAD_USERS ("1 4 16 32"), LOAD_SECONDS (15), LOAD_SCENARIOS ("healthz nearby visits").
source "$(dirname "$0")/lib.sh"

ensure_postgres
ensure_venv

PORT="${LOAD_PORT:-8000}"
DB="${LOAD_DB:-yizhan_load}"
export LOAD_STATIONS="${LOAD_STATIONS:-200000}"
USERS="${LOAD_USERS:-1 4 16 32}"
export LOAD_SECONDS="${LOAD_SECONDS:-15}"
SCENARIOS="${LOAD_SCENARIOS:-healthz nearby visits}"
[ "${LOAD_TILES:-0}" = 1 ] && SCENARIOS="$SCENARIOS tiles"
OUT="$ROOT/var/load"
rm -rf "$OUT" && mkdir -p "$OUT"

if is_root; then
  runuser -u postgres -- psql -p "$PG_PORT" -qAt -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
    || runuser -u postgres -- psql -p "$PG_PORT" -q -d postgres -c "CREATE DATABASE \"$DB\" OWNER yizhan" \
    || fail "creating database $DB"
fi
DIRECT_URL="postgis://yizhan:yizhan@127.0.0.1:$PG_PORT/$DB"
step "the load database ($DB, $LOAD_STATIONS stations)"
DATABASE_URL="$DIRECT_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" manage.py migrate -v0 \
  || fail "migrate"
TOKEN="$(DATABASE_URL="$DIRECT_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" bench/loadtest.py seed | tail -1)" \
  || fail "seeding"
export LOAD_TOKEN="$TOKEN"

step "make serve on 127.0.0.1:$PORT (log: var/load/serve.log)"
YIZHAN_BIND="127.0.0.1:$PORT" YIZHAN_DB="$DB" bash "$ROOT/scripts/serve.sh" >"$OUT/serve.log" 2>&1 &
SERVE_PID=$!
trap 'kill "$SERVE_PID" 2>/dev/null; wait "$SERVE_PID" 2>/dev/null || true' EXIT INT TERM
for _ in $(seq 1 300); do
  curl -fsS "http://127.0.0.1:$PORT/healthz" >/dev/null 2>&1 && break
  kill -0 "$SERVE_PID" 2>/dev/null || { tail -30 "$OUT/serve.log" >&2; fail "make serve stopped"; }
  sleep 1
done
curl -fsS "http://127.0.0.1:$PORT/healthz" || fail "the server does not answer /healthz"
echo

for scenario in $SCENARIOS; do
  for users in $USERS; do
    step "locust: $scenario, $users users, ${LOAD_SECONDS}s"
    (cd "$ROOT" && PYTHONPATH="$ROOT" "$VENV/bin/locust" -f bench/locustfile.py --headless --only-summary \
      --host "http://127.0.0.1:$PORT" --tags "$scenario" -u "$users" -r "$users" \
      -t "${LOAD_SECONDS}s" --csv "$OUT/$scenario-$users" --loglevel WARNING \
      >"$OUT/$scenario-$users.log" 2>&1) || true
  done
done
"$PY" bench/loadtest.py summary "$OUT"
