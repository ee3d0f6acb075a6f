"""Nearby search at national scale: ORM and HTTP against the raw-SQL floor, same run.

Fills a scratch PostGIS database with 200,000 stations (or BENCH_STATIONS), then times
for random points in China:

* raw   — ``SELECT id FROM stations_station ORDER BY location <-> point LIMIT 10``
* orm   — the selector's candidate queryset (GeometryDistance order, true distance)
* selector — ``maps.selectors.station_nearby`` (candidates + hours + services)
* http  — ``GET /api/v1/stations/nearby/`` on a local server, and ``GET /healthz``

and prints median and p95 of each with ratios against raw. Absolute times on a shared
machine mean little; the ratios are the result.
"""

from __future__ import annotations

import http.client
import json
import os
import random
import statistics
import subprocess
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEEK = json.dumps(
    {"periods": [[d, "08:00", "20:00", False, "", ""] for d in range(1, 8)], "closures": []}
)
STATIONS = int(os.environ.get("BENCH_STATIONS", "200000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "300"))
PORT = int(os.environ.get("BENCH_PORT", "8765"))
BASE_URL = os.environ.get("DATABASE_URL", "postgis://yizhan:yizhan@127.0.0.1:5432/yizhan")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def summary(name: str, values: list[float], floor: float | None) -> str:
    med, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
    ratio = f"{med / floor:6.2f}×" if floor else "   1.00×"
    return f"{name:<28} median {med:8.3f} ms   p95 {p95:8.3f} ms   {ratio} raw"


def main() -> None:
    name = f"yizhan_bench_{uuid.uuid4().hex[:6]}"
    scheme, rest = BASE_URL.split("://", 1)
    creds_host, _db = rest.rsplit("/", 1)
    bench_url = f"{scheme}://{creds_host}/{name}"
    os.environ["DATABASE_URL"] = bench_url
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings.test")

    import psycopg

    user_pw, host_port = creds_host.split("@")
    user, password = user_pw.split(":")
    host, port = ([*host_port.split(":"), "5432"])[:2]
    admin = psycopg.connect(
        host=host, port=port, user=user, password=password, dbname=_db, autocommit=True
    )
    admin.execute(f'CREATE DATABASE "{name}"')
    server = None
    try:
        env = {**os.environ, "DATABASE_URL": bench_url}
        subprocess.run(
            [sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True
        )
        import django

        django.setup()
        from django.db import connection

        from maps import selectors
        from stations.models import Region, Union

        region = Region.objects.create(code="630000", name="青海省", level="province")
        union = Union(code="QH", name="青海省总工会", kind="province", region=region)
        from stations.services.regions_unions import union_save

        union_save(actor=None, union=union)
        started = time.perf_counter()
        with connection.cursor() as cursor:
            cursor.execute(
                """
                INSERT INTO stations_station
                  (code, name, name_en, kind, host_organization, union_id, region_id, location,
                   address, phone, status, seats, step_free, accessible_toilet, is_24h, is_demo,
                   schedule, service_codes, created_at, updated_at)
                SELECT 'CN-' || lpad(i::text, 7, '0'), '站点' || i, '', 'other', '', %s, %s,
                       ST_SetSRID(ST_MakePoint(75 + random() * 60, 20 + random() * 30), 4326),
                       '', '', 'active', 4, false, false, i %% 10 = 0, false,
                       CASE WHEN i %% 10 = 0 THEN '{}' ELSE %s END::jsonb,
                       '["water", "rest", "toilet"]', now(), now()
                FROM generate_series(1, %s) AS i
                """,
                [union.pk, region.pk, WEEK, STATIONS],
            )
            cursor.execute(
                """
                INSERT INTO stations_openingperiod
                  (station_id, weekday, opens, closes, overnight, season_start, season_end)
                SELECT s.id, d, '08:00', '20:00', false, '', ''
                FROM stations_station s CROSS JOIN generate_series(1, 7) AS d
                WHERE NOT s.is_24h
                """
            )
            cursor.execute(
                """
                INSERT INTO stations_station_services (station_id, service_id)
                SELECT s.id, sv.id FROM stations_station s
                CROSS JOIN stations_service sv WHERE sv.code IN ('water', 'rest', 'toilet')
                """
            )
            cursor.execute("ANALYZE")
        print(f"filled {STATIONS:,} stations in {time.perf_counter() - started:.1f} s")

        rng = random.Random(7)
        points = [(20 + rng.random() * 30, 75 + rng.random() * 60) for _ in range(SAMPLES)]
        from django.contrib.gis.db.models.functions import Distance, GeometryDistance
        from django.contrib.gis.geos import Point

        def timed(fn) -> list[float]:
            for lat, lng in points[:20]:  # warm up caches and the plan cache
                fn(lat, lng)
            out = []
            for lat, lng in points:
                t0 = time.perf_counter()
                fn(lat, lng)
                out.append(time.perf_counter() - t0)
            return out

        def raw(lat: float, lng: float) -> None:
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT id FROM stations_station "
                    "ORDER BY location <-> ST_SetSRID(ST_MakePoint(%s, %s), 4326) LIMIT 10",
                    [lng, lat],
                )
                cursor.fetchall()

        def raw_row(lat: float, lng: float) -> None:
            # The same row the endpoint reads (its fields, lng/lat, true distance), raw.
            with connection.cursor() as cursor:
                cursor.execute(
                    "WITH p AS (SELECT ST_SetSRID(ST_MakePoint(%s, %s), 4326) AS g) "
                    "SELECT s.id, s.code, s.name, s.name_en, s.address, s.phone, s.kind, "
                    "s.is_24h, s.schedule, s.service_codes, ST_X(s.location), ST_Y(s.location), "
                    "ST_DistanceSphere(s.location, p.g), s.location <-> p.g "
                    "FROM stations_station s, p WHERE s.status = 'active' "
                    "ORDER BY s.location <-> p.g LIMIT 20",
                    [lng, lat],
                )
                cursor.fetchall()

        def orm(lat: float, lng: float) -> None:
            # The selector's candidate query (first chunk), as the ORM builds it.
            point = Point(lng, lat, srid=4326)
            qs = (
                selectors.public_stations()
                .annotate(distance=Distance("location", point))
                .annotate(knn=GeometryDistance("location", point))
                .order_by("knn")
            )
            list(selectors.rows(qs, "distance", "knn")[:20])

        def selector(lat: float, lng: float) -> None:
            selectors.station_nearby(lat=lat, lng=lng, limit=10)

        results = {
            "raw": timed(raw),
            "raw, same row as endpoint": timed(raw_row),
            "orm": timed(orm),
            "selector": timed(selector),
        }

        server = subprocess.Popen(
            [
                sys.executable,
                "manage.py",
                "runserver",
                "--noreload",
                "--nothreading",
                f"127.0.0.1:{PORT}",
            ],
            cwd=ROOT,
            env={**env, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "600"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        conn = None
        for _ in range(100):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
                conn.request("GET", "/healthz")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        assert conn is not None

        def get(path: str) -> None:
            conn.request("GET", path)
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")

        results["http trivial (/healthz)"] = timed(lambda lat, lng: get("/healthz"))
        results["http nearby"] = timed(
            lambda lat, lng: get(f"/api/v1/stations/nearby/?lat={lat:.5f}&lng={lng:.5f}&limit=10")
        )
        floor = statistics.median(results["raw"]) * 1000
        print(f"\nnearby, {STATIONS:,} stations, {SAMPLES} random points, limit 10")
        for key, values in results.items():
            print(summary(key, values, floor if key != "raw" else None))
        trivial = statistics.median(results["http trivial (/healthz)"]) * 1000
        http_med = statistics.median(results["http nearby"]) * 1000
        orm_med = statistics.median(results["orm"]) * 1000
        row_med = statistics.median(results["raw, same row as endpoint"]) * 1000
        print(f"\nORM / raw = {orm_med / floor:.2f} (goal ≤ 1.5)")
        print(f"ORM / raw same row = {orm_med / row_med:.2f}")
        print(
            f"HTTP = {http_med / floor:.2f}× raw + … ; (HTTP − trivial) / raw = "
            f"{(http_med - trivial) / floor:.2f} (goal ≤ 3)"
        )
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=10)
        from django.db import connections

        connections.close_all()
        admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.close()


if __name__ == "__main__":
    main()
