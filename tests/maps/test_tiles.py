"""Vector tiles: ST_AsMVT on PostGIS, clusters at low zoom, caching headers, the size of a
whole-province view, and the query plan. Tiles are decoded by GDAL's MVT driver."""

from __future__ import annotations

import gzip
import json
import math
import re
import subprocess

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from maps import geojson, tiles, views
from stations.models import Station
from tests.maps.conftest import WEDNESDAY_10
from tests.maps.test_query_plans import explain, fill_network

pytestmark = [pytest.mark.django_db]

#: Qinghai, (west, south, east, north).
QINGHAI = (89.4, 31.6, 103.1, 39.2)


def tile_of(lng: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lng + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


def tiles_covering(box: tuple[float, float, float, float], z: int) -> list[tuple[int, int]]:
    x0, y0 = tile_of(box[0], box[3], z)
    x1, y1 = tile_of(box[2], box[1], z)
    return [(x, y) for x in range(x0, x1 + 1) for y in range(y0, y1 + 1)]


def decode(data: bytes, z: int, x: int, y: int, tmp_path) -> list[dict]:
    """The tile's features as GeoJSON (WGS-84), read by GDAL's MVT driver."""
    if not data:
        return []
    path = tmp_path / f"{z}-{x}-{y}.mvt"
    path.write_bytes(data)
    result = subprocess.run(
        ["ogr2ogr", "-f", "GeoJSON", "/vsistdout/", "-oo", f"Z={z}", "-oo", f"X={x}",
         "-oo", f"Y={y}", "-t_srs", "EPSG:4326", f"MVT:{path}", "stations"],
        capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)["features"]


def get_tile(client, z: int, x: int, y: int, **extra):
    return client.get(f"/tiles/stations/{z}/{x}/{y}.mvt", **extra)


@pytest.mark.postgis
def test_a_street_tile_holds_each_station_with_its_code(client, city, tmp_path):
    x, y = tile_of(101.7782, 36.6171, 14)
    response = get_tile(client, 14, x, y)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.mapbox-vector-tile"
    assert response["Cache-Control"] == f"public, max-age={views.TILE_MAX_AGE}"
    features = decode(response.content, 14, x, y, tmp_path)
    codes = {f["properties"]["code"] for f in features}
    west, south, east, north = tiles.tile_bounds(14, x, y)
    inside = {
        code for code, (lat, lng) in city.items() if west <= lng <= east and south <= lat <= north
    }
    assert inside and inside <= codes
    assert "QH-XN-0001" not in codes  # paused by the fixture
    lat, lng = city["QH-XN-1001"]
    (one,) = [f for f in features if f["properties"]["code"] == "QH-XN-1001"]
    got_lng, got_lat = one["geometry"]["coordinates"]
    # A 4096-unit grid over a 2.4 km tile: within a metre of the station.
    assert abs(got_lng - lng) < 1e-5 and abs(got_lat - lat) < 1e-5
    filtered = decode(get_tile(client, 14, x, y, data={"service": "charging"}).content,
                      14, x, y, tmp_path)  # fmt: skip
    assert [f["properties"]["code"] for f in filtered] == ["QH-XN-1003"]


@pytest.mark.postgis
def test_etag_answers_304_and_gzip_when_accepted(client, city):
    x, y = tile_of(101.7782, 36.6171, 14)
    plain = get_tile(client, 14, x, y)
    etag = plain["ETag"]
    again = get_tile(client, 14, x, y, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and not again.content and again["ETag"] == etag
    zipped = get_tile(client, 14, x, y, HTTP_ACCEPT_ENCODING="gzip, deflate")
    assert zipped["Content-Encoding"] == "gzip" and "Accept-Encoding" in zipped["Vary"]
    assert gzip.decompress(zipped.content) == plain.content and zipped["ETag"] != etag
    assert plain.content
    Station.objects.filter(code__startswith="QH-XN-10").update(status="paused")
    assert get_tile(client, 14, x, y, HTTP_IF_NONE_MATCH=etag).status_code == 200


@pytest.mark.postgis
def test_low_zoom_tiles_cluster_every_station_exactly_once(client, network, tmp_path):
    fill_network(network, 3_000)
    active = Station.objects.filter(status="active").count()
    counted, clusters, singles = 0, 0, 0
    for z in (5, 7):
        counted = 0
        for x, y in tiles_covering(QINGHAI, z):
            for f in decode(get_tile(client, z, x, y).content, z, x, y, tmp_path):
                counted += f["properties"]["count"]
                if f["properties"]["count"] > 1:
                    clusters += 1
                    assert "code" not in f["properties"]
                else:
                    singles += 1
                    assert f["properties"]["code"]
        assert counted == active, z
    assert clusters > 10
    # At z=5 a cell is 64 px: at most 16 points a tile.
    x, y = tile_of(96, 35, 5)
    assert len(decode(get_tile(client, 5, x, y).content, 5, x, y, tmp_path)) <= 16


@pytest.mark.postgis
def test_a_whole_province_view_is_under_200_kb_on_the_wire(client, network):
    """Qinghai on a phone (z=5: the province fits 360 px) and one zoom in (z=6, a tablet),
    with 20,000 generated stations, gzip as browsers ask for it."""
    fill_network(network, 20_000)
    for z in (5, 6):
        total = sum(
            len(get_tile(client, z, x, y, HTTP_ACCEPT_ENCODING="gzip").content)
            for x, y in tiles_covering(QINGHAI, z)
        )
        print(f"whole province z={z}: {total:,} bytes")
        assert 0 < total <= 200_000, (z, total)


@pytest.mark.parametrize(
    ("path", "field"),
    [("/tiles/stations/23/0/0.mvt", "z"), ("/tiles/stations/3/8/0.mvt", "x"),
     ("/tiles/stations/3/0/8.mvt", "y"), ("/tiles/stations/3/0/0.mvt?service=nope", "service"),
     ("/tiles/stations/3/0/0.mvt?service=%00", "service")],
)  # fmt: skip
@pytest.mark.postgis
def test_bad_tile_addresses_answer_400_naming_the_part(client, db, path, field):
    response = client.get(path)
    assert response.status_code == 400
    assert response.json()["error"]["field"] == field


def test_tiles_need_postgis_and_say_where_to_go_instead(client, network):
    response = client.get("/tiles/stations/3/6/3.mvt")
    if connection.vendor == "postgresql":
        assert response.status_code == 200
    else:
        assert response.status_code == 404
        assert "clusters" in response.json()["error"]["message"]


@pytest.mark.postgis
def test_postgis_tile_reads_the_spatial_index(network):
    """A clustered tile (z=10, a county) and a street tile (z=14), with and without a service
    filter, at 30,000 stations: the stations are found through the GiST index, not a scan.
    (For a tile covering a good part of the province a scan is the right plan.)"""
    fill_network(network, 30_000)
    for z in (10, 14):
        for services in ([], ["water"]):
            x, y = tile_of(96.5, 35.5, z)
            sql, params = tiles.tile_sql(z, x, y, services=services)
            with connection.cursor() as cursor:
                statement = cursor.mogrify(sql, params)
            plan = explain(statement)
            assert re.search(r"Index Scan (using|on) \S*location\S*", plan), plan
            assert "Seq Scan on stations_station " not in plan + " ", plan
    # The bbox GeoJSON statement too (a county-sized box).
    with CaptureQueriesContext(connection) as ctx:
        text, count = geojson.bbox_geojson_sql(
            bbox=(96.3, 35.3, 96.7, 35.7), at=WEDNESDAY_10, services=["water"]
        )
    assert text is not None and count == len(json.loads(text)["features"]) > 0
    (sql,) = [q["sql"] for q in ctx.captured_queries if "string_agg" in q["sql"]]
    plan = explain(sql)
    assert re.search(r"Index Scan (using|on) \S*location\S*", plan), plan
    assert "Seq Scan on stations_station " not in plan + " ", plan


def test_the_map_page_asks_for_tiles_on_postgis_and_clusters_elsewhere(client, network):
    html = client.get("/").content.decode()
    config = json.loads(re.search(r'id="finder-config"[^>]*>(.*?)</script>', html, re.S)[1])
    assert config["api"]["clusters"] == "/api/v1/stations/clusters/"
    if connection.vendor == "postgresql":
        assert config["vector_tiles"] == "/tiles/stations/{z}/{x}/{y}.mvt"
        assert "leaflet.vectorgrid-1.3.0/Leaflet.VectorGrid.bundled.min.js" in html
    else:
        assert config["vector_tiles"] is None
        assert "vectorgrid" not in html.lower()
