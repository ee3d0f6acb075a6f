"""A file of more than 5,000 rows uploaded in the admin is imported by a real Celery worker,
and the page follows its progress."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.urls import reverse

from core.admin_import import ASYNC_ROWS
from stations.models import Station
from tests.celery_state import forget_broker_connections
from tests.imports.test_station_import import HEADER

pytestmark = [pytest.mark.postgis, pytest.mark.celery, pytest.mark.django_db(transaction=True)]


def big_file(rows: int) -> bytes:
    lines = [HEADER]
    for i in range(rows):
        lng, lat = 101.70 + (i % 100) * 0.001, 36.60 + (i // 100) * 0.0005
        lines.append(
            f"QH-XN-B{i:05d},驿站{i},地址{i},{lng:.4f},{lat:.4f},饮用水,8:00-20:00,,QH-XN-CZ,630103"
        )
    return ("\n".join(lines) + "\n").encode("gbk")


def test_a_big_upload_runs_in_a_worker_with_progress(client, network, organizer_xining):
    assert connection.vendor == "postgresql"
    broker = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    db = connection.settings_dict
    env = {**os.environ, "CELERY_BROKER_URL": broker, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"}  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    from config.celery_app import app

    previous = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False)
    forget_broker_connections()
    try:
        client.force_login(organizer_xining)
        response = client.post(
            reverse("admin:stations_station_import_file"),
            {"file": SimpleUploadedFile("大文件.csv", big_file(ASYNC_ROWS + 1)), "crs": "wgs84"},
        )
        assert response.status_code == 302
        page = client.get(response["Location"]).content.decode()
        assert 'id="import-progress"' in page and "import-progress.js" in page
        state_url = response["Location"] + "state.json"
        deadline = time.monotonic() + 120
        seen = []
        while time.monotonic() < deadline:
            state = client.get(state_url).json()
            seen.append(state["done"])
            if state["status"] == "done":
                break
            time.sleep(0.2)
        assert state["status"] == "done", seen
        assert state["done"] == ASYNC_ROWS + 1
        assert Station.objects.filter(code__startswith="QH-XN-B").count() == ASYNC_ROWS + 1
        assert "已全部写入" in client.get(response["Location"]).content.decode()
    finally:
        app.conf.update(
            broker_url=previous[0], result_backend=previous[1], task_always_eager=previous[2]
        )
        forget_broker_connections()
        worker.terminate()
        worker.wait(timeout=20)
