"""With the broker (Redis) down the web keeps answering, and work that needed a task is
done anyway: a PRIVATE redis-server is started on a free port, used, and stopped (never
the shared one on 6379)."""

from __future__ import annotations

import subprocess
import time

import pytest
import redis
from django.test import Client

from campaigns.models import Allocation
from campaigns.services import ledger, planner
from config.celery_app import app
from tests.celery_state import forget_broker_connections
from tests.serverprocess import free_port

pytestmark = [pytest.mark.django_db]


@pytest.fixture
def private_redis():
    port = free_port()
    process = subprocess.Popen(
        ["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
         "--appendonly", "no"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    url = f"redis://127.0.0.1:{port}/0"
    client = redis.Redis.from_url(url)
    deadline = time.monotonic() + 10
    while True:
        try:
            client.ping()
            break
        except redis.ConnectionError:
            if time.monotonic() > deadline:
                process.kill()
                pytest.fail("the private redis-server did not start")
            time.sleep(0.05)
    previous = {k: app.conf.get(k) for k in ("broker_url", "result_backend", "task_always_eager")}
    forget_broker_connections()
    app.conf.update(broker_url=url, result_backend=url, task_always_eager=False)
    try:
        yield process, client
    finally:
        process.kill()
        process.wait(timeout=10)
        app.conf.update(**previous)
        forget_broker_connections()


def _plan(client: Client, stock, capture) -> tuple[object, float]:
    started = time.monotonic()
    with capture(execute=True):
        response = client.post(
            f"/campaigns/{stock.campaign.pk}/plan/",
            {"action": "plan", "item": "sun_hat", "source": "DEPOT-XN", "weeks": "4"},
        )
    return response, time.monotonic() - started


def test_planning_with_the_broker_down_still_plans_and_answers(
    stock, network, organizer_xining, monkeypatch, private_redis,
    django_capture_on_commit_callbacks,
):  # fmt: skip
    process, broker = private_redis
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=20)]
    )
    monkeypatch.setattr(planner, "PLAN_IN_BACKGROUND_ABOVE", 1)
    client = Client()
    client.force_login(organizer_xining)

    # Broker up: the plan is queued for a worker (none runs here), not made in the web.
    response, _ = _plan(client, stock, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert broker.llen("celery") == 1
    assert not Allocation.objects.filter(campaign=stock.campaign).exists()

    # Broker down: the same request answers promptly and the plan is made in place.
    process.kill()
    process.wait(timeout=10)
    response, took = _plan(client, stock, django_capture_on_commit_callbacks)
    assert response.status_code == 302
    assert took < 15
    assert Allocation.objects.filter(campaign=stock.campaign).count() == 2
    # The rest of the site does not need the broker at all.
    assert client.get("/").status_code == 200
    assert client.get("/api/v1/stations/nearby/?lat=36.62&lng=101.77").status_code == 200
    assert client.get(f"/campaigns/{stock.campaign.pk}/").status_code == 200
