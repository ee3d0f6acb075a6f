"""Reads for the public finder: nearby, bounding box, clusters and one station."""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Sequence
from dataclasses import dataclass

from django.contrib.gis.db.models.functions import Distance, GeometryDistance
from django.contrib.gis.geos import Point
from django.db.models import (
    Avg,
    Count,
    Exists,
    FloatField,
    Func,
    IntegerField,
    Max,
    Min,
    OuterRef,
    Prefetch,
    QuerySet,
)
from django.db.models.functions import Cast, Floor
from django.utils import timezone

from stations import hours
from stations.models import Closure, OpeningPeriod, Service, Station
from stations.spatial import InBBox, bbox_around, degrees_bound, is_postgis

MAX_BBOX_FEATURES = 2000
#: When there is no radius the SpatiaLite search widens up to this many metres.
MAX_SEARCH_METRES = 20_000_000


@dataclass
class NearbyStation:
    station: Station
    distance_m: float
    open_now: bool


def service_ids(codes: Sequence[str]) -> dict[str, int]:
    """Map service codes to ids; unknown codes are simply absent from the answer."""
    return dict(Service.objects.filter(code__in=list(codes)).values_list("code", "id"))


def public_stations(
    *, services: Sequence[str] = (), at: dt.datetime | None = None
) -> QuerySet[Station]:
    """Active stations, narrowed to those with every service in ``services``.

    With ``at``, also narrowed in SQL to stations that may be open then (a superset;
    callers confirm with ``stations.hours.is_open_at``).
    """
    qs = Station.objects.filter(status=Station.Status.ACTIVE)
    through = Station.services.through
    for service_id in service_ids(services).values():
        qs = qs.filter(
            Exists(through.objects.filter(station_id=OuterRef("pk"), service_id=service_id))
        )
    return qs


def with_display_relations(qs: QuerySet[Station]) -> QuerySet[Station]:
    return qs.prefetch_related(
        Prefetch("services", queryset=Service.objects.order_by("sort_order")),
        Prefetch("periods", queryset=OpeningPeriod.objects.order_by("weekday", "opens")),
        Prefetch("closures", queryset=Closure.objects.order_by("starts_on")),
    )


def is_open(station: Station, at: dt.datetime) -> bool:
    return hours.is_open_at(
        periods=list(station.periods.all()),
        closures=list(station.closures.all()),
        is_24h=station.is_24h,
        at=at,
    )


def station_nearby(
    *,
    lat: float,
    lng: float,
    limit: int = 10,
    radius_km: float | None = None,
    services: Sequence[str] = (),
    open_now: bool = False,
    at: dt.datetime | None = None,
) -> list[NearbyStation]:
    """The ``limit`` nearest active stations by true distance (sphere), nearest first."""
    at = at or timezone.now()
    point = Point(lng, lat, srid=4326)
    base = public_stations(services=services)
    radius_m = radius_km * 1000 if radius_km is not None else None
    if radius_m is not None:
        base = base.filter(InBBox("location", bbox_around(lng, lat, radius_m)))
    base = base.annotate(distance=Distance("location", point))
    if is_postgis():
        found = _nearby_knn(
            base, point=point, limit=limit, radius_m=radius_m, open_now=open_now, at=at
        )
    else:
        found = _nearby_growing_box(
            base, point=point, limit=limit, radius_m=radius_m, open_now=open_now, at=at
        )
    found.sort(key=lambda item: (item.distance_m, item.station.code))
    return found[:limit]


def _accept(
    station: Station, radius_m: float | None, open_now: bool, at: dt.datetime
) -> NearbyStation | None:
    distance = station.distance.m
    if radius_m is not None and distance > radius_m:
        return None
    currently_open = is_open(station, at)
    if open_now and not currently_open:
        return None
    return NearbyStation(station=station, distance_m=distance, open_now=currently_open)


def _nearby_knn(
    base: QuerySet[Station],
    *,
    point: Point,
    limit: int,
    radius_m: float | None,
    open_now: bool,
    at: dt.datetime,
) -> list[NearbyStation]:
    """PostGIS: walk the GiST index in ``<->`` order in chunks, rank by true distance.

    ``<->`` orders by planar degrees, which differ from metres by latitude. Chunks are
    read until the planar distance reached exceeds the largest planar distance the
    current k-th nearest (in metres) could have: then no unseen station can be nearer.
    """
    ordered = with_display_relations(
        base.annotate(knn=GeometryDistance("location", point)).order_by("knn")
    )
    chunk = max(limit * 2, limit + 10)
    offset = 0
    found: list[NearbyStation] = []
    while True:
        rows = list(ordered[offset : offset + chunk])
        offset += len(rows)
        for station in rows:
            item = _accept(station, radius_m, open_now, at)
            if item is not None:
                found.append(item)
        if len(rows) < chunk:
            return found  # the index is exhausted
        if len(found) >= limit:
            found.sort(key=lambda item: item.distance_m)
            kth = found[limit - 1].distance_m
            if rows[-1].knn >= degrees_bound(point.y, kth):
                return found
        chunk = min(chunk * 2, 1000)


def _nearby_growing_box(
    base: QuerySet[Station],
    *,
    point: Point,
    limit: int,
    radius_m: float | None,
    open_now: bool,
    at: dt.datetime,
) -> list[NearbyStation]:
    """SpatiaLite: read the R*Tree for a box that grows ×4 until it holds enough stations.

    A station found within ``reach`` metres is certain to be among the nearest, because
    the box contains the whole circle of that radius.
    """
    ceiling = radius_m if radius_m is not None else MAX_SEARCH_METRES
    reach = min(2000.0, ceiling)
    while True:
        box = bbox_around(point.x, point.y, reach)
        rows = with_display_relations(base.filter(InBBox("location", box)))
        found = [
            item
            for station in rows
            if (item := _accept(station, radius_m, open_now, at)) is not None
        ]
        within = [item for item in found if item.distance_m <= reach]
        if len(within) >= limit or reach >= ceiling:
            return within if reach < ceiling else found
        reach = min(reach * 4, ceiling)


def stations_in_bbox(
    *,
    bbox: tuple[float, float, float, float],
    services: Sequence[str] = (),
    open_now: bool = False,
    at: dt.datetime | None = None,
    cap: int = MAX_BBOX_FEATURES,
) -> tuple[list[tuple[Station, bool]], bool]:
    """Stations in the box with their open-now flag; the flag is True when over ``cap``."""
    at = at or timezone.now()
    qs = public_stations(services=services).filter(InBBox("location", bbox))
    rows = list(with_display_relations(qs.order_by("code"))[: cap + 1])
    if len(rows) > cap:
        return [], True
    result = []
    for station in rows:
        currently_open = is_open(station, at)
        if open_now and not currently_open:
            continue
        result.append((station, currently_open))
    return result, False


class StX(Func):
    function = "ST_X"
    output_field = FloatField()


class StY(Func):
    function = "ST_Y"
    output_field = FloatField()


def cell_degrees(zoom: int, cell_px: int = 64) -> float:
    """Width in degrees of a ``cell_px`` square at ``zoom`` (256-pixel Web Mercator tiles)."""
    return 360.0 / (2**zoom) * cell_px / 256


@dataclass
class Cluster:
    lng: float
    lat: float
    count: int
    station: Station | None  # set when the cell holds one station


def station_clusters(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    services: Sequence[str] = (),
) -> list[Cluster]:
    """Group the stations in the box into grid cells about 64 screen pixels wide.

    Works on both backends: the grid is plain arithmetic on ST_X/ST_Y, grouped in SQL.
    """
    size = cell_degrees(zoom)
    min_lng, min_lat = bbox[0], bbox[1]
    qs = public_stations(services=services).filter(InBBox("location", bbox))
    cells = (
        qs.annotate(
            cx=Cast(Floor((StX("location") - min_lng) / size), IntegerField()),
            cy=Cast(Floor((StY("location") - min_lat) / size), IntegerField()),
        )
        .values("cx", "cy")
        .annotate(
            count=Count("id"),
            lng=Avg(StX("location")),
            lat=Avg(StY("location")),
            first=Min("id"),
            last=Max("id"),
        )
        .order_by("cx", "cy")
    )
    cells = list(cells)
    singles = {c["first"] for c in cells if c["count"] == 1}
    stations = {s.pk: s for s in with_display_relations(Station.objects.filter(pk__in=singles))}
    return [
        Cluster(
            lng=c["lng"],
            lat=c["lat"],
            count=c["count"],
            station=stations.get(c["first"]) if c["count"] == 1 else None,
        )
        for c in cells
    ]


def station_detail(*, code: str) -> Station | None:
    return with_display_relations(
        Station.objects.filter(code=code)
        .exclude(status=Station.Status.CLOSED)
        .select_related("region", "union")
    ).first()


def walking_minutes(distance_m: float) -> int:
    """At 4.8 km/h, rounded up; at least one minute."""
    return max(1, math.ceil(distance_m / 80))
