"""The database connection dies in the middle of a hand-out or a visit upload (its backend
is killed with pg_terminate_backend, as a restart or failover would): the request fails
with 503 and changes nothing; the client's retry with the same Idempotency-Key or visit
UUID completes the work exactly once. The server is gunicorn in a process of its own, on
the test database; the shared PostgreSQL cluster itself is never restarted."""

from __future__ import annotations

import threading
import time
import uuid
from collections.abc import Iterator

import psycopg
import pytest
import requests
from django.db import connection
from django.utils import timezone
from rest_framework.authtoken.models import Token

from campaigns.models import Distribution, IdempotencyRecord, StockLevel
from campaigns.selectors.stock import ledger_mismatches
from campaigns.services import ledger
from stations.models import Visit
from tests.serverprocess import gunicorn

pytestmark = [pytest.mark.postgis, pytest.mark.django_db(transaction=True)]


def _dsn() -> str:
    db = connection.settings_dict
    return f"postgresql://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def server(tmp_path) -> Iterator[str]:
    with gunicorn(tmp_path) as base:
        yield base


def _killed_mid_request(table: str, send) -> requests.Response:
    """Hold ``table`` so the request blocks inside its transaction, kill the request's
    database backend while it waits, then let go. Answers the request's response."""
    result: dict[str, requests.Response] = {}
    with psycopg.connect(_dsn()) as holder:
        holder.execute(f"LOCK TABLE {table} IN EXCLUSIVE MODE")
        sender = threading.Thread(target=lambda: result.setdefault("r", send()))
        sender.start()
        deadline = time.monotonic() + 20
        killed = False
        with psycopg.connect(_dsn(), autocommit=True) as watcher:
            while not killed and time.monotonic() < deadline:
                rows = watcher.execute(
                    "SELECT pid FROM pg_stat_activity WHERE datname = current_database() "
                    "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
                ).fetchall()
                for (pid,) in rows:
                    watcher.execute("SELECT pg_terminate_backend(%s)", [pid])
                    killed = True
                time.sleep(0.05)
        assert killed, "the request never reached the database"
        holder.rollback()
    sender.join(timeout=30)
    return result["r"]


def test_a_hand_out_retried_after_the_backend_died_happens_once(
    server, network, stock, staff_xining
):
    ledger.stock_receive(
        actor=None, location=stock.station, lines=[ledger.ReceiptLine(stock.hat, 10)]
    )
    token = Token.objects.create(user=staff_xining)
    key = str(uuid.uuid4())
    body = {"campaign": stock.campaign.pk, "location": "QH-XN-0001", "item": "sun_hat",
            "quantity": 1, "category": "courier"}  # fmt: skip
    headers = {"Authorization": f"Token {token.key}", "Idempotency-Key": key}

    def send() -> requests.Response:
        return requests.post(f"{server}/api/v1/stock/distributions/", json=body,
                             headers=headers, timeout=30)  # fmt: skip

    failed = _killed_mid_request("campaigns_stocklevel", send)
    assert failed.status_code == 503, failed.text[:300]
    assert failed.headers["Retry-After"] == "5"
    assert not Distribution.objects.exists()
    assert not IdempotencyRecord.objects.filter(key=key).exists()

    retry = send()
    assert retry.status_code == 201, retry.text[:300]
    again = send()
    assert again.status_code == 201 and again.headers.get("Idempotent-Replayed") == "true"
    assert again.json() == retry.json()
    assert Distribution.objects.count() == 1
    assert StockLevel.objects.get(location=stock.station).quantity == 9
    assert ledger_mismatches() == []


def test_a_visit_upload_retried_after_the_backend_died_counts_once(server, network, staff_xining):
    token = Token.objects.create(user=staff_xining)
    visit = {"uuid": str(uuid.uuid4()), "station": "QH-XN-0001", "category": "courier",
             "occurred_at": timezone.now().isoformat()}  # fmt: skip

    def send() -> requests.Response:
        return requests.post(f"{server}/api/v1/visits/batch/", json={"visits": [visit]},
                             headers={"Authorization": f"Token {token.key}"}, timeout=30)  # fmt: skip

    failed = _killed_mid_request("stations_visit", send)
    assert failed.status_code == 503, failed.text[:300]
    assert not Visit.objects.exists()
    assert send().json()["results"][0]["status"] == "created"
    assert send().json()["results"][0]["status"] == "duplicate"
    assert Visit.objects.filter(uuid=visit["uuid"]).count() == 1
