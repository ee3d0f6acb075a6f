"""The daily overdue alert run by a real Celery worker on Redis, twice: the findings past
their deadline are marked once, and the second run alerts nothing."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from celery.backends.redis import RedisBackend
from celery.result import AsyncResult
from django.db import connection

from config.celery_app import app
from core import time as local_time
from supervision.models import Finding
from supervision.services import inspections
from supervision.tasks import findings_overdue_daily
from tests.celery_state import forget_broker_connections
from tests.supervision.conftest import days_ago, finding_input

pytestmark = [pytest.mark.celery, pytest.mark.postgis, pytest.mark.django_db(transaction=True)]


def test_a_real_worker_alerts_overdue_findings_once(network, plant, tmp_path):
    inspections.inspection_record(
        actor=None, workplace=plant, inspected_on=days_ago(20), inspectors="李明",
        findings=[finding_input(deadline=days_ago(5)), finding_input(deadline=days_ago(-5))],
    )  # fmt: skip
    broker = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    db = connection.settings_dict
    env = {**os.environ, "CELERY_BROKER_URL": broker, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}  # fmt: skip
    log = (tmp_path / "worker.log").open("w")
    root = Path(__file__).resolve().parents[2]
    previous = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False)
    forget_broker_connections()
    app.control.purge()  # the test broker's queue: nothing left from an earlier run
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=root, env=env, stdout=log, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        backend = RedisBackend(app=app, url=broker)
        first = AsyncResult(findings_overdue_daily.delay().id, app=app, backend=backend)
        assert first.get(timeout=90) == 1
        second = AsyncResult(findings_overdue_daily.delay().id, app=app, backend=backend)
        assert second.get(timeout=90) == 0
    finally:
        app.conf.update(
            broker_url=previous[0], result_backend=previous[1], task_always_eager=previous[2]
        )
        forget_broker_connections()
        worker.terminate()
        worker.wait(timeout=20)
        log.close()
    alerted = Finding.objects.exclude(overdue_alerted_on=None)
    assert [f.overdue_alerted_on for f in alerted] == [local_time.today()]
    assert alerted.get().deadline == days_ago(5)
