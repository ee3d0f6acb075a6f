"""GET /metrics: Prometheus text format, for an allow-listed network or a bearer token.

What each process counts (django-prometheus's request metrics, ``core.observability``'s
refusals and 503s) is summed over gunicorn's workers when ``PROMETHEUS_MULTIPROC_DIR`` is
set (make serve sets it). What all processes share is read at scrape time
(``ScrapeCollector``): visits and hand-outs written (PostgreSQL's own insert counters, so
every web process and worker is counted once), replica lag, the Celery queue's length and
the age of the worker's and beat's heartbeats.
"""

from __future__ import annotations

import hmac
import ipaddress
import math
import os
from collections.abc import Iterator
from typing import Any

import redis
from django.apps import apps
from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily
from prometheus_client.multiprocess import MultiProcessCollector

from config.views import _check_replica
from core import replicas
from core.heartbeat import heartbeat_age

# kombu's Redis transport keeps priorities 3, 6 and 9 in lists of their own beside the queue.
_PRIORITY_SUFFIXES = ("", "\x06\x163", "\x06\x166", "\x06\x169")


def client_address(request: HttpRequest) -> str:
    """The client's address: behind NUM_PROXIES proxies, the one they saw (as DRF and
    axes read it); otherwise the connection's, which a client cannot spoof."""
    proxies = settings.REST_FRAMEWORK.get("NUM_PROXIES") or 0
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if proxies and forwarded:
        hops = [hop.strip() for hop in forwarded.split(",") if hop.strip()]
        if hops:
            return hops[-min(proxies, len(hops))]
    return request.META.get("REMOTE_ADDR", "")


def metrics_allowed(request: HttpRequest) -> bool:
    token = settings.METRICS_TOKEN
    header = request.headers.get("Authorization", "")
    if token and header.startswith("Bearer ") and hmac.compare_digest(header[7:], token):
        return True
    try:
        address = ipaddress.ip_address(client_address(request))
    except ValueError:
        return False
    return any(
        address in ipaddress.ip_network(net, strict=False)
        for net in settings.METRICS_ALLOWED_NETWORKS
    )


def _inserted(model_label: str) -> float | None:
    """Rows ever inserted into a model's table (partitions included) on PostgreSQL."""
    table = apps.get_model(model_label)._meta.db_table
    connection = connections[replicas.PRIMARY]
    try:
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT coalesce(sum(n_tup_ins), 0) FROM pg_stat_user_tables "
                    "WHERE relid = %s::regclass OR relid IN "
                    "(SELECT inhrelid FROM pg_inherits WHERE inhparent = %s::regclass)",
                    [table, table],
                )
            else:  # the quick start: a small file, count the rows
                cursor.execute(f"SELECT count(*) FROM {connection.ops.quote_name(table)}")  # noqa: S608
            return float(cursor.fetchone()[0])
    except DatabaseError:
        connection.close()
        return None


def _queue_length() -> float | None:
    url = settings.CELERY_BROKER_URL
    if not url.startswith(("redis://", "rediss://")):
        return None
    prefix = settings.CELERY_BROKER_TRANSPORT_OPTIONS.get("global_keyprefix", "")
    queue = settings.CELERY_TASK_DEFAULT_QUEUE
    try:
        client = redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=2)
        with client.pipeline() as pipe:
            for suffix in _PRIORITY_SUFFIXES:
                pipe.llen(f"{prefix}{queue}{suffix}")
            return float(sum(pipe.execute()))
    except redis.RedisError:
        return None


class ScrapeCollector:
    """What every process shares, read when Prometheus scrapes."""

    def collect(self) -> Iterator[Any]:
        for name, label, help_text in (
            ("yizhan_visits_written", "stations.Visit", "Visits written (rows inserted)"),
            ("yizhan_handouts_written", "campaigns.Distribution", "Hand-outs written"),
        ):
            value = _inserted(label)
            if value is not None:
                yield CounterMetricFamily(name, help_text, value=value)
        queue = _queue_length()
        if queue is not None:
            family = GaugeMetricFamily(
                "yizhan_celery_queue_length", "Tasks waiting in the queue", labels=["queue"]
            )
            family.add_metric([settings.CELERY_TASK_DEFAULT_QUEUE], queue)
            yield family
        for kind in ("worker", "beat"):
            age = heartbeat_age(kind=kind)
            yield GaugeMetricFamily(
                f"yizhan_{kind}_heartbeat_age_seconds",
                f"Seconds since the Celery {kind}'s last heartbeat (NaN: never seen)",
                value=math.nan if age is None else age,
            )
        if replicas.replica_configured():
            status = _check_replica()
            yield GaugeMetricFamily("yizhan_replica_up", "The replica answers and keeps up",
                                    value=1.0 if status["ok"] else 0.0)  # fmt: skip
            if "lag_seconds" in status:
                yield GaugeMetricFamily("yizhan_replica_lag_seconds", "Replica replay lag",
                                        value=status["lag_seconds"])  # fmt: skip
            if status.get("lag_bytes") is not None:
                yield GaugeMetricFamily("yizhan_replica_lag_bytes", "Primary WAL not replayed",
                                        value=status["lag_bytes"])  # fmt: skip


_SCRAPE = CollectorRegistry(auto_describe=False)
_SCRAPE.register(ScrapeCollector())


def metrics(request: HttpRequest) -> HttpResponse:
    if not metrics_allowed(request):
        return HttpResponse("forbidden\n", status=403, content_type="text/plain")
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    else:
        registry = REGISTRY
    body = generate_latest(registry) + generate_latest(_SCRAPE)
    response = HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
    response["Cache-Control"] = "no-store"
    return response
