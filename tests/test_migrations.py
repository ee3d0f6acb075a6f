"""Both spatial backends migrate from an empty database, and no migration is missing."""

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.conf import settings

ROOT = Path(__file__).resolve().parent.parent


def manage(env_vars: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", **env_vars}
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )


def test_no_missing_migrations():
    result = manage({}, "makemigrations", "--check", "--dry-run")
    assert result.returncode == 0, result.stdout + result.stderr


def test_spatialite_migrates_from_empty(tmp_path):
    db = tmp_path / "empty.sqlite3"
    result = manage({"DATABASE_URL": f"spatialite:///{db}"}, "migrate", "--noinput")
    assert result.returncode == 0, result.stderr
    import sqlite3

    conn = sqlite3.connect(db)
    conn.enable_load_extension(True)
    conn.load_extension("mod_spatialite")
    row = conn.execute(
        "SELECT spatial_index_enabled FROM geometry_columns "
        "WHERE f_table_name='stations_station' AND f_geometry_column='location'"
    ).fetchone()
    assert row == (1,)
    assert (
        conn.execute("SELECT count(*) FROM stations_service").fetchone()[0] == 16
    )  # with "shade" (issue 14)


@pytest.mark.postgis
def test_postgis_migrates_from_empty():
    import psycopg

    db = settings.DATABASES["default"]
    assert db["ENGINE"].endswith("postgis"), "the main suite must run on PostGIS"
    name = f"yizhan_empty_{uuid.uuid4().hex[:8]}"
    admin = psycopg.connect(
        host=db["HOST"],
        port=db["PORT"],
        user=db["USER"],
        password=db["PASSWORD"],
        dbname=db["NAME"],
        autocommit=True,
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    try:
        url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{name}"
        result = manage({"DATABASE_URL": url}, "migrate", "--noinput")
        assert result.returncode == 0, result.stderr
        with psycopg.connect(
            host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"], dbname=name
        ) as conn:
            indexdef = conn.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename='stations_station' "
                "AND indexdef ILIKE '%gist%'"
            ).fetchone()
            assert indexdef and "(location)" in indexdef[0]
            count = conn.execute("SELECT count(*) FROM stations_service").fetchone()[0]
            assert count == 16  # with "shade" (issue 14)
    finally:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()
