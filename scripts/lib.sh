# Shared steps of `make run` and `make test`. Each step is idempotent and says what failed.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
# YIZHAN_VENV: a virtualenv built already (a deployment's, or another checkout's), used as it is.
VENV="${YIZHAN_VENV:-$ROOT/.venv}"
PY="$VENV/bin/python"
cd "$ROOT"

step() { printf '\n==> %s\n' "$*"; }
fail() { printf '\nFAILED: %s\n' "$*" >&2; exit 1; }

is_root() { [ "$(id -u)" = 0 ]; }

pkg_installed() { dpkg-query -W -f='${Status}' "$1" 2>/dev/null | grep -q 'install ok installed'; }

APT_UPDATED=0
apt_install() {
  # apt_install PKG...: install the missing ones, as root; otherwise print the command.
  local missing=()
  for p in "$@"; do pkg_installed "$p" || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  if ! command -v apt-get >/dev/null; then
    fail "missing system packages: ${missing[*]} (no apt-get here: install them with your package manager)"
  fi
  if ! is_root; then
    printf 'Missing system packages. Run this, then try again:\n  sudo apt-get update && sudo apt-get install -y %s\n' "${missing[*]}" >&2
    exit 1
  fi
  step "installing system packages: ${missing[*]}"
  if [ "$APT_UPDATED" = 0 ]; then
    DEBIAN_FRONTEND=noninteractive apt-get update -qq || fail "apt-get update"
    APT_UPDATED=1
  fi
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" \
    >/tmp/yizhan-apt.log 2>&1 || { tail -20 /tmp/yizhan-apt.log >&2; fail "apt-get install ${missing[*]}"; }
}

ensure_base_packages() {
  step "system libraries (GDAL, GEOS, PROJ, SpatiaLite, gettext)"
  # fonts-wqy-microhei: the Chinese font of the PDF notices; poppler-utils: pdftotext, which
  # the tests use to read them back.
  apt_install gdal-bin libsqlite3-mod-spatialite gettext fonts-wqy-microhei poppler-utils
}

# A Python >= 3.11 whose sqlite3 module can load SpatiaLite. Checked, not guessed: pyenv
# and some distribution builds leave out enable_load_extension.
python_ok() {
  "$1" - <<'PYEOF' >/dev/null 2>&1
import sqlite3, sys
assert sys.version_info >= (3, 11)
c = sqlite3.connect(":memory:")
c.enable_load_extension(True)
c.load_extension("mod_spatialite")
PYEOF
}

find_python() {
  local c
  for c in ${YIZHAN_PYTHON:-} /usr/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12 /usr/bin/python3.11 \
           "$(command -v python3.13 || true)" "$(command -v python3.12 || true)" \
           "$(command -v python3.11 || true)" "$(command -v python3 || true)"; do
    [ -n "$c" ] && [ -x "$c" ] && python_ok "$c" && { echo "$c"; return 0; }
  done
  return 1
}

ensure_venv() {
  step "Python environment (.venv)"
  if [ -n "${YIZHAN_VENV:-}" ]; then
    [ -x "$PY" ] || fail "YIZHAN_VENV=$YIZHAN_VENV has no bin/python"
    return 0
  fi
  if [ -x "$PY" ] && python_ok "$PY"; then
    :
  else
    if [ -x /usr/bin/python3 ] && ! /usr/bin/python3 -c 'import ensurepip' >/dev/null 2>&1; then
      apt_install python3-venv
    fi
    local base
    base="$(find_python)" || fail "no Python >= 3.11 whose sqlite3 can load mod_spatialite was found (Debian's /usr/bin/python3 can; set YIZHAN_PYTHON to another)"
    echo "using $base"
    rm -rf "$VENV"
    "$base" -m venv "$VENV" || fail "creating .venv with $base"
  fi
  local stamp
  stamp="$VENV/.installed-$(cat pyproject.toml | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    # uv (from PyPI, like everything else here) installs the same packages from the same
    # index in a few seconds where pip takes half a minute; pip does it if uv cannot.
    if "$PY" -m pip install -q uv >/dev/null 2>&1 \
        && "$PY" -m uv pip install -q --compile-bytecode --python "$PY" -e ".[dev]"; then
      :
    else
      "$PY" -m pip install -q --upgrade pip >/dev/null || fail "upgrading pip"
      "$PY" -m pip install -q -e ".[dev]" || fail "pip install -e .[dev]"
    fi
    rm -f "$VENV"/.installed-*
    touch "$stamp"
  fi
}

compile_messages() {
  step "translations"
  (cd "$ROOT" && "$PY" manage.py compilemessages -v0 --ignore=.venv) || fail "compilemessages"
}

# Our own modules compiled once, ahead: where PYTHONDONTWRITEBYTECODE is set (it is on CI
# machines of this kind), every one of the suite's dozens of Python processes (xdist
# workers, manage.py, gunicorn, Celery) would otherwise compile them all again from source.
# Python still checks each .pyc against its source, so a stale one is never used.
compile_sources() {
  (cd "$ROOT" && "$PY" -m compileall -q -j 0 config core stations welfare campaigns \
    supervision maps tests manage.py >/dev/null) || fail "compileall"
}

# PostgreSQL with PostGIS for the server's own major version, started, with the role
# yizhan (CREATEDB) and PostGIS in template1. Sets PG_URL.
ensure_postgres() {
  step "PostgreSQL and PostGIS"
  PG_URL="${YIZHAN_TEST_DATABASE_URL:-postgis://yizhan:yizhan@127.0.0.1:5432/yizhan}"
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
  apt_install "postgresql-$PG_MAJOR-postgis-3"
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
}

ensure_redis() {
  step "Redis"
  apt_install redis-server
  if ! redis-cli -h 127.0.0.1 -p 6379 ping 2>/dev/null | grep -q PONG; then
    step "starting Redis"
    mkdir -p /var/lib/redis /var/log/redis 2>/dev/null || true
    redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" --appendonly no \
      --dir /tmp --logfile /tmp/yizhan-redis.log || fail "starting Redis"
    for _ in $(seq 1 50); do redis-cli -h 127.0.0.1 ping 2>/dev/null | grep -q PONG && break; sleep 0.1; done
    redis-cli -h 127.0.0.1 ping | grep -q PONG || fail "Redis did not answer on 127.0.0.1:6379"
  fi
}

ensure_chromium() {
  step "Chromium"
  apt_install chromium fonts-wqy-microhei fonts-noto-color-emoji
  [ -x /usr/bin/chromium ] || fail "Chromium is not at /usr/bin/chromium"
}

ensure_pgbouncer() {
  step "PgBouncer and pgBackRest"
  # pgbackrest: continuous WAL archiving and the restore drill (scripts/pitr.sh).
  apt_install pgbouncer pgbackrest
  # Debian enables a system-wide pgbouncer service; make serve runs a private instance.
}
