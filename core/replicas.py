"""Read replicas: the public read path reads a streaming replica, everything else the primary.

``DATABASES["replica"]`` exists only when ``DATABASE_REPLICA_URL`` is set; without it every
query goes to ``default`` as before. With it:

* a GET/HEAD request for a view named in ``REPLICA_READ_VIEWS`` (or under a path prefix in
  ``REPLICA_READ_PREFIXES``) reads the replica: nearby, bbox, clusters, detail, tiles,
  open data. Every other request, Celery task and command reads the primary;
* writes always go to the primary, and once a request has written, its later reads do too;
* a client that wrote reads the primary for ``REPLICA_PIN_SECONDS`` afterwards (a cookie,
  so it works for anonymous workers and across processes): it sees its own write even if
  the replica lags;
* a replica that does not answer is skipped for ``REPLICA_RETRY_SECONDS`` (per process);
  reads fall back to the primary and the site keeps answering.
"""

from __future__ import annotations

import contextvars
import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpRequest, HttpResponse

logger = logging.getLogger(__name__)

REPLICA = "replica"
PRIMARY = "default"
PIN_COOKIE = "yz_primary"


@dataclass
class _RequestState:
    public_read: bool = False  # this request may read the replica
    pinned: bool = False  # the client wrote recently: read the primary
    wrote: bool = False  # this request wrote


_state: contextvars.ContextVar[_RequestState | None] = contextvars.ContextVar(
    "yizhan_db_state", default=None
)
_down_until = 0.0
_down_lock = threading.Lock()


def replica_configured() -> bool:
    return REPLICA in settings.DATABASES


def _mark_down(exc: BaseException) -> None:
    global _down_until
    with _down_lock:
        _down_until = time.monotonic() + settings.REPLICA_RETRY_SECONDS
    logger.warning("replica unreachable, reading the primary: %s", exc)


def replica_usable() -> bool:
    """Whether the replica answers now; a failure skips it for a while (per process).

    Django's own health check (``CONN_HEALTH_CHECKS``) runs at the first use of a
    persistent connection in a request, so a replica stopped since the last request is
    noticed here, before a query is sent to it.
    """
    if time.monotonic() < _down_until:
        return False
    connection = connections[REPLICA]
    try:
        connection.close_if_health_check_failed()
        connection.ensure_connection()
    except DatabaseError as exc:
        connection.close()
        _mark_down(exc)
        return False
    return True


class ReplicaRouter:
    """Django database router: see the module docstring."""

    def db_for_read(self, model: type, **hints: Any) -> str:
        state = _state.get()
        if state is None or not state.public_read or state.pinned or state.wrote:
            return PRIMARY
        if not replica_configured() or not replica_usable():
            state.public_read = False  # decided once per request: stay on the primary
            return PRIMARY
        return REPLICA

    def db_for_write(self, model: type, **hints: Any) -> str:
        state = _state.get()
        if state is not None:
            state.wrote = True
        return PRIMARY

    def allow_relation(self, obj1: Any, obj2: Any, **hints: Any) -> bool:
        return True  # one database, two copies of it

    def allow_migrate(self, db: str, app_label: str, **hints: Any) -> bool:
        return db == PRIMARY


class ReplicaRoutingMiddleware:
    """Marks the request for the router; pins a client that wrote to the primary."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        pinned_until = request.COOKIES.get(PIN_COOKIE, "")
        state = _RequestState(pinned=pinned_until.isdigit() and int(pinned_until) > time.time())
        token = _state.set(state)
        try:
            response = self.get_response(request)
        finally:
            _state.reset(token)
        if state.wrote and replica_configured():
            seconds = settings.REPLICA_PIN_SECONDS
            response.set_cookie(
                PIN_COOKIE,
                str(int(time.time()) + seconds),
                max_age=seconds,
                httponly=True,
                samesite="Lax",
                secure=request.is_secure(),
            )
        return response

    def process_view(
        self, request: HttpRequest, view: Callable, args: Any, kwargs: Any
    ) -> HttpResponse | None:
        state = _state.get()
        if state is None or request.method not in ("GET", "HEAD"):
            return None
        match = request.resolver_match
        name = match.url_name if match is not None else None
        state.public_read = name in settings.REPLICA_READ_VIEWS or any(
            request.path.startswith(prefix) for prefix in settings.REPLICA_READ_PREFIXES
        )
        return None
