"""One handler turns every error a client can cause into ``{"error": {"field", "message"}}``.

``exception_handler`` does it for what DRF views raise; ``ApiErrorMiddleware`` for every
other error answer under ``/api/`` (no route, a converter that refuses the value, a plain
Django view's 405, a 500, and Django's DEBUG pages), so a client of the JSON API never
reads HTML.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from core.observability import count_refusal

API_PREFIX = "/api/"


def error_body(message: str, *, field: str | None = None, **extra: Any) -> dict[str, Any]:
    """The one error envelope: ``{"error": {"field", "message", ...extra}}``."""
    body: dict[str, Any] = {"field": field, "message": str(message)}
    body.update(extra)
    return {"error": body}


def error_response(
    message: str, *, field: str | None = None, status_code: int = 400, **extra: Any
) -> Response:
    """The envelope as a DRF response (inside DRF views and their handler)."""
    return Response(error_body(message, field=field, **extra), status=status_code)


def error_json(
    message: str, *, field: str | None = None, status_code: int = 400, **extra: Any
) -> JsonResponse:
    """The envelope as a plain Django response (middleware, error views)."""
    return JsonResponse(error_body(message, field=field, **extra), status=status_code)


def is_api_request(request: HttpRequest) -> bool:
    return request.path.startswith(API_PREFIX)


def _is_json(response: HttpResponse) -> bool:
    media = response.get("Content-Type", "").split(";", 1)[0].strip().lower()
    return media == "application/json" or media.endswith("+json")


def status_message(request: HttpRequest, status_code: int) -> str:
    """What an error status means, for a client that got no message from the view."""
    if status_code == 404:
        # No route at all (or its converter refused the value) vs. a view's own 404.
        if getattr(request, "resolver_match", None) is None:
            return _("没有这个接口地址。")
        return str(exceptions.NotFound.default_detail)
    if status_code == 405:
        return str(exceptions.MethodNotAllowed(request.method or "").detail)
    if status_code == 415:
        return str(exceptions.UnsupportedMediaType(request.content_type or "").detail)
    if status_code >= 500:
        return _("服务器出错了，请稍后再试。")
    known: dict[int, Any] = {
        400: exceptions.ParseError.default_detail,
        401: exceptions.NotAuthenticated.default_detail,
        403: exceptions.PermissionDenied.default_detail,
        406: exceptions.NotAcceptable.default_detail,
        429: exceptions.Throttled.default_detail,
    }
    return str(known.get(status_code, exceptions.ParseError.default_detail))


class ApiErrorMiddleware:
    """Every error answer under ``/api/`` is the JSON envelope, whoever produced it.

    DRF views answer it already (``exception_handler``). What else can answer an API path
    is Django itself: the resolver's 404 (no route, or ``<int:pk>`` refusing ``null,null``),
    ``require_http_methods``' empty 405, the CSRF failure page, and in DEBUG the technical
    404 and 500 pages, which ``handler404``/``handler500`` never see. Such an answer keeps
    its status and headers (``Allow``, ``Retry-After``, cookies, security headers) and gets
    the envelope as its body. First in ``MIDDLEWARE``, so it sees every answer.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.status_code < 400 or not is_api_request(request) or _is_json(response):
            return response
        return envelope_of(request, response)


def envelope_of(request: HttpRequest, response: HttpResponse) -> HttpResponse:
    """``response`` with the envelope for its status as its body (JSON)."""
    body = error_body(status_message(request, response.status_code))
    content = json.dumps(body, ensure_ascii=False).encode()
    streamed = response.streaming
    if streamed:
        replacement = HttpResponse(status=response.status_code)
        for name, value in response.items():
            replacement[name] = value
        replacement.cookies = response.cookies
        response.close()
        response = replacement
    response.content = content
    response["Content-Type"] = "application/json"
    if "Content-Disposition" in response:
        del response["Content-Disposition"]
    # A length the server did not get (see ReadSmallBodiesMiddleware) stays absent.
    if streamed or "Content-Length" in response:
        response["Content-Length"] = str(len(content))
    return response


def _join(path: str, key: Any) -> str:
    if isinstance(key, int) or (isinstance(key, str) and key.isdigit()):
        return f"{path}[{key}]"
    return f"{path}.{key}" if path else str(key)


def _first(detail: Any, path: str = "") -> tuple[str | None, str]:
    """The first (field, message) pair in a DRF or Django error structure.

    Nested errors name their place the way a person reads it: ``lines[1].item``. DRF gives
    a list serializer's errors as a list with ``{}`` for the valid items, and a list
    field's as a dict keyed by index; both lead to the first item that has an error.
    """
    if isinstance(detail, dict):
        for key, value in detail.items():
            if value in ({}, [], None, ""):
                continue
            if key in ("non_field_errors", "__all__"):
                return _first(value, path)
            return _first(value, _join(path, key))
        return (path or None), ""
    if isinstance(detail, list | tuple):
        for index, value in enumerate(detail):
            if value in ({}, [], None, ""):
                continue
            if isinstance(value, dict | list | tuple):
                return _first(value, _join(path, index))
            return (path or None), str(value)
        return (path or None), ""
    return (path or None), str(detail)


def exception_handler(exc: Exception, context: dict[str, Any]) -> Response | None:
    response = _exception_response(exc, context)
    if response is not None:
        error = response.data.get("error") if isinstance(response.data, dict) else None
        field = error.get("field") if isinstance(error, dict) else None
        # Field names come from our serializers and services; indices are dropped so the
        # label's values stay few.
        field = field.split("[", 1)[0].split(".", 1)[0] if isinstance(field, str) else None
        count_refusal(status=response.status_code, error=type(exc).__name__, field=field)
    return response


def _exception_response(exc: Exception, context: dict[str, Any]) -> Response | None:
    # Each app's domain error carries its own status (400/403/404/409).
    if isinstance(exc, DomainError):
        extra = getattr(exc, "extra", None) or {}
        return error_response(exc.message, field=exc.field, status_code=exc.status_code, **extra)
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else exc.messages
        field, message = _first(detail)
        return error_response(message, field=field)
    if isinstance(exc, Http404):
        return error_response(_("未找到。"), status_code=status.HTTP_404_NOT_FOUND)
    if isinstance(exc, DjangoPermissionDenied):
        return error_response(_("您无权执行此操作。"), status_code=status.HTTP_403_FORBIDDEN)
    response = drf_exception_handler(exc, context)
    if response is None:
        return None
    if isinstance(exc, exceptions.ValidationError):
        field, message = _first(exc.detail)
    else:
        field, message = None, str(getattr(exc, "detail", exc))
    response.data = error_body(message, field=field)
    return response
