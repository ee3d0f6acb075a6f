"""Altitude: filled from a tiny GeoTIFF made here, shown on the station page; high-altitude
workplaces (GBZ 188 §9.8) get their health-check rule; the organizer's cold panel."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.contrib.gis.gdal import GDALRaster
from django.contrib.gis.geos import Point
from django.core.management import CommandError, call_command
from django.test import Client
from rest_framework.test import APIClient

from core import time as local_time
from stations.models import Station
from stations.services import stations as station_services
from tests.factories import UserFactory
from tests.welfare.factories import (
    HealthCheckFactory,
    WorkerFactory,
    WorkplaceFactory,
    credit_code,
)
from welfare import services
from welfare.models import Workplace, WorkplaceHazard

WIDTH, HEIGHT = 16, 4  # 0.5° cells from 94°E, 37°N: 94–102°E, 35–37°N


def cell_height(col: int, row: int) -> float:
    return 2000 + 10 * col + 1000 * row + 0.4


@pytest.fixture
def dem(tmp_path):
    """A 16 × 4 GeoTIFF in WGS-84 with one no-data cell (column 14, row 0)."""
    data = [cell_height(c, r) for r in range(HEIGHT) for c in range(WIDTH)]
    data[14] = -9999
    path = tmp_path / "dem.tif"
    GDALRaster({
        "driver": "GTiff", "name": str(path), "srid": 4326, "width": WIDTH, "height": HEIGHT,
        "origin": [94.0, 37.0], "scale": [0.5, -0.5], "datatype": 6,
        "bands": [{"data": data, "nodata_value": -9999}],
    })  # fmt: skip
    return path


@pytest.mark.django_db
def test_fill_altitude_from_a_generated_geotiff(dem, network):
    Station.objects.filter(code="QH-XN-0002").update(altitude_m=2261)  # entered by hand
    plant = WorkplaceFactory(union=network.golmud, location=Point(94.95, 36.45, srid=4326))
    nodata = WorkplaceFactory(union=network.xining, location=Point(101.2, 36.9, srid=4326))
    abroad = WorkplaceFactory(union=network.xining, location=Point(90.0, 36.0, srid=4326))

    out = StringIO()
    call_command("fill_altitude", str(dem), "--dry-run", stdout=out)
    assert "would fill 2 stations and 1 workplaces; 2 outside" in out.getvalue()
    assert Station.objects.filter(altitude_m__isnull=False).count() == 1  # dry: nothing written

    call_command("fill_altitude", str(dem), stdout=StringIO())
    heights = dict(Station.objects.values_list("code", "altitude_m"))
    assert heights == {"QH-XN-0001": 2150, "QH-XN-0002": 2261, "QH-HX-0001": 3010}
    plant.refresh_from_db()
    assert plant.altitude_m == 3010 and plant.is_high_altitude
    assert Workplace.objects.get(pk=nodata.pk).altitude_m is None
    assert Workplace.objects.get(pk=abroad.pk).altitude_m is None
    history = Station.objects.get(code="QH-HX-0001").history.first()
    assert history.altitude_m == 3010

    call_command("fill_altitude", str(dem), "--overwrite", stdout=StringIO())
    assert Station.objects.get(code="QH-XN-0002").altitude_m == 2150


@pytest.mark.django_db
def test_fill_altitude_reads_a_projected_dem(tmp_path, network):
    """A DEM in Web Mercator: the station's WGS-84 point is transformed to find its cell."""
    origin = Point(94.0, 37.0, srid=4326).transform(3857, clone=True)
    path = tmp_path / "dem3857.tif"
    GDALRaster({
        "driver": "GTiff", "name": str(path), "srid": 3857, "width": 100, "height": 100,
        "origin": [origin.x, origin.y], "scale": [10_000, -10_000], "datatype": 6,
        "bands": [{"data": [2800.0] * 10_000, "nodata_value": -9999}],
    })  # fmt: skip
    call_command("fill_altitude", str(path), stdout=StringIO())
    assert Station.objects.get(code="QH-HX-0001").altitude_m == 2800


def test_fill_altitude_refuses_a_missing_or_unreadable_file(tmp_path):
    with pytest.raises(CommandError, match="no such file"):
        call_command("fill_altitude", str(tmp_path / "none.tif"))
    bad = tmp_path / "bad.tif"
    bad.write_text("not a raster")
    with pytest.raises(CommandError, match="GDAL cannot read"):
        call_command("fill_altitude", str(bad))


@pytest.mark.django_db
def test_high_altitude_flag_follows_the_setting(network, settings):
    plant = WorkplaceFactory(union=network.golmud)
    for altitude, high in ((2999, False), (3000, True), (None, False)):
        plant.altitude_m = altitude
        assert plant.is_high_altitude is high
    settings.HIGH_ALTITUDE_M = 2500
    plant.altitude_m = 2780
    assert plant.is_high_altitude


@pytest.mark.django_db
def test_high_altitude_workplace_brings_the_gbz188_rule(network, settings):
    """A worker with no hazard of their own is on the general interval (24 months here);
    once their workplace is recorded at 3000 m, the yearly high-altitude rule applies."""
    settings.HEALTH_CHECK_INTERVAL_MONTHS = 24
    plant = WorkplaceFactory(union=network.golmud)
    worker = WorkerFactory(union=network.golmud, workplace=plant)
    checked = local_time.today() - dt.timedelta(days=30)
    HealthCheckFactory(worker=worker, checked_on=checked)
    worker.refresh_from_db()
    assert worker.next_check_due == checked.replace(year=checked.year + 2)
    services.workplace_set_altitude(actor=None, workplace=plant, altitude_m=3000)
    worker.refresh_from_db()
    assert worker.next_check_due == checked.replace(year=checked.year + 1)
    assert "GBZ 188-2014 §9.8" in _worker_page(worker)
    services.workplace_set_altitude(actor=None, workplace=plant, altitude_m=2999)
    worker.refresh_from_db()
    assert worker.next_check_due == checked.replace(year=checked.year + 2)
    assert "GBZ 188-2014 §9.8" not in _worker_page(worker)


def _worker_page(worker):
    client = Client()
    client.force_login(UserFactory(is_superuser=True, is_staff=True))
    return client.get(f"/organizer/workers/{worker.pk}/").content.decode()


@pytest.mark.django_db
def test_altitude_on_the_station_page_and_api(network, client):
    station = Station.objects.get(code="QH-HX-0001")
    station_services.station_set_altitude(actor=None, station=station, altitude_m=2780)
    page = client.get("/stations/QH-HX-0001/").content.decode()
    assert 'id="altitude"' in page and "2780" in page
    assert client.get("/api/v1/stations/QH-HX-0001/").json()["properties"]["altitude_m"] == 2780
    assert 'id="altitude"' not in client.get("/stations/QH-XN-0001/").content.decode()


@pytest.mark.django_db
def test_organizer_sees_cold_grade_and_high_altitude(network, organizer_golmud, client):
    plant = WorkplaceFactory(
        union=network.golmud, hazards={"low_temperature": 40}, name="格尔木冷库（测试）"
    )
    services.measurement_record(
        actor=None, workplace=plant, measured_on=local_time.today(),
        air_temperature=Decimal("-18"), intensity="moderate", exposure_percent=60,
    )  # fmt: skip
    mine = WorkplaceFactory(union=network.golmud, name="高原矿山（测试）")
    services.workplace_set_altitude(actor=None, workplace=mine, altitude_m=3400)
    assert WorkplaceHazard.objects.filter(workplace=plant).exists()
    client.force_login(organizer_golmud)
    page = client.get("/organizer/").content.decode()
    assert 'id="cold-panel"' in page
    assert 'data-cold-grade="3"' in page and "Ⅲ" in page  # -18 °C, 60 %: grade III
    assert "高原矿山（测试）" in page and "data-high-altitude" in page
    assert "GBZ 188-2014 §9.8" in page


@pytest.mark.django_db
def test_workplace_api_takes_and_reports_altitude(network, organizer_golmud):
    api = APIClient()
    api.force_authenticate(organizer_golmud)
    body = {"name": "高原工地", "credit_code": credit_code(9001), "lat": 36.4, "lng": 94.9,
            "address": "格尔木", "region": "632801", "union": "QH-HX-GEM"}  # fmt: skip
    bad = api.post("/api/v1/workplaces/", {**body, "altitude_m": 12000}, format="json")
    assert bad.status_code == 400 and bad.json()["error"]["field"] == "altitude_m"
    assert not Workplace.objects.exists()
    ok = api.post("/api/v1/workplaces/", {**body, "altitude_m": 3100}, format="json")
    assert ok.status_code == 201, ok.content
    props = ok.json()["properties"]
    assert (props["altitude_m"], props["high_altitude"]) == (3100, True)
    listed = api.get("/api/v1/workplaces/").json()["features"][0]["properties"]
    assert listed["high_altitude"] is True
