"""Reads of the supervision app, each narrowed to what the scope covers."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet

from core.scoping import Scope
from supervision.models import ChecklistTemplate, Finding, Inspection
from welfare.models import Workplace

WORKPLACE_PATH = "workplace__union__path"
AGE_BUCKETS = ((0, 30), (31, 90), (91, 180), (181, None))  # days open since found


def workplaces_in_scope(scope: Scope) -> QuerySet[Workplace]:
    return scope.filter(Workplace.objects.all()).select_related("union").order_by("name")


def templates_in_scope(scope: Scope) -> QuerySet[ChecklistTemplate]:
    return scope.filter(ChecklistTemplate.objects.filter(active=True))


def templates_for(workplace: Workplace) -> QuerySet[ChecklistTemplate]:
    """Active templates of the workplace's union or of a union above it."""
    paths = []
    path = workplace.union.path
    parts = [p for p in path.split("/") if p]
    for i in range(1, len(parts) + 1):
        paths.append("/".join(parts[:i]) + "/")
    return ChecklistTemplate.objects.filter(active=True, union__path__in=paths).order_by("name")


def inspections_in_scope(scope: Scope) -> QuerySet[Inspection]:
    return (
        scope.filter(Inspection.objects.all(), union_path_field=WORKPLACE_PATH)
        .select_related("workplace", "workplace__union")
        .annotate(finding_count=Count("findings"))
    )


def findings_in_scope(
    scope: Scope,
    *,
    status: str | None = None,
    overdue_on: dt.date | None = None,
    workplace: Workplace | None = None,
) -> QuerySet[Finding]:
    qs = scope.filter(Finding.objects.all(), union_path_field=WORKPLACE_PATH).select_related(
        "workplace", "workplace__union", "inspection"
    )
    if status:
        qs = qs.filter(status=status)
    if overdue_on is not None:
        qs = qs.filter(status=Finding.Status.OPEN, deadline__lt=overdue_on)
    if workplace is not None:
        qs = qs.filter(workplace=workplace)
    return qs


def open_findings_by_age(scope: Scope, *, on: dt.date) -> list[dict[str, Any]]:
    """Open findings counted by how long ago they were found (0–30, 31–90 … days)."""
    rows = [{"low": low, "high": high, "count": 0, "overdue": 0} for low, high in AGE_BUCKETS]
    qs = findings_in_scope(scope, status=Finding.Status.OPEN).values_list(
        "inspection__inspected_on", "created_at", "deadline"
    )
    for inspected_on, created_at, deadline in qs:
        found = inspected_on or created_at.date()
        age = (on - found).days
        for row in rows:
            if age >= row["low"] and (row["high"] is None or age <= row["high"]):
                row["count"] += 1
                row["overdue"] += deadline < on
                break
    return rows
