"""Open data: the GeoJSON dump (streamed, ETag) and the HSDS 3.0 export."""

from __future__ import annotations

import json
import re
import uuid

import pytest
import time_machine
from django.db import connection

from maps import geojson
from stations.models import Station
from stations.services.stations import station_save
from tests.factories import StationFactory, period
from tests.maps.conftest import WEDNESDAY_10

pytestmark = [pytest.mark.django_db]

DUMP = "/api/v1/stations.geojson"
HSDS = "/api/v1/open-data/hsds/"


def body_of(response) -> dict:
    return json.loads(b"".join(response.streaming_content))


def test_the_dump_streams_every_active_station_and_no_other(client, city):
    Station.objects.filter(code="QH-XN-1005").update(status="paused")
    response = client.get(DUMP)
    assert response.status_code == 200
    assert response.streaming
    assert response["Content-Type"] == "application/geo+json"
    body = body_of(response)
    codes = {f["id"] for f in body["features"]}
    active = set(Station.objects.filter(status="active").values_list("code", flat=True))
    assert codes == active and "QH-XN-1005" not in codes and "QH-XN-1001" in codes
    feature = next(f for f in body["features"] if f["id"] == "QH-XN-1003")
    lat, lng = city["QH-XN-1003"]
    assert feature["geometry"]["coordinates"] == [round(lng, 6), round(lat, 6)]
    props = feature["properties"]
    assert props["services"] == ["water", "toilet", "charging"]
    assert props["code"] == "QH-XN-1003" and props["url"] == "/stations/QH-XN-1003/"
    assert props["union"] == "QH-XN-CZ" and re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ",
                                                          props["updated"])  # fmt: skip


def test_the_dump_answers_304_to_its_etag_and_changes_when_a_station_does(client, city):
    first = client.get(DUMP)
    etag = first["ETag"]
    assert etag.startswith('"') and first["Cache-Control"].startswith("public")
    again = client.get(DUMP, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304 and again["ETag"] == etag and not again.content
    station = Station.objects.get(code="QH-XN-1002")
    station.name = "改了名字的驿站"
    station_save(actor=None, station=station)
    changed = client.get(DUMP, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag
    names = {f["id"]: f["properties"]["name"] for f in body_of(changed)["features"]}
    assert names["QH-XN-1002"] == "改了名字的驿站"
    Station.objects.filter(code="QH-XN-1004").update(status="closed")
    assert client.get(DUMP, HTTP_IF_NONE_MATCH=changed["ETag"]).status_code == 200


@pytest.mark.postgis
def test_postgis_builds_the_same_features_as_python(city):
    """The dump's SQL (json_build_object) and the Python builder agree feature by feature."""
    assert connection.vendor == "postgresql"
    sql = json.loads(b"".join(geojson.dump_chunks(chunk_size=2)))["features"]
    python = [
        geojson.open_feature(v)
        for v in geojson.open_values(geojson.open_stations().order_by("code"))
    ]
    assert len(sql) == len(python) >= 6
    assert sql == python


@pytest.mark.postgis
@time_machine.travel(WEDNESDAY_10, tick=False)
def test_postgis_bbox_in_one_statement_equals_the_python_answer(client, city):
    """The bbox answer built by PostGIS equals the presenters' answer, open-now included."""
    from maps import selectors
    from maps.presenters import stations as presenters

    bbox = (101.70, 36.55, 101.85, 36.70)
    response = client.get("/api/v1/stations/", {"bbox": ",".join(map(str, bbox))})
    assert response.status_code == 200
    rows, _ = selectors.stations_in_bbox(bbox=bbox, at=WEDNESDAY_10)
    day = presenters.today_local(WEDNESDAY_10)
    expected = presenters.feature_collection(
        [presenters.station_feature(s, open_now=o, day=day) for s, o in rows]
    )
    got = json.loads(response.content)
    got["features"].sort(key=lambda f: f["properties"]["code"])  # grouped by hours
    assert got == expected
    opened = {f["properties"]["code"]: f["properties"]["open_now"] for f in expected["features"]}
    assert opened["QH-XN-1001"] is True and opened["QH-XN-1003"] is False


# HSDS 3.0 ---------------------------------------------------------------------------------

# Required fields and enumerations of HSDS 3.0 (openreferral/specification, schema/*.json).
REQUIRED = {
    "organizations": ["id", "name", "description"],
    "locations": ["id", "location_type"],
    "addresses": ["id", "address_1", "city", "state_province", "postal_code", "country",
                  "address_type"],
    "phones": ["id", "number"],
    "services": ["id", "name", "status"],
    "service_at_locations": ["id"],
    "schedules": ["id"],
}  # fmt: skip
ENUMS = {
    ("locations", "location_type"): {"physical", "postal", "virtual"},
    ("addresses", "address_type"): {"physical", "postal", "virtual"},
    ("services", "status"): {"active", "inactive", "defunct", "temporarily closed"},
    ("schedules", "freq"): {"WEEKLY", "MONTHLY"},
    ("schedules", "wkst"): {"MO", "TU", "WE", "TH", "FR", "SA", "SU"},
}
NUMBERS = {("locations", "latitude"), ("locations", "longitude"), ("schedules", "timezone")}
UUID_FIELDS = {"id", "organization_id", "parent_organization_id", "location_id", "service_id",
               "service_at_location_id", "link_id"}  # fmt: skip


def check_hsds(body: dict) -> None:
    for table, required in REQUIRED.items():
        for record in body[table]:
            missing = [name for name in required if name not in record]
            assert not missing, (table, missing, record)
            for name, value in record.items():
                if name in UUID_FIELDS:
                    assert str(uuid.UUID(value)) == value, (table, name, value)
                elif (table, name) in NUMBERS:
                    assert isinstance(value, int | float), (table, name, value)
                elif not isinstance(value, list):
                    assert isinstance(value, str), (table, name, value)  # HSDS strings
                if (table, name) in ENUMS:
                    assert value in ENUMS[(table, name)], (table, name, value)
    ids = {table: {r["id"] for r in body[table]} for table in REQUIRED}
    for table in REQUIRED:
        assert len(ids[table]) == len(body[table]), f"duplicate ids in {table}"
    for org in body["organizations"]:
        assert (
            org.get("parent_organization_id", next(iter(ids["organizations"])))
            in ids["organizations"]
        )
    for link in body["service_at_locations"]:
        assert link["service_id"] in ids["services"] and link["location_id"] in ids["locations"]
    for record in body["services"] + body["locations"]:
        assert record["organization_id"] in ids["organizations"]
    for record in body["schedules"]:
        assert record["service_at_location_id"] in ids["service_at_locations"]
    for record in body["addresses"] + body["phones"]:
        assert record["location_id"] in ids["locations"]


@time_machine.travel(WEDNESDAY_10, tick=False)
def test_hsds_export_has_every_required_field_and_consistent_links(client, city, network):
    seasonal = StationFactory(code="QH-XN-1010", union=network.xining, phone="0971-1234567")
    station_save(
        actor=None,
        station=seasonal,
        services=["water"],
        periods=[
            period(1, "09:00", "17:00"),
            period(2, "09:00", "17:00"),
            period(6, "07:00", "21:00", season_start="06-01", season_end="09-30"),
        ],
    )
    response = client.get(HSDS, {"per_page": 100})
    assert response.status_code == 200
    body = response.json()
    check_hsds(body)
    assert body["hsds_version"] == "3.0"
    active = Station.objects.filter(status="active").count()
    assert body["total_items"] == active == len(body["locations"]) == len(body["services"])
    # The union tree: Chengzhong's parent (Xining) and its parent (the province) are there.
    names = {o["name"] for o in body["organizations"]}
    assert {"城中区总工会", "西宁市总工会", "青海省总工会"} <= names
    location = next(r for r in body["locations"] if r["external_identifier"] == "QH-XN-1010")
    link = next(r for r in body["service_at_locations"] if r["location_id"] == location["id"])
    rules = sorted(
        (r["byday"], r["opens_at"], r["closes_at"], r.get("valid_from"), r.get("valid_to"))
        for r in body["schedules"]
        if r["service_at_location_id"] == link["id"]
    )
    assert rules == [
        ("MO,TU", "09:00", "17:00", None, None),
        ("SA", "07:00", "21:00", "2027-06-01", "2027-09-30"),
    ]
    phone = next(r for r in body["phones"] if r["location_id"] == location["id"])
    assert phone["number"] == "0971-1234567"
    full_day = next(r for r in body["locations"] if r["external_identifier"] == "QH-XN-1004")
    link = next(r for r in body["service_at_locations"] if r["location_id"] == full_day["id"])
    (rule,) = [r for r in body["schedules"] if r["service_at_location_id"] == link["id"]]
    assert rule["byday"] == "MO,TU,WE,TH,FR,SA,SU" and rule["opens_at"] == "00:00"
    # Stable ids: the same export twice gives the same UUIDs.
    assert client.get(HSDS, {"per_page": 100}).json()["locations"] == body["locations"]


def test_hsds_pages_and_refuses_bad_paging(client, city):
    first = client.get(HSDS, {"per_page": 2}).json()
    second = client.get(HSDS, {"per_page": 2, "page": 2}).json()
    assert first["total_pages"] == -(-first["total_items"] // 2)
    assert len(first["locations"]) == 2 and len(second["locations"]) == 2
    assert not {r["id"] for r in first["locations"]} & {r["id"] for r in second["locations"]}
    for params, field, status in [({"per_page": 0}, "per_page", 400),
                                  ({"page": "x"}, "page", 400),
                                  ({"page": 999}, "page", 404)]:  # fmt: skip
        response = client.get(HSDS, params)
        assert response.status_code == status
        assert response.json()["error"]["field"] == field
