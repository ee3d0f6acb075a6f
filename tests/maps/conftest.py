from __future__ import annotations

import datetime as dt
import math
import zoneinfo

import pytest
from django.contrib.gis.geos import Point

from stations.models import Station
from stations.services.stations import station_save
from tests.factories import StationFactory, period

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
# A Wednesday at 10:00 in Xining (2027-07-14 is a Wednesday).
WEDNESDAY_10 = dt.datetime(2027, 7, 14, 10, 0, tzinfo=SHANGHAI)
XINING = (36.6171, 101.7782)  # lat, lng of the Central Square


def haversine_m(lat1: float, lng1: float, lat2: float, lng2: float) -> float:
    """Great-circle distance on PostGIS's sphere, computed independently of the database."""
    r = 6370986.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lng2 - lng1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


def offset(lat: float, lng: float, north_m: float, east_m: float) -> tuple[float, float]:
    dlat = north_m / 111195.0
    dlng = east_m / (111195.0 * math.cos(math.radians(lat)))
    return lat + dlat, lng + dlng


@pytest.fixture
def city(network):
    """Stations around Xining's Central Square at known offsets, with known hours."""
    lat0, lng0 = XINING
    specs = [
        # code, north m, east m, services, periods, is_24h
        ("QH-XN-1001", 300, 0, ["water", "toilet"], [(3, "08:00", "20:00")], False),
        ("QH-XN-1002", 0, -500, ["water"], [(3, "08:00", "20:00")], False),
        ("QH-XN-1003", 0, 700, ["water", "toilet", "charging"], [(3, "14:00", "20:00")], False),
        ("QH-XN-1004", -900, 900, ["water", "toilet"], [], True),
        ("QH-XN-1005", 2000, 0, ["toilet"], [(3, "06:00", "22:00")], False),
        ("QH-XN-1006", 0, 2600, ["water", "toilet"], [(2, "20:00", "02:00")], False),
    ]
    # The network's own Xining stations sit on the square; pause them so distances here
    # are the ones listed below.
    Station.objects.filter(code__in=["QH-XN-0001", "QH-XN-0002"]).update(status="paused")
    made = {}
    for code, north, east, svc, spans, is_24h in specs:
        lat, lng = offset(lat0, lng0, north, east)
        station = StationFactory(
            code=code,
            union=network.chengzhong,
            location=Point(lng, lat, srid=4326),
            is_24h=is_24h,
        )
        station_save(
            actor=None,
            station=station,
            services=svc,
            periods=[
                period(day, opens, closes, overnight=closes < opens) for day, opens, closes in spans
            ],
        )
        made[code] = (lat, lng)
    return made
