"""One handler turns every error a client can cause into ``{"error": {"field", "message"}}``."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from core.errors import DomainError
from core.observability import count_refusal


def error_response(
    message: str, *, field: str | None = None, status_code: int = 400, **extra: Any
) -> Response:
    body: dict[str, Any] = {"field": field, "message": str(message)}
    body.update(extra)
    return Response({"error": body}, status=status_code)


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
    response.data = {"error": {"field": field, "message": message}}
    return response
