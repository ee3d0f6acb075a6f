"""Reads for the public finder."""

from __future__ import annotations

from django.db.models import QuerySet

from stations.models import Station


def public_stations_in_bbox(*, bbox: tuple[float, float, float, float]) -> QuerySet[Station]:
    return Station.objects.active().in_bbox(*bbox).prefetch_related("services").order_by("code")
