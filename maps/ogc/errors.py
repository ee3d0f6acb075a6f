"""OGC exceptions: the ``code``/``description`` pair with our ``error`` envelope, as JSON
or as an HTML page (by ``f`` when it is a known one, else the Accept header)."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.api import error_body
from core.errors import DomainError

JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
SAFE_METHODS = ("GET", "HEAD")
ERROR_CODES = {
    400: "InvalidParameterValue",
    404: "NotFound",
    405: "OperationNotSupported",
    500: "ServerError",
}


class NotFoundHere(DomainError):
    status_code = 404


def pretty(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)[:20000]


def _error_format(request: HttpRequest) -> str:
    """JSON or HTML for an error: ``f`` when it is a known one, else the Accept header."""
    f = request.GET.get("f", "").strip().lower()
    if f in ("json", "geojson"):
        return JSON
    if f == "html":
        return HTML
    return HTML if request.get_preferred_type([JSON, HTML]) == HTML else JSON


def error_answer(
    request: HttpRequest, *, status: int, message: str, field: str | None = None
) -> HttpResponse:
    """The OGC exception with our envelope, as JSON or an HTML page (``_error_format``)."""
    data = {
        "code": ERROR_CODES.get(status, "Error"),
        "description": str(message),
        **error_body(message, field=field),
    }
    if _error_format(request) == HTML:
        response = render(
            request, "maps/ogc/error.html", {"data": data, "pretty": pretty(data)}, status=status
        )
    else:
        response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Accept"
    return response


def domain_error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_answer(request, status=exc.status_code, message=exc.message, field=exc.field)


def not_allowed(request: HttpRequest) -> HttpResponse:
    response = error_answer(
        request,
        status=405,
        message=_("这里只能用 GET 或 HEAD 读取（收到 %(method)s）。")
        % {"method": (request.method or "")[:20]},
    )
    response["Allow"] = ", ".join(SAFE_METHODS)
    return response


@csrf_exempt  # reads only: a POST gets the 405 below, not the CSRF page
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /ogc/: a 404 in the format asked for (also in DEBUG)."""
    return error_answer(request, status=404, message=_("未找到。"))
