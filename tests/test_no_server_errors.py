"""Whatever a client sends, the answer is never a 500 (a sample of hostile inputs)."""

import pytest
from rest_framework.test import APIClient

pytestmark = [pytest.mark.django_db]

HUGE = "9" * 40

GETS = [
    "/api/v1/stations/nearby/?lat=1e400&lng=1",
    "/api/v1/stations/nearby/?lat=%00&lng=1",
    f"/api/v1/stations/nearby/?lat=1&lng=1&limit={HUGE}",
    "/api/v1/stations/nearby/?lat=1&lng=1&radius_km=nan",
    "/api/v1/stations/?bbox=nan,nan,nan,nan",
    "/api/v1/stations/?bbox=" + ",".join([HUGE] * 4),
    f"/api/v1/stations/clusters/?bbox=0,0,1,1&zoom={HUGE}",
    "/api/v1/stations/" + "A" * 5000 + "/",
    "/stations/%E2%98%83/",
    "/nearby/?lat=abc&lng=1",
    "/nearby/?city=" + HUGE,
    f"/api/v1/hazard-reports/{HUGE}/",
    "/api/v1/alerts/?region=" + HUGE,
    "/hazards/status/?code=" + "x" * 3000,
    f"/campaigns/{HUGE}/",
    f"/campaigns/{HUGE}/summary.xlsx",
]


@pytest.mark.parametrize("url", GETS)
def test_hostile_gets(network, province_admin, url):
    client = APIClient()
    client.force_login(province_admin)
    response = client.get(url)
    assert response.status_code < 500, (url, response.status_code)


POSTS = [
    (
        "/api/v1/visits/batch/",
        {"visits": [{"uuid": HUGE, "station": {"x": 1}, "occurred_at": [], "category": None}]},
    ),
    ("/api/v1/stations/QH-XN-0001/feedback/", {"rating": HUGE}),
    ("/api/v1/stations/QH-XN-0001/feedback/", ["not", "an", "object"]),
    ("/api/v1/hazard-reports/", {"lat": HUGE, "lng": HUGE, "category": "fire", "description": "x"}),
    (
        "/api/v1/hazard-reports/",
        {"lat": "1e400", "lng": "1", "category": "fire", "description": "x"},
    ),
    (
        "/api/v1/stock/receipts/",
        {"location": "QH-XN-0001", "lines": [{"item": "sun_hat", "quantity": int(HUGE)}]},
    ),
    (
        "/api/v1/stock/distributions/",
        {"campaign": int(HUGE), "location": "x", "item": "x", "quantity": 1, "category": "other"},
    ),
    (
        "/api/v1/stock/adjustments/",
        {"location": "x", "item": "x", "delta": int(HUGE), "reason": "r"},
    ),
    (f"/api/v1/stock/transfers/{HUGE}/receive/", {}),
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
    ),
]


@pytest.mark.parametrize(("url", "body"), POSTS)
def test_hostile_posts(network, province_admin, url, body):
    client = APIClient()
    client.force_login(province_admin)
    response = client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code < 500, (url, response.status_code, response.content[:300])
