"""Cold advice where workers and organizers look: the map banner for the worker's region
(/api/v1/alerts/here/ and the page), each station's page in the alert area, /organizer/;
the quick start's alerts and the map's chips follow the season."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
import time_machine
from django.contrib.gis.geos import Point
from django.utils import timezone, translation

from stations.demo import create_demo_accounts
from stations.fixtures_loader import load_demo_stations, load_network
from stations.models import Region
from stations.services.memberships import membership_grant
from tests.factories import UserFactory
from welfare import services
from welfare.demo import load_demo_welfare
from welfare.models import WeatherAlert
from welfare.weather import DayForecast

pytestmark = pytest.mark.django_db
TODAY = dt.date(2027, 1, 14)
MORNING = dt.datetime(2027, 1, 14, 1, 0, tzinfo=dt.UTC)


def _cold_wave_in_golmud():
    golmud = Region.objects.get(code="632801")
    rows = [(-1, "-8", "20"), (0, "-20", "45"), (1, "-21", "10")]
    days = [
        DayForecast(TODAY + dt.timedelta(days=n), Decimal(t) + 8, Decimal(t), Decimal(w),
                    Decimal(t), Decimal(w))
        for n, t, w in rows
    ]  # fmt: skip
    services.weather_apply(region=golmud, days=days, fetched_at=timezone.now())


@time_machine.travel(MORNING, tick=False)
def test_banner_where_the_worker_stands(client, network):
    Region.objects.filter(code="632801").update(reference_point=Point(94.90, 36.40, srid=4326))
    Region.objects.filter(code="630103").update(reference_point=Point(101.78, 36.62, srid=4326))
    _cold_wave_in_golmud()
    with translation.override("zh-hans"):
        here = client.get("/api/v1/alerts/here/", {"lat": 36.4, "lng": 94.9}).json()
        xining = client.get("/api/v1/alerts/here/", {"lat": 36.6, "lng": 101.8}).json()
    kinds = {a["kind"]: a for a in here["alerts"]}
    assert set(kinds) == {"cold_wave", "wind_chill"}
    wave = kinds["cold_wave"]
    assert (wave["level"], wave["colour"], wave["temperature"]) == (3, "", -20.0)
    assert wave["title"] == "强降温提示 · 最低 -20.0°C"
    assert (wave["source"], wave["note"]) == ("advisory", "模型估算，以气象部门发布为准")
    assert "驿站全天开放取暖" in wave["advice"] and "12" in wave["advice"]
    assert kinds["wind_chill"]["title"].startswith("风寒提示：高风险 · 风寒指数 -35")
    assert "分钟" in kinds["wind_chill"]["advice"]
    assert xining["alerts"] == []
    english = client.get(
        "/api/v1/alerts/here/", {"lat": 36.4, "lng": 94.9}, HTTP_ACCEPT_LANGUAGE="en"
    ).json()
    wave_en = next(a for a in english["alerts"] if a["kind"] == "cold_wave")
    assert wave_en["title"] == "Cold advice: strong drop · low -20.0 °C"
    assert "stations keep heating on" in wave_en["advice"] and "驿站" not in wave_en["advice"]
    page = client.get("/").content.decode()  # today's alerts of every region
    assert 'class="weather-banner cold"' in page and "signal-orange" not in page
    assert "本站提示：模型估算，以气象部门发布为准" in page


@time_machine.travel(MORNING, tick=False)
def test_station_page_in_the_alert_area(client, network):
    _cold_wave_in_golmud()
    page = client.get("/stations/QH-HX-0001/").content.decode()
    assert "强降温提示" in page and 'id="station-cold-advice"' in page
    assert "寒潮" not in client.get("/stations/QH-XN-0001/").content.decode()  # not in the area


@time_machine.travel(MORNING, tick=False)
def test_organizer_overview_shows_cold_advice(client, network, organizer_golmud):
    _cold_wave_in_golmud()
    client.force_login(organizer_golmud)
    page = client.get("/organizer/").content.decode()
    assert 'id="cold-alerts"' in page and "强降温提示" in page
    assert 'id="cold-actions"' in page and "开放取暖" in page and "暖休" in page


@pytest.mark.spatialite
@pytest.mark.parametrize(
    ("season", "golmud", "xining", "first_chips"),
    [
        ("winter", {"cold_wave", "wind_chill"}, {"wind_chill"}, ["heating", "hot_water"]),
        ("summer", {"heat"}, {"heat"}, ["water", "shade", "first_aid"]),
        ("planning", set(), set(), ["water", "hot_water"]),  # the catalogue's own order
    ],
)
@time_machine.travel(MORNING, tick=False)
def test_quick_start_follows_the_season(client, settings, season, golmud, xining, first_chips):
    settings.YIZHAN_ALLOW_DEMO = True
    settings.YIZHAN_DEMO_SEASON = season
    load_network()
    load_demo_stations()
    create_demo_accounts()
    load_demo_welfare()
    today = WeatherAlert.objects.filter(day=TODAY)
    assert {a.kind for a in today.filter(region__code="632801")} == golmud
    assert {a.kind for a in today.filter(region__code="630100")} == xining
    page = client.get("/").content.decode()
    chips = [part.split('"')[0] for part in page.split('data-service="')[1:]]
    assert chips[: len(first_chips)] == first_chips
    assert f'data-season="{season}"' in page


@time_machine.travel(MORNING, tick=False)
def test_station_desk_gets_a_cold_tab_in_the_alert_area(client, network):
    golmud_staff = UserFactory(username="staff-golmud")
    membership_grant(
        actor=None, user=golmud_staff, union=network.golmud, role="station_staff",
        stations=[network.golmud_station],
    )  # fmt: skip
    xining_staff = UserFactory(username="staff-xining")
    membership_grant(
        actor=None, user=xining_staff, union=network.chengzhong, role="station_staff",
        stations=[network.xining_station],
    )  # fmt: skip
    _cold_wave_in_golmud()
    client.force_login(golmud_staff)
    desk = client.get("/desk/").content.decode()
    assert 'id="tabbtn-welfare-cold"' in desk and "强降温提示" in desk
    assert 'id="desk-cold-actions"' in desk and "打开取暖" in desk
    client.force_login(xining_staff)
    assert 'id="tabbtn-welfare-cold"' not in client.get("/desk/").content.decode()
