import datetime as dt

import pytest
from django.contrib.gis.geos import Point
from django.core.exceptions import ValidationError

from stations.exceptions import StationsError
from stations.models import Closure, OpeningPeriod, Station
from stations.services.stations import station_save
from tests.factories import period

pytestmark = [pytest.mark.django_db, pytest.mark.spatialite]


def new_station(network, **overrides):
    fields = {
        "code": "QH-XN-0100",
        "name": "新驿站",
        "kind": "standalone",
        "union": network.chengzhong,
        "region": network.chengzhong.region,
        "location": Point(101.77, 36.62, srid=4326),
        "address": "西宁市城中区",
    }
    fields.update(overrides)
    return Station(**fields)


def test_location_outside_china_is_refused_with_a_clear_message(network):
    # Latitude and longitude swapped: a common mistake.
    station = new_station(network, location=Point(36.62, 101.77, srid=4326))
    with pytest.raises(ValidationError) as excinfo:
        station_save(actor=None, station=station)
    assert "location" in excinfo.value.message_dict
    assert "不在中国境内" in excinfo.value.message_dict["location"][0]
    assert not Station.objects.filter(code="QH-XN-0100").exists()


def test_duplicate_code_is_refused(network):
    station = new_station(network, code="QH-XN-0001")
    with pytest.raises(ValidationError) as excinfo:
        station_save(actor=None, station=station)
    assert "code" in excinfo.value.message_dict
    assert Station.objects.filter(code="QH-XN-0001").count() == 1


def test_malformed_code_is_refused(network):
    with pytest.raises(ValidationError) as excinfo:
        station_save(actor=None, station=new_station(network, code="xn 1"))
    assert "code" in excinfo.value.message_dict


def test_closing_time_equal_to_opening_time_is_refused(network):
    item = OpeningPeriod(
        station=network.xining_station, weekday=1, opens=dt.time(8), closes=dt.time(8)
    )
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "closes" in excinfo.value.message_dict
    assert "不能等于" in excinfo.value.message_dict["closes"][0]


def test_period_through_the_service_is_refused_and_nothing_is_written(network):
    station = network.xining_station
    station_save(actor=None, station=station, periods=[period(1, "08:00", "18:00")])
    with pytest.raises(StationsError) as excinfo:
        station_save(
            actor=None,
            station=station,
            periods=[period(2, "09:00", "17:00"), period(3, "10:00", "10:00")],
        )
    assert excinfo.value.field == "periods"
    assert "periods[1]" in excinfo.value.message
    # The earlier periods are intact: the failed call changed nothing.
    assert list(station.periods.values_list("weekday", flat=True)) == [1]


def test_closing_before_opening_needs_the_overnight_flag(network):
    item = OpeningPeriod(
        station=network.xining_station, weekday=5, opens=dt.time(20), closes=dt.time(2)
    )
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "跨午夜" in excinfo.value.message_dict["closes"][0]
    item.overnight = True
    item.full_clean()


def test_seasonal_period_needs_both_dates(network):
    item = OpeningPeriod(
        station=network.xining_station,
        weekday=1,
        opens=dt.time(7),
        closes=dt.time(21),
        season_start="06-01",
    )
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "season_end" in excinfo.value.message_dict


def test_closure_ending_before_it_starts_is_refused(network):
    item = Closure(
        station=network.xining_station, starts_on=dt.date(2027, 2, 10), ends_on=dt.date(2027, 2, 1)
    )
    with pytest.raises(ValidationError) as excinfo:
        item.full_clean()
    assert "ends_on" in excinfo.value.message_dict


def test_unknown_service_code_is_refused(network):
    with pytest.raises(StationsError) as excinfo:
        station_save(actor=None, station=network.xining_station, services=["spa"])
    assert excinfo.value.field == "services"
    assert "spa" in excinfo.value.message


def test_service_catalog_has_the_stable_codes(db):
    from stations.models import Service

    assert set(Service.objects.values_list("code", flat=True)) == {
        "water",
        "hot_water",
        "rest",
        "toilet",
        "charging",
        "ebike_charging",
        "microwave",
        "first_aid",
        "medicine",
        "ac",
        "heating",
        "wifi",
        "books",
        "umbrella",
        "repair",
        "shade",
    }
    assert all(s.name and s.name_en and s.icon for s in Service.objects.all())
