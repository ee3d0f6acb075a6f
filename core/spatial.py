"""Backend differences in one place: what PostGIS can do that SpatiaLite cannot, and repairs
SpatiaLite needs."""

from __future__ import annotations

import logging
import math
from typing import Any

from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.db import connections
from django.db.models import BooleanField, F, Func

logger = logging.getLogger(__name__)


def is_postgis(using: str = "default") -> bool:
    """The one capability check for PostGIS-only accelerations (``<->`` KNN, plans)."""
    return connections[using].vendor == "postgresql"


def restore_sqlite_busy_timeout(sender: Any, connection: Any, **kwargs: Any) -> None:
    """Give every new SpatiaLite connection the busy timeout its settings ask for.

    Loading ``mod_spatialite`` resets SQLite's busy timeout to 5 s (SpatiaLite's own
    default), after Python's ``sqlite3.connect(timeout=...)`` set it. Without this, a
    writer on the quick start waits 5 s for its turn, not ``SQLITE_BUSY_TIMEOUT``, and a
    busy morning answers "database is locked". Connected to ``connection_created``, which
    Django sends after the extension is loaded.
    """
    if connection.vendor != "sqlite":
        return
    seconds = float(connection.settings_dict.get("OPTIONS", {}).get("timeout", 5))
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA busy_timeout = {int(seconds * 1000)}")


def repair_spatialite_indexes(using: str = "default", **kwargs: Any) -> list[str]:
    """Re-create spatial indexes that SQLite table rebuilds left disabled.

    Django rebuilds a SQLite table for many schema changes; on SpatiaLite the rebuilt
    table keeps its ``idx_<table>_<column>`` R*Tree but ``geometry_columns`` marks the index
    disabled, so queries stop using it. Runs after every migrate (``post_migrate``).
    """
    connection = connections[using]
    if connection.vendor != "sqlite":
        return []
    repaired = []
    with connection.cursor() as cursor:
        for model in apps.get_models():
            for field in model._meta.local_fields:
                if not (isinstance(field, GeometryField) and field.spatial_index):
                    continue
                table, column = model._meta.db_table, field.column
                cursor.execute(
                    "SELECT spatial_index_enabled FROM geometry_columns WHERE "
                    "lower(f_table_name) = lower(%s) AND lower(f_geometry_column) = lower(%s)",
                    [table, column],
                )
                row = cursor.fetchone()
                if row is None or row[0] == 1:
                    continue
                cursor.execute(f'DROP TABLE IF EXISTS "idx_{table}_{column}"')
                cursor.execute("SELECT CreateSpatialIndex(%s, %s)", [table, column])
                repaired.append(f"{table}.{column}")
    if repaired:
        logger.info("re-created SpatiaLite spatial indexes: %s", ", ".join(repaired))
    return repaired


class InBBox(Func):
    """``field`` lies in the box (min_lng, min_lat, max_lng, max_lat), through the spatial index.

    PostGIS answers ``&&`` from the GiST index and can combine it with ``<->`` ordering in
    one index scan. SpatiaLite never consults its R*Tree unless the query names it, so on
    SQLite the condition reads the ``idx_<table>_<column>`` table directly.
    """

    conditional = True
    output_field = BooleanField()

    def __init__(self, field: str, bbox: tuple[float, float, float, float]) -> None:
        self.bbox = tuple(float(v) for v in bbox)
        super().__init__(F(field), F("pk"))

    def as_sql(self, compiler: Any, connection: Any, **extra: Any) -> tuple[str, list[Any]]:
        raise NotImplementedError(f"InBBox has no SQL for the {connection.vendor} backend")

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any):
        column_sql, params = compiler.compile(self.source_expressions[0])
        return (
            f"{column_sql} && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
            [*params, *self.bbox],
        )

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any):
        column, pk = self.source_expressions
        column_sql, column_params = compiler.compile(column)
        pk_sql, pk_params = compiler.compile(pk)
        index = connection.ops.quote_name(
            f"idx_{column.target.model._meta.db_table}_{column.target.column}"
        )
        min_lng, min_lat, max_lng, max_lat = self.bbox
        sql = (
            f"{pk_sql} IN (SELECT pkid FROM {index} "  # noqa: S608 - names, not input
            "WHERE xmax >= %s AND xmin <= %s AND ymax >= %s AND ymin <= %s) "
            f"AND MbrIntersects({column_sql}, BuildMbr(%s, %s, %s, %s, 4326))"
        )
        return sql, [
            *pk_params,
            min_lng,
            max_lng,
            min_lat,
            max_lat,
            *column_params,
            min_lng,
            min_lat,
            max_lng,
            max_lat,
        ]


def bbox_around(lng: float, lat: float, metres: float) -> tuple[float, float, float, float]:
    """A lng/lat box that contains the circle of ``metres`` around the point."""
    dlat = metres / METRES_PER_DEGREE
    top = min(89.9, abs(lat) + dlat)
    dlng = min(180.0, metres / (METRES_PER_DEGREE * math.cos(math.radians(top))))
    return (
        max(-180.0, lng - dlng),
        max(-90.0, lat - dlat),
        min(180.0, lng + dlng),
        min(90.0, lat + dlat),
    )


def degrees_bound(lat: float, metres: float) -> float:
    """The largest planar lng/lat distance (degrees) a point ``metres`` away can have.

    ``<->`` on SRID 4326 orders by planar degrees. A point at true distance d from a
    point at latitude φ lies within d / (111 km × cos φmax) planar degrees, φmax being
    the highest latitude the circle reaches; 5 % covers sphere-versus-spheroid and the
    flat-earth approximation at the distances a worker walks or rides.
    """
    top = min(89.0, abs(lat) + metres / METRES_PER_DEGREE)
    return 1.05 * metres / (METRES_PER_DEGREE * math.cos(math.radians(top)))


# Metres per degree of latitude on the sphere PostGIS's ST_DistanceSphere uses.
METRES_PER_DEGREE = 6370986 * math.pi / 180
