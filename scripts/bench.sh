#!/usr/bin/env bash
# make bench: the national network on one box (bench/run.py; BENCH_ARGS="--stations 10000"
# or "--visits 5000000" to change the size). The table goes to bench/results/latest.md.
source "$(dirname "$0")/lib.sh"
ensure_base_packages
ensure_postgres
ensure_venv
mkdir -p "$ROOT/var"
step "bench: the national network (bench/run.py ${BENCH_ARGS:-})"
# shellcheck disable=SC2086
DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" -u bench/run.py ${BENCH_ARGS:-}
step "bench: station import from CSV (COPY + merge vs row-by-row vs raw COPY)"
DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" -u bench/imports.py
step "bench: vector tiles and bbox GeoJSON against raw ST_AsMVT / json_build_object"
DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" -u bench/tiles_bbox.py
