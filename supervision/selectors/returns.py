"""The periodic returns unions send upward: the quarterly or yearly accident return and
the yearly labour-protection statistics, each with subtotals up the tree."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

from django.db.models import Count, Sum

from core.scoping import Scope
from stations.models import Union
from supervision.models import (
    Accident,
    AppointedInspector,
    CompetitionEntry,
    Finding,
    Inspection,
    ProtectionCommittee,
    TrainingRecord,
)
from supervision.selectors.workplaces import WORKPLACE_PATH

RETURN_COUNTS = (
    "accidents", "deaths", "serious", "minor", "lost_workdays", "direct_loss",
    "general", "larger", "major", "extraordinary", "hazard_events",
)  # fmt: skip


def period_months(quarter: int | None) -> tuple[int, int]:
    """The first and last month of ``quarter`` (1–4), or of the whole year."""
    if quarter is None:
        return 1, 12
    return 3 * quarter - 2, 3 * quarter


def accident_return(
    scope: Scope, *, union: Union, year: int, quarter: int | None = None
) -> dict[str, Any]:
    """The quarterly or yearly accident return of ``union``: ``cases`` (情况表, one row per
    accident or occupational-hazard event) and ``rows`` (统计表, every union under
    ``union`` in tree order with its own figures and the subtotal of its subtree). Lost
    workdays are the injured people's (a death counts 6000, GB 6441-86); the loss is in
    元."""
    first, last = period_months(quarter)
    cases = list(
        scope.filter(Accident.objects.all(), union_path_field=WORKPLACE_PATH)
        .filter(
            workplace__union__path__startswith=union.path,
            occurred_on__year=year,
            occurred_on__month__gte=first,
            occurred_on__month__lte=last,
        )
        .select_related("workplace__union")
        .annotate(
            workdays=Sum("injured__lost_workdays"), checks_done=Count("checks", distinct=True)
        )
        .order_by("occurred_on", "pk")
    )
    unions = list(Union.objects.filter(path__startswith=union.path).order_by("path"))
    own: dict[str, dict[str, Any]] = {u.path: _return_zero() for u in unions}
    for case in cases:
        row = own[case.workplace.union.path]
        if case.kind == Accident.Kind.HAZARD_EVENT:
            row["hazard_events"] += 1
        else:
            row["accidents"] += 1
            row[case.grade] += 1
        row["deaths"] += case.deaths
        row["serious"] += case.serious
        row["minor"] += case.minor
        row["lost_workdays"] += case.workdays or 0
        row["direct_loss"] += case.direct_loss
    rows = []
    for u in unions:
        subtotal = _return_zero()
        for path, figures in own.items():
            if path.startswith(u.path):
                for key in RETURN_COUNTS:
                    subtotal[key] += figures[key]
        rows.append({"union": u, "depth": u.depth - union.depth, "own": own[u.path],
                     "subtotal": subtotal})  # fmt: skip
    return {"cases": cases, "rows": rows}


def _return_zero() -> dict[str, Any]:
    row: dict[str, Any] = dict.fromkeys(RETURN_COUNTS, 0)
    row["direct_loss"] = Decimal(0)
    return row


PROTECTION_FIGURES = (
    "committees", "appointed_inspectors", "enterprises_inspected", "inspections", "findings",
    "findings_rectified", "cup_units", "cup_groups", "trainings", "training_hours",
    "trained", "migrant_trained",
)  # fmt: skip


def labour_protection_statistics(scope: Scope, *, union: Union, year: int) -> list[dict[str, Any]]:
    """The yearly labour-protection statistics of every union under ``union``, in tree
    order, each with its own figures and its subtree's subtotal (``rate``: 整改率, the
    share of the year's findings rectified or verified, as a fraction; ``None`` with no
    findings). Committees and inspectors count when in place at some time in the year."""
    start, end = dt.date(year, 1, 1), dt.date(year, 12, 31)
    unions = list(Union.objects.filter(path__startswith=union.path).order_by("path"))
    own: dict[str, dict[str, Any]] = {
        u.path: {**dict.fromkeys(PROTECTION_FIGURES, 0), "training_hours": Decimal(0),
                 "_workplaces": set()}
        for u in unions
    }  # fmt: skip
    under = {"union__path__startswith": union.path}

    def add(path: str, key: str, n: Any = 1) -> None:
        if path in own:
            own[path][key] += n

    committees = (
        scope.filter(ProtectionCommittee.objects.filter(**under))
        .filter(established_on__lte=end)
        .exclude(dissolved_on__lt=start)
    )
    for path in committees.values_list("union__path", flat=True):
        add(path, "committees")
    appointed = scope.filter(AppointedInspector.objects.filter(**under)).filter(
        valid_from__lte=end, valid_until__gte=start
    )
    for path in appointed.values_list("union__path", flat=True):
        add(path, "appointed_inspectors")
    inspections = scope.filter(Inspection.objects.all(), union_path_field=WORKPLACE_PATH).filter(
        workplace__union__path__startswith=union.path, inspected_on__year=year
    )
    for path, workplace_id in inspections.values_list("workplace__union__path", "workplace_id"):
        add(path, "inspections")
        if path in own:
            own[path]["_workplaces"].add(workplace_id)
    findings = scope.filter(Finding.objects.all(), union_path_field=WORKPLACE_PATH).filter(
        workplace__union__path__startswith=union.path, inspection__inspected_on__year=year
    )
    for path, status in findings.values_list("workplace__union__path", "status"):
        add(path, "findings")
        if status != Finding.Status.OPEN:
            add(path, "findings_rectified")
    entries = scope.filter(CompetitionEntry.objects.all(), union_path_field=WORKPLACE_PATH).filter(
        workplace__union__path__startswith=union.path, competition__year=year
    )
    for path, groups in entries.annotate(n=Count("groups")).values_list(
        "workplace__union__path", "n"
    ):
        add(path, "cup_units")
        add(path, "cup_groups", groups)
    trainings = scope.filter(TrainingRecord.objects.filter(**under)).filter(held_on__year=year)
    for path, hours, reached, migrant in trainings.values_list(
        "union__path", "hours", "reached", "migrant_workers"
    ):
        add(path, "trainings")
        add(path, "training_hours", hours)
        add(path, "trained", reached)
        add(path, "migrant_trained", migrant)
    for figures in own.values():
        figures["enterprises_inspected"] = len(figures.pop("_workplaces"))
    rows = []
    for u in unions:
        subtotal: dict[str, Any] = {**dict.fromkeys(PROTECTION_FIGURES, 0),
                                    "training_hours": Decimal(0)}  # fmt: skip
        for path, figures in own.items():
            if path.startswith(u.path):
                for key in PROTECTION_FIGURES:
                    subtotal[key] += figures[key]
        for figures in (own[u.path], subtotal):
            figures["rate"] = (
                figures["findings_rectified"] / figures["findings"] if figures["findings"] else None
            )
        rows.append({"union": u, "depth": u.depth - union.depth, "own": own[u.path],
                     "subtotal": subtotal})  # fmt: skip
    return rows
