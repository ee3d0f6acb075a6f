"""Reads for the station desk and the organizers' reports, scoped like every write."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import Avg, Count, Max, Q, QuerySet, Sum
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import gettext as _

from core import time as local_time
from core.categories import WorkerCategory
from core.errors import NotFound, PermissionDenied
from core.identifiers import code_lookup_form
from core.scoping import MANAGING_ROLES, scope_for
from stations.models import (
    Closure,
    DayHours,
    FacilityReport,
    Feedback,
    HomeChoice,
    Membership,
    Station,
    Union,
    Visit,
    VisitDaily,
)

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


def me(*, user: AbstractBaseUser) -> dict[str, Any]:
    """Who the signed-in user is, what roles they hold and where they may log visits."""
    memberships = Membership.objects.filter(user=user).select_related("union")
    return {
        "username": user.get_username(),
        "roles": sorted(
            {m.role for m in memberships} | ({"superuser"} if user.is_superuser else set())
        ),
        "unions": [
            {"code": m.union.code, "name": m.union.name, "role": m.role}
            for m in sorted(memberships, key=lambda m: m.union.path)
        ],
        "stations": list(desk_stations(user=user).values_list("code", flat=True)),
    }


def desk_stations(*, user: AbstractBaseUser) -> QuerySet[Station]:
    """Active stations the user may log visits for: their own as staff, or all under the
    unions they organize."""
    scope = scope_for(user)
    return scope.filter(Station.objects.active(), station_field="pk").order_by("code")


def visits_today(*, station: Station, now: dt.datetime | None = None) -> dict[str, int]:
    """Today's (Asia/Shanghai) visit count per worker category at one station."""
    now = now or timezone.now()
    counts = dict.fromkeys(WorkerCategory.values, 0)
    rows = VisitDaily.objects.filter(
        station=station, day=local_time.to_local(now).date()
    ).values_list("category", "visits")
    for category, n in rows:
        counts[category] = n
    return counts


def rating_summary(*, station: Station) -> dict[str, Any]:
    """Average and count of the station's ratings (hidden feedback excluded)."""
    agg = (
        Feedback.objects.filter(station=station)
        .exclude(status=Feedback.Status.HIDDEN)
        .aggregate(average=Avg("rating"), count=Count("id"))
    )
    average = agg["average"]
    return {
        "average": round(float(average), 1) if average is not None else None,
        "count": agg["count"],
    }


def visits_by_day(
    *,
    stations: QuerySet[Station],
    start: dt.date,
    end: dt.date,
) -> list[dict[str, Any]]:
    """Visits per station, local day and category for ``start``..``end`` (inclusive), read
    from the daily rollup: the cost follows the stations and days asked for, not the
    number of visits stored."""
    rows = (
        VisitDaily.objects.filter(station__in=stations, day__gte=start, day__lte=end, visits__gt=0)
        .values("station__code", "station__name", "day", "category")
        .annotate(n=Sum("visits"))
        .order_by("station__code", "day", "category")
    )
    return list(rows)


def visits_by_day_raw(
    *, stations: QuerySet[Station], start: dt.date, end: dt.date
) -> list[dict[str, Any]]:
    """``visits_by_day`` counted from the visits themselves (to check the rollup)."""
    first, _ = local_time.local_day_bounds(start)
    _, last = local_time.local_day_bounds(end)
    rows = (
        Visit.objects.filter(station__in=stations, occurred_at__gte=first, occurred_at__lt=last)
        .annotate(day=TruncDate("occurred_at", tzinfo=local_time.local_tz()))
        .values("station__code", "station__name", "day", "category")
        .annotate(n=Count("id"))
        .order_by("station__code", "day", "category")
    )
    return list(rows)


def visit_report(
    *,
    user: AbstractBaseUser,
    union: Union | None,
    start: dt.date,
    end: dt.date,
    period: str = "day",
) -> dict[str, Any]:
    """Visits per station per day (or ISO week) by category, for a union's area.

    The union must lie within the user's scope; ``None`` means the user's whole scope.
    """
    scope = scope_for(user)
    stations = scope.filter(Station.objects.all(), station_field="pk")
    if union is not None:
        stations = stations.under(union)
    raw = visits_by_day(stations=stations, start=start, end=end)
    categories = list(WorkerCategory.values)
    table: dict[tuple[str, str, str], dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(categories, 0)
    )
    totals_by_bucket: dict[str, int] = defaultdict(int)
    for row in raw:
        day: dt.date = row["day"]
        if period == "week":
            year, week, _ = day.isocalendar()
            bucket = f"{year}-W{week:02d}"
        else:
            bucket = day.isoformat()
        key = (row["station__code"], row["station__name"], bucket)
        table[key][row["category"]] += row["n"]
        totals_by_bucket[bucket] += row["n"]
    lines = [
        {"station": code, "name": name, "period": bucket, **counts, "total": sum(counts.values())}
        for (code, name, bucket), counts in sorted(table.items())
    ]
    return {
        "categories": categories,
        "rows": lines,
        "series": sorted(totals_by_bucket.items()),
        "total": sum(totals_by_bucket.values()),
    }


def station_visit_series(
    *, station: Station, days: int = 30, now: dt.datetime | None = None
) -> list[tuple[dt.date, int]]:
    """Visits per local day over the last ``days`` days, zeros included (public chart)."""
    now = now or timezone.now()
    today = local_time.to_local(now).date()
    start = today - dt.timedelta(days=days - 1)
    counts = dict(
        VisitDaily.objects.filter(station=station, day__gte=start, day__lte=today)
        .values("day")
        .annotate(n=Sum("visits"))
        .values_list("day", "n")
    )
    return [
        (start + dt.timedelta(days=i), counts.get(start + dt.timedelta(days=i), 0))
        for i in range(days)
    ]


def stations_needing_inspection(*, user: AbstractBaseUser, max_age_days: int) -> QuerySet[Station]:
    """Active stations in scope not inspected within ``max_age_days`` (or never)."""
    cutoff = local_time.today() - dt.timedelta(days=max_age_days)
    scope = scope_for(user)
    return (
        scope.filter(Station.objects.active())
        .annotate(last_inspected=Max("inspections__inspected_on"))
        .filter(Q(last_inspected__isnull=True) | Q(last_inspected__lt=cutoff))
        .order_by("last_inspected", "code")
    )


def approved_comments(*, station: Station, limit: int = 10) -> list[Feedback]:
    return list(
        Feedback.objects.filter(station=station, status=Feedback.Status.APPROVED)
        .exclude(comment="")
        .order_by("-created_at")[:limit]
    )


def recent_problems(*, station: Station, limit: int = 10, days: int = 60) -> list[FacilityReport]:
    """Problems reported in the last ``days`` days that were not dismissed (fixed ones
    included, so workers see that the station dealt with them)."""
    since = timezone.now() - dt.timedelta(days=days)
    return list(
        FacilityReport.objects.filter(station=station, created_at__gte=since)
        .exclude(status=FacilityReport.Status.DISMISSED)
        .order_by("-created_at")[:limit]
    )


def station_by_code(*, code: str) -> Station | None:
    return Station.objects.filter(code=code_lookup_form(code)).select_related("union").first()


def station_for_staff(*, actor: AbstractBaseUser | None, code: str | None) -> Station:
    """The station ``code`` for someone who works it: its staff, or an organizer of a union
    above it. 404 (``field="station"``) when there is none, 403 when it is not theirs.
    ``actor=None`` is the system (a command or a task) and may use any station."""
    station = station_by_code(code=str(code or ""))
    if station is None:
        raise NotFound(
            _("没有编号为 %(code)s 的站点。") % {"code": str(code or "")[:40]}, field="station"
        )
    if actor is not None and not scope_for(actor).may_staff_station(station):
        raise PermissionDenied(_("您不负责站点 %(code)s。") % {"code": station.code})
    return station


def organizer_emails_above(union: Union) -> list[str]:
    """The e-mail addresses of the organizers and admins of ``union`` and of every union
    above it (``core.scoping.MANAGING_ROLES``), sorted, each once; users without one are
    left out."""
    return sorted(
        set(
            Membership.objects.filter(
                role__in=MANAGING_ROLES, union__path__in=union.ancestor_paths()
            )
            .exclude(user__email="")
            .values_list("user__email", flat=True)
        )
    )


def closures_ahead(*, station: Station, today: dt.date | None = None) -> list[Closure]:
    """The station's closures that have not ended yet, soonest first."""
    today = today or local_time.today()
    return list(Closure.objects.filter(station=station, ends_on__gte=today).order_by("starts_on"))


def day_hours_ahead(*, station: Station, today: dt.date | None = None) -> list[DayHours]:
    """The station's one-day changes of hours from today on."""
    today = today or local_time.today()
    return list(DayHours.objects.filter(station=station, day__gte=today).order_by("day"))


def homes_for(*, user: AbstractBaseUser) -> list[str]:
    """The homes a user's roles give them, in the order a picker offers them
    (``HomeChoice.Home``): the province overview for an organizer or admin of a province
    union (and superusers), the organizer home for one of a city, county or grassroots
    union, the desk for station staff."""
    cached = getattr(user, "_yizhan_homes", None)
    if cached is not None:
        return list(cached)
    scope = scope_for(user)
    homes: list[str] = []
    if scope.is_empty:
        return homes
    kinds = set(
        Membership.objects.filter(user=user, role__in=("organizer", "admin")).values_list(
            "union__kind", flat=True
        )
    )
    if scope.is_superuser or Union.Kind.PROVINCE in kinds:
        homes.append(HomeChoice.Home.PROVINCE)
    if kinds - {Union.Kind.PROVINCE}:
        homes.append(HomeChoice.Home.ORGANIZER)
    if scope.staff_station_ids:
        homes.append(HomeChoice.Home.DESK)
    user._yizhan_homes = tuple(homes)  # type: ignore[attr-defined]  # once per request
    return homes


def home_chosen(*, user: AbstractBaseUser) -> str | None:
    """The home this user picked last time (``stations.services.preferences``), if any."""
    return HomeChoice.objects.filter(user=user).values_list("home", flat=True).first()
