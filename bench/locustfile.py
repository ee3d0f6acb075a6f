"""Load on the production start (make serve), loopback only: see scripts/load.sh.

Tags pick the scenario: ``healthz`` (the floor: /healthz on the same server), ``nearby``
(the public finder at points around the cities), ``visits`` (station desks uploading
batches of 50 visits with a token), ``tiles`` (vector tiles, when the server has them).
"""

from __future__ import annotations

import datetime as dt
import math
import os
import random
import uuid
import zoneinfo

from locust import HttpUser, constant, tag, task

from bench.fill import CATEGORIES, CITIES

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
TOKEN = os.environ.get("LOAD_TOKEN", "")
STATIONS = int(os.environ.get("LOAD_STATIONS", "10000"))


def near_a_city() -> tuple[float, float]:
    city = random.choice(CITIES)
    return city[4] + random.gauss(0, 0.2), city[3] + random.gauss(0, 0.2)


class Client(HttpUser):
    wait_time = constant(0)

    @tag("healthz")
    @task
    def healthz(self) -> None:
        self.client.get("/healthz", name="/healthz")

    @tag("nearby")
    @task
    def nearby(self) -> None:
        lat, lng = near_a_city()
        self.client.get(
            f"/api/v1/stations/nearby/?lat={lat:.5f}&lng={lng:.5f}&limit=10",
            name="/api/v1/stations/nearby/",
        )

    @tag("visits")
    @task
    def visit_batch(self) -> None:
        now = dt.datetime.now(SHANGHAI)
        code = f"CN-{random.randint(1, STATIONS):07d}"
        batch = [
            {
                "uuid": str(uuid.uuid4()),
                "station": code,
                "occurred_at": (now - dt.timedelta(seconds=random.randint(0, 3600))).isoformat(),
                "category": random.choice(CATEGORIES),
                "services": [],
            }
            for _ in range(50)
        ]
        self.client.post(
            "/api/v1/visits/batch/",
            json={"visits": batch},
            headers={"Authorization": f"Token {TOKEN}"},
            name="/api/v1/visits/batch/ (50)",
        )

    @tag("tiles")
    @task
    def tile(self) -> None:
        lat, lng = near_a_city()
        z = 12
        x = int((lng + 180) / 360 * 2**z)
        y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * 2**z)
        self.client.get(f"/tiles/stations/{z}/{x}/{y}.mvt", name="/tiles/stations/z/x/y.mvt")
