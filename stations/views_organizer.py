"""Organizers' visit reports (placeholder until the report views land)."""

from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse


def overview(request: HttpRequest) -> HttpResponse:
    raise PermissionDenied


def export_visits(request: HttpRequest, fmt: str) -> HttpResponse:
    raise PermissionDenied
