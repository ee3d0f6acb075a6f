"""Whatever a client sends, the answer is the right 4xx naming the field, never a 500 (a
sample of hostile inputs; each case states the exact answer expected)."""

import json

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db]

HUGE = "9" * 40

GETS = [
    ("/api/v1/stations/nearby/?lat=1e400&lng=1", 400, "lat"),
    ("/api/v1/stations/nearby/?lat=%00&lng=1", 400, "lat"),
    (f"/api/v1/stations/nearby/?lat=1&lng=1&limit={HUGE}", 400, "limit"),
    ("/api/v1/stations/nearby/?lat=1&lng=1&radius_km=nan", 400, "radius_km"),
    ("/api/v1/stations/?bbox=nan,nan,nan,nan", 400, "bbox"),
    ("/api/v1/stations/?bbox=" + ",".join([HUGE] * 4), 400, "bbox"),
    (f"/api/v1/stations/clusters/?bbox=0,0,1,1&zoom={HUGE}", 400, "zoom"),
    ("/api/v1/stations/" + "A" * 5000 + "/", 404, "code"),
    ("/stations/%E2%98%83/", 404, None),
    ("/nearby/?lat=abc&lng=1", 400, None),
    ("/nearby/?city=" + HUGE, 400, None),
    (f"/api/v1/hazard-reports/{HUGE}/", 404, "tracking_code"),
    ("/api/v1/alerts/?region=" + HUGE, 404, "region"),
    ("/hazards/status/?code=" + "x" * 3000, 400, None),
    (f"/campaigns/{HUGE}/", 404, None),
    (f"/campaigns/{HUGE}/summary.xlsx", 404, None),
    ("/api/v1/stations/?bbox=101,36,102,37&service=%00", 400, "service"),
    ("/api/v1/stations/%00/", 404, "code"),
    (f"/api/v1/open-data/hsds/?page={HUGE}", 400, "page"),
    (f"/ogc/collections/stations/items?offset={HUGE}", 200, None),
    (f"/ogc/collections/stations/items?limit={HUGE}", 200, None),
    ("/ogc/collections/stations/items?datetime=%00", 400, "datetime"),
    ("/ogc/collections/stations/items?bbox=1e400,0,1,1", 400, "bbox"),
    ("/ogc/collections/stations/items/%00", 404, "featureId"),
]


def _assert_answer(response, status: int, field: str | None) -> None:
    """The exact status, and for JSON errors the field the message names."""
    assert response.status_code == status, (response.status_code, response.content[:300])
    if field is not None:
        assert response.json()["error"]["field"] == field


@pytest.mark.parametrize(("url", "status", "field"), GETS)
def test_hostile_gets(network, province_admin, url, status, field):
    client = APIClient()
    client.force_login(province_admin)
    _assert_answer(client.get(url), status, field)


POSTS = [
    (
        "/api/v1/visits/batch/",
        {"visits": [{"uuid": HUGE, "station": {"x": 1}, "occurred_at": [], "category": None}]},
        200,
        None,
    ),
    ("/api/v1/stations/QH-XN-0001/feedback/", {"rating": HUGE}, 400, "rating"),
    ("/api/v1/stations/QH-XN-0001/feedback/", ["not", "an", "object"], 400, "rating"),
    (
        "/api/v1/hazard-reports/",
        {"lat": HUGE, "lng": HUGE, "category": "fire", "description": "x"},
        400,
        "lat",
    ),
    (
        "/api/v1/hazard-reports/",
        {"lat": "1e400", "lng": "1", "category": "fire", "description": "x"},
        400,
        "lat",
    ),
    (
        "/api/v1/stock/receipts/",
        {"location": "QH-XN-0001", "lines": [{"item": "sun_hat", "quantity": int(HUGE)}]},
        400,
        "lines[0].quantity",
    ),
    (
        "/api/v1/stock/distributions/",
        {"campaign": int(HUGE), "location": "x", "item": "x", "quantity": 1, "category": "other"},
        400,
        "campaign",
    ),
    (
        "/api/v1/stock/adjustments/",
        {"location": "x", "item": "x", "delta": int(HUGE), "reason": "r"},
        400,
        "delta",
    ),
    (f"/api/v1/stock/transfers/{HUGE}/receive/", {}, 404, "transfer"),
    (
        "/api/v1/workplaces/",
        {
            "name": "x",
            "credit_code": HUGE,
            "lat": "1e400",
            "lng": 0,
            "address": "a",
            "region": "x",
            "union": "y",
        },
        400,
        "lat",
    ),
]


@pytest.mark.parametrize(("url", "body", "status", "field"), POSTS)
def test_hostile_posts(network, province_admin, url, body, status, field):
    client = APIClient()
    client.force_login(province_admin)
    response = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=f"k-{url}")
    _assert_answer(response, status, field)
    if url.endswith("/visits/batch/"):
        # A batch answers per item: the bad item is refused, with the reason.
        assert response.json()["results"][0]["status"] == "rejected"


@pytest.mark.parametrize(
    ("url", "body", "field"),
    [
        ("/api/v1/desk/supplies/batch/",
         {"actions": [{"key": "k\x00", "type": "hand_out", "station": ""}]}, "actions[0].key"),
        ("/api/v1/visits/batch/", {"visits": [{"uuid": "\x00"}]}, "visits[0].uuid"),
        ("/api/v1/hazard-reports/", {"description": "a\x00b"}, "description"),
        ("/api/v1/desk/supplies/batch/",
         {"actions": [{"key": "\ud800", "type": "hand_out", "station": ""}]}, "actions[0].key"),
    ],
)  # fmt: skip
def test_nul_characters_are_refused_naming_the_field(network, province_admin, url, body, field):
    """PostgreSQL text cannot hold NUL or a lone surrogate: refused as bad input, never a 500."""
    client = APIClient()
    client.force_login(province_admin)
    # json.dumps escapes as \\u0000 and \\ud800, as any JSON client may send them.
    response = client.post(url, json.dumps(body), content_type="application/json")
    _assert_answer(response, 400, field)


def test_a_desk_key_too_long_to_store_is_refused_on_its_line(network, province_admin):
    """The key is stored as "desk:<key>" in 100 characters: a longer one is refused on its
    line of the batch (the fuzzer found it answering 500)."""
    client = APIClient()
    client.force_login(province_admin)
    body = {"actions": [{"key": "k" * 99, "type": "hand_out", "station": "QH-XN-0001"}]}
    response = client.post("/api/v1/desk/supplies/batch/", body, format="json")
    assert response.status_code == 200
    line = response.json()["results"][0]
    assert (line["status"], line["field"], line["code"]) == ("refused", "key", 400)
