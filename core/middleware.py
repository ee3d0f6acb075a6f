"""Request plumbing every app relies on."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django import db
from django.conf import settings
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from core.api import error_body
from core.services import second_factor_required

logger = logging.getLogger(__name__)
BODY_METHODS = {"POST", "PUT", "PATCH", "DELETE"}


class ReadSmallBodiesMiddleware:
    """Read a small request body before the view, even when the view never will.

    A request refused before its body is parsed (a rate limit, a login required) leaves
    the body unread. Django's development server (the quick start's) then reads the rest of
    that body as the next request on the same keep-alive connection and answers it with a
    bare "400 Bad Request" page: the client's next call fails for no reason of its own.
    Reading bodies up to ``DATA_UPLOAD_MAX_MEMORY_SIZE`` costs nothing (Django would hold
    them in memory anyway); larger uploads are streamed as before.
    """

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.method in BODY_METHODS:
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
            if length > 0 and (limit is None or length <= limit):
                request.body  # noqa: B018 - reading it is the point
        response = self.get_response(request)
        if _body_left_on_the_connection(request):
            # No Content-Length, and the development server closes the connection after
            # this answer: the unread chunks cannot become a "request" of their own.
            # (A WSGI application may not send "Connection: close" itself.)
            del response["Content-Length"]
        return response


def _body_left_on_the_connection(request: HttpRequest) -> bool:
    """A chunked body that the server did not decode for the application.

    Django's development server (the quick start's) does not decode
    ``Transfer-Encoding: chunked``: it hands Django no body and, on a keep-alive
    connection, reads the chunks (``0\\r\\n\\r\\n`` at least) as the next request line,
    answering the client's next request with a bare HTML "400" and no status line (a
    "connection aborted" for the client). gunicorn decodes chunked bodies and says so with
    ``wsgi.input_terminated``.
    """
    return "HTTP_TRANSFER_ENCODING" in request.META and not request.META.get(
        "wsgi.input_terminated"
    )


class RequireSecondFactorMiddleware:
    """With OTP_REQUIRED_FOR_ADMINS, a union admin or superuser signed in without a second
    factor reaches only the two-factor setup page (or signs in again with a code)."""

    OPEN_PREFIXES = ("/accounts/", "/admin/login/", "/admin/logout/", "/static/", "/i18n/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        user = getattr(request, "user", None)
        if (
            settings.OTP_REQUIRED_FOR_ADMINS
            and user is not None
            and user.is_authenticated
            and not request.path.startswith(self.OPEN_PREFIXES)
            and not user.is_verified()
            and second_factor_required(user)
        ):
            if request.path.startswith("/api/"):
                return JsonResponse(
                    error_body(_("请先开启并使用两步验证。")),
                    status=403,
                )
            return redirect(f"{reverse('two-factor')}?{urlencode({'next': request.path})}")
        return self.get_response(request)


class DatabaseUnavailableMiddleware:
    """A lost database connection (a restart, a failover, a killed backend) answers 503
    with Retry-After, not a 500: the request changed nothing (its transaction is gone),
    and the desk and the API clients retry with the same visit UUIDs and Idempotency-Keys,
    which complete the work exactly once."""

    RETRY_AFTER = 5

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, db.OperationalError | db.InterfaceError):
            return None
        logger.warning("database unavailable during %s %s: %s", request.method, request.path,
                       exception, exc_info=exception)  # fmt: skip
        message = _("数据库暂时不可用，请稍后重试。")
        if request.path.startswith("/api/"):
            response: HttpResponse = JsonResponse(error_body(message), status=503)
        else:
            response = HttpResponse(message, status=503, content_type="text/plain; charset=utf-8")
        response["Retry-After"] = str(self.RETRY_AFTER)
        return response
