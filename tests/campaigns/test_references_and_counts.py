"""What a write's body names and counts (security review 2, classes 3 and 7): another
union's campaign is refused and its spend untouched; money and quantities have ranges;
a hand-out's people covered is held to what the quantity covers unless a reason is given,
and never above the hard bound; a refusal never names another union's depot."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from rest_framework.test import APIClient

from campaigns.models import Distribution, Movement
from campaigns.selectors.campaigns import campaign_spend
from campaigns.services import ledger

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient()
    client.force_login(user)
    return client


def post(client, url, body):
    return client.post(url, body, format="json", HTTP_IDEMPOTENCY_KEY=str(id(body)) + url)


def test_another_unions_campaign_in_a_receipt_is_refused(network, stock, organizer_golmud):
    before = (Movement.objects.count(), campaign_spend(campaign=stock.campaign))
    response = post(api(organizer_golmud), "/api/v1/stock/receipts/", {
        "location": stock.golmud.code, "campaign": stock.campaign.pk, "cost": "12345.00",
        "lines": [{"item": "sun_hat", "quantity": 1}]})  # fmt: skip
    assert response.status_code == 400 and response.json()["error"]["field"] == "campaign"
    assert (Movement.objects.count(), campaign_spend(campaign=stock.campaign)) == before


@pytest.mark.parametrize("cost", ["-99999.99", "-0.01", "10000000.01"])
def test_a_cost_out_of_range_is_refused(network, stock, organizer_xining, cost):
    response = post(api(organizer_xining), "/api/v1/stock/receipts/", {
        "location": stock.depot.code, "campaign": stock.campaign.pk, "cost": cost,
        "lines": [{"item": "sun_hat", "quantity": 1}]})  # fmt: skip
    assert response.status_code == 400 and response.json()["error"]["field"] == "cost"
    assert not Movement.objects.exists()


def test_a_refusal_does_not_name_another_unions_depot(network, stock, organizer_golmud):
    response = post(api(organizer_golmud), "/api/v1/stock/receipts/", {
        "location": stock.depot.code, "lines": [{"item": "sun_hat", "quantity": 1}]})  # fmt: skip
    assert response.status_code in (403, 404)
    assert stock.depot.name not in response.content.decode()


def _hand_out(client, stock, **body):
    return post(client, "/api/v1/stock/distributions/", {
        "campaign": stock.campaign.pk, "location": stock.depot.code, "item": "sun_hat",
        "quantity": 1, "category": "courier", **body})  # fmt: skip


@pytest.mark.parametrize(
    ("workers", "reason", "status"),
    [(1, "", 201), (2, "", 400), (100000000, "", 400), (2, "一顶帽子轮流使用", 201),
     (5000, "整箱分装", 201), (5001, "整箱分装", 400)],
)  # fmt: skip
def test_people_covered_is_held_to_the_quantity(
    network, stock, organizer_xining, workers, reason, status
):
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=10)])  # fmt: skip
    response = _hand_out(api(organizer_xining), stock, workers=workers, reason=reason)
    assert response.status_code == status, response.content[:300]
    if status == 400:
        assert response.json()["error"]["field"] == "workers"
        assert not Distribution.objects.exists()
    else:
        distribution = Distribution.objects.get()
        assert distribution.workers == workers and distribution.movement.reason == reason


def test_the_hand_out_form_holds_the_same_rule(client, network, stock, organizer_xining):
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=10)])  # fmt: skip
    client.force_login(organizer_xining)
    url = f"/campaigns/{stock.campaign.pk}/hand-out/"
    form = {"location": stock.depot.code, "item": "sun_hat", "quantity": 1,
            "category": "courier", "workers": 100000000}  # fmt: skip
    assert client.post(url, form).status_code == 400
    assert not Distribution.objects.exists()
    client.post(url, {**form, "workers": 3, "reason": "分装"})
    assert Distribution.objects.get().workers == 3


@pytest.mark.parametrize(
    ("changes", "field"),
    [({"target_workers": 10**12}, "target_workers"), ({"target_workers": -1}, "target_workers"),
     ({"category_targets": {"courier": 10**9}}, "category_targets"),
     ({"budget": Decimal("-0.01")}, "budget"), ({"budget": Decimal("1e10")}, "budget")],
)  # fmt: skip
def test_a_campaigns_people_and_money_have_ranges(network, organizer_xining, changes, field):
    from campaigns.exceptions import CampaignsError
    from campaigns.models import Campaign
    from campaigns.services import lifecycle

    values = {"kind": "summer", "name": "范围", "union": network.xining,
              "starts_on": dt.date(2027, 6, 1), "ends_on": dt.date(2027, 8, 31), **changes}  # fmt: skip
    with pytest.raises(CampaignsError) as exc:
        lifecycle.campaign_create(actor=organizer_xining, **values)
    assert exc.value.field == field and not Campaign.objects.exists()


def test_a_workplaces_exposed_headcount_has_a_range(network, organizer_xining):
    from tests.welfare.factories import WorkplaceFactory
    from welfare.exceptions import WelfareError
    from welfare.services.workplaces import workplace_save

    workplace = WorkplaceFactory(union=network.xining)
    with pytest.raises(WelfareError) as exc:
        workplace_save(actor=organizer_xining, workplace=workplace, hazards={"noise": 10**9})
    assert exc.value.field == "hazards"
