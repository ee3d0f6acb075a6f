"""Reads for the public finder: nearby, bounding box, clusters and one station."""

from __future__ import annotations

import datetime as dt
import functools
import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.contrib.gis.db.models.functions import Distance
from django.contrib.gis.geos import Point
from django.db import connections, router
from django.db.models import (
    Avg,
    Case,
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
    When,
)
from django.db.models.functions import Cast, Floor
from django.utils import timezone

from core.spatial import InBBox, bbox_around, degrees_bound, is_postgis
from stations import hours
from stations.models import Region, Service, Station

MAX_BBOX_FEATURES = 2000
#: When there is no radius the SpatiaLite search widens up to this many metres.
MAX_SEARCH_METRES = 20_000_000
ROW_FIELDS = (
    "id", "code", "name", "name_en", "address", "phone", "kind", "is_24h", "schedule",
    "service_codes",
)  # fmt: skip


@dataclass(slots=True)
class StationRow:
    """What the public finder needs of a station, read as one row without model objects."""

    id: int
    code: str
    name: str
    name_en: str
    address: str
    phone: str
    kind: str
    is_24h: bool
    schedule: dict
    service_codes: list
    lng: float
    lat: float
    _hours: tuple[list[hours.Period], list[hours.ClosedDays]] | None = field(
        default=None, init=False, repr=False
    )
    #: The schedule's JSON text when the row came from SQL: rows with the same text share
    #: their parsed hours and what is worked out from them (``open_at``, the presenters').
    schedule_key: str | None = field(default=None, init=False, repr=False)

    @property
    def pk(self) -> int:
        return self.id

    def hours(self) -> tuple[list[hours.Period], list[hours.ClosedDays]]:
        """Periods and closures, parsed once per row (open-now and the hours text both
        need them)."""
        if self._hours is None:
            self._hours = hours.parse_schedule(self.schedule)
        return self._hours

    def is_open(self, at: dt.datetime) -> bool:
        if self.schedule_key is not None:
            return _open_at(self.schedule_key, self.is_24h, at)
        periods, closures = self.hours()
        return hours.is_open_at(periods=periods, closures=closures, is_24h=self.is_24h, at=at)

    @classmethod
    def from_station(cls, station: Station) -> StationRow:
        return cls(
            *(getattr(station, name) for name in ROW_FIELDS),
            lng=station.location.x,
            lat=station.location.y,
        )


@dataclass
class NearbyStation:
    station: StationRow
    distance_m: float
    open_now: bool


def public_stations(*, services: Sequence[str] = ()) -> QuerySet[Station]:
    """Active stations, narrowed to those with every service in ``services``.

    Each service is its own ``EXISTS`` so PostgreSQL probes the through table's unique
    index per candidate while it walks the spatial index, instead of joining first.
    Open-now is decided in Python (``stations.hours``) on the candidates: an ``OR`` of
    period subqueries makes PostgreSQL hash the whole periods table on every request.
    """
    qs = Station.objects.filter(status=Station.Status.ACTIVE)
    if not services:
        return qs
    # Ids, not a join to the catalog: with a join PostgreSQL misjudges how selective the
    # filter is and sorts instead of walking the spatial index (see the plan test).
    ids = dict(Service.objects.filter(code__in=list(services)).values_list("code", "id"))
    through = Station.services.through
    for code in services:
        qs = qs.filter(
            Exists(through.objects.filter(station_id=OuterRef("pk"), service_id=ids.get(code, 0)))
        )
    return qs


def rows(qs: QuerySet[Station], *extra: str) -> QuerySet[Any]:
    """``qs`` as plain tuples: the row fields, lng, lat, then ``extra`` annotations."""
    return qs.annotate(lng=StX("location"), lat=StY("location")).values_list(
        *ROW_FIELDS, "lng", "lat", *extra
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
    radius_m = radius_km * 1000 if radius_km is not None else None
    if is_postgis():
        return _nearby_knn(
            point=point, limit=limit, radius_m=radius_m, services=services, open_now=open_now,
            at=at,
        )  # fmt: skip
    base = public_stations(services=services)
    if radius_m is not None:
        base = base.filter(InBBox("location", bbox_around(lng, lat, radius_m)))
    base = base.annotate(distance=Distance("location", point))
    found = _nearby_growing_box(
        base, point=point, limit=limit, radius_m=radius_m, open_now=open_now, at=at
    )
    found.sort(key=lambda item: (item.distance_m, item.station.code))
    return found[:limit]


def _accept(
    values: tuple[Any, ...], radius_m: float | None, open_now: bool, at: dt.datetime
) -> NearbyStation | None:
    width = len(ROW_FIELDS) + 2
    distance = values[width].m
    if radius_m is not None and distance > radius_m:
        return None
    row = StationRow(*values[:width])
    currently_open = row.is_open(at)
    if open_now and not currently_open:
        return None
    return NearbyStation(station=row, distance_m=distance, open_now=currently_open)


# The hot path of the finder, written as SQL (issue 13): the ORM's compiler cost more than
# the query. One statement walks the GiST index in ``<->`` order and computes the true
# distance; ``service_codes`` (the read-side copy kept by ``station_save``) filters each
# candidate on the way, without a join. The exactness argument is the one below; the plan
# test (tests/maps/test_query_plans.py) EXPLAINs this statement.
NEARBY_SQL = """
SELECT s.id, s.code, s.name, s.name_en, s.address, s.phone, s.kind, s.is_24h,
       s.schedule::text, s.service_codes::text, ST_X(s.location), ST_Y(s.location),
       ST_DistanceSphere(s.location, ST_SetSRID(ST_MakePoint(%s, %s), 4326)),
       s.location <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)
FROM stations_station s
WHERE s.status = 'active'{filters}
ORDER BY s.location <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326)
LIMIT %s OFFSET %s
"""


@functools.lru_cache(maxsize=4096)
def parsed_schedule(text: str) -> tuple[list[hours.Period], list[hours.ClosedDays]]:
    """Periods and closures of a schedule's JSON text, parsed once per process (most
    stations share a handful of schedules). Treat the answer as read-only."""
    return hours.parse_schedule(json.loads(text))


@functools.lru_cache(maxsize=4096)
def _open_at(text: str, is_24h: bool, at: dt.datetime) -> bool:
    periods, closures = parsed_schedule(text)
    return hours.is_open_at(periods=periods, closures=closures, is_24h=is_24h, at=at)


def _row_from_sql(values: tuple[Any, ...]) -> StationRow:
    (pk, code, name, name_en, address, phone, kind, is_24h, schedule, services, lng,
     lat) = values[:12]  # fmt: skip
    row = StationRow(pk, code, name, name_en, address, phone, kind, is_24h,
                     json.loads(schedule), json.loads(services), lng, lat)  # fmt: skip
    row._hours = parsed_schedule(schedule)
    row.schedule_key = schedule
    return row


def _nearby_knn(
    *,
    point: Point,
    limit: int,
    radius_m: float | None,
    services: Sequence[str],
    open_now: bool,
    at: dt.datetime,
) -> list[NearbyStation]:
    """PostGIS: walk the GiST index in ``<->`` order in chunks, rank by true distance.

    ``<->`` orders by planar degrees, which differ from metres by latitude. Chunks are
    read until the planar distance reached exceeds the largest planar distance the
    current k-th nearest (in metres) could have: then no unseen station can be nearer.
    """
    lng, lat = point.x, point.y
    filters, params = "", []
    if services:
        filters += " AND s.service_codes @> %s::jsonb"
        params.append(json.dumps(sorted(set(services))))
    if radius_m is not None:
        filters += " AND s.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)"
        params.extend(bbox_around(lng, lat, radius_m))
    sql = NEARBY_SQL.format(filters=filters)
    # Open-now skips the closed candidates (at night most are): read further at once.
    grow = 4 if open_now else 2
    chunk = limit * grow + 5
    offset = 0
    # (metres, code, raw row, StationRow or None): a raw row becomes a StationRow only when
    # it is answered, or when open-now must be decided for it.
    found: list[tuple[float, str, tuple[Any, ...], StationRow | None]] = []
    # The router sends the public read path to a replica when there is one (core.replicas).
    with connections[router.db_for_read(Station)].cursor() as cursor:
        while True:
            cursor.execute(sql, [lng, lat, lng, lat, *params, lng, lat, chunk, offset])
            batch = cursor.fetchall()
            offset += len(batch)
            for values in batch:
                distance = values[12]
                if radius_m is not None and distance > radius_m:
                    continue
                row = _row_from_sql(values) if open_now else None
                if row is not None and not row.is_open(at):
                    continue
                found.append((distance, values[1], values, row))
            if len(batch) < chunk:
                break  # the index is exhausted
            if len(found) >= limit:
                found.sort(key=lambda item: item[:2])
                if batch[-1][13] >= degrees_bound(lat, found[limit - 1][0]):
                    break
            chunk = min(chunk * grow, 1000)
    found.sort(key=lambda item: item[:2])
    answer = []
    for distance, _code, values, row in found[:limit]:
        row = row or _row_from_sql(values)
        answer.append(NearbyStation(station=row, distance_m=distance, open_now=row.is_open(at)))
    return answer


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
        batch = rows(base.filter(InBBox("location", box)), "distance")
        found = [
            item
            for values in batch
            if (item := _accept(values, radius_m, open_now, at)) is not None
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
) -> tuple[list[tuple[StationRow, bool]], bool]:
    """Stations in the box with their open-now flag; the flag is True when over ``cap``."""
    at = at or timezone.now()
    qs = public_stations(services=services).filter(InBBox("location", bbox)).order_by("code")
    batch = list(rows(qs)[: cap + 1])
    if len(batch) > cap:
        return [], True
    result = []
    for values in batch:
        row = StationRow(*values)
        currently_open = row.is_open(at)
        if open_now and not currently_open:
            continue
        result.append((row, currently_open))
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
    station: StationRow | None  # set when the cell holds one station


def station_clusters(
    *,
    bbox: tuple[float, float, float, float],
    zoom: int,
    services: Sequence[str] = (),
    open_now: bool = False,
    at: dt.datetime | None = None,
) -> list[Cluster]:
    """Group the stations in the box into grid cells about 64 screen pixels wide.

    Works on both backends: the grid is plain arithmetic on ST_X/ST_Y, grouped in SQL.
    With ``open_now`` only the stations open at ``at`` are counted, so that the map's
    clusters agree with the list under the same filters (open now is decided in Python
    from each station's hours, as everywhere: their ids narrow the grouping).
    """
    size = cell_degrees(zoom)
    min_lng, min_lat = bbox[0], bbox[1]
    qs = public_stations(services=services).filter(InBBox("location", bbox))
    if open_now:
        at = at or timezone.now()
        qs = qs.filter(pk__in=[v[0] for v in rows(qs) if StationRow(*v).is_open(at)])
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
    stations = {
        values[0]: StationRow(*values) for values in rows(Station.objects.filter(pk__in=singles))
    }
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
    if "\x00" in code:  # no code holds NUL, and PostgreSQL text cannot
        return None
    return (
        Station.objects.filter(code=code)
        .exclude(status=Station.Status.CLOSED)
        .select_related("region", "union")
        .prefetch_related(Prefetch("services", queryset=Service.objects.order_by("sort_order")))
        .first()
    )


def region_at(*, lat: float, lng: float) -> Region | None:
    """The division a worker stands in: the one whose boundary holds the point, or else
    the county or city whose seat is nearest (boundaries are optional in the data)."""
    point = Point(lng, lat, srid=4326)
    inside = (
        Region.objects.filter(boundary__contains=point)
        .select_related("parent")
        .annotate(
            rank=Case(
                When(level=Region.Level.COUNTY, then=0),
                When(level=Region.Level.PREFECTURE, then=1),
                default=2,
            )
        )
        .order_by("rank", "code")  # the smallest division that holds the point
        .first()
    )
    if inside is not None:
        return inside
    return (
        Region.objects.filter(
            reference_point__isnull=False,
            level__in=[Region.Level.COUNTY, Region.Level.PREFECTURE],
        )
        .select_related("parent__parent")
        .annotate(distance=Distance("reference_point", point))
        .order_by("distance", "code")
        .first()
    )
