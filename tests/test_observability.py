"""Seeing it run (issue 29): JSON logs with a request id, /metrics and who may read it, our
counters, the worker's and beat's heartbeats in /healthz, and housekeeping."""

from __future__ import annotations

import datetime as dt
import io
import json
import logging
import os
import time
import uuid

import pytest
import redis
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from prometheus_client import REGISTRY

from config.celery_app import app as celery_app
from core import heartbeat
from core.observability import JsonFormatter, RequestIdFilter
from core.services import housekeeping_run
from stations.services.visits import VisitInput, visit_record_batch

BROKER = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")


def _sample(name: str, **labels: str) -> float:
    return REGISTRY.get_sample_value(name, labels) or 0.0


# -- logs ------------------------------------------------------------------------------
@pytest.mark.django_db
def test_each_response_carries_a_request_id_and_a_sane_incoming_one_is_kept(client):
    made = client.get("/livez")["X-Request-ID"]
    assert len(made) == 32 and int(made, 16) >= 0
    assert client.get("/livez")["X-Request-ID"] != made
    kept = client.get("/livez", HTTP_X_REQUEST_ID="lb-7f3a9c21-0001")["X-Request-ID"]
    assert kept == "lb-7f3a9c21-0001"
    replaced = client.get("/livez", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert replaced != "<script>" and len(replaced) == 32


@pytest.mark.django_db
def test_log_lines_are_json_with_timestamp_level_logger_and_the_request_id(client):
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(JsonFormatter())
    handler.addFilter(RequestIdFilter())
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = client.get("/api/v1/no-such-thing/", HTTP_X_REQUEST_ID="req-0123456789")
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 404
    line = json.loads(stream.getvalue().strip().splitlines()[-1])
    assert line["level"] == "WARNING"
    assert line["logger"] == "django.request"
    assert line["request_id"] == "req-0123456789" == response["X-Request-ID"]
    assert "Not Found" in line["message"]
    stamp = dt.datetime.fromisoformat(line["timestamp"])
    assert abs((stamp - timezone.now()).total_seconds()) < 60
    # Outside a request the id is "-", never another request's.
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "m", None, None)
    RequestIdFilter().filter(record)
    assert record.request_id == "-"


def test_settings_log_json_through_the_request_id_filter(settings):
    assert settings.LOG_FORMAT == "json"
    console = settings.LOGGING["handlers"]["console"]
    assert console["formatter"] == "json" and "request_id" in console["filters"]
    assert settings.MIDDLEWARE[0] == "core.observability.RequestIdMiddleware"


# -- /metrics --------------------------------------------------------------------------
@pytest.mark.django_db
def test_metrics_answer_loopback_and_a_token_only(client, settings):
    settings.METRICS_ALLOWED_NETWORKS = ["127.0.0.1/32", "10.20.0.0/16"]
    settings.METRICS_TOKEN = "scrape-token-" + uuid.uuid4().hex
    scraped = client.get("/metrics")
    assert scraped.status_code == 200 and b"yizhan_" in scraped.content
    assert client.get("/metrics", REMOTE_ADDR="10.20.3.4").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="203.0.113.5").status_code == 403
    bearer = f"Bearer {settings.METRICS_TOKEN}"
    ok = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION=bearer)
    assert ok.status_code == 200
    wrong = client.get("/metrics", REMOTE_ADDR="203.0.113.5", HTTP_AUTHORIZATION="Bearer nope")
    assert wrong.status_code == 403 and b"yizhan_" not in wrong.content
    # Behind one proxy the proxy's loopback address is not the client's.
    settings.REST_FRAMEWORK = {**settings.REST_FRAMEWORK, "NUM_PROXIES": 1}
    proxied = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.5")
    assert proxied.status_code == 403
    assert client.get("/metrics", HTTP_X_FORWARDED_FOR="10.20.9.9").status_code == 200
    # A client cannot prepend an allowed address: the proxy appends the real one.
    spoofed = client.get("/metrics", HTTP_X_FORWARDED_FOR="127.0.0.1, 203.0.113.5")
    assert spoofed.status_code == 403


@pytest.mark.django_db
def test_metrics_show_request_counters_refusals_and_503s(client, settings):
    refused_before = _sample(
        "yizhan_refusals_total", status="403", error="NotAuthenticated", field="-"
    )
    assert client.post("/api/v1/auth/token/").status_code == 403
    after = _sample("yizhan_refusals_total", status="403", error="NotAuthenticated", field="-")
    assert after == refused_before + 1
    unavailable = _sample("yizhan_unavailable_responses_total", area="healthz")
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # nothing listens on port 1
    assert client.get("/healthz").status_code == 503
    assert _sample("yizhan_unavailable_responses_total", area="healthz") == unavailable + 1
    settings.CELERY_BROKER_URL = ""
    body = client.get("/metrics").content.decode()
    assert "django_http_requests_total_by_method_total" in body
    assert 'yizhan_refusals_total{error="NotAuthenticated",field="-",status="403"}' in body
    assert 'yizhan_unavailable_responses_total{area="healthz"}' in body
    assert "yizhan_worker_heartbeat_age_seconds" in body


def _scrape(client) -> dict[str, float]:
    values = {}
    for line in client.get("/metrics").content.decode().splitlines():
        if line and not line.startswith("#"):
            name, _, value = line.rpartition(" ")
            values[name] = float(value)
    return values


@pytest.mark.postgis
@pytest.mark.django_db(transaction=True)
def test_visits_written_is_postgresql_s_own_count_of_rows_inserted(client, staff_xining):
    before = _scrape(client)["yizhan_visits_written_total"]
    visit_record_batch(
        actor=staff_xining,
        visits=[
            VisitInput(uuid=str(uuid.uuid4()), station="QH-XN-0001",
                       occurred_at=timezone.now().isoformat(), category="courier")
            for _ in range(3)
        ],
    )  # fmt: skip
    deadline = time.monotonic() + 15  # PostgreSQL flushes its counters about every second
    while time.monotonic() < deadline:
        now = _scrape(client)["yizhan_visits_written_total"]
        if now >= before + 3:
            break
        time.sleep(0.2)
    assert now == before + 3
    assert "yizhan_handouts_written_total" in _scrape(client)


@pytest.mark.django_db
def test_queue_length_is_read_from_the_broker_under_the_deployment_s_prefix(client, settings):
    settings.CELERY_BROKER_URL = BROKER
    settings.CELERY_TASK_DEFAULT_QUEUE = "h-metrics-test"
    settings.CELERY_BROKER_TRANSPORT_OPTIONS = {"global_keyprefix": "deploy-x:"}
    r = redis.Redis.from_url(BROKER)
    key = "deploy-x:h-metrics-test"
    r.delete(key)
    try:
        r.lpush(key, "a", "b", "c")
        r.lpush(key + "\x06\x163", "d")  # kombu's list for priority 3
        r.lpush("h-metrics-test", "another deployment's task")
        values = _scrape(client)
    finally:
        r.delete(key, key + "\x06\x163", "h-metrics-test")
    assert values['yizhan_celery_queue_length{queue="h-metrics-test"}'] == 4


def test_a_deployment_name_separates_queue_broker_and_cache_keys(tmp_path):
    import subprocess
    import sys

    result = subprocess.run(
        [sys.executable, "-c",
         "import django; django.setup(); from django.conf import settings as s; "
         "print(s.CELERY_TASK_DEFAULT_QUEUE, s.CELERY_BROKER_TRANSPORT_OPTIONS['global_keyprefix'], "
         "s.CACHES['default']['KEY_PREFIX'])"],
        env={**os.environ, "YIZHAN_DEPLOYMENT": "yizhan_staging",
             "CACHE_URL": "redis://127.0.0.1:6379/1"},
        capture_output=True, text=True, timeout=60,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["yizhan_staging", "yizhan_staging:", "yizhan_staging"]


# -- heartbeats --------------------------------------------------------------------------
def test_beat_sends_the_heartbeat_every_minute_and_housekeeping_daily(settings):
    schedule = {entry["task"]: entry for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert schedule["core.tasks.heartbeat"]["schedule"] == 60.0
    assert "core.tasks.housekeeping_daily" in schedule
    assert {"core.tasks.heartbeat", "core.tasks.housekeeping_daily"} <= set(celery_app.tasks)


@pytest.mark.django_db
def test_healthz_reports_heartbeats_and_goes_degraded_when_one_is_stale(client, settings):
    settings.CELERY_BROKER_URL = BROKER
    settings.HEARTBEAT_STALE_SECONDS = 300
    never = client.get("/healthz").json()
    assert never["worker"] == {"ok": False, "configured": True, "age_seconds": None,
                               "error": "never seen"}  # fmt: skip
    assert never["degraded"] is True
    # Beat publishes the heartbeat (the signal records beat), a worker runs it.
    from celery.signals import before_task_publish

    before_task_publish.send(sender="core.tasks.heartbeat", body=(), headers={})
    celery_app.tasks["core.tasks.heartbeat"].run()
    fresh = client.get("/healthz")
    assert fresh.status_code == 200
    body = fresh.json()
    assert body["worker"]["ok"] and body["beat"]["ok"], body
    assert body["worker"]["age_seconds"] < 5 and body["degraded"] is False
    heartbeat.heartbeat_record(kind="beat", at=time.time() - 301)
    stale = client.get("/healthz")
    assert stale.status_code == 200  # degraded, still serving
    body = stale.json()
    assert body["beat"]["ok"] is False and body["beat"]["age_seconds"] >= 301
    assert body["worker"]["ok"] is True and body["degraded"] is True
    values = _scrape(client)
    assert values["yizhan_beat_heartbeat_age_seconds"] >= 301


# -- housekeeping ------------------------------------------------------------------------
@pytest.mark.django_db
def test_housekeeping_removes_expired_sessions_and_old_import_files(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    settings.IMPORT_FILE_RETENTION_DAYS = 7
    # FileSystemStorage follows MEDIA_ROOT when a test changes it (Django's setting_changed).
    storage = default_storage
    old_session = SessionStore()
    old_session["x"] = 1
    old_session.set_expiry(-10)
    old_session.create()
    live = SessionStore()
    live["x"] = 1
    live.create()
    Session.objects.filter(session_key=old_session.session_key).update(
        expire_date=timezone.now() - dt.timedelta(days=1)
    )
    old = storage.save("imports/old.csv", ContentFile(b"name,phone\n"))
    new = storage.save("imports/new.csv", ContentFile(b"name,phone\n"))
    eight_days = time.time() - 8 * 86400
    os.utime(storage.path(old), (eight_days, eight_days))
    done = housekeeping_run()
    assert done == {"sessions": 1, "import_files": 1}
    assert not Session.objects.filter(session_key=old_session.session_key).exists()
    assert Session.objects.filter(session_key=live.session_key).exists()
    assert not os.path.exists(tmp_path / old) and os.path.exists(tmp_path / new)
