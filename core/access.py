"""The organizer-only check of pages and API views, written once.

An organizer (or admin) of a union opens the organizer pages; anyone else signed in gets
403, and an anonymous visitor the login page. What each organizer then sees is their
scope (:func:`core.scoping.scope_for`); the services check every object again.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import Any

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from core.scoping import Scope, scope_for


def organizer_scope(request: HttpRequest) -> Scope:
    """The scope of the organizer opening a page; 403 for anyone who organizes nothing."""
    scope = scope_for(request.user)
    if not scope.is_organizer:
        raise PermissionDenied(_("只有组织者可以打开这个页面。"))
    return scope


def organizer_required(view: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A page for organizers only: the login page when signed out, 403 for others."""

    @login_required
    @wraps(view)
    def wrapped(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        organizer_scope(request)
        return view(request, *args, **kwargs)

    return wrapped


class IsOrganizer(BasePermission):
    """DRF: an organizer or admin of some union (what they may touch is the service's
    check)."""

    message = gettext_lazy("只有组织者可以这样做。")

    def has_permission(self, request: Any, view: Any) -> bool:
        return (
            bool(request.user and request.user.is_authenticated)
            and scope_for(request.user).is_organizer
        )
