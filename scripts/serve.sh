#!/usr/bin/env bash
# make serve: the production stack on this machine — PostgreSQL/PostGIS (and a streaming
# replica) behind a private PgBouncer in transaction mode, Redis, Celery worker and beat,
# gunicorn with config.settings.production and WhiteNoise's compressed, hashed static files.
# Ctrl-C stops what it started (not PostgreSQL or Redis, which may serve others).
#
# Environment (all optional): YIZHAN_BIND (127.0.0.1:8000), YIZHAN_DB (yizhan),
# YIZHAN_PGBOUNCER_PORT (6432), YIZHAN_REPLICA (1: start and use the replica),
# CELERY_BROKER_URL / CACHE_URL (redis://127.0.0.1:6379/0 and /1), WEB_CONCURRENCY,
# YIZHAN_DEPLOYMENT (the database name: the Celery queue and the prefix of every Redis
# key, so two stacks on one Redis keep apart), YIZHAN_VENV (a virtualenv built already).
# /metrics answers loopback (METRICS_ALLOWED_NETWORKS, METRICS_TOKEN); logs are JSON lines.
source "$(dirname "$0")/lib.sh"

ensure_base_packages
ensure_postgres
ensure_redis
ensure_pgbouncer
ensure_venv
compile_messages

BIND="${YIZHAN_BIND:-127.0.0.1:8000}"
DB="${YIZHAN_DB:-yizhan}"
BOUNCER_PORT="${YIZHAN_PGBOUNCER_PORT:-6432}"
REPLICA="${YIZHAN_REPLICA:-1}"
REPLICA_PORT="${YIZHAN_REPLICA_PORT:-5433}"
RUN="$ROOT/var/serve"
mkdir -p "$RUN"

# Secrets: generated once, kept in var/serve/secrets.env (mode 600), unless set already.
if [ ! -f "$RUN/secrets.env" ]; then
  umask 077
  {
    echo "SECRET_KEY=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
    echo "WORKER_ID_SECRET=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(50))')"
  } >"$RUN/secrets.env"
  umask 022
fi
# The password clients give PgBouncer (scram-sha-256), generated once as well.
if ! grep -q '^PGBOUNCER_PASSWORD=' "$RUN/secrets.env"; then
  echo "PGBOUNCER_PASSWORD=$("$PY" -c 'import secrets; print(secrets.token_urlsafe(32))')" >>"$RUN/secrets.env"
fi
chmod 600 "$RUN/secrets.env"
set -a
# shellcheck disable=SC1091
source "$RUN/secrets.env"
set +a

if is_root && [ "$DB" != yizhan ]; then
  runuser -u postgres -- psql -p "$PG_PORT" -qAt -d postgres -c "SELECT 1 FROM pg_database WHERE datname='$DB'" | grep -q 1 \
    || runuser -u postgres -- psql -p "$PG_PORT" -q -d postgres -c "CREATE DATABASE \"$DB\" OWNER yizhan" \
    || fail "creating database $DB"
fi
DIRECT_URL="postgis://yizhan:yizhan@127.0.0.1:$PG_PORT/$DB"

if [ "$REPLICA" = 1 ]; then
  bash "$ROOT/scripts/replica.sh" ensure || fail "the streaming replica (scripts/replica.sh)"
fi

# PgBouncer: a private instance, transaction pooling, scram-sha-256 with a generated
# password. Run as root it runs as postgres, from a directory postgres owns (a checkout
# under a home directory is often unreadable to postgres).
step "PgBouncer on 127.0.0.1:$BOUNCER_PORT (transaction mode, scram-sha-256)"
if is_root; then
  BOUNCER_DIR="/var/lib/postgresql/yizhan-pgbouncer-$DB"
else
  BOUNCER_DIR="$RUN/pgbouncer"
fi
install -d -m 700 "$BOUNCER_DIR"
{
  echo "[databases]"
  echo "$DB = host=127.0.0.1 port=$PG_PORT dbname=$DB user=yizhan password=yizhan"
  [ "$REPLICA" = 1 ] && echo "${DB}_replica = host=127.0.0.1 port=$REPLICA_PORT dbname=$DB user=yizhan password=yizhan"
  cat <<INI
[pgbouncer]
listen_addr = 127.0.0.1
listen_port = $BOUNCER_PORT
unix_socket_dir =
auth_type = scram-sha-256
auth_file = $BOUNCER_DIR/userlist.txt
pool_mode = transaction
max_client_conn = 2000
default_pool_size = ${YIZHAN_POOL_SIZE:-20}
reserve_pool_size = 5
server_reset_query =
server_check_delay = 10
ignore_startup_parameters = extra_float_digits,options
pidfile = $BOUNCER_DIR/pgbouncer.pid
logfile = $BOUNCER_DIR/pgbouncer.log
admin_users = yizhan
INI
} >"$BOUNCER_DIR/pgbouncer.ini"
PIDS=()
cleanup() {
  for pid in "${PIDS[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  [ -f "$BOUNCER_DIR/pgbouncer.pid" ] && kill "$(cat "$BOUNCER_DIR/pgbouncer.pid")" 2>/dev/null || true
}
trap cleanup EXIT INT TERM  # a failed step below stops PgBouncer too
# The auth file holds the SCRAM verifier of the generated password, not the password.
umask 077
PGBOUNCER_PASSWORD="$PGBOUNCER_PASSWORD" "$PY" - >"$BOUNCER_DIR/userlist.txt" <<'PYEOF'
import base64, hashlib, hmac, os
password, salt, rounds = os.environ["PGBOUNCER_PASSWORD"].encode(), os.urandom(16), 4096
salted = hashlib.pbkdf2_hmac("sha256", password, salt, rounds)
client_key = hmac.new(salted, b"Client Key", "sha256").digest()
stored, server = hashlib.sha256(client_key).digest(), hmac.new(salted, b"Server Key", "sha256").digest()
b64 = lambda b: base64.b64encode(b).decode()
print(f'"yizhan" "SCRAM-SHA-256${rounds}:{b64(salt)}${b64(stored)}:{b64(server)}"')
PYEOF
umask 022
chmod 600 "$BOUNCER_DIR/pgbouncer.ini" "$BOUNCER_DIR/userlist.txt"
if [ -f "$BOUNCER_DIR/pgbouncer.pid" ] && kill -0 "$(cat "$BOUNCER_DIR/pgbouncer.pid")" 2>/dev/null; then
  kill "$(cat "$BOUNCER_DIR/pgbouncer.pid")"
  for _ in $(seq 1 50); do kill -0 "$(cat "$BOUNCER_DIR/pgbouncer.pid" 2>/dev/null)" 2>/dev/null || break; sleep 0.1; done
fi
: >"$BOUNCER_DIR/pgbouncer.log"
bouncer_failed() {
  printf '\nPgBouncer did not start. Its log (%s):\n' "$BOUNCER_DIR/pgbouncer.log" >&2
  tail -30 "$BOUNCER_DIR/pgbouncer.log" >&2
  fail "starting PgBouncer"
}
# PgBouncer refuses to run as root: it runs as postgres, which must read what it is given.
if is_root; then
  chown -R postgres:postgres "$BOUNCER_DIR"
  for f in "$BOUNCER_DIR/pgbouncer.ini" "$BOUNCER_DIR/userlist.txt" "$BOUNCER_DIR/pgbouncer.log"; do
    runuser -u postgres -- test -r "$f" || fail "the postgres user cannot read $f (check the permissions of every directory above it)"
  done
  runuser -u postgres -- pgbouncer -d "$BOUNCER_DIR/pgbouncer.ini" 2>>"$BOUNCER_DIR/pgbouncer.log" || bouncer_failed
else
  pgbouncer -d "$BOUNCER_DIR/pgbouncer.ini" 2>>"$BOUNCER_DIR/pgbouncer.log" || bouncer_failed
fi
for _ in $(seq 1 50); do
  PGPASSWORD="$PGBOUNCER_PASSWORD" psql -h 127.0.0.1 -p "$BOUNCER_PORT" -U yizhan -d "$DB" -qAtc 'SELECT 1' >/dev/null 2>&1 && break
  sleep 0.1
done
PGPASSWORD="$PGBOUNCER_PASSWORD" psql -h 127.0.0.1 -p "$BOUNCER_PORT" -U yizhan -d "$DB" -qAtc 'SELECT 1' >/dev/null 2>&1 || bouncer_failed
# The control: a wrong password is refused.
if PGPASSWORD=wrong psql -h 127.0.0.1 -p "$BOUNCER_PORT" -U yizhan -d "$DB" -qAtc 'SELECT 1' >/dev/null 2>&1; then
  fail "PgBouncer accepted a wrong password"
fi

export DJANGO_SETTINGS_MODULE=config.settings.production
export ALLOWED_HOSTS="${ALLOWED_HOSTS:-127.0.0.1,localhost}"
export DATABASE_URL="postgis://yizhan:$PGBOUNCER_PASSWORD@127.0.0.1:$BOUNCER_PORT/$DB"
export DATABASE_POOLER=pgbouncer
export CONN_MAX_AGE="${CONN_MAX_AGE:-600}"
[ "$REPLICA" = 1 ] && export DATABASE_REPLICA_URL="postgis://yizhan:$PGBOUNCER_PASSWORD@127.0.0.1:$BOUNCER_PORT/${DB}_replica"
export YIZHAN_DEPLOYMENT="${YIZHAN_DEPLOYMENT:-$DB}"
# Public photos straight from gunicorn (no web server in front here); private files only
# through the view that checks scope.
export SERVE_PUBLIC_MEDIA="${SERVE_PUBLIC_MEDIA:-true}"
# Counters of every gunicorn worker summed at /metrics.
export PROMETHEUS_MULTIPROC_DIR="$RUN/prometheus"
rm -rf "$PROMETHEUS_MULTIPROC_DIR"; mkdir -p "$PROMETHEUS_MULTIPROC_DIR"
export CELERY_BROKER_URL="${CELERY_BROKER_URL:-redis://127.0.0.1:6379/0}"
export CACHE_URL="${CACHE_URL:-redis://127.0.0.1:6379/1}"
# Plain HTTP on loopback: behind the HTTPS proxy of a real deployment these stay on.
export SECURE_SSL_REDIRECT="${SECURE_SSL_REDIRECT:-false}"
export SECURE_COOKIES="${SECURE_COOKIES:-false}"

step "migrate (directly on the primary) and collectstatic"
DATABASE_URL="$DIRECT_URL" DATABASE_POOLER=none "$PY" manage.py migrate --noinput -v0 || fail "migrate"
DATABASE_URL="$DIRECT_URL" DATABASE_POOLER=none "$PY" manage.py load_network -v0 >/dev/null 2>&1 || true
"$PY" manage.py collectstatic --noinput -v0 || fail "collectstatic"


step "Celery worker and beat (logs in var/serve/)"
"$VENV/bin/celery" -A config.celery_app worker --loglevel=INFO --without-heartbeat \
  --concurrency="${CELERY_CONCURRENCY:-$(nproc)}" -Q "$YIZHAN_DEPLOYMENT" >"$RUN/celery-worker.log" 2>&1 &
PIDS+=($!)
"$VENV/bin/celery" -A config.celery_app beat --loglevel=INFO \
  --schedule="$RUN/celerybeat-schedule" >"$RUN/celery-beat.log" 2>&1 &
PIDS+=($!)

step "gunicorn on http://$BIND/ (/healthz, /metrics; JSON logs; Ctrl-C stops)"
YIZHAN_BIND="$BIND" "$VENV/bin/gunicorn" -c "$ROOT/gunicorn.conf.py" config.wsgi:application &
PIDS+=($!)
wait "${PIDS[-1]}"
