"""The nearby search reads the spatial index, never the whole table.

PostGIS: at 50,000 stations the candidate query is a GiST index scan ordered by ``<->``,
with and without the service and open-now filters. SpatiaLite: the query reads the
R*Tree (``idx_stations_station_location``).
"""

from __future__ import annotations

import json
import re

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from maps import selectors
from tests.conftest import build_network, ensure_seeded_data
from tests.maps.conftest import WEDNESDAY_10, XINING, haversine_m

STATIONS = 50_000
WEEK = json.dumps(
    {"periods": [[d, "08:00", "18:00", False, "", ""] for d in range(1, 8)], "closures": []}
)


def fill_network(network, count: int) -> None:
    """Insert ``count`` stations spread over Qinghai, a third with water+toilet, most with
    hours, in a few statements (the services would take minutes for 50,000 rows)."""
    with connection.cursor() as cursor:
        cursor.execute(
            """
            INSERT INTO stations_station
              (code, name, name_en, kind, host_organization, union_id, region_id, location,
               address, phone, status, seats, step_free, accessible_toilet, is_24h, is_demo,
               schedule, service_codes, created_at, updated_at)
            SELECT 'QH-GEN-' || lpad(i::text, 6, '0'), '站点' || i, '', 'other', '', %s, %s,
                   ST_SetSRID(ST_MakePoint(90 + random() * 12, 32 + random() * 7), 4326),
                   '', '', CASE WHEN i %% 20 = 0 THEN 'paused' ELSE 'active' END, 4,
                   false, false, i %% 50 = 0, false, '{}', '[]', now(), now()
            FROM generate_series(1, %s) AS i
            """,
            [network.xining.pk, network.xining.region_id, count],
        )
        cursor.execute(
            """
            INSERT INTO stations_station_services (station_id, service_id)
            SELECT s.id, sv.id FROM stations_station s CROSS JOIN stations_service sv
            WHERE s.code LIKE 'QH-GEN-%%' AND sv.code IN ('water', 'toilet') AND s.id %% 3 = 0
            """,
            [],
        )
        cursor.execute(
            """
            INSERT INTO stations_openingperiod (station_id, weekday, opens, closes, overnight,
                                                season_start, season_end)
            SELECT s.id, d, '08:00', '18:00', false, '', ''
            FROM stations_station s CROSS JOIN generate_series(1, 7) AS d
            WHERE s.code LIKE 'QH-GEN-%%' AND s.id %% 4 <> 0
            """,
            [],
        )
        # The read-side copies the services keep (Station.schedule, Station.service_codes).
        cursor.execute(
            """
            UPDATE stations_station SET schedule = %s::jsonb
            WHERE code LIKE 'QH-GEN-%%' AND id %% 4 <> 0
            """,
            [WEEK],
        )
        cursor.execute(
            """
            UPDATE stations_station SET service_codes = '["water", "toilet"]'
            WHERE code LIKE 'QH-GEN-%%' AND id %% 3 = 0
            """,
            [],
        )
        cursor.execute("ANALYZE stations_station")
        cursor.execute("ANALYZE stations_station_services")
        cursor.execute("ANALYZE stations_openingperiod")


@pytest.fixture(scope="module")
def filled_network(django_db_setup, django_db_blocker):
    """50,000 stations, inserted and analysed once for the module, in a transaction rolled
    back at its end; each test runs inside it in its own savepoint (``db``)."""
    with django_db_blocker.unblock(), transaction.atomic():
        if connection.vendor != "postgresql":
            yield None
        else:
            ensure_seeded_data()
            network = build_network()
            fill_network(network, STATIONS)
            yield network
        transaction.set_rollback(True)


def candidate_queries(queries) -> list[str]:
    return [q["sql"] for q in queries if "<->" in q["sql"] and "stations_station" in q["sql"]]


def explain(sql: str) -> str:
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN " + sql)
        return "\n".join(row[0] for row in cursor.fetchall())


@pytest.mark.django_db
@pytest.mark.parametrize(
    "filters",
    [
        {},
        {"services": ["water", "toilet"]},
        {"open_now": True},
        {"services": ["water"], "open_now": True},
    ],
    ids=["plain", "services", "open_now", "both"],
)
@pytest.mark.postgis
def test_postgis_nearby_is_an_index_scan_ordered_by_knn(filled_network, db, filters):
    assert connection.vendor == "postgresql", "the plan test runs on PostGIS"
    with CaptureQueriesContext(connection) as ctx:
        found = selectors.station_nearby(
            lat=XINING[0], lng=XINING[1], limit=10, at=WEDNESDAY_10, **filters
        )
    assert len(found) == 10
    sqls = candidate_queries(ctx.captured_queries)
    assert sqls, "the nearby search did not order by <->"
    for sql in sqls:
        plan = explain(sql)
        assert re.search(r"Index Scan using \S*location\S* on stations_station", plan), plan
        assert re.search(r"Order By: \(.*location <-> ", plan), plan
        assert "Seq Scan on stations_station " not in plan + " ", plan
        assert not re.search(r"Sort\b.*\n.*Seq Scan on stations_station", plan), plan


@pytest.mark.postgis
@pytest.mark.django_db
@pytest.mark.parametrize("services", [(), ("water",)], ids=["all", "water"])
def test_postgis_nearby_agrees_with_brute_force_at_scale(filled_network, db, services):
    assert connection.vendor == "postgresql"
    lat, lng = 35.0, 96.0  # the middle of nowhere: far neighbours, where <-> and metres differ
    found = selectors.station_nearby(lat=lat, lng=lng, limit=10, at=WEDNESDAY_10, services=services)
    from stations.models import Station

    stations = Station.objects.filter(status="active")
    for code in services:  # the service tables, not the read-side copy the search filters on
        stations = stations.filter(services__code=code)
    brute = sorted(
        (haversine_m(lat, lng, y, x), code)
        for code, x, y in ((c, p.x, p.y) for c, p in stations.values_list("code", "location"))
    )[:10]
    assert [item.station.code for item in found] == [code for _, code in brute]
    assert [item.distance_m for item in found] == pytest.approx([d for d, _ in brute], rel=1e-4)
