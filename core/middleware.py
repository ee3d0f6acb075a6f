"""Request plumbing every app relies on."""

from __future__ import annotations

from collections.abc import Callable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

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
        return self.get_response(request)
