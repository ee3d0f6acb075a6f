"""Hazard reports: those in an organizer's scope, who may handle one, and the public
station a report starts at."""

from __future__ import annotations

from typing import Any

from django.db.models import QuerySet

from core.scoping import Scope, scope_for
from stations.models import Station
from welfare.models import HazardReport


def hazard_reports_in_scope(scope: Scope, *, status: str = "") -> QuerySet[HazardReport]:
    qs = scope.filter(HazardReport.objects.all()).select_related("union", "region", "handler")
    if status == "open":
        qs = qs.exclude(status__in=["unfounded", "referred", "closed"])
    elif status:
        qs = qs.filter(status=status)
    return qs.order_by("-created_at")


def may_handle(*, user: Any, report: HazardReport) -> bool:
    """May ``user`` move this report on: an organizer of its union, and its handler once
    someone has taken it."""
    from_scope = scope_for(user).covers_union(report.union)
    return from_scope and (report.handler_id is None or report.handler_id == user.pk)


def public_station(code: str) -> Station | None:
    """A station the public map shows, by code (the hazard form starts there)."""
    code = (code or "").strip()[:40]
    if not code:
        return None
    return (
        Station.objects.filter(code=code)
        .exclude(status=Station.Status.CLOSED)
        .select_related("region")
        .first()
    )
