"""The allocation planner: proportional, within min/max, whole packs, never above stock."""

import datetime as dt
import os
import subprocess
import sys
from pathlib import Path

import pytest
import time_machine
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult, EagerResult
from django.contrib.gis.geos import Point
from django.db import connection

from campaigns.exceptions import CampaignsError
from campaigns.models import Allocation, Transfer
from campaigns.services import ledger, lifecycle, locations, plan_confirmation, planner
from campaigns.tasks import plan_campaign
from config.celery_app import app
from stations.services.stations import station_save
from tests.celery_state import forget_broker_connections
from tests.factories import StationFactory, bare_visits
from welfare import services as welfare_services
from welfare.models import Workplace

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)


def _visits(station, n, when):
    bare_visits(station, n, when=when)


@time_machine.travel(NOW, tick=False)
def test_plan_and_confirm(stock, network, organizer_xining):
    ledger.stock_receive(
        actor=None, location=stock.depot,
        lines=[ledger.ReceiptLine(item=stock.hat, quantity=100)],
    )  # fmt: skip
    when = dt.datetime(2027, 7, 10, 9, 0, tzinfo=dt.UTC)
    _visits(network.xining_station, 30, when)
    _visits(network.xining_station_2, 10, when)
    _visits(network.xining_station_2, 500, when - dt.timedelta(weeks=10))  # too old to count
    plan = planner.campaign_plan(
        actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot,
        minimum=10, maximum=60,
    )  # fmt: skip
    lines = {a.location.code: (a.demand, a.quantity) for a in plan}
    # Golmud is outside the campaign's scope (Xining).
    assert set(lines) == {"QH-XN-0001", "QH-XN-0002"}
    assert lines["QH-XN-0001"] == (30, 60)  # capped at the maximum
    assert lines["QH-XN-0002"] == (10, 40)
    assert all(q % stock.hat.pack_size == 0 for _d, q in lines.values())
    second = next(a for a in plan if a.location.code == "QH-XN-0002")
    lifecycle.allocation_edit(actor=organizer_xining, allocation=second, quantity=30)
    with pytest.raises(CampaignsError):
        lifecycle.allocation_edit(actor=organizer_xining, allocation=second, quantity=35)
    transfers = plan_confirmation.campaign_confirm_plan(
        actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot
    )
    assert sorted(t.destination.code for t in transfers) == ["QH-XN-0001", "QH-XN-0002"]
    assert Transfer.objects.filter(status="in_transit").count() == 2
    assert set(Allocation.objects.values_list("status", flat=True)) == {"confirmed"}


@pytest.fixture
def celery_worker(django_db_blocker):
    """A real Celery worker process on Redis, using the test database."""
    broker = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    db = connection.settings_dict
    url = f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    env = {**os.environ, "DATABASE_URL": url, "CELERY_BROKER_URL": broker,
           "DJANGO_SETTINGS_MODULE": "config.settings.test"}  # fmt: skip
    root = Path(__file__).resolve().parents[2]
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo",
         "--concurrency=1", "--loglevel=INFO", "-Q", "celery", "--without-heartbeat",
         "--without-gossip", "--without-mingle"],
        cwd=root, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    previous = dict(app.conf)
    forget_broker_connections()
    app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False)
    try:
        yield worker
    finally:
        worker.terminate()
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
        app.conf.update(
            broker_url=previous.get("broker_url"),
            result_backend=previous.get("result_backend"),
            task_always_eager=previous.get("task_always_eager", True),
        )
        forget_broker_connections()


@pytest.mark.postgis
@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_planner(stock, network, organizer_xining, celery_worker):
    assert connection.vendor == "postgresql"
    ledger.stock_receive(
        actor=None, location=stock.depot,
        lines=[ledger.ReceiptLine(item=stock.hat, quantity=50)],
    )  # fmt: skip
    for i in range(12):
        station = StationFactory(code=f"QH-XN-{2000 + i}", union=network.chengzhong)
        station_save(actor=None, station=station)
    sent = plan_campaign.delay(
        organizer_xining.pk, stock.campaign.pk, stock.hat.pk, stock.depot.pk, 4, 0, None
    )
    assert not isinstance(sent, EagerResult)  # it went through Redis to the worker
    broker = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    result = AsyncResult(sent.id, app=app, backend=RedisBackend(app=app, url=broker))
    outcome = result.get(timeout=90)
    assert outcome["stations"] == 14
    assert outcome["quantity"] <= 50
    assert Allocation.objects.filter(campaign=stock.campaign).count() == 14
    assert result.state == "SUCCESS"
    celery_worker.terminate()
    log = celery_worker.communicate(timeout=30)[0]
    assert f"Task campaigns.tasks.plan_campaign[{result.id}] succeeded" in log


@time_machine.travel(NOW, tick=False)
def test_workplaces_get_hand_outs_and_plan_by_exposed_headcount(stock, network, organizer_xining):
    site = welfare_services.workplace_save(
        actor=None,
        workplace=Workplace(
            name="工地", credit_code="914403001922038216", location=Point(101.8, 36.6, srid=4326),
            address="西宁", region=network.xining.region, union=network.xining,
        ),
        hazards={"high_temperature": 120, "dust": 30},
    )  # fmt: skip
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=60)]
    )
    _visits(network.xining_station, 30, dt.datetime(2027, 7, 10, 9, 0, tzinfo=dt.UTC))
    plan = planner.campaign_plan(
        actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot,
        weighting="exposed",
    )  # fmt: skip
    lines = {a.location.code: (a.demand, a.quantity) for a in plan}
    # By exposed headcount the workplace (150) takes it all; stations weigh 0 here.
    assert lines["WP-914403001922038216"] == (150, 60)
    assert lines["QH-XN-0001"] == (0, 0)
    # By visits it is the other way round: visits are not added to headcounts.
    plan = planner.campaign_plan(
        actor=organizer_xining, campaign=stock.campaign, item=stock.hat, source=stock.depot,
        minimum=10,
    )  # fmt: skip
    lines = {a.location.code: (a.demand, a.quantity) for a in plan}
    assert lines["WP-914403001922038216"] == (0, 10)  # the floor only
    assert lines["QH-XN-0002"] == (0, 10)  # no visits: the floor only
    assert lines["QH-XN-0001"] == (30, 40)  # the floor and all the rest
    location = locations.stock_location_ensure(actor=None, workplace=site)
    ledger.stock_transfer_receive(
        actor=None,
        transfer=ledger.stock_transfer_dispatch(
            actor=None, source=stock.depot, destination=location,
            lines=[ledger.TransferRequest(item=stock.hat, quantity=50)],
        ),
    )  # fmt: skip
    handed = ledger.stock_distribute(
        actor=organizer_xining, campaign=stock.campaign, location=location, item=stock.hat,
        quantity=50, category="construction", workers=50,
    )  # fmt: skip
    assert handed.location.kind == "workplace" and handed.workers == 50
