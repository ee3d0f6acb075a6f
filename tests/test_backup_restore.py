"""docs/operations.md's backup and restore, done for real: pg_dump of a database with a
campaign's stock, pg_restore into a fresh database, and stock_verify on the copy."""

from __future__ import annotations

import os
import subprocess
import sys
import uuid
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import connection

from campaigns.models import StockEntry

pytestmark = [pytest.mark.postgis, pytest.mark.django_db(transaction=True)]
ROOT = Path(__file__).resolve().parent.parent


def _libpq_env(db: dict) -> dict[str, str]:
    return {
        **os.environ,
        "PGHOST": db["HOST"] or "127.0.0.1",
        "PGPORT": str(db["PORT"] or 5432),
        "PGUSER": db["USER"],
        "PGPASSWORD": db["PASSWORD"],
    }


def _manage(db: dict, name: str, *args: str) -> subprocess.CompletedProcess:
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{name}"
    env = {**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings.test", "DATABASE_URL": url}
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
        text=True, timeout=120,
    )  # fmt: skip


def test_a_dump_restores_into_a_fresh_database_and_its_stock_verifies(settings, tmp_path):
    settings.YIZHAN_ALLOW_DEMO = True
    for command in ("load_demo", "load_demo_campaign"):
        call_command(command, verbosity=0)
    entries = StockEntry.objects.count()
    assert entries > 0
    db = connection.settings_dict
    env = _libpq_env(db)
    dump = tmp_path / "yizhan.dump"
    # The steps of docs/operations.md.
    subprocess.run(
        ["pg_dump", "--format=custom", "--no-owner", "--exclude-table-data=spatial_ref_sys",
         "--file", str(dump), db["NAME"]],
        env=env, check=True, timeout=120,
    )  # fmt: skip
    fresh = f"yizhan_restore_{uuid.uuid4().hex[:8]}"
    subprocess.run(["createdb", fresh], env=env, check=True, timeout=60)
    try:
        restore = subprocess.run(
            ["pg_restore", "--no-owner", "--no-privileges", "--no-comments", "--exit-on-error",
             "--dbname", fresh, str(dump)],
            env=env, capture_output=True, text=True, timeout=300,
        )  # fmt: skip
        assert restore.returncode == 0, restore.stderr[-2000:]
        count = subprocess.run(
            ["psql", "-tAc", "SELECT count(*) FROM campaigns_stockentry", fresh],
            env=env, capture_output=True, text=True, check=True, timeout=60,
        )  # fmt: skip
        assert int(count.stdout.strip()) == entries
        verified = _manage(db, fresh, "stock_verify")
        assert verified.returncode == 0, verified.stderr[-2000:]
        assert "agree" in verified.stdout
        assert _manage(db, fresh, "migrate", "--check").returncode == 0
        # The control: a level changed behind the ledger's back is found on the copy.
        subprocess.run(
            ["psql", "-c", "UPDATE campaigns_stocklevel SET quantity = quantity + 1 "
             "WHERE id = (SELECT min(id) FROM campaigns_stocklevel)", fresh],
            env=env, check=True, capture_output=True, timeout=60,
        )  # fmt: skip
        broken = _manage(db, fresh, "stock_verify")
        assert broken.returncode != 0 and "MISMATCH" in broken.stderr
    finally:
        subprocess.run(["dropdb", "--if-exists", fresh], env=env, timeout=60)
