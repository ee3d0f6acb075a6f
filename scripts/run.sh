#!/usr/bin/env bash
# make run: the quick start on SpatiaLite, demo data included.
source "$(dirname "$0")/lib.sh"
export DJANGO_SETTINGS_MODULE=config.settings.local

ensure_base_packages
ensure_venv
compile_messages
mkdir -p "$ROOT/var"
step "database (SpatiaLite, var/db.sqlite3)"
"$PY" manage.py migrate --noinput -v0 || fail "migrate"
step "demo data"
"$PY" manage.py load_demo || fail "load_demo"
"$PY" manage.py load_demo_campaign || fail "load_demo_campaign"
"$PY" manage.py load_demo_welfare || fail "load_demo_welfare"
"$PY" manage.py load_demo_supervision || fail "load_demo_supervision"
step "serving http://127.0.0.1:8000/  (map at /, admin at /admin/; Ctrl-C stops)"
exec "$PY" manage.py runserver "${YIZHAN_ADDR:-127.0.0.1:8000}"
