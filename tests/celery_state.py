"""Tests that point the Celery app at another broker must drop what it cached for the old
one, or the next ``delay()`` still talks to it."""

from __future__ import annotations

from config.celery_app import app


def forget_broker_connections() -> None:
    """Drop the app's connection pool, producer pool and result backend, as Celery does
    after a fork: an eager task (Celery opens them even in eager mode), or a test with a
    private broker, left them bound to a broker that may be gone."""
    app._pool = None
    app.amqp._producer_pool = None
    app._backend_cache = None
    if hasattr(app._local, "backend"):
        del app._local.backend
