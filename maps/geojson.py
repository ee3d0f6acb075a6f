"""GeoJSON built by the database on PostGIS, and the same features built in Python elsewhere.

Two shapes of feature leave here:

* the finder's (``maps.presenters.stations.station_feature``): the bbox endpoint on
  PostGIS builds each feature with ``json_build_object`` in the one statement that selects
  the rows, and only the parts that depend on the moment (open now, today's hours) are
  added in Python, once per distinct schedule;
* the open-data feature (``open_feature``): what the GeoJSON dump and the OGC API
  publish. Static, with no personal data: a station's own public fields, never a person's.

The SQL lives in expression classes with an ``as_postgresql`` method (``OpenFeatureSQL``,
``FinderFeatureSQL``); other backends build the same dicts in Python from ``OPEN_FIELDS``.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from collections.abc import Iterator, Sequence
from typing import Any

from django.db import connection
from django.db.models import Count, F, Func, Max, QuerySet, Sum, TextField
from django.utils import timezone

from core.spatial import InBBox, is_postgis
from maps.presenters import stations as presenters
from maps.selectors import MAX_BBOX_FEATURES, StationRow, public_stations, stations_in_bbox
from stations.models import Station

#: The station fields the open data publishes, in order. No person's data: the phone is
#: the station's own public number (shown on its sign and on the map).
OPEN_FIELDS = (
    "code", "name", "name_en", "kind", "address", "phone", "host_organization",
    "is_24h", "seats", "step_free", "accessible_toilet",
)  # fmt: skip


def open_stations() -> QuerySet[Station]:
    """Every active station: what the open data publishes."""
    return Station.objects.filter(status=Station.Status.ACTIVE)


def open_stations_matching(
    *,
    bbox: tuple[float, float, float, float] | None = None,
    updated: tuple[dt.datetime | None, dt.datetime | None] = (None, None),
) -> QuerySet[Station]:
    """The open stations in ``bbox`` (when given) last changed within ``updated``
    (first, last; None is an open end)."""
    qs = open_stations()
    if bbox is not None:
        qs = qs.filter(InBBox("location", bbox))
    start, stop = updated
    if start is not None:
        qs = qs.filter(updated_at__gte=start)
    if stop is not None:
        qs = qs.filter(updated_at__lte=stop)
    return qs


def _iso(value: dt.datetime) -> str:
    return timezone.localtime(value, dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def open_feature(values: dict[str, Any]) -> dict[str, Any]:
    """The open-data Feature of a station from ``open_values`` (id = the station code)."""
    properties = {name: values[name] for name in OPEN_FIELDS}
    properties.update(
        region=values["region__code"],
        union=values["union__code"],
        services=list(values["service_codes"] or []),
        url=presenters.station_url_prefix() + values["code"] + "/",
        updated=_iso(values["updated_at"]),
    )
    return {
        "type": "Feature",
        "id": values["code"],
        "geometry": {
            "type": "Point",
            "coordinates": [round(values["location"].x, 6), round(values["location"].y, 6)],
        },
        "properties": properties,
    }


OPEN_VALUES = (*OPEN_FIELDS, "region__code", "union__code", "service_codes", "updated_at",
               "location")  # fmt: skip


class FeatureTexts(list):
    """Features already encoded as JSON text (by the database): put in as they are."""


def open_features_page(
    qs: QuerySet[Station], *, offset: int, limit: int, as_text: bool
) -> list[Any]:
    """A page (by code) of ``open_feature``s. With ``as_text`` and PostGIS, the database
    builds them (``FeatureTexts``): a harvester's pages of 10,000 stations cost the
    database's time, not Python's. Otherwise dicts built here from plain values."""
    qs = qs.order_by("code")
    if as_text and is_postgis():
        texts = qs.annotate(feature=OpenFeatureSQL(presenters.station_url_prefix()))
        return FeatureTexts(texts.values_list("feature", flat=True)[offset : offset + limit])
    return [open_feature(v) for v in open_values(qs)[offset : offset + limit]]


def open_values(qs: QuerySet[Station]) -> QuerySet[Any]:
    return qs.values(*OPEN_VALUES)


def _columns(func: Func, compiler: Any, names: Sequence[str]) -> dict[str, str]:
    """The SQL of each column reference of ``func`` by name (plain columns take no
    parameters, so the only parameter of the statement is the one the caller adds)."""
    out = {}
    for name, expression in zip(names, func.source_expressions, strict=True):
        sql, params = compiler.compile(expression)
        if params:
            raise ValueError(f"{name} is not a plain column")
        out[name] = sql
    return out


class OpenFeatureSQL(Func):
    """The open-data Feature of each row as JSON text, built by PostGIS (``open_feature``'s
    twin: the tests hold them equal)."""

    output_field = TextField()
    NAMES = (*OPEN_FIELDS, "region__code", "union__code", "service_codes", "updated_at",
             "location")  # fmt: skip

    def __init__(self, url_prefix: str) -> None:
        self.url_prefix = url_prefix
        super().__init__(*(F(name) for name in self.NAMES))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError(f"OpenFeatureSQL has no SQL for the {connection.vendor} backend")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any):
        c = _columns(self, compiler, self.NAMES)
        pairs = ", ".join(f"'{name}', {c[name]}" for name in OPEN_FIELDS)
        sql = (
            f"json_build_object('type', 'Feature', 'id', {c['code']}, "
            f"'geometry', ST_AsGeoJSON({c['location']}, 6)::json, "
            f"'properties', json_build_object({pairs}, 'region', {c['region__code']}, "
            f"'union', {c['union__code']}, 'services', {c['service_codes']}, "
            f"'url', %s || {c['code']} || '/', "
            f"'updated', to_char({c['updated_at']} AT TIME ZONE 'UTC', "
            '\'YYYY-MM-DD"T"HH24:MI:SS"Z"\')))::text'
        )
        return sql, [self.url_prefix]


#: Part of the dump's ETag: bump it when the shape of the features changes.
DUMP_FORMAT = "1"


def dump_version() -> str:
    """What the dump's ETag is made of: how many stations, the newest change, the sum of
    their ids (a station leaving and another arriving changes it) and the format.

    Every write of a station's own fields, services or hours goes through
    ``stations.services.stations.station_save``, which saves the row (``updated_at``).
    """
    found = open_stations().aggregate(n=Count("id"), newest=Max("updated_at"), ids=Sum("id"))
    newest = found["newest"].timestamp() if found["newest"] else 0
    raw = f"{DUMP_FORMAT}:{found['n']}:{newest:.6f}:{found['ids'] or 0}"
    return hashlib.sha256(raw.encode()).hexdigest()[:32]


def dump_chunks(*, chunk_size: int = 2000) -> Iterator[bytes]:
    """The FeatureCollection of every open station, as bytes, a chunk at a time.

    On PostGIS each feature is JSON text built by the database and read through a
    server-side cursor (``iterator``), so memory stays flat however many stations there
    are; elsewhere the features are built here from plain values.
    """
    yield b'{"type": "FeatureCollection", "features": ['
    qs = open_stations().order_by("code")
    first = True
    buffer: list[str] = []
    if is_postgis():
        prefix = presenters.station_url_prefix()
        texts = qs.annotate(feature=OpenFeatureSQL(prefix)).values_list("feature", flat=True)
        source: Iterator[str] = texts.iterator(chunk_size=chunk_size)
    else:
        source = (
            json.dumps(open_feature(v), ensure_ascii=False)
            for v in open_values(qs).iterator(chunk_size=chunk_size)
        )
    for text in source:
        buffer.append(text if first else "," + text)
        first = False
        if len(buffer) >= chunk_size:
            yield "\n".join(buffer).encode()
            buffer.clear()
    if buffer:
        yield "\n".join(buffer).encode()
    yield b"]}\n"


class FinderFeatureSQL(Func):
    """The finder's Feature of each row (``presenters.station_feature``) as JSON text, built
    by PostGIS, with ``"open_now" : "\\u0001"`` (``MOMENT_MARK``) where open-now and
    today's hours go: the database cannot know them, Python puts them in."""

    output_field = TextField()
    NAMES = ("id", "code", "name", "name_en", "address", "service_codes", "phone", "kind",
             "location")  # fmt: skip

    def __init__(self, url_prefix: str) -> None:
        self.url_prefix = url_prefix
        super().__init__(*(F(name) for name in self.NAMES))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError(
            f"FinderFeatureSQL has no SQL for the {connection.vendor} backend"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any):
        c = _columns(self, compiler, self.NAMES)
        sql = (
            f"json_build_object('type', 'Feature', 'id', {c['id']}, "
            f"'geometry', ST_AsGeoJSON({c['location']}, 6)::json, "
            f"'properties', json_build_object('id', {c['id']}, 'code', {c['code']}, "
            f"'name', {c['name']}, 'name_en', {c['name_en']}, 'address', {c['address']}, "
            f"'services', {c['service_codes']}, 'phone', {c['phone']}, 'kind', {c['kind']}, "
            f"'url', %s || {c['code']} || '/', 'open_now', chr(1)))::text"
        )
        return sql, [self.url_prefix]


class _Moment:
    """Open-now and today's hours per distinct (schedule, 24h): many stations share hours,
    so a box of 2,000 stations parses a handful of schedules, not 2,000."""

    def __init__(self, at: dt.datetime) -> None:
        self.at = at
        self.day = presenters.today_local(at)
        self.known: dict[tuple[str, bool], tuple[bool, str]] = {}

    def __call__(self, schedule_text: str, is_24h: bool) -> tuple[bool, str]:
        key = (schedule_text, is_24h)
        found = self.known.get(key)
        if found is None:
            row = StationRow(
                0, "", "", "", "", "", "", is_24h, json.loads(schedule_text or "{}"), [], 0.0, 0.0
            )
            found = (row.is_open(self.at), presenters.hours_today(row, self.day))
            self.known[key] = found
        return found


#: Where open-now and today's hours go in a feature's text (FinderFeatureSQL writes it).
#: Unambiguous: inside a string value from the data a quote would be escaped.
MOMENT_MARK = '"open_now" : "\\u0001"'


def bbox_geojson_sql(
    *,
    bbox: tuple[float, float, float, float],
    services: Sequence[str] = (),
    open_now: bool = False,
    at: dt.datetime,
    cap: int = MAX_BBOX_FEATURES,
) -> tuple[str | None, int]:
    """PostGIS: the bbox FeatureCollection as JSON text from one statement.

    Returns (text, count); text is None when more than ``cap`` stations are in the box.
    The statement is the ORM's own (the same filters as the other backends) around
    ``FinderFeatureSQL``, grouped by opening hours: each row is one distinct schedule with
    the text of all its features, each with ``MOMENT_MARK`` where open-now and today's
    hours go. Those are worked out once per row here and put in with one
    ``str.replace``, so Python touches a handful of rows, not 2,000. Features come grouped
    by hours, by code within a group.
    """
    prefix = presenters.station_url_prefix()
    inner = (
        public_stations(services=services)
        .filter(InBBox("location", bbox))
        .order_by("code")
        .annotate(feature=FinderFeatureSQL(prefix))
        .values_list("code", "feature", "schedule", "is_24h")
    )[: cap + 1]
    inner_sql, params = inner.query.sql_with_params()
    # Hashed by hours, so each group's features keep the code order of the rows as they
    # arrive; an ORDER BY inside string_agg (or a sort on jsonb) costs more than building
    # the features. The inner statement is the ORM's, its parameters bound.
    head = "SELECT s.schedule::text, s.is_24h, count(*), string_agg(s.feature, ',') FROM "
    sql = f"{head}({inner_sql}) s GROUP BY s.schedule, s.is_24h"
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        groups = cursor.fetchall()
    found = sum(n for _schedule, _is_24h, n, _text in groups)
    if found > cap:
        return None, found
    moment = _Moment(at)
    parts, count = [], 0
    for schedule_text, is_24h, n, text in groups:
        is_open, today = moment(schedule_text, is_24h)
        if open_now and not is_open:
            continue
        now_part = (
            f'"open_now" : {"true" if is_open else "false"}, '
            f'"hours_today" : {json.dumps(today, ensure_ascii=False)}'
        )
        parts.append(text.replace(MOMENT_MARK, now_part))
        count += n
    return '{"type": "FeatureCollection", "features": [' + ",".join(parts) + "]}", count


def bbox_feature_collection(
    *,
    bbox: tuple[float, float, float, float],
    services: Sequence[str] = (),
    open_now: bool = False,
    at: dt.datetime,
) -> str | dict[str, Any] | None:
    """The finder's FeatureCollection of the stations in ``bbox``; None when more than
    ``MAX_BBOX_FEATURES`` are in it. On PostGIS it is JSON text from one statement
    (``bbox_geojson_sql``); elsewhere the presenters build it as a dict."""
    if is_postgis():
        text, _count = bbox_geojson_sql(bbox=bbox, services=services, open_now=open_now, at=at)
        return text
    found, too_many = stations_in_bbox(bbox=bbox, services=services, open_now=open_now, at=at)
    if too_many:
        return None
    day = presenters.today_local(at)
    return presenters.feature_collection(
        [presenters.station_feature(s, open_now=o, day=day) for s, o in found]
    )
