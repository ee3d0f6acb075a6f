"""Welfare fixtures: county reference points (hazard reports go to the nearest county's
union) and an organizer of Golmud, a union beside Xining's."""

from __future__ import annotations

import contextlib
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.gis.geos import Point

from stations.models import Region
from stations.services import memberships as stations_services
from tests.factories import UserFactory

XINING_POINT = {"lat": 36.63, "lng": 101.77}
GOLMUD_POINT = {"lat": 36.41, "lng": 94.91}


@pytest.fixture
def counties(network):
    """Reference points for the two counties (a test fixture; regions are reference data)."""
    Region.objects.filter(code="630103").update(reference_point=Point(101.78, 36.62, srid=4326))
    Region.objects.filter(code="632801").update(reference_point=Point(94.90, 36.40, srid=4326))
    return network


@pytest.fixture
def organizer_golmud(network):
    user = UserFactory(username="org-golmud")
    stations_services.membership_grant(
        actor=None, user=user, union=network.golmud, role="organizer"
    )
    return user


def forecast_payload(days, hourly=None):
    """An Open-Meteo-shaped answer: ``days`` as (date, t_max, t_min, wind_max_kmh); the
    hourly series defaults to each day's coldest hour at (t_min, wind_max) and the other
    hours at (t_max, calm)."""
    if hourly is None:
        hourly = []
        for day, t_max, t_min, wind in days:
            for hour in range(24):
                cold = hour == 6
                hourly.append(
                    (f"{day}T{hour:02d}:00", t_min if cold else t_max, wind if cold else 0)
                )
    return {
        "timezone": "Asia/Shanghai",
        "daily": {
            "time": [str(d[0]) for d in days],
            "temperature_2m_max": [d[1] for d in days],
            "temperature_2m_min": [d[2] for d in days],
            "wind_speed_10m_max": [d[3] for d in days],
        },
        "hourly": {
            "time": [h[0] for h in hourly],
            "temperature_2m": [h[1] for h in hourly],
            "wind_speed_10m": [h[2] for h in hourly],
        },
    }


class ForecastServer:
    """A local HTTP server answering every GET with ``self.payload`` (JSON)."""

    def __init__(self):
        self.payload = {}
        self.paths = []
        server = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                server.paths.append(self.path)
                data = json.dumps(server.payload).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                with contextlib.suppress(BrokenPipeError):
                    self.wfile.write(data)

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.httpd.server_address[1]}/v1/forecast"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def forecast_server(settings):
    server = ForecastServer()
    settings.WEATHER_API_URL = server.url
    settings.WEATHER_RETRIES = 0
    yield server
    server.close()
