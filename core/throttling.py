"""Rate limits for the public forms, shared by the API and the HTML form views."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from rest_framework.throttling import SimpleRateThrottle


class PublicFormThrottle(SimpleRateThrottle):
    """``PUBLIC_FORM_RATE`` submissions per client address, across all public forms."""

    scope = "public_form"

    def get_cache_key(self, request: Any, view: Any) -> str:
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


def public_form_allowed(request: HttpRequest) -> bool:
    """For plain Django views: count this submission; False once over the limit."""
    return PublicFormThrottle().allow_request(request, None)
