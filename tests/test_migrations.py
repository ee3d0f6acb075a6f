"""Both spatial backends migrate from an empty database, and no migration is missing.

The test database of each pass is that migration: pytest-django creates it empty and runs
every migration (make test never reuses a database or skips migrations), once on PostGIS
and once on SpatiaLite. The tests below check what those migrations left, on the backend
of the pass, instead of migrating a third and fourth database in a subprocess.
"""

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from stations.models import Service

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


def test_the_test_database_was_migrated_from_empty(request):
    assert not request.config.getoption("reuse_db", False), "make test never reuses a database"
    assert not request.config.getoption("nomigrations", False), "make test runs migrations"


@pytest.mark.django_db
def test_migrations_leave_a_spatial_index_and_the_seeded_catalog():
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute(
                "SELECT indexdef FROM pg_indexes WHERE tablename='stations_station' "
                "AND indexdef ILIKE '%gist%'"
            )
            assert any("(location)" in row[0] for row in cursor.fetchall())
        else:
            cursor.execute(
                "SELECT spatial_index_enabled FROM geometry_columns "
                "WHERE f_table_name='stations_station' AND f_geometry_column='location'"
            )
            assert cursor.fetchone() == (1,)
        cursor.execute("SELECT app, name FROM django_migrations WHERE app='stations'")
        assert ("stations", "0001_initial") in cursor.fetchall()
    assert Service.objects.count() == 16  # with "shade" (issue 14)
