"""Inspections, checklist templates and findings in scope, and their counts for the
dashboard."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, QuerySet

from core.scoping import Scope
from supervision.models import (
    ChecklistTemplate,
    Finding,
    Inspection,
)
from supervision.selectors.workplaces import WORKPLACE_PATH
from welfare.models import Workplace

AGE_BUCKETS = ((0, 30), (31, 90), (91, 180), (181, None))  # days open since found


def templates_for(workplace: Workplace) -> QuerySet[ChecklistTemplate]:
    """Active templates of the workplace's union or of a union above it."""
    return ChecklistTemplate.objects.filter(
        active=True, union__path__in=workplace.union.ancestor_paths()
    ).order_by("name")


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


def inspections_per_month(scope: Scope, *, year: int) -> list[int]:
    """Inspections in each month of ``year`` (January first)."""
    counts = [0] * 12
    qs = scope.filter(Inspection.objects.filter(inspected_on__year=year),
                      union_path_field=WORKPLACE_PATH)  # fmt: skip
    for day in qs.values_list("inspected_on", flat=True):
        counts[day.month - 1] += 1
    return counts
