"""Backend differences in one place: what PostGIS can do that SpatiaLite cannot, and repairs
SpatiaLite needs."""

from __future__ import annotations

import logging
from typing import Any

from django.apps import apps
from django.contrib.gis.db.models import GeometryField
from django.db import connections

logger = logging.getLogger(__name__)


def is_postgis(using: str = "default") -> bool:
    """The one capability check for PostGIS-only accelerations (``<->`` KNN, plans)."""
    return connections[using].vendor == "postgresql"


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
