"""Workers and their health checks: who is due, per workplace, and the follow-ups open."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db.models import Count, Min, Q, QuerySet

from core import time as local_time
from core.scoping import Scope
from stations.models import Union
from welfare.models import HealthFollowUp, Worker, Workplace


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


def month_end(day: dt.date) -> dt.date:
    following = (day.replace(day=28) + dt.timedelta(days=4)).replace(day=1)
    return following - dt.timedelta(days=1)


def workers_in_scope(scope: Scope, *, workplace: Workplace | None = None) -> QuerySet[Worker]:
    qs = scope.filter(Worker.objects.all()).select_related("workplace", "union")
    if workplace is not None:
        qs = qs.filter(workplace=workplace)
    return qs.order_by("left_on", "name", "pk")


def checks_due_by_workplace(*, scope: Scope, on: dt.date | None = None) -> list[dict[str, Any]]:
    """Per workplace under the scope: workers overdue, due by the end of this month,
    follow-ups open (and how many of those are late), workers never checked.

    Only workplaces with something to do are listed, the most urgent first.
    """
    on = on or local_time.today()
    end = month_end(on)
    workers = scope.filter(Worker.objects.filter(workplace__isnull=False))
    rows = {
        r["workplace"]: {**r, "follow_ups": 0, "follow_ups_late": 0, "next_follow_up": None}
        for r in workers.values("workplace")
        .annotate(
            overdue=Count("pk", filter=Q(next_check_due__lt=on)),
            due_month=Count("pk", filter=Q(next_check_due__gte=on, next_check_due__lte=end)),
            never=Count("pk", filter=Q(checks__isnull=True, left_on__isnull=True)),
            first_due=Min("next_check_due"),
        )
        .order_by()
    }
    follow_ups = (
        scope.filter(
            HealthFollowUp.objects.filter(done_on__isnull=True, worker__workplace__isnull=False),
            union_path_field="worker__union__path",
        )
        .values("worker__workplace")
        .annotate(n=Count("pk"), late=Count("pk", filter=Q(due_on__lt=on)), first=Min("due_on"))
        .order_by()
    )
    for f in follow_ups:
        row = rows.setdefault(
            f["worker__workplace"],
            {"workplace": f["worker__workplace"], "overdue": 0, "due_month": 0, "never": 0,
             "first_due": None},
        )  # fmt: skip
        row.update(follow_ups=f["n"], follow_ups_late=f["late"], next_follow_up=f["first"])
    names = Workplace.objects.in_bulk(list(rows))
    out = []
    for key, row in rows.items():
        if not (row["overdue"] or row["due_month"] or row["follow_ups"] or row["never"]):
            continue
        out.append({**row, "workplace": names[key]})
    out.sort(key=lambda r: (-r["overdue"] - r["follow_ups_late"], -r["due_month"],
                            -r["follow_ups"], r["workplace"].name))  # fmt: skip
    return out


def open_follow_ups(*, scope: Scope, worker: Worker | None = None) -> QuerySet[HealthFollowUp]:
    qs = scope.filter(
        HealthFollowUp.objects.filter(done_on__isnull=True), union_path_field="worker__union__path"
    ).select_related("worker", "worker__workplace", "health_check")
    if worker is not None:
        qs = qs.filter(worker=worker)
    return qs.order_by("due_on", "pk")
