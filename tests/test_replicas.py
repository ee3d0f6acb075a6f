"""The public read path on a real streaming replica (scripts/replica.sh makes it).

A hot standby of the test cluster runs on YIZHAN_REPLICA_PORT; gunicorn serves the test
database with DATABASE_REPLICA_URL pointing at the same database on the standby. Pausing
the standby's WAL replay makes the two copies differ, which shows where each read went.
"""

from __future__ import annotations

import os
import subprocess
import time
from collections.abc import Iterator

import psycopg
import pytest
import requests
from django.contrib.gis.geos import Point
from django.db import connection

from tests.factories import StationFactory
from tests.serverprocess import ROOT, database_url, gunicorn

pytestmark = [pytest.mark.postgis, pytest.mark.django_db(transaction=True)]

REPLICA_PORT = int(os.environ.get("YIZHAN_REPLICA_PORT", "5433"))
HERE = Point(101.7782, 36.6171, srid=4326)


def replica_script(action: str) -> None:
    result = subprocess.run(
        ["bash", str(ROOT / "scripts" / "replica.sh"), action],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]


def on_standby(sql: str) -> str:
    """Run ``sql`` on the standby as the postgres superuser (replay control needs it)."""
    result = subprocess.run(
        ["runuser", "-u", "postgres", "--", "psql", "-h", "/var/run/postgresql",
         "-p", str(REPLICA_PORT), "-d", "postgres", "-qAtX", "-c", sql],
        capture_output=True, text=True, timeout=30,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def replica_sees(code: str) -> bool:
    db = connection.settings_dict
    with psycopg.connect(
        host="127.0.0.1", port=REPLICA_PORT, user=db["USER"], password=db["PASSWORD"],
        dbname=db["NAME"], connect_timeout=3,
    ) as conn:  # fmt: skip
        row = conn.execute("SELECT count(*) FROM stations_station WHERE code = %s", [code])
        return row.fetchone()[0] == 1


def wait_until(predicate, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while not predicate():
        assert time.monotonic() < deadline, "timed out"
        time.sleep(0.2)


@pytest.fixture
def replica() -> Iterator[None]:
    replica_script("ensure")
    try:
        yield
    finally:
        replica_script("start")  # the test stops it; leave it streaming for the next run
        on_standby("SELECT pg_wal_replay_resume()")


@pytest.fixture
def server(replica, tmp_path) -> Iterator[str]:
    db = connection.settings_dict
    replica_url = database_url({**db, "HOST": "127.0.0.1", "PORT": REPLICA_PORT})
    env = {
        "DATABASE_REPLICA_URL": replica_url,
        "CONN_MAX_AGE": "60",
        "REPLICA_RETRY_SECONDS": "1",
        "ALLOWED_HOSTS": "127.0.0.1",
        "CELERY_BROKER_URL": "",
    }
    with gunicorn(tmp_path, threads=2, env=env) as base:
        yield base


def nearby_codes(client: requests.Session, base: str) -> set[str]:
    response = client.get(
        f"{base}/api/v1/stations/nearby/",
        params={"lat": HERE.y, "lng": HERE.x, "limit": 10},
        timeout=10,
    )
    assert response.status_code == 200, response.text
    return {f["properties"]["code"] for f in response.json()["features"]}


def test_public_reads_use_the_replica_writers_read_the_primary_and_a_stopped_replica_is_skipped(
    network, server
):
    base = server
    old = network.xining_station.code
    wait_until(lambda: replica_sees(old))
    health = requests.get(f"{base}/healthz", timeout=10).json()
    assert health["replica"]["configured"] and health["replica"]["standby"]
    assert health["replica"]["ok"] and not health["degraded"]

    # Freeze the replica, then add a station on the primary: only the primary has it.
    on_standby("SELECT pg_wal_replay_pause()")
    wait_until(lambda: on_standby("SELECT pg_get_wal_replay_pause_state()") == "paused")
    new = StationFactory(code="QH-XN-NEW1", union=network.xining, location=HERE).code
    assert not replica_sees(new)

    anonymous = requests.Session()
    assert old in nearby_codes(anonymous, base)
    assert new not in nearby_codes(anonymous, base), "the nearby read did not use the replica"
    detail = anonymous.get(f"{base}/api/v1/stations/{new}/", timeout=10)
    assert detail.status_code == 404

    # A worker who just wrote (a rating) reads the primary: they see what is there now.
    writer = requests.Session()
    posted = writer.post(f"{base}/api/v1/stations/{old}/feedback/", json={"rating": 5}, timeout=10)
    assert posted.status_code == 201, posted.text
    assert "yz_primary" in writer.cookies
    assert new in nearby_codes(writer, base)
    assert writer.get(f"{base}/api/v1/stations/{new}/", timeout=10).status_code == 200
    # Pages that are not on the public read path read the primary for everyone.
    assert anonymous.get(f"{base}/stations/{new}/feedback/", timeout=10).status_code != 404

    # Stop the replica: the site keeps answering, from the primary.
    replica_script("stop")
    assert new in nearby_codes(anonymous, base)
    assert anonymous.get(f"{base}/api/v1/stations/{new}/", timeout=10).status_code == 200
    health = requests.get(f"{base}/healthz", timeout=10)
    assert health.status_code == 200
    body = health.json()
    assert body["ok"] and body["degraded"] and not body["replica"]["ok"]

    # Back up and replaying: the replica catches up and serves the public read again.
    replica_script("start")
    on_standby("SELECT pg_wal_replay_resume()")
    wait_until(lambda: replica_sees(new))
    # The server tries the replica again REPLICA_RETRY_SECONDS after it failed.
    wait_until(lambda: requests.get(f"{base}/healthz", timeout=10).json()["replica"]["ok"])
    assert new in nearby_codes(anonymous, base)
