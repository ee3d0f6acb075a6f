"""Heartbeats of the Celery worker and beat, kept in the shared cache (CACHE_URL).

Beat sends ``core.tasks.heartbeat`` every minute: sending it records beat's heartbeat (the
``before_task_publish`` signal, config.celery_app), running it records the worker's.
/healthz and /metrics read their ages; either older than ``HEARTBEAT_STALE_SECONDS`` is
stale (the process is dead, stuck, or the queue is not drained).
"""

from __future__ import annotations

import time

from django.core.cache import cache

HEARTBEAT_TASK = "core.tasks.heartbeat"
KINDS = ("worker", "beat")


def _key(kind: str) -> str:
    return f"yizhan:heartbeat:{kind}"


def heartbeat_record(*, kind: str, at: float | None = None) -> None:
    if kind not in KINDS:
        raise ValueError(f"unknown heartbeat {kind!r}")
    cache.set(_key(kind), at if at is not None else time.time(), timeout=7 * 24 * 3600)


def heartbeat_age(*, kind: str, now: float | None = None) -> float | None:
    """Seconds since ``kind`` last beat, or None if it never did (as far as the cache knows)."""
    at = cache.get(_key(kind))
    if at is None:
        return None
    return max(0.0, (now if now is not None else time.time()) - float(at))
