"""Server-rendered pages: the station page, the no-JavaScript nearby list, the API schema."""

from urllib.parse import parse_qs, urlparse

import pytest
import time_machine

from maps.coords import wgs84_to_bd09, wgs84_to_gcj02
from tests.maps.conftest import WEDNESDAY_10

pytestmark = [pytest.mark.django_db, pytest.mark.spatialite]


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_station_page_has_hours_phone_and_directions(client, city):
    from stations.models import Station

    station = Station.objects.get(code="QH-XN-1001")
    station.phone = "0971-8123456"
    station.save()
    response = client.get("/stations/QH-XN-1001/")
    assert response.status_code == 200
    body = response.content.decode()
    assert 'href="tel:0971-8123456"' in body
    assert body.count("<tr") == 7
    assert "08:00–20:00" in body
    links = response.context["directions"]
    lng, lat = station.location.x, station.location.y
    amap = parse_qs(urlparse(links["amap"]).query)
    gcj_lng, gcj_lat = wgs84_to_gcj02(lng, lat)
    to_lng, to_lat, name = amap["to"][0].split(",", 2)
    assert abs(float(to_lng) - gcj_lng) < 1e-6 and abs(float(to_lat) - gcj_lat) < 1e-6
    assert name == station.name and amap["coordinate"] == ["gaode"]
    baidu = parse_qs(urlparse(links["baidu"]).query)
    bd_lng, bd_lat = wgs84_to_bd09(lng, lat)
    b_lat, b_lng = (float(v) for v in baidu["location"][0].split(","))
    assert abs(b_lat - bd_lat) < 1e-6 and abs(b_lng - bd_lng) < 1e-6
    assert baidu["coord_type"] == ["bd09ll"]
    assert f"{lat:.6f},{lng:.6f}" in links["osm"]  # OpenStreetMap takes WGS-84 as it is


def test_directions_start_from_the_worker_when_known(client, city):
    response = client.get("/stations/QH-XN-1001/", {"from": "36.6171,101.7782"})
    links = response.context["directions"]
    assert "36.617100,101.778200;" in links["osm"]
    assert "from=" in links["amap"]
    assert "origin=latlng" in links["baidu"]
    # A garbled origin is ignored, not a server error.
    assert client.get("/stations/QH-XN-1001/", {"from": "x,y"}).status_code == 200


def test_unknown_station_page_is_404(client, db):
    response = client.get("/stations/QH-NONE-0001/")
    assert response.status_code == 404
    body = response.content.decode()
    assert "Not Found" in body and 'href="tel:' not in body and "<table" not in body


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_nearby_page_works_without_javascript(client, city):
    response = client.get("/nearby/", {"lat": "36.6171", "lng": "101.7782", "service": "toilet"})
    assert response.status_code == 200
    codes = [r["station"].code for r in response.context["results"]]
    assert codes == ["QH-XN-1001", "QH-XN-1003", "QH-XN-1004", "QH-XN-1005", "QH-XN-1006"]
    assert "<script" not in response.content.decode().split("<main")[1]
    travel = response.context["results"][0]["travel"]
    assert (travel["mode"], travel["minutes"]) == ("walk", 4)  # 300 m at 80 m a minute


def test_nearby_page_by_city_and_bad_input(client, city, network):
    from stations.models import Region

    Region.objects.filter(code="630100").update(reference_point="SRID=4326;POINT(101.7782 36.6171)")
    response = client.get("/nearby/", {"city": "630100"})
    assert response.status_code == 200
    assert response.context["results"][0]["station"].code == "QH-XN-1001"
    bad = client.get("/nearby/", {"lat": "999", "lng": "101"})
    assert bad.status_code == 400
    assert "lat" in bad.context["error"]


def test_api_schema_and_docs_are_served_locally(client, db):
    schema = client.get("/api/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert {
        "/api/v1/stations/nearby/",
        "/api/v1/stations/",
        "/api/v1/stations/clusters/",
        "/api/v1/stations/{code}/",
    } <= set(paths)
    docs = client.get("/api/docs/").content.decode()
    assert "swagger" in docs.lower() and "cdn" not in docs.lower()
