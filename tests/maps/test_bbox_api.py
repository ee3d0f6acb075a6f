"""Bounding box, clusters and detail endpoints."""

import datetime as dt

import pytest
import time_machine
from django.contrib.gis.geos import Point

from stations.models import Station
from tests.maps.conftest import WEDNESDAY_10

pytestmark = [pytest.mark.django_db, pytest.mark.spatialite]

XINING_BOX = "101.70,36.55,101.85,36.70"


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_bbox_lists_the_stations_inside(client, city, network):
    body = client.get("/api/v1/stations/", {"bbox": XINING_BOX}).json()
    codes = {f["properties"]["code"] for f in body["features"]}
    assert codes == set(city)
    assert "QH-HX-0001" not in codes  # Golmud is far west
    body = client.get("/api/v1/stations/", {"bbox": XINING_BOX, "service": "charging"}).json()
    assert [f["properties"]["code"] for f in body["features"]] == ["QH-XN-1003"]
    body = client.get("/api/v1/stations/", {"bbox": XINING_BOX, "open_now": "true"}).json()
    assert all(f["properties"]["open_now"] for f in body["features"])
    assert "QH-XN-1003" not in {f["properties"]["code"] for f in body["features"]}


@pytest.mark.parametrize(
    "bbox",
    ["", "1,2,3", "a,b,c,d", "101,36,100,37", "-181,0,10,10", "0,-91,10,10", "90,30,120,50"],
)
def test_malformed_or_oversized_bbox_is_refused(client, db, bbox):
    response = client.get("/api/v1/stations/", {"bbox": bbox})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "bbox"


def test_more_than_2000_stations_answers_400_and_points_to_clusters(client, network):
    Station.objects.bulk_create(
        Station(
            code=f"QH-BULK-{i:04d}",
            name=f"批量{i}",
            kind="other",
            union=network.xining,
            region=network.xining.region,
            address="x",
            location=Point(101.70 + (i % 50) * 0.002, 36.60 + (i // 50) * 0.002, srid=4326),
        )
        for i in range(2001)
    )
    response = client.get("/api/v1/stations/", {"bbox": "101.6,36.5,101.9,36.8"})
    assert response.status_code == 400
    assert "clusters" in response.json()["error"]["message"]
    clusters = client.get(
        "/api/v1/stations/clusters/", {"bbox": "101.6,36.5,101.9,36.8", "zoom": 8}
    )
    assert clusters.status_code == 200
    features = clusters.json()["features"]
    assert sum(f["properties"].get("count", 1) for f in features) == 2001 + 2  # + network
    assert len(features) < 20


def test_clusters_split_when_zooming_in(client, city, network):
    box = "90,30,105,40"
    low = client.get("/api/v1/stations/clusters/", {"bbox": box, "zoom": 4}).json()["features"]
    total = Station.objects.filter(status="active").count()
    assert sum(f["properties"].get("count", 1) for f in low) == total
    golmud = [f for f in low if not f["properties"]["cluster"]]
    assert [f["properties"]["code"] for f in golmud] == ["QH-HX-0001"]
    xining = [f for f in low if f["properties"]["cluster"]]
    assert len(xining) == 1 and xining[0]["properties"]["count"] == total - 1
    lng, lat = xining[0]["geometry"]["coordinates"]
    assert 101.7 < lng < 101.85 and 36.55 < lat < 36.7
    high = client.get(
        "/api/v1/stations/clusters/", {"bbox": "101.70,36.55,101.85,36.70", "zoom": 17}
    )
    features = high.json()["features"]
    assert all(not f["properties"]["cluster"] for f in features)
    assert len(features) == total - 1


@pytest.mark.parametrize("zoom", ["", "21", "-1", "x"])
def test_clusters_need_a_sane_zoom(client, db, zoom):
    response = client.get("/api/v1/stations/clusters/", {"bbox": "90,30,105,40", "zoom": zoom})
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "zoom"


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_detail_has_what_a_worker_needs(client, city):
    response = client.get("/api/v1/stations/QH-XN-1001/")
    assert response.status_code == 200
    feature = response.json()
    props = feature["properties"]
    assert feature["type"] == "Feature"
    assert props["code"] == "QH-XN-1001"
    assert len(props["week"]) == 7
    assert props["week"][0]["date"] == "2027-07-14"
    assert props["week"][0]["hours"] == "08:00–20:00"
    assert props["week"][1]["closed"] is True  # only Wednesdays
    assert [s["code"] for s in props["services"]] == ["water", "toilet"]
    assert props["services"][0]["name"] == "饮用水"
    assert set(props["accessibility"]) == {"step_free", "accessible_toilet"}
    assert props["open_now"] is True
    assert set(props["directions"]) == {"amap", "baidu", "osm"}
    assert "rating" in props and "weather_alert" in props


def test_detail_in_english(client, city):
    props = client.get("/api/v1/stations/QH-XN-1001/", HTTP_ACCEPT_LANGUAGE="en").json()[
        "properties"
    ]
    assert props["services"][0]["name"] == "Drinking water"


def test_unknown_station_answers_404(client, db):
    response = client.get("/api/v1/stations/QH-NOPE-0001/")
    assert response.status_code == 404
    assert response.json()["error"]["field"] == "code"


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_closures_are_listed_and_close_the_day(client, city):
    from stations.services import stations as services
    from stations.services.stations import ClosureInput

    station = Station.objects.get(code="QH-XN-1001")
    services.station_save(
        actor=None,
        station=station,
        closures=[
            ClosureInput(
                starts_on=dt.date(2027, 7, 14), ends_on=dt.date(2027, 7, 14), reason="检修"
            )
        ],
    )
    props = client.get("/api/v1/stations/QH-XN-1001/").json()["properties"]
    assert props["open_now"] is False
    assert props["hours_today"] == "今日闭站"
    assert props["closures"] == [
        {"starts_on": "2027-07-14", "ends_on": "2027-07-14", "reason": "检修"}
    ]
