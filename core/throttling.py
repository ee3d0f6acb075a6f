"""Rate limits for the public forms, shared by the API and the HTML form views."""

from __future__ import annotations

import math
from typing import Any

from django.http import HttpRequest, HttpResponse
from rest_framework.throttling import SimpleRateThrottle


class PublicFormThrottle(SimpleRateThrottle):
    """``PUBLIC_FORM_RATE`` submissions per client address, across all public forms."""

    scope = "public_form"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def public_form_retry_after(request: HttpRequest) -> int | None:
    """For plain Django views: count this submission; None while under the limit, else
    the seconds to wait (for a ``Retry-After`` header)."""
    throttle = PublicFormThrottle()
    if throttle.allow_request(request, None):
        return None
    return max(1, math.ceil(throttle.wait() or 1))


def too_many(response: HttpResponse, retry_after: int) -> HttpResponse:
    """Mark a refused form's response as 429 with ``Retry-After``."""
    response.status_code = 429
    response["Retry-After"] = str(retry_after)
    return response
