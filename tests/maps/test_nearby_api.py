"""The nearby endpoint: true-distance order, filters, the contract and bad input."""

import datetime as dt

import pytest
import time_machine

from stations.models import Station
from tests.maps.conftest import WEDNESDAY_10, XINING, haversine_m

pytestmark = [pytest.mark.django_db, pytest.mark.spatialite]

URL = "/api/v1/stations/nearby/"


def nearby(client, **params):
    params.setdefault("lat", XINING[0])
    params.setdefault("lng", XINING[1])
    return client.get(URL, params)


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_nearest_first_by_true_distance(client, city, network):
    response = nearby(client, limit=50)
    assert response.status_code == 200
    body = response.json()
    assert body["type"] == "FeatureCollection"
    codes = [f["properties"]["code"] for f in body["features"]]
    expected = sorted(
        (haversine_m(*XINING, s.location.y, s.location.x), s.code)
        for s in Station.objects.filter(status="active")
    )
    assert codes == [code for _, code in expected]
    for feature, (metres, _) in zip(body["features"], expected, strict=True):
        assert abs(feature["properties"]["distance_m"] - metres) <= max(2, metres * 0.003)


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_feature_shape(client, city):
    feature = nearby(client, limit=1).json()["features"][0]
    assert feature["geometry"]["type"] == "Point"
    lng, lat = feature["geometry"]["coordinates"]
    assert (round(lat, 5), round(lng, 5)) == tuple(round(v, 5) for v in city["QH-XN-1001"])
    props = feature["properties"]
    assert set(props) == {
        "id",
        "code",
        "name",
        "name_en",
        "address",
        "distance_m",
        "distance_text",
        "travel",
        "next_open",
        "open_spans",
        "open_now",
        "hours_today",
        "services",
        "phone",
        "kind",
        "url",
    }
    assert props["code"] == "QH-XN-1001"
    assert isinstance(props["distance_m"], int) and 290 <= props["distance_m"] <= 310
    assert props["open_now"] is True
    assert props["hours_today"] == "08:00–20:00"
    assert props["services"] == ["water", "toilet"]
    assert props["url"] == "/stations/QH-XN-1001/"


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_service_filter_needs_all_services(client, city):
    body = nearby(client, service="water,toilet", limit=50).json()
    codes = [f["properties"]["code"] for f in body["features"]]
    assert codes == ["QH-XN-1001", "QH-XN-1003", "QH-XN-1004", "QH-XN-1006"]
    body = nearby(client, service="charging").json()
    assert [f["properties"]["code"] for f in body["features"]] == ["QH-XN-1003"]


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_open_now_keeps_only_open_stations(client, city):
    body = nearby(client, open_now="true", limit=50).json()
    codes = [f["properties"]["code"] for f in body["features"]]
    # 1003 opens at 14:00 and 1006 only on Tuesday nights: both closed at 10:00 on Wednesday.
    assert "QH-XN-1003" not in codes and "QH-XN-1006" not in codes
    assert codes[:3] == ["QH-XN-1001", "QH-XN-1002", "QH-XN-1004"]
    assert all(f["properties"]["open_now"] for f in body["features"])
    assert {
        f["properties"]["hours_today"]
        for f in body["features"]
        if f["properties"]["code"] == "QH-XN-1004"
    } == {"24小时"}


def test_overnight_station_is_open_after_midnight(client, city):
    # Tuesday 20:00–02:00 runs into Wednesday 01:30.
    with time_machine.travel(WEDNESDAY_10.replace(hour=1, minute=30), tick=False):
        body = nearby(client, open_now="true", service="water,toilet", limit=50).json()
    codes = [f["properties"]["code"] for f in body["features"]]
    assert codes == ["QH-XN-1004", "QH-XN-1006"]


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_limit_and_radius(client, city):
    assert len(nearby(client, limit=2).json()["features"]) == 2
    codes = [
        f["properties"]["code"] for f in nearby(client, radius_km=1, limit=50).json()["features"]
    ]
    assert codes == ["QH-XN-1001", "QH-XN-1002", "QH-XN-1003"]


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_paused_stations_are_not_listed(client, city):
    Station.objects.filter(code="QH-XN-1001").update(status="paused")
    codes = [f["properties"]["code"] for f in nearby(client, limit=50).json()["features"]]
    assert "QH-XN-1001" not in codes


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"lat": "91"}, "lat"),
        ({"lat": "-90.5"}, "lat"),
        ({"lng": "181"}, "lng"),
        ({"lat": "abc"}, "lat"),
        ({"lng": "NaN"}, "lng"),
        ({"lat": ""}, "lat"),
        ({"limit": "0"}, "limit"),
        ({"limit": "51"}, "limit"),
        ({"limit": "ten"}, "limit"),
        ({"radius_km": "201"}, "radius_km"),
        ({"radius_km": "-1"}, "radius_km"),
        ({"service": "water,sauna"}, "service"),
        ({"open_now": "maybe"}, "open_now"),
    ],
)
def test_bad_input_answers_400_naming_the_field(client, db, params, field):
    response = nearby(client, **params)
    assert response.status_code == 400
    error = response.json()["error"]
    assert error["field"] == field
    assert error["message"]


def test_errors_speak_the_request_language(client, db):
    zh = client.get(URL, {"lat": 91, "lng": 100}, HTTP_ACCEPT_LANGUAGE="zh-Hans").json()
    en = client.get(URL, {"lat": 91, "lng": 100}, HTTP_ACCEPT_LANGUAGE="en").json()
    assert "纬度" in zh["error"]["message"]
    assert "latitude" in en["error"]["message"].lower()


def test_a_service_added_a_moment_ago_filters_at_once(client, city):
    # The catalog is kept per process for a minute; a code missing from that copy is looked
    # up again before it is refused.
    from stations.models import Service

    assert nearby(client, service="water").status_code == 200  # the copy is now warm
    refused = nearby(client, service="shade_tent")
    assert refused.status_code == 400
    assert refused.json()["error"]["field"] == "service"
    Service.objects.create(code="shade_tent", name="遮阳棚", name_en="Shade tent")
    answered = nearby(client, service="shade_tent")
    assert answered.status_code == 200
    assert answered.json()["features"] == []  # no station offers it yet


def test_kept_open_spans_say_what_open_now_says_later(client, city):
    """Offline the finder reads open now from the spans kept with its last list (issue 23):
    every half hour of the next two days, the spans kept at 10:00 agree with the server."""
    with time_machine.travel(WEDNESDAY_10, tick=False):
        kept = {
            f["properties"]["code"]: f["properties"]["open_spans"]
            for f in nearby(client, limit=50).json()["features"]
        }
    assert len(kept) >= 6 and kept["QH-XN-1001"] and kept["QH-XN-1004"]
    for step in range(0, 2 * 48):
        moment = WEDNESDAY_10 + dt.timedelta(minutes=30 * step)
        with time_machine.travel(moment, tick=False):
            now = {
                f["properties"]["code"]: f["properties"]["open_now"]
                for f in nearby(client, limit=50).json()["features"]
            }
        ms = int(moment.timestamp() * 1000)
        said = {code: any(a <= ms < b for a, b in spans) for code, spans in kept.items()}
        assert said == now, moment


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("url", "field"),
    [
        (f"{URL}?lat=36.6&lng=101.7&service=" + "water," * 100, "service"),
        ("/api/v1/stations/?bbox=" + "1" * 600, "bbox"),
        ("/ogc/collections/stations/items?f=json&datetime=" + "2" * 600, "datetime"),
    ],
)
def test_a_parameter_longer_than_its_bound_is_refused_by_name(client, url, field):
    response = client.get(url)
    assert response.status_code == 400
    body = response.json()
    message = body["error"]["message"] if "error" in body else body["description"]
    assert "个字符" in message and ("最多 100" in message or "最多 200" in message)
    if "error" in body:
        assert body["error"]["field"] == field
