#!/usr/bin/env bash
# make bench: the nearby benchmark on PostGIS (200,000 stations; see bench/nearby.py).
source "$(dirname "$0")/lib.sh"
ensure_base_packages
ensure_postgres
ensure_venv
step "bench: nearby"
DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" bench/nearby.py
step "bench: hand-outs from one hot stock row"
DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" bench/handouts.py
step "bench: station import from CSV (COPY + merge vs row-by-row vs raw COPY)"
DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" bench/imports.py
step "bench: vector tiles and bbox GeoJSON against raw ST_AsMVT / json_build_object"
DATABASE_URL="$PG_URL" DJANGO_SETTINGS_MODULE=config.settings.test "$PY" bench/tiles_bbox.py
