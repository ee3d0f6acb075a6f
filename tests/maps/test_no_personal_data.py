"""No open endpoint or export carries personal data (PIPL; docs: DESIGN "Data rules").

Personal data is seeded first, beside and inside the stations' own records — a worker
registered at the union that runs the stations (name, phone, so its HMAC), a hazard
reporter's contact at a station's door, a workplace contact, a named staff member who
logs visits — and every open endpoint, in every format it speaks, is searched for it.
"""

from __future__ import annotations

import gzip
import json
import math
import uuid

import pytest
from django.db import connection

from core import time as local_time
from stations.services.memberships import membership_grant
from stations.services.visits import VisitInput, visit_record_batch
from tests.factories import UserFactory
from tests.welfare.factories import HazardReportFactory, WorkerFactory, WorkplaceFactory
from welfare.models import Worker

pytestmark = [pytest.mark.django_db]

WORKER_NAME = "隐私测试张三丰"
WORKER_PHONE = "13912345678"
REPORTER_CONTACT = "举报人王小明 13800001111"
WORKPLACE_CONTACT, WORKPLACE_PHONE = "李四联系人", "0971-7777777"
STAFF = {"username": "staff-zhao-privacy", "first_name": "赵", "last_name": "六六",
         "email": "zhao.liuliu@example.org"}  # fmt: skip


@pytest.fixture
def personal(network):
    """Personal data of every kind the product keeps, next to the Xining station."""
    station = network.xining_station
    lng, lat = station.location.x, station.location.y
    WorkerFactory(name=WORKER_NAME, phone=WORKER_PHONE, union=network.chengzhong)
    HazardReportFactory(lat=lat, lng=lng, contact=REPORTER_CONTACT,
                        description="驿站门口电线裸露")  # fmt: skip
    WorkplaceFactory(union=network.chengzhong, contact_name=WORKPLACE_CONTACT,
                     contact_phone=WORKPLACE_PHONE, location=station.location)  # fmt: skip
    staff = UserFactory(**STAFF)
    membership_grant(actor=None, user=staff, union=network.chengzhong, role="station_staff",
                     stations=[station])  # fmt: skip
    outcome = visit_record_batch(
        actor=staff,
        visits=[VisitInput(uuid=str(uuid.uuid4()), station=station.code,
                           occurred_at=local_time.now().isoformat(), category="courier")],
    )  # fmt: skip
    assert outcome[0].status == "created", outcome
    phone_key = Worker.objects.get(name=WORKER_NAME).phone_key
    assert len(phone_key) >= 32
    return [WORKER_NAME, WORKER_PHONE, phone_key, REPORTER_CONTACT, "13800001111",
            WORKPLACE_CONTACT, WORKPLACE_PHONE, *STAFF.values()]  # fmt: skip


def tile_of(lng: float, lat: float, z: int) -> tuple[int, int]:
    n = 2**z
    x = int((lng + 180) / 360 * n)
    y = int((1 - math.asinh(math.tan(math.radians(lat))) / math.pi) / 2 * n)
    return x, y


#: The Xining station of the ``network`` fixture: code and position.
CODE, LNG, LAT = "QH-XN-0001", 101.7782, 36.6171
TILES = [f"/tiles/stations/{z}/{x}/{y}.mvt" for z in (5, 14) for x, y in [tile_of(LNG, LAT, z)]]
OPEN_ENDPOINTS = [
    "/api/v1/stations.geojson",
    "/api/v1/open-data/hsds/?per_page=1000",
    "/ogc/", "/ogc/?f=html", "/ogc/collections", "/ogc/collections?f=html",
    "/ogc/collections/stations", "/ogc/collections/stations/items?limit=1000",
    "/ogc/collections/stations/items?limit=1000&f=html",
    f"/ogc/collections/stations/items/{CODE}",
    f"/ogc/collections/stations/items/{CODE}?f=html",
    "/api/v1/stations/?bbox=90,31,103,40",
    f"/api/v1/stations/nearby/?lat={LAT}&lng={LNG}&limit=50",
    "/api/v1/stations/clusters/?bbox=90,31,103,40&zoom=5",
    f"/api/v1/stations/{CODE}/",
    f"/stations/{CODE}/",
    f"/nearby/?lat={LAT}&lng={LNG}",
    "/",
    *TILES,
]  # fmt: skip


def content(response) -> bytes:
    if response.streaming:
        return b"".join(response.streaming_content)
    if response.get("Content-Encoding") == "gzip":
        return gzip.decompress(response.content)
    return response.content


@pytest.mark.parametrize("url", OPEN_ENDPOINTS)
def test_no_open_endpoint_carries_personal_data(client, network, personal, url):
    assert network.xining_station.code == CODE
    response = client.get(url)
    # Tiles need PostGIS; SpatiaLite answers 404 (and that answer is searched too).
    expected = 404 if url in TILES and connection.vendor != "postgresql" else 200
    assert response.status_code == expected, (url, response.status_code)
    body = content(response)
    assert len(body) > 20, url
    if "json" in response["Content-Type"]:
        # Searched as text too: an escaped "\u5f20" would hide a name from a byte search.
        body += json.dumps(json.loads(body), ensure_ascii=False).encode()
    for secret in personal:
        assert secret.encode() not in body, (url, secret)


def test_the_seeded_data_is_findable_where_it_belongs(client, network, personal):
    """The search above is not blind: the organizer's worker list shows the seeded name."""
    organizer = UserFactory(username="org-privacy-check")
    membership_grant(actor=None, user=organizer, union=network.xining, role="organizer")
    client.force_login(organizer)
    page = client.get("/organizer/workers/")
    assert page.status_code == 200
    assert WORKER_NAME.encode() in page.content
