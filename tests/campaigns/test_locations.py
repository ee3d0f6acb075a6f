"""Stock locations: reading never creates one; writes create them only for someone who
may act at the place."""

from __future__ import annotations

import uuid

import pytest
from rest_framework.test import APIClient

from campaigns.models import Movement, StockLocation
from campaigns.selectors.stock import stock_location_get
from campaigns.services import ledger, locations
from core.errors import NotFound, PermissionDenied

pytestmark = [pytest.mark.django_db]


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        client.force_authenticate(user)
    return client


@pytest.mark.parametrize(
    ("who", "code", "status"),
    [
        ("anonymous", "QH-XN-0002", 403),  # a station of Xining with no stock location yet
        ("golmud", "QH-XN-0002", 404),  # another union's station does not exist for them
        ("golmud", "DEPOT-XN", 404),
        ("staff", "QH-XN-0002", 404),  # staff of QH-XN-0001 only
        ("xining", "QH-XN-0002", 200),  # nothing in stock there yet, and no row made
        ("xining", "NOWHERE", 404),
    ],
)
def test_reading_levels_creates_no_location(
    stock, organizer_xining, organizer_golmud, staff_xining, who, code, status
):
    users = {"anonymous": None, "golmud": organizer_golmud, "staff": staff_xining,
             "xining": organizer_xining}  # fmt: skip
    before = set(StockLocation.objects.values_list("code", flat=True))
    response = api(users[who]).get("/api/v1/stock/levels/", {"location": code})
    assert response.status_code == status, response.content
    if status == 200:
        assert response.json() == {"location": code, "levels": []}
    elif status == 404:
        assert response.json()["error"]["field"] == "location"
    assert set(StockLocation.objects.values_list("code", flat=True)) == before
    assert not StockLocation.objects.filter(code="QH-XN-0002").exists()


def test_staff_see_their_own_station(stock, staff_xining):
    ledger.stock_receive(
        actor=None, location=stock.station, lines=[ledger.ReceiptLine(item=stock.hat, quantity=7)]
    )
    body = api(staff_xining).get("/api/v1/stock/levels/", {"location": "QH-XN-0001"}).json()
    assert [(row["item"], row["quantity"]) for row in body["levels"]] == [("sun_hat", 7)]


def test_the_lookup_selector_writes_nothing(stock):
    assert stock_location_get(code="DEPOT-XN") == stock.depot
    with pytest.raises(NotFound) as refused:
        stock_location_get(code="QH-XN-0002")
    assert refused.value.field == "location"
    assert not StockLocation.objects.filter(code="QH-XN-0002").exists()


def test_ensure_creates_only_for_someone_who_may_act_there(
    stock, network, organizer_golmud, staff_xining, organizer_xining
):
    with pytest.raises(PermissionDenied):
        locations.stock_location_ensure(actor=organizer_golmud, code="QH-XN-0002")
    with pytest.raises(PermissionDenied):
        locations.stock_location_ensure(actor=staff_xining, station=network.xining_station_2)
    assert not StockLocation.objects.filter(code="QH-XN-0002").exists()
    made = locations.stock_location_ensure(actor=organizer_xining, code="QH-XN-0002")
    assert (made.kind, made.station, made.union) == (
        "station", network.xining_station_2, network.xining_station_2.union
    )  # fmt: skip
    # Found again, not made twice, whoever asks; the movement then checks its own rights.
    assert locations.stock_location_ensure(actor=organizer_golmud, code="QH-XN-0002") == made
    assert StockLocation.objects.filter(station=network.xining_station_2).count() == 1


def test_a_refused_write_leaves_no_location_behind(stock, organizer_golmud):
    response = api(organizer_golmud).post(
        "/api/v1/stock/receipts/",
        {"location": "QH-XN-0002", "lines": [{"item": "sun_hat", "quantity": 5}]},
        format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )  # fmt: skip
    assert response.status_code == 403
    assert not StockLocation.objects.filter(code="QH-XN-0002").exists()
    assert not Movement.objects.exists()


def test_a_write_makes_the_location_on_first_use(stock, organizer_xining):
    response = api(organizer_xining).post(
        "/api/v1/stock/receipts/",
        {"location": "QH-XN-0002", "lines": [{"item": "sun_hat", "quantity": 5}]},
        format="json", HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
    )  # fmt: skip
    assert response.status_code == 201, response.content
    assert StockLocation.objects.get(code="QH-XN-0002").kind == "station"
    assert response.json()["entries"][0]["delta"] == 5
