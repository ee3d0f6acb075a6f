"""The nearby search reads the spatial index on either backend: PostGIS orders by ``<->``;
SpatiaLite reads the R*Tree (``idx_stations_station_location``). The plan at 50,000
stations is in test_query_plans.py."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps import selectors
from tests.maps.conftest import WEDNESDAY_10, XINING
from tests.maps.test_query_plans import candidate_queries


@pytest.mark.django_db
@pytest.mark.spatialite
def test_nearby_reads_the_spatial_index_on_either_backend(city):
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.station_nearby(lat=XINING[0], lng=XINING[1], limit=3, at=WEDNESDAY_10)
    assert [item.station.code for item in found] == ["QH-XN-1001", "QH-XN-1002", "QH-XN-1003"]
    if connection.vendor == "postgresql":
        assert candidate_queries(ctx.captured_queries)
        return
    station_queries = [
        q["sql"] for q in ctx.captured_queries if 'FROM "stations_station"' in q["sql"]
    ]
    assert station_queries and all(
        "idx_stations_station_location" in sql for sql in station_queries
    )
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + station_queries[0])
        plan = " | ".join(str(row[-1]) for row in cursor.fetchall())
    assert "idx_stations_station_location" in plan and "VIRTUAL TABLE" in plan, plan
