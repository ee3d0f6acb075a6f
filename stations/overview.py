"""Reads for the organizer home and the province overview: what the stations app itself
puts in them (today's visits, the area table's station columns), registered in
``StationsConfig.ready`` beside what the apps above it register (``stations.panels``)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db.models import Max, Q, Sum
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.scoping import path_prefix_q, scope_for
from stations import hours
from stations.models import Station, Union, VisitDaily
from stations.panels import AreaColumn, Attention

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def week_start(day: dt.date) -> dt.date:
    """Monday of ``day``'s week (China days: ``day`` comes from ``core.time.today()``)."""
    return day - dt.timedelta(days=day.weekday())


def visits_on(*, user: AbstractBaseUser, day: dt.date, under: Union | None = None) -> int:
    """Visits on one China day at the stations in the user's scope (the daily rollup)."""
    rows = scope_for(user).filter(
        VisitDaily.objects.filter(day=day), union_path_field="station__union__path"
    )
    if under is not None:
        rows = rows.filter(station__union__path__startswith=under.path)
    return rows.aggregate(n=Sum("visits"))["n"] or 0


def visits_attention(request: HttpRequest) -> list[Attention]:
    """Today's visits against the same weekday last week (both China days)."""
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return []
    today = local_time.today()
    now = visits_on(user=request.user, day=today)
    before = visits_on(user=request.user, day=today - dt.timedelta(days=7))
    return [
        Attention(
            key="visits-today",
            label=_("今日到访"),
            count=now,
            compare=before,
            url=reverse("stations:organizer") + "#report",
            detail=_("上周同日 %(n)d 人次") % {"n": before},
            urgent=False,
        )
    ]


def inspections_attention(request: HttpRequest) -> list[Attention]:
    """Stations whose "六有" inspection is overdue."""
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return []
    max_age = settings.STATION_INSPECTION_MAX_AGE_DAYS
    cutoff = local_time.today() - dt.timedelta(days=max_age)
    count = (
        scope.filter(Station.objects.active())
        .annotate(last=Max("inspections__inspected_on"))
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .count()
    )
    return [
        Attention(
            key="inspections-due",
            label=_("六有检查逾期的站点"),
            count=count,
            url=reverse("stations:organizer") + "#due-heading",
            detail=_("超过 %(n)d 天未检查") % {"n": max_age},
        )
    ]


# -- the area table ---------------------------------------------------------------------


def area_rows(*, user: AbstractBaseUser, parent: Union | None) -> list[Union]:
    """The unions the overview's table lists: the children of ``parent`` (a city's
    counties), or — without one — the children of the user's own top unions (the
    province's cities). A union with no children is listed itself."""
    scope = scope_for(user)
    if parent is not None:
        tops = [parent]
    elif scope.is_superuser:
        tops = list(Union.objects.filter(parent__isnull=True))
    else:
        tops = list(Union.objects.filter(path__in=scope.union_paths))
    rows: list[Union] = []
    for top in tops:
        children = list(top.children.select_related("region").order_by("region__code", "code"))
        rows.extend(children or [top])
    return rows


def _stations_under(unions: Sequence[Union]) -> Any:
    return Station.objects.active().filter(path_prefix_q("union__path", [u.path for u in unions]))


def _by_union(unions: Sequence[Union], pairs: Any) -> dict[int, int]:
    """Sum (union path, n) pairs into the row union whose path they start with."""
    out = dict.fromkeys((u.pk for u in unions), 0)
    for path, n in pairs:
        for union in unions:
            if path.startswith(union.path):
                out[union.pk] += n or 0
                break
    return out


def stations_count(user: Any, unions: Sequence[Union], today: dt.date) -> dict[int, int]:
    pairs = _stations_under(unions).values_list("union__path", "pk")
    return _by_union(unions, [(path, 1) for path, _pk in pairs])


def stations_open_now(user: Any, unions: Sequence[Union], today: dt.date) -> dict[int, int]:
    """Stations open at this moment by their hours, closures and one-day changes."""
    at = local_time.now()
    pairs = []
    for path, schedule, is_24h in _stations_under(unions).values_list(
        "union__path", "schedule", "is_24h"
    ):
        periods, closures = hours.parse_schedule(schedule)
        if hours.is_open_at(periods=periods, closures=closures, is_24h=is_24h, at=at):
            pairs.append((path, 1))
    return _by_union(unions, pairs)


def visits_this_week(user: Any, unions: Sequence[Union], today: dt.date) -> dict[int, int]:
    rows = (
        VisitDaily.objects.filter(day__gte=week_start(today), day__lte=today)
        .filter(path_prefix_q("station__union__path", [u.path for u in unions]))
        .values_list("station__union__path")
        .annotate(n=Sum("visits"))
    )
    return _by_union(unions, rows)


def inspections_overdue(user: Any, unions: Sequence[Union], today: dt.date) -> dict[int, int]:
    cutoff = today - dt.timedelta(days=settings.STATION_INSPECTION_MAX_AGE_DAYS)
    pairs = (
        _stations_under(unions)
        .annotate(last=Max("inspections__inspected_on"))
        .filter(Q(last__isnull=True) | Q(last__lt=cutoff))
        .values_list("union__path", "pk")
    )
    return _by_union(unions, [(path, 1) for path, _pk in pairs])


STATION_COLUMNS = (
    AreaColumn("stations", _("站点"), stations_count, order=10),
    AreaColumn("open_now", _("现在开放"), stations_open_now, order=20),
    AreaColumn(
        "visits_week",
        _("本周到访"),
        visits_this_week,
        help=_("本周一至今天（北京时间）"),
        order=30,
    ),
)
INSPECTION_COLUMN = AreaColumn(
    "inspections_overdue", _("六有检查逾期"), inspections_overdue,
    help=_("超过规定天数未做六有检查的站点"), order=90,
)  # fmt: skip
