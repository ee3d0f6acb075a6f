"""Reads for the welfare pages and API."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet
from django.utils.translation import get_language

from core import time as local_time
from core.scoping import Scope
from stations.models import Region, Union
from welfare.models import Forecast, HazardReport, WeatherAlert, Worker, Workplace


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
    scope: Scope, *, hazard: str | None = None, overdue: bool = False
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


def alert_body(alert: WeatherAlert) -> dict[str, Any]:
    """An alert as the API and the map show it, in the request's language."""
    english = (get_language() or "").startswith("en")
    return {
        "region": alert.region.code,
        "region_name": (alert.region.name_en or alert.region.name)
        if english
        else alert.region.name,
        "day": alert.day.isoformat(),
        "kind": alert.kind,
        "level": alert.level,
        "temperature": float(alert.temperature),
        "advice": alert.advice_en if english else alert.advice,
        "stale": alert.stale,
    }


def alerts_today(*, on: dt.date | None = None, limit: int = 8) -> list[WeatherAlert]:
    on = on or local_time.today()
    return list(
        WeatherAlert.objects.filter(day=on)
        .select_related("region")
        .order_by("-level", "region__code")[:limit]
    )


def hot_day_threshold() -> Decimal:
    """A hot day (高温天气) is one whose maximum reaches the first national heat-alert level
    (``WEATHER_RULES["heat"]``, 35 °C by 《防暑降温措施管理办法》); such days decide the
    heat allowance."""
    return min(Decimal(str(rule["at_or_above"])) for rule in settings.WEATHER_RULES["heat"])


def hot_days(*, year: int, threshold: Decimal | None = None) -> list[dict[str, Any]]:
    """Days at or above ``threshold`` °C (forecast maximum; default the hot-day threshold)
    per region in ``year``."""
    if threshold is None:
        threshold = hot_day_threshold()
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


def organizer_overview(*, scope: Scope, limit: int = 50) -> dict[str, Any]:
    """The organizers' welfare page: checks due, coming weather alerts and open reports
    under the scope's unions."""
    # The scope's own top unions (already minimal); a superuser's are the tree's roots.
    tops = (
        Union.objects.filter(parent__isnull=True)
        if scope.is_superuser
        else Union.objects.filter(path__in=scope.union_paths)
    )
    due: dict[str, list[Worker]] = {"overdue": [], "soon": []}
    for union in tops:
        for key, workers in checks_due(union=union).items():
            due[key].extend(workers)
    alerts = (
        scope.filter(
            WeatherAlert.objects.filter(day__gte=local_time.today()),
            union_path_field="region__unions__path",
        )
        .distinct()
        .select_related("region")
        .order_by("day", "-level")[:limit]
    )
    reports = scope.filter(
        HazardReport.objects.exclude(status=HazardReport.Status.CLOSED)
    ).order_by("-created_at")[:limit]
    return {"due": due, "alerts": alerts, "reports": reports}
