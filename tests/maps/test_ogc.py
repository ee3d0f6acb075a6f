"""OGC API – Features at /ogc/, checked against the required fields of Part 1 (Core,
GeoJSON, HTML, OpenAPI 3.0), and read by GDAL's own client from a live server."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import subprocess

import pytest
from django.contrib.gis.geos import Point
from drf_spectacular.validation import validate_schema

from maps import geojson
from stations.models import Station
from tests.serverprocess import gunicorn

pytestmark = [pytest.mark.django_db]

CORE = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core"
GEOJSON_CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson"
HTML_CONF = "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html"
ITEMS = "/ogc/collections/stations/items"


def rels(body: dict) -> dict[str, list[dict]]:
    out: dict[str, list[dict]] = {}
    for link in body["links"]:
        assert {"href", "rel"} <= set(link), link  # /req/core: every link has href and rel
        out.setdefault(link["rel"], []).append(link)
    return out


def bulk_stations(network, n: int, *, start_lng: float = 101.0) -> None:
    Station.objects.bulk_create(
        Station(
            code=f"QH-OGC-{i:04d}",
            name=f"开放数据站{i}",
            kind="other",
            union=network.xining,
            region=network.xining.region,
            address="青海省西宁市",
            location=Point(start_lng + (i % 20) * 0.01, 36.0 + (i // 20) * 0.01, srid=4326),
            service_codes=["water"],
        )
        for i in range(n)
    )


def test_landing_conformance_and_collections_have_the_required_fields(client, network):
    landing = client.get("/ogc/")
    assert landing.status_code == 200 and landing["Content-Type"] == "application/json"
    links = rels(landing.json())
    # /req/core/root-success: the API definition, conformance and data.
    assert links.keys() >= {"self", "service-desc", "conformance", "data"}
    api = client.get(links["service-desc"][0]["href"])
    assert api.status_code == 200 and api.json()["openapi"].startswith("3.0")
    validate_schema(api.json())  # the OpenAPI 3.0 meta-schema (raises when invalid)
    assert "/collections/{collectionId}/items" in api.json()["paths"]

    conformance = client.get("/ogc/conformance").json()
    assert {CORE, GEOJSON_CONF, HTML_CONF} <= set(conformance["conformsTo"])

    body = client.get("/ogc/collections").json()
    assert "self" in rels(body)
    (stations,) = body["collections"]
    assert stations["id"] == "stations" and stations["itemType"] == "feature"
    item_links = rels(stations)["items"]
    assert {link["type"] for link in item_links} >= {"application/geo+json", "text/html"}
    (bbox,) = stations["extent"]["spatial"]["bbox"]
    assert bbox[0] <= 94.9033 and bbox[2] >= 101.7782  # Golmud and Xining are inside
    assert stations["extent"]["spatial"]["crs"].endswith("/OGC/1.3/CRS84")
    assert len(stations["extent"]["temporal"]["interval"][0]) == 2
    assert client.get("/ogc/collections/stations").json()["id"] == "stations"


def test_items_page_with_counts_and_next_prev_links(client, network):
    bulk_stations(network, 25)
    total = Station.objects.filter(status="active").count()
    first = client.get(ITEMS, {"limit": 10})
    assert first.status_code == 200 and first["Content-Type"] == "application/geo+json"
    body = first.json()
    assert body["type"] == "FeatureCollection"
    assert body["numberMatched"] == total and body["numberReturned"] == 10
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["timeStamp"])
    links = rels(body)
    assert "prev" not in links and links.keys() >= {"self", "alternate", "next"}
    seen = [f["id"] for f in body["features"]]
    page = body
    while "next" in rels(page):
        page = client.get(rels(page)["next"][0]["href"]).json()
        seen += [f["id"] for f in page["features"]]
        assert "prev" in rels(page)
    assert len(seen) == len(set(seen)) == total
    back = client.get(rels(page)["prev"][0]["href"]).json()
    assert back["numberReturned"] == 10
    feature = body["features"][0]
    assert feature["type"] == "Feature" and feature["geometry"]["type"] == "Point"
    # A limit over the maximum is the maximum, not an error (/req/core/fc-limit-response).
    assert client.get(ITEMS, {"limit": 99999}).json()["numberReturned"] == total


@pytest.mark.postgis
def test_postgis_pages_hold_the_same_features_as_python_builds(client, network):
    """On PostGIS the JSON pages carry features built by the database; they equal the
    Python builder's (which the HTML pages and SpatiaLite use)."""
    bulk_stations(network, 30)
    body = client.get(ITEMS, {"limit": 20, "offset": 5}).json()
    stations = geojson.open_values(geojson.open_stations().order_by("code"))[5:25]
    assert body["features"] == [geojson.open_feature(v) for v in stations]
    assert body["numberReturned"] == 20 and body["links"][0]["rel"] == "self"


def test_bbox_and_datetime_filter_the_items(client, network):
    bulk_stations(network, 20, start_lng=100.0)
    body = client.get(ITEMS, {"bbox": "99.99,35.99,100.5,36.5", "limit": 100}).json()
    assert body["numberMatched"] == 20
    assert all(f["id"].startswith("QH-OGC-") for f in body["features"])
    six = client.get(ITEMS, {"bbox": "99.99,35.99,0,100.5,36.5,10"}).json()
    assert six["numberMatched"] == 20
    Station.objects.filter(code="QH-OGC-0003").update(
        updated_at=dt.datetime(2020, 5, 1, 12, tzinfo=dt.UTC)
    )
    old = client.get(ITEMS, {"datetime": "../2020-12-31T00:00:00Z"}).json()
    assert [f["id"] for f in old["features"]] == ["QH-OGC-0003"]
    assert client.get(ITEMS, {"datetime": "2020-05-01"}).json()["numberMatched"] == 1
    recent = client.get(ITEMS, {"datetime": "2021-01-01T00:00:00Z/..", "limit": 1000}).json()
    assert recent["numberMatched"] == Station.objects.filter(status="active").count() - 1


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"limit": "0"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"offset": "-1"}, "offset"),
        ({"bbox": "1,2,3"}, "bbox"),
        ({"bbox": "nan,1,2,3"}, "bbox"),
        ({"bbox-crs": "EPSG:3857", "bbox": "1,1,2,2"}, "bbox-crs"),
        ({"datetime": "yesterday"}, "datetime"),
        ({"datetime": "../.."}, "datetime"),
        ({"datetime": "2025-02-01/2025-01-01"}, "datetime"),
        ({"color": "red"}, "color"),
        ({"f": "xml"}, "f"),
    ],
)
def test_bad_parameters_answer_400_naming_them(client, db, params, field):
    response = client.get(ITEMS, params)
    assert response.status_code == 400
    body = response.json()
    assert body["code"] == "InvalidParameterValue" and body["description"]
    assert body["error"]["field"] == field


def test_one_feature_and_what_is_not_there(client, network):
    response = client.get(f"{ITEMS}/QH-XN-0001")
    assert response.status_code == 200 and response["Content-Type"] == "application/geo+json"
    feature = response.json()
    assert feature["id"] == "QH-XN-0001" and feature["type"] == "Feature"
    assert rels(feature).keys() >= {"self", "alternate", "collection"}
    assert client.get(f"{ITEMS}/NO-SUCH").status_code == 404
    assert client.get("/ogc/collections/workers").status_code == 404
    assert client.get("/ogc/collections/workers/items").json()["error"]["field"] == "collectionId"
    assert client.post(ITEMS).status_code == 405


@pytest.mark.parametrize(
    "path",
    ["/ogc/", "/ogc/conformance", "/ogc/collections", "/ogc/collections/stations",
     ITEMS, f"{ITEMS}/QH-XN-0001"],
)  # fmt: skip
def test_every_resource_has_an_html_page_by_f_or_accept(client, network, path):
    by_f = client.get(path, {"f": "html"})
    by_accept = client.get(path, HTTP_ACCEPT="text/html,application/xhtml+xml,*/*;q=0.8")
    for response in (by_f, by_accept):
        assert response.status_code == 200
        assert response["Content-Type"].startswith("text/html")
        html = response.content.decode()
        assert "<h1>" in html and "<script>" not in html
    as_json = client.get(path, HTTP_ACCEPT="application/json")
    assert as_json["Content-Type"] in ("application/json", "application/geo+json")


# GDAL reads it -----------------------------------------------------------------------------


@pytest.fixture
def live(transactional_db, network, tmp_path):
    """gunicorn on the test database, which holds the network and 130 more stations."""
    bulk_stations(network, 130)
    with gunicorn(tmp_path) as base:
        yield base


def ogr(*args: str) -> str:
    result = subprocess.run(
        ["ogrinfo", "-ro", *args], capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout[-2000:] + result.stderr[-2000:]
    return result.stdout


@pytest.mark.postgis
@pytest.mark.django_db(transaction=True)
def test_gdal_reads_the_ogc_api_and_the_geojson_dump_with_the_same_count(live):
    assert shutil.which("ogrinfo"), "gdal-bin is installed by scripts/lib.sh"
    active = Station.objects.filter(status="active").count()
    assert active == 133
    summary = ogr("-so", f"OAPIF:{live}/ogc/", "stations")
    assert re.search(r"Feature Count: (\d+)", summary).group(1) == str(active)
    assert "Geometry: Point" in summary and "services: " in summary
    # Every feature, read page by page through the next links (25 a page).
    everything = ogr("-al", "-oo", "PAGE_SIZE=25", f"OAPIF:{live}/ogc/", "stations")
    assert everything.count("OGRFeature(stations)") == active
    dump = ogr("-so", "-al", f"{live}/api/v1/stations.geojson")
    assert re.search(r"Feature Count: (\d+)", dump).group(1) == str(active)
    assert "QH-OGC-0129" in ogr("-al", "-q", f"{live}/api/v1/stations.geojson")
