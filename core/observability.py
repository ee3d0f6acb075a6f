"""Seeing it run: a request id on every log line and response, JSON logs, our counters.

- ``RequestIdMiddleware`` (first in MIDDLEWARE) takes the proxy's ``X-Request-ID`` when it
  is a sane token, or makes one, keeps it for the request's log lines
  (``RequestIdFilter``) and returns it in the ``X-Request-ID`` response header; gunicorn's
  access log carries the same id (gunicorn.conf.py). It also counts 503 answers.
- ``JsonFormatter``: one JSON object a line with ``timestamp``, ``level``, ``logger``,
  ``message`` and ``request_id`` (python-json-logger).
- Counters kept in the process (prometheus_client; with ``PROMETHEUS_MULTIPROC_DIR`` set,
  gunicorn's workers write them to files that /metrics sums). Counts that every process
  shares — visits and hand-outs written, queue length, replica lag, heartbeats — are read
  at scrape time instead (config.metrics).
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse
from prometheus_client import Counter
from pythonjsonlogger.json import JsonFormatter as _JsonFormatter

REQUEST_ID_HEADER = "X-Request-ID"
_request_id: contextvars.ContextVar[str] = contextvars.ContextVar("request_id", default="-")
_SANE_ID = re.compile(r"^[A-Za-z0-9._:-]{8,64}$")

REFUSALS = Counter(
    "yizhan_refusals",
    "API requests refused with the error envelope, by status, error class and field "
    "(hand-out limits, stock, scope, validation …)",
    ["status", "error", "field"],
)
UNAVAILABLE = Counter(
    "yizhan_unavailable_responses",
    "Responses 503 (database or broker unavailable), by the part of the site",
    ["area"],
)


def request_id() -> str:
    """The current request's id ('-' outside a request)."""
    return _request_id.get()


class RequestIdMiddleware:
    """Give each request an id, put it on its log lines and in the response header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get(REQUEST_ID_HEADER, "")
        rid = incoming if _SANE_ID.match(incoming) else uuid.uuid4().hex
        token = _request_id.set(rid)
        request.request_id = rid  # type: ignore[attr-defined]
        try:
            response = self.get_response(request)
        finally:
            _request_id.reset(token)
        response[REQUEST_ID_HEADER] = rid
        if response.status_code == 503:
            UNAVAILABLE.labels(area=_area(request.path)).inc()
        return response


def _area(path: str) -> str:
    for prefix, area in (("/api/", "api"), ("/healthz", "healthz"), ("/admin/", "admin")):
        if path.startswith(prefix):
            return area
    return "pages"


def count_refusal(*, status: int, error: str, field: str | None) -> None:
    REFUSALS.labels(status=str(status), error=error, field=field or "-").inc()


class RequestIdFilter(logging.Filter):
    """Adds ``request_id`` to every record (configured on the handlers)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if not hasattr(record, "request_id"):
            # Django logs a 4xx/5xx after the middleware returned, with the request attached.
            attached = getattr(getattr(record, "request", None), "request_id", None)
            record.request_id = attached or request_id()
        return True


class JsonFormatter(_JsonFormatter):
    """timestamp (ISO 8601 with offset), level, logger, message, request_id, and extras."""

    def __init__(self, *args: object, **kwargs: object) -> None:
        kwargs.setdefault("fmt", "%(levelname)s %(name)s %(message)s %(request_id)s")
        kwargs.setdefault("rename_fields", {"levelname": "level", "name": "logger"})
        kwargs.setdefault("timestamp", True)
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
