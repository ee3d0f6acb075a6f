"""Workers' safety inspectors and the unions' appointed inspectors."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.scoping import Scope
from supervision.models import (
    AppointedInspector,
    SafetyInspector,
)


def appointed_in_scope(scope: Scope) -> QuerySet[AppointedInspector]:
    """Appointed inspectors of the organizer's unions, those with a valid certificate
    first (the service refuses an expired one)."""
    return (
        scope.filter(AppointedInspector.objects.all())
        .select_related("union")
        .order_by("-valid_until", "name")
    )


def inspector_roles(user: Any) -> list[SafetyInspector]:
    """The units where ``user`` is an active workers' safety inspector."""
    if user is None or not user.is_authenticated:
        return []
    return list(
        SafetyInspector.objects.filter(user=user, active=True)
        .select_related("workplace__union")
        .order_by("workplace__name")
    )
