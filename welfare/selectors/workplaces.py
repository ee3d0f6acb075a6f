"""The organizers' workplace layer: workplaces in scope, their overview, the cold and
high-altitude ones."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, Q, QuerySet

from core import time as local_time
from core.scoping import Scope
from stations.models import Union
from welfare import cold
from welfare.models import HazardReport, WeatherAlert, Worker, Workplace
from welfare.selectors.health import checks_due


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


def workplace_choices(scope: Scope) -> QuerySet[Workplace]:
    """The scope's workplaces by name: the choices of the organizers' worker and roster
    forms."""
    return scope.filter(Workplace.objects.all()).order_by("name")


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


def cold_and_high_workplaces(*, scope: Scope, limit: int = 50) -> list[dict[str, Any]]:
    """Workplaces in scope with the low-temperature hazard (and their latest GB/T 14440
    grade) or at high altitude (``HIGH_ALTITUDE_M``)."""
    rows = (
        scope.filter(Workplace.objects.all())
        .filter(Q(hazards__hazard="low_temperature") | Q(altitude_m__gte=settings.HIGH_ALTITUDE_M))
        .distinct()
        .order_by("name")[:limit]
    )
    out = []
    for workplace in rows:
        latest = (
            workplace.measurements.filter(cold_grade__isnull=False)
            .order_by("-measured_on", "-pk")
            .first()
        )
        out.append(
            {
                "workplace": workplace,
                "cold_grade": latest.cold_grade if latest else None,
                "cold_grade_numeral": cold.GRADE_NUMERALS.get(latest.cold_grade, "")
                if latest
                else "",
                "measured_on": latest.measured_on if latest else None,
                "high_altitude": workplace.is_high_altitude,
            }
        )
    return out
