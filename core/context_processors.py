"""Template context every page may need."""

from __future__ import annotations

from django.http import HttpRequest


def csp_nonce(request: HttpRequest) -> dict[str, object]:
    """The request's Content-Security-Policy nonce as ``csp_nonce`` (the name
    django-leaflet's widget templates use). Lazy: the policy names a nonce only on pages
    whose templates use it."""
    return {"csp_nonce": getattr(request, "csp_nonce", "")}
