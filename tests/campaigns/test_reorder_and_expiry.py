"""Reorder levels per location × item, the low-stock alert at or below them, expired stock
flagged and never handed out, and the write-off of the lot the alert names."""

from __future__ import annotations

import datetime as dt

import pytest
import time_machine
from django.core import mail

from campaigns.exceptions import CampaignsError, InsufficientStock
from campaigns.models import Lot, ReorderLevel, StockLevel
from campaigns.selectors.alerts import stock_alerts
from campaigns.selectors.stock import ledger_mismatches, stock_table
from campaigns.services import ledger, reorder_levels
from campaigns.tasks import stock_alerts_daily
from core.errors import PermissionDenied

pytestmark = [pytest.mark.django_db]
NOW = dt.datetime(2027, 7, 14, 10, 0)
TODAY = dt.date(2027, 7, 14)
XINING = "QH/QH-XN/"


def receive_water(stock, *lots, location=None):
    ledger.stock_receive(
        actor=None, location=location or stock.depot, campaign=stock.campaign,
        lines=[ledger.ReceiptLine(item=stock.water, quantity=q, batch=b, expires_on=e)
               for b, e, q in lots],
    )  # fmt: skip


def kinds(alerts, item=None):
    return sorted(a.kind for a in alerts if item is None or a.item == item)


# Reorder levels ------------------------------------------------------------------------


def test_organizer_sets_a_reorder_level_with_history(stock, organizer_xining):
    level = reorder_levels.reorder_level_set(
        actor=organizer_xining, location=stock.station, item=stock.hat, level=20
    )
    assert (level.location, level.item, level.level) == (stock.station, stock.hat, 20)
    reorder_levels.reorder_level_set(actor=organizer_xining, location=stock.station, item=stock.hat,
                             level=30)  # fmt: skip
    assert ReorderLevel.objects.get().level == 30
    assert (
        reorder_levels.reorder_level_set(
            actor=organizer_xining, location=stock.station, item=stock.hat, level=0
        )
        is None
    )
    assert not ReorderLevel.objects.exists()
    history = list(ReorderLevel.history.order_by("history_date", "history_id"))
    assert [(h.history_type, h.level) for h in history] == [("+", 20), ("~", 30), ("-", 30)]
    assert {h.history_user for h in history} == {organizer_xining}


@pytest.mark.parametrize("who", ["staff_xining", "organizer_golmud"])
def test_only_organizers_over_the_location_set_reorder_levels(stock, who, request):
    actor = request.getfixturevalue(who)
    with pytest.raises(PermissionDenied):
        reorder_levels.reorder_level_set(
            actor=actor, location=stock.station, item=stock.hat, level=5
        )
    assert not ReorderLevel.objects.exists()


def test_a_negative_reorder_level_names_the_field(stock, organizer_xining):
    with pytest.raises(CampaignsError) as refused:
        reorder_levels.reorder_level_set(
            actor=organizer_xining, location=stock.depot, item=stock.hat, level=-1
        )
    assert refused.value.field == "level"


@time_machine.travel(NOW, tick=False)
def test_low_stock_fires_at_or_below_the_level_not_above(stock):
    ledger.stock_receive(actor=None, location=stock.depot,
                         lines=[ledger.ReceiptLine(item=stock.hat, quantity=20)])  # fmt: skip
    reorder_levels.reorder_level_set(actor=None, location=stock.depot, item=stock.hat, level=19)
    assert kinds(stock_alerts(union_path=XINING, on=TODAY)) == []
    reorder_levels.reorder_level_set(actor=None, location=stock.depot, item=stock.hat, level=20)
    [alert] = stock_alerts(union_path=XINING, on=TODAY)
    assert (alert.kind, alert.location, alert.item, alert.quantity) == (
        "low", "DEPOT-XN", "遮阳帽", 20,
    )  # fmt: skip
    # A place that holds none of the item at all is low too.
    reorder_levels.reorder_level_set(actor=None, location=stock.station, item=stock.hat, level=5)
    low = {(a.location, a.quantity) for a in stock_alerts(union_path=XINING, on=TODAY)}
    assert low == {("DEPOT-XN", 20), ("QH-XN-0001", 0)}


@time_machine.travel(NOW, tick=False)
def test_expired_stock_does_not_count_against_the_reorder_level(stock):
    receive_water(stock, ("OLD", dt.date(2027, 7, 1), 100), ("NEW", dt.date(2027, 12, 1), 10))
    reorder_levels.reorder_level_set(actor=None, location=stock.depot, item=stock.water, level=20)
    alerts = stock_alerts(union_path=XINING, on=TODAY)
    assert kinds(alerts) == ["expired", "low"]
    low = next(a for a in alerts if a.kind == "low")
    assert low.quantity == 10  # the 100 expired bottles are not stock to hand out
    [row] = stock_table(union_path=XINING, on=TODAY)
    assert (row.usable, row.expired, row.reorder_level, row.low) == (10, 100, 20, True)


@time_machine.travel(NOW, tick=False)
def test_the_daily_mail_carries_low_and_expired_lines(stock, organizer_xining):
    organizer_xining.email = "org@xining.example"
    organizer_xining.save()
    receive_water(stock, ("OLD", dt.date(2027, 7, 1), 6))
    reorder_levels.reorder_level_set(actor=None, location=stock.depot, item=stock.water, level=10)
    sent = stock_alerts_daily()
    assert sent == {str(stock.campaign.pk): 2}
    [message] = mail.outbox
    assert "OLD" in message.body and "请报废" in message.body
    assert "补货线 10" in message.body
    assert "已过期 · 西宁市总工会仓库" in message.body  # in words, the place by name


# Expired stock -------------------------------------------------------------------------


@time_machine.travel(NOW, tick=False)
def test_expired_lots_are_flagged_with_the_lot_to_write_off(stock):
    receive_water(stock, ("OLD", dt.date(2027, 7, 13), 4), ("NEW", dt.date(2027, 12, 1), 9))
    [expired] = [a for a in stock_alerts(union_path=XINING, on=TODAY) if a.kind == "expired"]
    assert expired.lot_id == Lot.objects.get(batch="OLD").pk
    assert expired.quantity == 4
    assert "OLD" in expired.detail and "2027-07-13" in expired.detail


@time_machine.travel(NOW, tick=False)
def test_fefo_never_hands_out_an_expired_lot(stock):
    # Expired yesterday and first in expiry order: FEFO must pass over it.
    receive_water(stock, ("GONE", dt.date(2027, 7, 13), 50), ("GOOD", dt.date(2027, 9, 1), 5))
    with pytest.raises(InsufficientStock) as short:
        ledger.stock_distribute(
            actor=None, campaign=stock.campaign, location=stock.depot, item=stock.water,
            quantity=6, category="courier", workers=6,
        )  # fmt: skip
    assert short.value.available == 5
    # Nor does a transfer (what the planner's confirmation sends).
    transfer = ledger.stock_transfer_dispatch(
        actor=None, source=stock.depot, destination=stock.station, campaign=stock.campaign,
        lines=[ledger.TransferRequest(item=stock.water, quantity=5)],
    )  # fmt: skip
    assert [(line.lot.batch, line.quantity) for line in transfer.lines.all()] == [("GOOD", 5)]
    assert StockLevel.objects.get(location=stock.depot, lot__batch="GONE").quantity == 50


@time_machine.travel(NOW, tick=False)
def test_writing_off_the_named_lot_takes_only_that_lot(stock, organizer_xining):
    receive_water(stock, ("A", dt.date(2027, 7, 1), 3), ("B", dt.date(2027, 7, 10), 4),
                  ("C", dt.date(2027, 12, 1), 5))  # fmt: skip
    lot_a = Lot.objects.get(batch="A")
    movement = ledger.stock_write_off_expired(
        actor=organizer_xining, location=stock.depot, lot=lot_a
    )
    assert [(e.lot.batch, e.delta) for e in movement.entries.all()] == [("A", -3)]
    left = dict(StockLevel.objects.filter(location=stock.depot).values_list("lot__batch",
                                                                            "quantity"))  # fmt: skip
    assert left == {"A": 0, "B": 4, "C": 5}
    with pytest.raises(CampaignsError) as refused:
        ledger.stock_write_off_expired(
            actor=organizer_xining, location=stock.depot, lot=Lot.objects.get(batch="C")
        )
    assert refused.value.field == "lot"
    assert ledger_mismatches() == []
