"""Weather: rules at every threshold, the real requests code against a local HTTP server,
stale forecasts on failure, and the task in a real Celery worker."""

import contextlib
import datetime as dt
import json
import os
import subprocess
import sys
import threading
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.contrib.gis.geos import Point
from django.db import connection

from core import time as local_time
from stations.models import Region
from tests.celery_state import forget_broker_connections
from welfare.models import Forecast, WeatherAlert
from welfare.tasks import refresh_region_weather
from welfare.weather import WeatherError, fetch_daily, heat_rule, parse_daily

RECORDED = {  # the shape Open-Meteo answers for the daily and hourly values we ask for
    "latitude": 36.625, "longitude": 101.75, "timezone": "Asia/Shanghai",
    "daily_units": {"time": "iso8601", "temperature_2m_max": "°C", "temperature_2m_min": "°C",
                    "wind_speed_10m_max": "km/h"},
    "daily": {"time": ["2027-07-14", "2027-07-15", "2027-07-16"],
              "temperature_2m_max": [37.2, 34.9, 40.0], "temperature_2m_min": [18.1, 17.0, 21.3],
              "wind_speed_10m_max": [12.2, 9.0, 15.5]},
    "hourly": {"time": ["2027-07-14T05:00", "2027-07-15T05:00", "2027-07-16T05:00"],
               "temperature_2m": [18.1, 17.0, 21.3], "wind_speed_10m": [5.0, 3.1, 8.2]},
}  # fmt: skip


@pytest.mark.parametrize(
    ("t_max", "level"),
    [("34.9", None), ("35.0", 1), ("36.9", 1), ("37.0", 2), ("39.9", 2), ("40.0", 3), ("45", 3)],
)
def test_heat_thresholds(t_max, level):
    rule = heat_rule(t_max=Decimal(t_max), province="630000")
    assert (rule.level if rule else None) == level


def test_province_override(settings):
    settings.WEATHER_RULE_OVERRIDES = {
        "630000": {
            "heat": [
                {
                    "at_or_above": 30,
                    "level": 1,
                    "advice": "高原 30°C",
                    "advice_en": "30 at altitude",
                }
            ]
        }
    }
    assert heat_rule(t_max=Decimal("31"), province="630000").advice == "高原 30°C"
    assert heat_rule(t_max=Decimal("31"), province="650000") is None


class Provider:
    """A local HTTP server standing in for the forecast provider."""

    def __init__(self):
        self.mode = "ok"
        self.hits = 0
        provider = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                provider.hits += 1
                provider.last_path = self.path
                if provider.mode == "slow":
                    import time

                    time.sleep(1.5)
                status, body = {
                    "ok": (200, json.dumps(RECORDED)),
                    "slow": (200, json.dumps(RECORDED)),
                    "500": (500, "oops"),
                    "html": (200, "<html>maintenance</html>"),
                    "missing": (200, json.dumps({"daily": {"time": ["2027-07-14"]}})),
                    "nonsense": (
                        200,
                        json.dumps(
                            {
                                "daily": {
                                    "time": ["2027-07-14"],
                                    "temperature_2m_max": ["hot"],
                                    "temperature_2m_min": [10],
                                    "wind_speed_10m_max": [5],
                                },
                                "hourly": RECORDED["hourly"],
                            }
                        ),
                    ),
                    "absurd": (
                        200,
                        json.dumps(
                            {
                                "daily": {
                                    "time": ["2027-07-14"],
                                    "temperature_2m_max": [400],
                                    "temperature_2m_min": [10],
                                    "wind_speed_10m_max": [5],
                                },
                                "hourly": RECORDED["hourly"],
                            }
                        ),
                    ),
                }[provider.mode]
                data = body.encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):
                    self.wfile.write(data)

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1/forecast"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


@pytest.fixture
def provider(settings):
    server = Provider()
    settings.WEATHER_API_URL = server.url
    settings.WEATHER_RETRIES = 2
    settings.WEATHER_BACKOFF = 0.01
    settings.WEATHER_READ_TIMEOUT = 0.5
    yield server
    server.close()


def test_fetch_parses_the_recorded_answer(provider):
    days = fetch_daily(lat=36.6171, lng=101.7782)
    assert [(d.day.isoformat(), d.t_max, d.t_min) for d in days] == [
        ("2027-07-14", Decimal("37.2"), Decimal("18.1")),
        ("2027-07-15", Decimal("34.9"), Decimal("17.0")),
        ("2027-07-16", Decimal("40.0"), Decimal("21.3")),
    ]
    assert "latitude=36.6171" in provider.last_path and "forecast_days=3" in provider.last_path


@pytest.mark.parametrize("mode", ["500", "html", "missing", "nonsense", "absurd", "slow"])
def test_failures_raise_weather_error(provider, mode):
    provider.mode = mode
    with pytest.raises(WeatherError):
        fetch_daily(lat=36.6, lng=101.7)
    if mode in ("500", "slow"):
        assert provider.hits == 3  # the first try and two retries


def test_parse_rejects_min_above_max():
    bad = {**RECORDED, "daily": {**RECORDED["daily"], "temperature_2m_min": [38, 17.0, 21.3]}}
    with pytest.raises(WeatherError):
        parse_daily(bad)


@pytest.fixture
def xining(network):
    region = Region.objects.get(code="630100")
    region.reference_point = Point(101.7782, 36.6171, srid=4326)
    region.save()
    return region


@pytest.mark.django_db
def test_task_builds_alerts_and_keeps_them_stale_on_failure(provider, xining):
    result = refresh_region_weather.apply(args=[xining.pk]).get()
    assert result == {"region": "630100", "days": 3, "alerts": 2}
    alerts = {(a.day.isoformat(), a.level) for a in WeatherAlert.objects.all()}
    assert alerts == {("2027-07-14", 2), ("2027-07-16", 3)}
    provider.mode = "html"
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(local_time, "today", lambda: dt.date(2027, 7, 14))
        out = refresh_region_weather.apply(args=[xining.pk]).get()
    assert "error" in out
    assert WeatherAlert.objects.count() == 2  # the last good forecast is kept…
    assert all(a.stale for a in WeatherAlert.objects.all())  # …and marked stale
    assert Forecast.objects.filter(stale=True).count() == 3


@pytest.mark.django_db
def test_alerts_api_and_station_banner(provider, xining, client):
    refresh_region_weather.apply(args=[xining.pk]).get()
    with pytest.MonkeyPatch.context() as mp:
        mp.setattr(local_time, "today", lambda: dt.date(2027, 7, 14))
        body = client.get("/api/v1/alerts/", {"region": "630103"}).json()
        assert [a["level"] for a in body["alerts"]] == [2, 3]
        assert body["alerts"][0]["region"] == "630100"
        en = client.get("/api/v1/alerts/", {"region": "630100"}, HTTP_ACCEPT_LANGUAGE="en").json()
        # RECORDED has one hour a day: no spell of three hottest hours known, the rule's words.
        assert "the 3 hottest hours of the day." in en["alerts"][0]["advice"]
        assert "户外" not in en["alerts"][0]["advice"]
        page = client.get("/").content.decode()
        assert "weather-banner" in page and "37.2" in page
        detail = client.get("/api/v1/stations/QH-XN-0001/").json()["properties"]
        assert detail["weather_alert"]["level"] == 2
    assert client.get("/api/v1/alerts/", {"region": "999999"}).status_code == 404


@pytest.mark.django_db
def test_hot_days_export(provider, xining, client, organizer_xining):
    refresh_region_weather.apply(args=[xining.pk]).get()
    client.force_login(organizer_xining)
    text = client.get("/organizer/hot-days.csv", {"year": 2027}).content.decode("utf-8-sig")
    assert "630100" in text and ",2,2027-07-14 2027-07-16" in text


@pytest.mark.postgis
@pytest.mark.celery
@pytest.mark.django_db(transaction=True)
def test_a_real_worker_runs_the_weather_task(xining):
    assert connection.vendor == "postgresql"
    server = Provider()
    broker = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/15")
    db = connection.settings_dict
    env = {**os.environ, "CELERY_BROKER_URL": broker, "DJANGO_SETTINGS_MODULE": "config.settings.test",
           "DATABASE_URL": f"postgis://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}",
           "WEATHER_API_URL": server.url}  # fmt: skip
    worker = subprocess.Popen(
        [sys.executable, "-m", "celery", "-A", "config", "worker", "--pool=solo", "--loglevel=INFO",
         "--without-heartbeat", "--without-gossip", "--without-mingle"],
        cwd=Path(__file__).resolve().parents[2], env=env, stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    from config.celery_app import app

    previous = (app.conf.broker_url, app.conf.result_backend, app.conf.task_always_eager)
    app.conf.update(broker_url=broker, result_backend=broker, task_always_eager=False)
    forget_broker_connections()
    try:
        from celery.backends.redis import RedisBackend
        from celery.result import AsyncResult

        sent = refresh_region_weather.delay(xining.pk)
        result = AsyncResult(sent.id, app=app, backend=RedisBackend(app=app, url=broker))
        assert result.get(timeout=90) == {"region": "630100", "days": 3, "alerts": 2}
        assert server.hits >= 1  # the worker's requests reached the local provider
        assert WeatherAlert.objects.filter(region=xining).count() == 2
    finally:
        app.conf.update(
            broker_url=previous[0], result_backend=previous[1], task_always_eager=previous[2]
        )
        forget_broker_connections()
        worker.terminate()
        worker.wait(timeout=20)
        server.close()
