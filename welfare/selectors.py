"""Reads for the welfare pages and API."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet

from core import time as local_time
from stations.models import Region, Union
from welfare.models import Forecast, WeatherAlert, Worker, Workplace


def checks_due(
    *, union: Union, within_days: int = 30, on: dt.date | None = None
) -> dict[str, list[Worker]]:
    """Registered workers under ``union`` whose next check is overdue or due soon."""
    on = on or local_time.today()
    workers = Worker.objects.filter(
        union__path__startswith=union.path, next_check_due__isnull=False
    )
    return {
        "overdue": list(workers.filter(next_check_due__lt=on).order_by("next_check_due")),
        "soon": list(
            workers.filter(
                next_check_due__gte=on, next_check_due__lte=on + dt.timedelta(days=within_days)
            ).order_by("next_check_due")
        ),
    }


def workplaces_in_scope(
    scope: Any, *, hazard: str | None = None, overdue: bool = False
) -> QuerySet[Workplace]:
    qs = scope.filter(Workplace.objects.all()).prefetch_related("hazards")
    if hazard:
        qs = qs.filter(hazards__hazard=hazard)
    if overdue:
        qs = qs.annotate(
            late=Count("workers", filter=Q(workers__next_check_due__lt=local_time.today()))
        ).filter(late__gt=0)
    return qs.distinct().order_by("name")


def region_chain(region: Region) -> list[Region]:
    chain = []
    while region is not None:
        chain.append(region)
        region = region.parent
    return chain


def alerts_for_region(*, region: Region, on: dt.date | None = None) -> QuerySet[WeatherAlert]:
    """Today's and coming alerts of the region and of the divisions above it."""
    on = on or local_time.today()
    return (
        WeatherAlert.objects.filter(region__in=[r.pk for r in region_chain(region)], day__gte=on)
        .select_related("region")
        .order_by("day", "-level")
    )


def alerts_today(*, on: dt.date | None = None, limit: int = 8) -> list[WeatherAlert]:
    on = on or local_time.today()
    return list(
        WeatherAlert.objects.filter(day=on)
        .select_related("region")
        .order_by("-level", "region__code")[:limit]
    )


def hot_days(*, year: int, threshold: float = 35) -> list[dict[str, Any]]:
    """Days at or above ``threshold`` °C (forecast maximum) per region in ``year``."""
    rows = (
        Forecast.objects.filter(day__year=year, t_max__gte=threshold)
        .select_related("region")
        .order_by("region__code", "day")
    )
    out: dict[str, dict[str, Any]] = {}
    for f in rows:
        entry = out.setdefault(
            f.region.code, {"region": f.region.code, "name": f.region.name, "days": []}
        )
        entry["days"].append(f.day)
    return list(out.values())
