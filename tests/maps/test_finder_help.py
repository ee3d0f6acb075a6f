"""What the finder tells a worker beyond the list: how far and how long in one style, when a
closed station opens and which one is open instead, the weather where they stand, and the
service worker that keeps the finder on the phone."""

from __future__ import annotations

import datetime as dt
import json
import re
from decimal import Decimal

import pytest
import time_machine
from django.conf import settings
from django.contrib.gis.geos import Point
from django.contrib.staticfiles import finders
from django.utils import translation

from maps.presenters import stations as presenters
from stations.models import Region, Station
from tests.maps.conftest import WEDNESDAY_10, XINING
from welfare.services import weather_apply
from welfare.weather import DayForecast

pytestmark = [pytest.mark.django_db]

NEARBY = "/api/v1/stations/nearby/"


@pytest.mark.parametrize(
    ("metres", "distance", "mode", "minutes"),
    [
        (40, "40 米", "walk", 1),
        (850, "850 米", "walk", 11),
        (1999, "2.0 公里", "walk", 25),
        (2001, "2.0 公里", "ride", 9),
        (12_345, "12 公里", "ride", 50),
        (30_000, "30 公里", "ride", 120),
        (30_001, "30 公里", "far", None),
        (420_000, "420 公里", "far", None),
    ],
)
def test_distance_and_travel_time_fit_the_distance(metres, distance, mode, minutes):
    with translation.override("zh-hans"):
        assert presenters.distance_text(metres) == distance
        travel = presenters.travel(metres)
    assert (travel["mode"], travel["minutes"]) == (mode, minutes)
    # No walking minutes for a station 20–600 km away.
    assert ("步行" in travel["text"]) == (mode == "walk")
    assert (travel["text"] == "") == (mode == "far")


def test_english_units():
    with translation.override("en"):
        assert presenters.distance_text(850) == "850 m"
        assert presenters.distance_text(1234) == "1.2 km"
        assert presenters.travel(500)["text"] == "about 7 min on foot"
        assert presenters.travel(5000)["text"] == "about 20 min by bike"


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_nearby_answers_in_one_style(client, city):
    features = client.get(NEARBY, {"lat": XINING[0], "lng": XINING[1], "limit": 50}).json()[
        "features"
    ]
    assert {f["properties"]["travel"]["mode"] for f in features} == {"walk", "ride", "far"}
    for feature in features:
        p = feature["properties"]
        assert p["distance_text"] == presenters.distance_text(p["distance_m"])
        metres = p["distance_m"]
        if min(abs(metres - 2000), abs(metres - 30_000)) > 1:  # rounding decides at a line
            expected = "walk" if metres < 2000 else "ride" if metres < 30_000 else "far"
            assert p["travel"]["mode"] == expected


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_a_closed_station_says_when_it_opens_and_where_to_go_instead(client, city):
    # QH-XN-1003 opens 14:00–20:00 on Wednesdays only; it is 10:00 on a Wednesday.
    with translation.override("zh-hans"):
        detail = client.get("/api/v1/stations/QH-XN-1003/").json()["properties"]
    assert detail["open_now"] is False
    assert detail["next_open"] == "今天 14:00 开放"
    nearest = detail["nearest_open"]
    assert nearest is not None and nearest["code"] != "QH-XN-1003"
    # It is the nearest station open now, by the finder's own measure.
    here = Station.objects.get(code="QH-XN-1003").location
    open_now = client.get(
        NEARBY, {"lat": here.y, "lng": here.x, "open_now": "true", "limit": 3}
    ).json()["features"]
    first_other = next(f for f in open_now if f["properties"]["code"] != "QH-XN-1003")
    assert nearest["code"] == first_other["properties"]["code"]
    # An open station names neither.
    open_one = client.get("/api/v1/stations/QH-XN-1001/").json()["properties"]
    assert open_one["open_now"] is True
    assert open_one["next_open"] == "" and open_one["nearest_open"] is None


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_the_station_page_shows_the_same(client, city):
    with translation.override("zh-hans"):
        page = client.get("/stations/QH-XN-1003/", HTTP_ACCEPT_LANGUAGE="zh-hans")
    html = page.content.decode()
    assert 'id="next-open"' in html and "今天 14:00 开放" in html
    assert 'id="nearest-open"' in html
    assert "/hazards/report/?station=QH-XN-1003" in html


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_hours_not_recorded_is_not_closed_today(client, city, network):
    station = Station.objects.get(code="QH-XN-1003")
    Station.objects.filter(pk=station.pk).update(schedule={}, is_24h=False)
    with translation.override("zh-hans"):
        p = client.get("/api/v1/stations/QH-XN-1003/").json()["properties"]
    assert p["hours_today"] == "营业时间未登记"
    assert p["next_open"] == ""


def test_weather_where_the_worker_stands(client, network):
    today = dt.date(2027, 7, 14)
    Region.objects.filter(code="630103").update(reference_point=Point(101.78, 36.62, srid=4326))
    Region.objects.filter(code="632801").update(reference_point=Point(94.90, 36.40, srid=4326))
    xining = Region.objects.get(code="630100")
    with time_machine.travel(dt.datetime(2027, 7, 14, 9, 0, tzinfo=dt.UTC), tick=False):
        weather_apply(
            region=xining,
            days=[DayForecast(day=today, t_max=Decimal("37.5"), t_min=Decimal("20"))],
            fetched_at=dt.datetime(2027, 7, 14, 6, 0, tzinfo=dt.UTC),
        )
        near_xining = client.get("/api/v1/alerts/here/", {"lat": 36.6, "lng": 101.8}).json()
        in_golmud = client.get("/api/v1/alerts/here/", {"lat": 36.4, "lng": 94.9}).json()
    # 城中区 lies in 西宁市: the city's heat alert is the worker's.
    assert near_xining["region"] == "630103"
    assert [a["temperature"] for a in near_xining["alerts"]] == [37.5]
    assert in_golmud["region"] == "632801" and in_golmud["alerts"] == []
    bad = client.get("/api/v1/alerts/here/", {"lat": "x", "lng": 1})
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "lat"


def test_the_no_js_list_says_where_it_measures_from(client, demo_cities):
    with translation.override("zh-hans"):
        page = client.get("/nearby/", {"city": "630100"}, HTTP_ACCEPT_LANGUAGE="zh-hans")
    assert page.status_code == 200
    assert "距西宁市中心" in page.content.decode()
    unknown = client.get("/nearby/", {"city": "999999"})
    assert unknown.status_code == 400


@pytest.fixture
def demo_cities(network):
    Region.objects.filter(code="630100").update(reference_point=Point(*XINING[::-1], srid=4326))


def test_service_worker_is_served_at_the_root_with_the_shell(client):
    response = client.get("/sw.js")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/javascript")
    assert response["Service-Worker-Allowed"] == "/"
    body = response.content.decode()
    shell = json.loads(re.search(r"var SHELL = (\[.*?\]);", body).group(1))
    assert any(url.endswith("maps/finder.js") for url in shell)
    assert any(url.endswith("leaflet/leaflet.js") for url in shell)
    # Each shell file exists (a missing one would be a silent gap offline).
    for url in shell:
        assert finders.find(url.removeprefix(settings.STATIC_URL)), url
