"""Taking back a hand-out (a wrong tap at the desk, issue 23): within the undo window, a
reversing movement in the ledger puts the same lots back and the hand-out stops counting;
after it, an adjustment with a reason; never twice, never a voucher's, never elsewhere."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
import time_machine

from campaigns.models import Distribution, Movement, StockEntry
from campaigns.selectors.campaigns import campaign_dashboard
from campaigns.selectors.stock import ledger_mismatches
from campaigns.services import ledger, vouchers
from tests.campaigns.test_desk_supplies import (
    NOW,
    PHONE,
    client_for,
    hand_out,
    post_batch,
    staff_golmud,  # noqa: F401  (fixture)
    water_left,
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clock():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def stocked(stock):
    ledger.stock_receive(
        actor=None, location=stock.station,
        lines=[ledger.ReceiptLine(item=stock.water, quantity=10, batch="W1",
                                  expires_on=dt.date(2027, 12, 31))],
    )  # fmt: skip
    return stock


def undo(distribution_id: int, station: str = "QH-XN-0001") -> dict:
    return {
        "key": str(uuid.uuid4()), "type": "undo", "station": station,
        "distribution": distribution_id,
    }  # fmt: skip


def test_undo_within_the_window_reverses_in_the_ledger(stocked, staff_xining):
    client = client_for(staff_xining)
    done = post_batch(client, [hand_out(stocked, quantity=4, workers=4)])
    pk = done.json()["results"][0]["detail"]["distribution"]
    assert water_left(stocked) == 6
    before = campaign_dashboard(campaign=stocked.campaign, on=NOW.date())

    answer = post_batch(client, [undo(pk)]).json()["results"][0]
    assert answer["status"] == "applied", answer
    assert answer["detail"] == {
        "undone": pk, "item": stocked.water.name, "unit": stocked.water.unit, "quantity": 4,
    }  # fmt: skip
    assert water_left(stocked) == 10
    # Both movements stay in the ledger, and the ledger still equals the levels.
    reversal = Distribution.objects.get(pk=pk).reversal
    assert reversal.kind == Movement.Kind.REVERSAL and reversal.actor == staff_xining
    deltas = sorted(
        StockEntry.objects.filter(lot__item=stocked.water).values_list("delta", flat=True)
    )
    assert deltas == [-4, 4, 10]
    assert ledger_mismatches() == []
    after = campaign_dashboard(campaign=stocked.campaign, on=NOW.date())
    assert before["reached"] - after["reached"] == 4

    # Not twice.
    again = post_batch(client, [undo(pk)]).json()["results"][0]
    assert (again["status"], again["field"], again["code"]) == ("refused", "distribution", 409)
    assert water_left(stocked) == 10


def test_after_the_window_an_adjustment_with_a_reason(stocked, staff_xining, settings):
    settings.HAND_OUT_UNDO_MINUTES = 5
    client = client_for(staff_xining)
    pk = post_batch(client, [hand_out(stocked)]).json()["results"][0]["detail"]["distribution"]
    late = NOW + dt.timedelta(minutes=5, seconds=1)
    with time_machine.travel(late, tick=False):
        answer = post_batch(client, [undo(pk)]).json()["results"][0]
    assert answer["status"] == "refused" and "盘点调整" in answer["reason"]
    assert water_left(stocked) == 6
    # The edge: at exactly five minutes it is still taken back.
    with time_machine.travel(NOW + dt.timedelta(minutes=5), tick=False):
        assert post_batch(client, [undo(pk)]).json()["results"][0]["status"] == "applied"


def test_the_per_person_limit_counts_only_what_was_not_taken_back(stocked, staff_xining):
    client = client_for(staff_xining)
    first = post_batch(client, [hand_out(stocked, quantity=1, phone=PHONE)]).json()
    pk = first["results"][0]["detail"]["distribution"]
    refused = post_batch(client, [hand_out(stocked, quantity=1, phone=PHONE)]).json()
    assert refused["results"][0]["status"] == "refused"  # one a day
    post_batch(client, [undo(pk)])
    again = post_batch(client, [hand_out(stocked, quantity=1, phone=PHONE)]).json()
    assert again["results"][0]["status"] == "applied"


def test_not_a_voucher_not_another_station(stocked, staff_xining, staff_golmud, network):  # noqa: F811
    voucher = vouchers.voucher_issue(
        actor=None, campaign=stocked.campaign, phone=PHONE, item=stocked.water,
        category="courier",
    )  # fmt: skip
    client = client_for(staff_xining)
    post_batch(client, [{"key": str(uuid.uuid4()), "type": "voucher", "station": "QH-XN-0001",
                         "code": voucher.code}])  # fmt: skip
    redeemed = Distribution.objects.get()
    answer = post_batch(client, [undo(redeemed.pk)]).json()["results"][0]
    assert answer["status"] == "refused" and answer["field"] == "distribution"

    pk = post_batch(client, [hand_out(stocked)]).json()["results"][0]["detail"]["distribution"]
    other = post_batch(client_for(staff_golmud), [undo(pk, station="QH-HX-0001")]).json()
    assert other["results"][0]["status"] == "refused"  # not that station's hand-out
    mine_elsewhere = post_batch(client_for(staff_golmud), [undo(pk)]).json()
    assert mine_elsewhere["results"][0]["code"] == 403
    assert Distribution.objects.get(pk=pk).reversal is None
