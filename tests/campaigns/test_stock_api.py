"""The stock API: scoped, idempotent by key, 409 with what is available."""

import datetime as dt
import uuid

import pytest
import time_machine
from rest_framework.test import APIClient

from campaigns.models import IdempotencyRecord, Movement, StockLevel

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)


def client_for(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def post(client, url, body, key=None):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()))


RECEIPT = {
    "location": "DEPOT-XN",
    "lines": [
        {"item": "water", "quantity": 100, "batch": "W1", "expires_on": "2027-12-01"},
        {"item": "sun_hat", "quantity": 20},
    ],
}


@time_machine.travel(NOW, tick=False)
def test_receipt_replayed_with_the_same_key_moves_nothing_twice(stock, organizer_xining):
    client = client_for(organizer_xining)
    first = post(client, "/api/v1/stock/receipts/", RECEIPT, key="k-1")
    assert first.status_code == 201, first.content
    again = post(client, "/api/v1/stock/receipts/", RECEIPT, key="k-1")
    assert again.status_code == 201
    assert again.json() == first.json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert Movement.objects.count() == 1
    assert sum(StockLevel.objects.values_list("quantity", flat=True)) == 120
    # The same key for a different request is refused.
    other = post(
        client, "/api/v1/stock/receipts/", {**RECEIPT, "lines": RECEIPT["lines"][:1]}, key="k-1"
    )
    assert other.status_code == 409
    assert other.json()["error"]["field"] == "Idempotency-Key"


def test_key_is_required(stock, organizer_xining):
    response = client_for(organizer_xining).post("/api/v1/stock/receipts/", RECEIPT, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["field"] == "Idempotency-Key"
    assert not Movement.objects.exists()


@time_machine.travel(NOW, tick=False)
def test_not_enough_stock_is_409_with_available_and_replayed(stock, organizer_xining):
    client = client_for(organizer_xining)
    post(client, "/api/v1/stock/receipts/", RECEIPT)
    body = {
        "campaign": stock.campaign.pk,
        "location": "DEPOT-XN",
        "item": "sun_hat",
        "quantity": 25,
        "category": "construction",
        "workers": 25,
    }
    refused = post(client, "/api/v1/stock/distributions/", body, key="d-1")
    assert refused.status_code == 409
    assert refused.json()["error"]["available"] == 20
    replay = post(client, "/api/v1/stock/distributions/", body, key="d-1")
    assert replay.status_code == 409 and replay.json() == refused.json()
    ok = post(client, "/api/v1/stock/distributions/", {**body, "quantity": 20, "workers": 20})
    assert ok.status_code == 201
    assert sum(-e["delta"] for e in ok.json()["entries"]) == 20


@time_machine.travel(NOW, tick=False)
def test_transfer_and_receive_over_the_api(stock, organizer_xining, staff_xining):
    post(client_for(organizer_xining), "/api/v1/stock/receipts/", RECEIPT)
    sent = post(client_for(organizer_xining), "/api/v1/stock/transfers/", {
        "source": "DEPOT-XN", "destination": "QH-XN-0001", "campaign": stock.campaign.pk,
        "lines": [{"item": "water", "quantity": 40}],
    })  # fmt: skip
    assert sent.status_code == 201, sent.content
    transfer = sent.json()
    lot = transfer["lines"][0]["lot"]
    got = post(
        client_for(staff_xining),
        f"/api/v1/stock/transfers/{transfer['transfer']}/receive/",
        {"lines": [{"lot": lot, "received_quantity": 38}], "reason": "运输破损 2 瓶"},
    )
    assert got.status_code == 200, got.content
    assert got.json()["lines"][0]["shortfall"] == 2
    levels = (
        client_for(staff_xining).get("/api/v1/stock/levels/", {"location": "QH-XN-0001"}).json()
    )
    assert levels["levels"][0]["quantity"] == 38


def test_staff_cannot_receive_goods_into_a_depot(stock, staff_xining):
    response = post(client_for(staff_xining), "/api/v1/stock/receipts/", RECEIPT)
    assert response.status_code == 403
    assert not Movement.objects.exists()


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({**RECEIPT, "lines": []}, "lines"),
        ({**RECEIPT, "location": "NOWHERE"}, "location"),
        ({**RECEIPT, "lines": [{"item": "caviar", "quantity": 1}]}, "item"),
        ({**RECEIPT, "lines": [{"item": "sun_hat", "quantity": 0}]}, "lines[0].quantity"),
    ],
)
def test_bad_receipts_name_the_field(stock, organizer_xining, body, field):
    response = post(client_for(organizer_xining), "/api/v1/stock/receipts/", body)
    assert response.status_code in (400, 404)
    assert response.json()["error"]["field"] == field
    assert not Movement.objects.exists()
    assert IdempotencyRecord.objects.count() == 1  # the refusal is remembered for a retry
