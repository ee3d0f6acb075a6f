"""Vector tiles of the stations (Mapbox Vector Tile 2.1), built by PostGIS with ``ST_AsMVT``.

Below ``CLUSTER_BELOW_ZOOM`` a tile holds clusters: the stations of each cell of a 4 × 4
grid over the tile (64 screen pixels of a 256-pixel tile) become one point at their mean
position with their ``count``; a cell holding one station is that station (``code``,
``name``). The grid is aligned to the tile, so no cell straddles two tiles and every
station is counted once. From ``CLUSTER_BELOW_ZOOM`` on, each station is its own point.

The rows come from the ORM's own statement (the same filters as the other endpoints,
the spatial index through ``InBBox``) wrapped in one ``ST_AsMVT`` statement, so the
tile costs one round trip. Tiles carry no moment-dependent data (open now): they can be
cached; the map asks the bbox endpoint for open-now colours once zoomed in.
"""

from __future__ import annotations

import functools
import math
from collections.abc import Sequence

from django.db import connection
from django.utils.translation import gettext as _

from core.errors import NotFound
from core.spatial import InBBox, is_postgis
from maps.filters import BadParameter
from maps.selectors import public_stations

LAYER = "stations"
EXTENT = 4096
BUFFER = 64
CLUSTER_BELOW_ZOOM = 12
GRID = 4  # cells per tile side: 64 px of a 256 px tile
MAX_ZOOM = 22
HALF_WORLD = 20037508.342789244  # Web Mercator metres from the origin to the edge


def tile_bounds(z: int, x: int, y: int, *, margin: float = 0.0) -> tuple[float, ...]:
    """The tile's (west, south, east, north) in degrees, widened by ``margin`` tile widths."""
    n = 2**z

    def lng(col: float) -> float:
        return col / n * 360.0 - 180.0

    def lat(row: float) -> float:
        return math.degrees(math.atan(math.sinh(math.pi * (1 - 2 * row / n))))

    west, east = lng(x - margin), lng(x + 1 + margin)
    north, south = lat(max(0.0, y - margin)), lat(min(float(n), y + 1 + margin))
    return max(-180.0, west), max(-85.06, south), min(180.0, east), min(85.06, north)


def tile_sql(z: int, x: int, y: int, *, services: Sequence[str] = ()) -> tuple[str, list]:
    """The one statement that answers the tile's bytes."""
    clustered = z < CLUSTER_BELOW_ZOOM
    # Points near the edge are drawn by both tiles when not clustered (markers are wider
    # than a pixel); clusters take only their own tile's stations, so each counts once.
    box = tile_bounds(z, x, y, margin=0 if clustered else BUFFER / EXTENT)
    if services:
        inner_sql, inner_params = _inner(services, box)
    else:
        # The common tile (no filter): the ORM's statement compiled once, the box put in.
        inner_sql, template = _unfiltered()
        inner_params = [dict(zip(SENTINEL_BOX, box, strict=True)).get(p, p) for p in template]
    envelope = "ST_TileEnvelope(%s, %s, %s)"
    if clustered:
        cell = 2 * HALF_WORLD / 2**z / GRID
        sql = f"""
            WITH p AS (
              SELECT s.code, s.name, ST_Transform(s.location, 3857) AS g
              FROM ({inner_sql}) s
            ), c AS (
              SELECT count(*) AS n, ST_MakePoint(avg(ST_X(g)), avg(ST_Y(g))) AS g,
                     min(code) AS code, min(name) AS name
              FROM p GROUP BY floor(ST_X(g) / %s), floor(ST_Y(g) / %s)
            )
            SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom') FROM (
              SELECT ST_AsMVTGeom(ST_SetSRID(c.g, 3857), {envelope}, {EXTENT}, {BUFFER}, true)
                       AS geom,
                     c.n AS count,
                     CASE WHEN c.n = 1 THEN c.code END AS code,
                     CASE WHEN c.n = 1 THEN c.name END AS name
              FROM c
            ) t
        """  # noqa: S608 - our own ORM statement and constants, parameters bound
        return sql, [*inner_params, cell, cell, z, x, y]
    sql = f"""
        SELECT ST_AsMVT(t, '{LAYER}', {EXTENT}, 'geom') FROM (
          SELECT ST_AsMVTGeom(ST_Transform(s.location, 3857), {envelope}, {EXTENT}, {BUFFER},
                              true) AS geom,
                 1 AS count, s.code, s.name, s.kind
          FROM ({inner_sql}) s
        ) t
    """  # noqa: S608 - our own ORM statement and constants, parameters bound
    return sql, [z, x, y, *inner_params]


#: Stands for the tile's box while the unfiltered statement is compiled once.
SENTINEL_BOX = (-1234.5, -2345.5, -3456.5, -4567.5)


def _inner(services: Sequence[str], box: tuple[float, ...]) -> tuple[str, list]:
    qs = (
        public_stations(services=services)
        .filter(InBBox("location", box))
        .values("id", "code", "name", "kind", "location")
        .order_by()  # a tile has no order; the model's ordering would add a sort
    )
    sql, params = qs.query.sql_with_params()
    return sql, list(params)


@functools.cache
def _unfiltered() -> tuple[str, tuple]:
    sql, params = _inner((), SENTINEL_BOX)
    assert sum(p in SENTINEL_BOX for p in params) == 4, params
    return sql, tuple(params)


def vector_tiles_available() -> bool:
    """Whether tiles are served: ``ST_AsMVT`` is PostGIS's (SpatiaLite has none, so the
    map asks the clusters endpoint instead)."""
    return is_postgis()


def check_tile_address(z: int, x: int, y: int) -> None:
    """Refuse a tile this backend cannot build (404) or that does not exist (400)."""
    if not vector_tiles_available():
        raise NotFound(
            _("矢量瓦片需要 PostgreSQL/PostGIS；请使用 /api/v1/stations/clusters/。"),
            field="z",
        )
    if not 0 <= z <= MAX_ZOOM:
        raise BadParameter(_("z 必须在 0 到 %(max)d 之间。") % {"max": MAX_ZOOM}, field="z")
    for name, value in (("x", x), ("y", y)):
        if not 0 <= value < 2**z:
            raise BadParameter(
                _("缩放级别 %(z)d 的 %(name)s 必须在 0 到 %(max)d 之间。")
                % {"z": z, "name": name, "max": 2**z - 1},
                field=name,
            )


def station_tile(z: int, x: int, y: int, *, services: Sequence[str] = ()) -> bytes:
    """The tile's MVT bytes (empty when no station is in it). PostGIS only."""
    sql, params = tile_sql(z, x, y, services=services)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        (data,) = cursor.fetchone()
    return bytes(data or b"")
