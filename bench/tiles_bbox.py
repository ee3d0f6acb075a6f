"""Vector tiles and bbox GeoJSON against their raw-SQL floors, measured in the same run.

Fills a scratch PostGIS database with 200,000 stations (``BENCH_STATIONS``) spread over
China, denser in a few cities, then times:

* bbox, 1,800–2,000 features:
  - raw: one hand-written statement building the FeatureCollection with
    ``json_build_object``/``json_agg`` (the same properties as the endpoint but open now);
  - selector: ``maps.geojson.bbox_geojson_sql`` (the ORM's statement around the same
    ``json_build_object``, open now and today's hours added per distinct schedule);
  - python: the ORM rows turned into features by ``maps.presenters`` (the SpatiaLite path);
  - http: ``GET /api/v1/stations/?bbox=…`` on a local server.
* vector tiles at z=6 and z=9 (clusters) and z=14 (points):
  - raw: a hand-written ``ST_AsMVT`` statement for the same tile;
  - selector: ``maps.tiles.station_tile``;
  - http: ``GET /tiles/stations/{z}/{x}/{y}.mvt``.

It prints median and p95 of each and the ratio to the floor (goals ≤ 1.5×), and the bytes
on the wire (gzip) of a whole-province view. Self-contained: ``make bench`` runs it after
the other benchmarks (scripts/bench.sh).
"""

from __future__ import annotations

import http.client
import json
import math
import os
import random
import shutil
import statistics
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

WEEK = json.dumps(
    {"periods": [[d, "08:00", "20:00", False, "", ""] for d in range(1, 8)], "closures": []}
)
STATIONS = int(os.environ.get("BENCH_STATIONS", "200000"))
SAMPLES = int(os.environ.get("BENCH_SAMPLES", "60"))
PORT = int(os.environ.get("BENCH_TILES_PORT", "8766"))
BASE_URL = os.environ.get("DATABASE_URL", "postgis://yizhan:yizhan@127.0.0.1:5432/yizhan")
QINGHAI = (89.4, 31.6, 103.1, 39.2)
#: Cities where a third of the stations sit (lng, lat): dense boxes for the bbox case.
CITIES = [(101.78, 36.62), (116.40, 39.90), (121.47, 31.23), (113.26, 23.13), (104.07, 30.67)]

RAW_BBOX = """
SELECT json_build_object('type', 'FeatureCollection', 'features', coalesce(json_agg(
  json_build_object('type', 'Feature', 'id', s.id,
    'geometry', ST_AsGeoJSON(s.location, 6)::json,
    'properties', json_build_object('id', s.id, 'code', s.code, 'name', s.name,
      'name_en', s.name_en, 'address', s.address, 'services', s.service_codes,
      'phone', s.phone, 'kind', s.kind, 'url', '/stations/' || s.code || '/'))
  ORDER BY s.code), '[]'))::text
FROM stations_station s
WHERE s.status = 'active' AND s.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
"""

RAW_TILE_POINTS = """
SELECT ST_AsMVT(t, 'stations', 4096, 'geom') FROM (
  SELECT ST_AsMVTGeom(ST_Transform(s.location, 3857), ST_TileEnvelope(%s, %s, %s), 4096, 64,
                      true) AS geom, 1 AS count, s.code, s.name, s.kind
  FROM stations_station s
  WHERE s.status = 'active' AND s.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
) t
"""

RAW_TILE_CLUSTERS = """
WITH p AS (
  SELECT s.code, s.name, ST_Transform(s.location, 3857) AS g FROM stations_station s
  WHERE s.status = 'active' AND s.location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)
), c AS (
  SELECT count(*) AS n, ST_MakePoint(avg(ST_X(g)), avg(ST_Y(g))) AS g, min(code) AS code,
         min(name) AS name
  FROM p GROUP BY floor(ST_X(g) / %s), floor(ST_Y(g) / %s)
)
SELECT ST_AsMVT(t, 'stations', 4096, 'geom') FROM (
  SELECT ST_AsMVTGeom(ST_SetSRID(c.g, 3857), ST_TileEnvelope(%s, %s, %s), 4096, 64, true) AS geom,
         c.n AS count, CASE WHEN c.n = 1 THEN c.code END AS code,
         CASE WHEN c.n = 1 THEN c.name END AS name
  FROM c
) t
"""


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def line(name: str, values: list[float], floor: float | None) -> str:
    med, p95 = statistics.median(values) * 1000, percentile(values, 0.95) * 1000
    ratio = f"{med / floor:6.2f}×" if floor else "   1.00×"
    return f"  {name:<26} median {med:8.3f} ms   p95 {p95:8.3f} ms   {ratio} raw"


def together(fns: dict[str, Callable[..., object]], samples: list[tuple]) -> dict[str, list]:
    """Each case on each sample in turn (round robin), so that the load of a shared
    machine falls on all cases alike; ``http`` cases get the trivial request timed just
    before them subtracted when ``trivial`` is among the cases."""
    for args in samples[: max(3, len(samples) // 10)]:  # warm caches and plans
        for fn in fns.values():
            fn(*args)
    out: dict[str, list[float]] = {name: [] for name in fns}
    for args in samples:
        for name, fn in fns.items():
            t0 = time.perf_counter()
            fn(*args)
            out[name].append(time.perf_counter() - t0)
    if "trivial" in out:
        trivial = out.pop("trivial")
        for name in [n for n in out if n.startswith("http")]:
            out[name + " − /livez"] = [t - s for t, s in zip(out[name], trivial, strict=True)]
    return out


def tile_of(lng: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    return (
        int((lng + 180) / 360 * n),
        int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n),
    )


def main() -> None:
    name = f"yizhan_bench_tiles_{uuid.uuid4().hex[:6]}"
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

        from maps import geojson, selectors, tiles
        from maps.presenters import stations as presenters
        from stations.models import Region, Union
        from stations.services.regions_unions import union_save

        region = Region.objects.create(code="630000", name="青海省", level="province")
        union = Union(code="QH", name="青海省总工会", kind="province", region=region)
        union_save(actor=None, union=union)
        started = time.perf_counter()
        cities = ",".join(f"({lng}, {lat})" for lng, lat in CITIES)
        with connection.cursor() as cursor:
            # Two thirds spread over China, one third within ~30 km of a few cities.
            cursor.execute(
                f"""
                WITH c(lng, lat) AS (VALUES {cities})
                INSERT INTO stations_station
                  (code, name, name_en, kind, host_organization, union_id, region_id, location,
                   address, phone, status, seats, step_free, accessible_toilet, is_24h, is_demo,
                   schedule, service_codes, created_at, updated_at)
                SELECT 'CN-' || lpad(i::text, 7, '0'), '站点' || i, 'Station ' || i, 'other',
                       '', %s, %s,
                       CASE WHEN i %% 3 = 0 THEN
                         (SELECT ST_SetSRID(ST_MakePoint(c.lng + (random() - 0.5) * 0.6,
                                                         c.lat + (random() - 0.5) * 0.5), 4326)
                          FROM c OFFSET (i / 3) %% {len(CITIES)} LIMIT 1)
                       ELSE ST_SetSRID(ST_MakePoint(75 + random() * 60, 20 + random() * 30), 4326)
                       END,
                       '某路' || i || '号', '0971-' || lpad((i %% 10000000)::text, 7, '0'),
                       'active', 4, false, false, i %% 10 = 0, false,
                       CASE WHEN i %% 10 = 0 THEN '{{}}' ELSE %s END::jsonb,
                       '["water", "rest", "toilet"]', now(), now()
                FROM generate_series(1, %s) AS i
                """,
                [union.pk, region.pk, WEEK, STATIONS],
            )
            cursor.execute("ANALYZE stations_station")
        print(f"filled {STATIONS:,} stations in {time.perf_counter() - started:.1f} s")

        # Boxes around the cities holding 1,800–2,000 stations (the endpoint's cap is 2,000).
        rng = random.Random(11)
        boxes: list[tuple[float, float, float, float]] = []
        attempts = 0
        while len(boxes) < SAMPLES and attempts < SAMPLES * 200:
            attempts += 1
            lng, lat = rng.choice(CITIES)
            half = rng.uniform(0.05, 0.3)
            box = (lng - half, lat - half * 0.8, lng + half, lat + half * 0.8)
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT count(*) FROM stations_station WHERE status = 'active' AND "
                    "location && ST_MakeEnvelope(%s, %s, %s, %s, 4326)",
                    box,
                )
                (n,) = cursor.fetchone()
            if 1800 <= n <= 2000:
                boxes.append(box)
        if not boxes:
            raise SystemExit("no box held 1,800–2,000 stations: raise BENCH_STATIONS")
        samples = [(b,) for b in boxes]

        from django.utils import timezone

        def raw_bbox(box: tuple) -> None:
            with connection.cursor() as cursor:
                cursor.execute(RAW_BBOX, box)
                cursor.fetchone()

        def selector_bbox(box: tuple) -> None:
            text, _n = geojson.bbox_geojson_sql(bbox=box, at=timezone.now())
            assert text is not None

        def python_bbox(box: tuple) -> None:
            at = timezone.now()
            rows, _too_many = selectors.stations_in_bbox(bbox=box, at=at)
            day = presenters.today_local(at)
            json.dumps(
                presenters.feature_collection(
                    [presenters.station_feature(s, open_now=o, day=day) for s, o in rows]
                ),
                ensure_ascii=False,
            )

        # Tiles: random tiles over China at three zooms, each with its raw twin.
        tile_samples: dict[int, list[tuple[int, int, int]]] = {}
        for z in (6, 9, 14):
            picks = []
            for _ in range(SAMPLES):
                lng, lat = (
                    rng.choice(CITIES)
                    if z == 14
                    else (75 + rng.random() * 60, 20 + rng.random() * 30)
                )
                if z == 14:
                    lng += rng.uniform(-0.25, 0.25)
                    lat += rng.uniform(-0.2, 0.2)
                x, y = tile_of(lng, lat, z)
                picks.append((z, x, y))
            tile_samples[z] = picks

        def raw_tile(z: int, x: int, y: int) -> None:
            with connection.cursor() as cursor:
                if z < tiles.CLUSTER_BELOW_ZOOM:
                    cell = 2 * tiles.HALF_WORLD / 2**z / tiles.GRID
                    cursor.execute(
                        RAW_TILE_CLUSTERS, [*tiles.tile_bounds(z, x, y), cell, cell, z, x, y]
                    )
                else:
                    margin = tiles.BUFFER / tiles.EXTENT
                    cursor.execute(
                        RAW_TILE_POINTS, [z, x, y, *tiles.tile_bounds(z, x, y, margin=margin)]
                    )
                cursor.fetchone()

        def selector_tile(z: int, x: int, y: int) -> None:
            tiles.station_tile(z, x, y)

        # The production server (gunicorn, one worker), as bench/run.py uses: the
        # development server's single-threaded wsgiref writes a 0.8 MB answer slowly.
        gunicorn = shutil.which("gunicorn", path=str(Path(sys.executable).parent))
        server = subprocess.Popen(
            [gunicorn, "config.wsgi:application", "--bind", f"127.0.0.1:{PORT}", "--workers",
             "1", "--config", "/dev/null"],
            cwd=ROOT,
            env={**env, "DEBUG": "false", "ALLOWED_HOSTS": "127.0.0.1", "CONN_MAX_AGE": "600"},
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )  # fmt: skip
        conn = None
        for _ in range(150):
            try:
                conn = http.client.HTTPConnection("127.0.0.1", PORT, timeout=30)
                conn.request("GET", "/livez")
                conn.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
        assert conn is not None

        def get(path: str, headers: dict[str, str] | None = None) -> bytes:
            conn.request("GET", path, headers=headers or {})
            response = conn.getresponse()
            body = response.read()
            if response.status != 200:
                raise RuntimeError(f"{path}: {response.status} {body[:200]!r}")
            return body

        bbox_results = together(
            {
                "raw json_build_object": raw_bbox,
                "selector (one statement)": selector_bbox,
                "python (SpatiaLite path)": python_bbox,
                "trivial": lambda b: get("/livez"),
                "http": lambda b: get("/api/v1/stations/?bbox=" + ",".join(map(str, b))),
            },
            samples,
        )
        tile_results = {
            z: together(
                {
                    "raw ST_AsMVT": raw_tile,
                    "selector": selector_tile,
                    "trivial": lambda z, x, y: get("/livez"),
                    "http": lambda z, x, y: get(f"/tiles/stations/{z}/{x}/{y}.mvt"),
                },
                picks,
            )
            for z, picks in tile_samples.items()
        }

        print(f"\nbbox GeoJSON, {len(boxes)} boxes of 1,800–2,000 stations ({STATIONS:,} in all)")
        floor = statistics.median(bbox_results["raw json_build_object"]) * 1000
        for key, values in bbox_results.items():
            print(line(key, values, None if key.startswith("raw") else floor))
        print(
            f"  goal: selector ≤ 1.5× raw — "
            f"{statistics.median(bbox_results['selector (one statement)']) * 1000 / floor:.2f}×;"
            f" HTTP less a trivial request "
            f"{statistics.median(bbox_results['http − /livez']) * 1000 / floor:.2f}×"
        )
        for z, results in tile_results.items():
            kind = "clusters" if z < tiles.CLUSTER_BELOW_ZOOM else "points"
            print(f"\nvector tiles z={z} ({kind}), {len(tile_samples[z])} tiles")
            floor = statistics.median(results["raw ST_AsMVT"]) * 1000
            for key, values in results.items():
                print(line(key, values, None if key.startswith("raw") else floor))

        rows: list[tuple[str, str, str, str, str]] = []
        bbox_floor = statistics.median(bbox_results["raw json_build_object"])
        for key, label, goal in (
            ("selector (one statement)", "bbox GeoJSON of 1,800–2,000 features: selector",
             "≤ 1.5×"),
            ("http − /livez", "bbox GeoJSON of 1,800–2,000 features: HTTP less /livez",
             "≤ 1.5×"),
        ):  # fmt: skip
            t = statistics.median(bbox_results[key])
            rows.append((label, f"{t * 1000:.3f} ms",
                         f"raw json_build_object {bbox_floor * 1000:.3f} ms",
                         f"{t / bbox_floor:.2f}", goal))  # fmt: skip
        for z, results in tile_results.items():
            kind = "clusters" if z < tiles.CLUSTER_BELOW_ZOOM else "points"
            floor_t = statistics.median(results["raw ST_AsMVT"])
            for key, what in (("selector", "selector"), ("http − /livez", "HTTP less /livez")):
                t = statistics.median(results[key])
                rows.append((f"vector tile z={z} ({kind}): {what}", f"{t * 1000:.3f} ms",
                             f"raw ST_AsMVT {floor_t * 1000:.3f} ms", f"{t / floor_t:.2f}",
                             "≤ 1.5×"))  # fmt: skip
        for z in (5, 6):
            x0, y0 = tile_of(QINGHAI[0], QINGHAI[3], z)
            x1, y1 = tile_of(QINGHAI[2], QINGHAI[1], z)
            total = 0
            count = 0
            for x in range(x0, x1 + 1):
                for y in range(y0, y1 + 1):
                    body = get(f"/tiles/stations/{z}/{x}/{y}.mvt", {"Accept-Encoding": "gzip"})
                    total += len(body)
                    count += 1
            raw = sum(len(tiles.station_tile(z, x, y)) for x in range(x0, x1 + 1)
                      for y in range(y0, y1 + 1))  # fmt: skip
            print(f"whole Qinghai at z={z}: {count} tiles, {total:,} bytes gzip "
                  f"({raw:,} raw); goal ≤ 200 KB")  # fmt: skip
            rows.append((f"whole Qinghai at z={z} ({count} tiles), on the wire (gzip)",
                         f"{total / 1000:.1f} KB", f"{raw / 1000:.1f} KB before gzip", "—",
                         "≤ 200 KB"))  # fmt: skip
        section = (
            f"\n## Tiles and bbox (bench/tiles_bbox.py, {STATIONS:,} stations, "
            f"{len(boxes)} boxes and {SAMPLES} tiles per zoom, cases timed round robin)\n\n"
            "| case | measured | floor (same run) | ratio | goal |\n|---|---|---|---|---|\n"
            + "\n".join(f"| {c} | {m} | {f} | {r} | {g} |" for c, m, f, r, g in rows)
            + "\n"
        )
        print(section)
        out = Path(os.environ.get("BENCH_OUT", ROOT / "bench" / "results" / "latest.md"))
        if out.exists():  # bench/run.py wrote the main table first (scripts/bench.sh)
            with out.open("a", encoding="utf-8") as handle:
                handle.write(section)
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
