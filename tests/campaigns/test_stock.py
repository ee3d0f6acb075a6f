"""Stock movements: every rule, the ledger invariant, idempotency and concurrency."""

import datetime as dt
import threading

import pytest
import time_machine
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection, connections

from campaigns.exceptions import CampaignsError, InsufficientStock, LimitReached
from campaigns.models import Distribution, Lot, StockEntry, StockLevel
from campaigns.selectors.stock import ledger_mismatches
from campaigns.services import ledger, lifecycle
from core.errors import DomainError, PermissionDenied
from core.identity import worker_key

pytestmark = [pytest.mark.django_db]
TODAY = dt.date(2027, 7, 14)


def level(location, item=None, lot=None) -> int:
    qs = StockLevel.objects.filter(location=location)
    if lot is not None:
        qs = qs.filter(lot=lot)
    if item is not None:
        qs = qs.filter(lot__item=item)
    return sum(qs.values_list("quantity", flat=True))


def receive_water(stock, *batches):
    lines = [
        ledger.ReceiptLine(item=stock.water, quantity=q, batch=b, expires_on=e)
        for b, e, q in batches
    ]
    return ledger.stock_receive(
        actor=None, location=stock.depot, lines=lines, campaign=stock.campaign
    )


@time_machine.travel(dt.datetime(2027, 7, 14, 10, 0), tick=False)
def test_receipt_writes_ledger_and_level(stock, organizer_xining):
    movement = ledger.stock_receive(
        actor=organizer_xining, location=stock.depot, campaign=stock.campaign,
        lines=[ledger.ReceiptLine(item=stock.water, quantity=240, batch="W1",
                                    expires_on=dt.date(2027, 12, 1)),
               ledger.ReceiptLine(item=stock.hat, quantity=50)],
    )  # fmt: skip
    assert level(stock.depot, stock.water) == 240 and level(stock.depot, stock.hat) == 50
    assert movement.entries.count() == 2
    assert float(movement.cost) == 240 * 1.5 + 50 * 15
    assert ledger_mismatches() == []


def test_perishable_needs_batch_and_expiry(stock):
    with pytest.raises(CampaignsError) as excinfo:
        ledger.stock_receive(
            actor=None,
            location=stock.depot,
            lines=[ledger.ReceiptLine(item=stock.water, quantity=5)],
        )
    assert excinfo.value.field == "lines"
    assert not StockEntry.objects.exists()


def test_organizer_outside_cannot_touch_stock(stock, organizer_golmud):
    golmud_org = organizer_golmud
    with pytest.raises(PermissionDenied):
        ledger.stock_receive(
            actor=golmud_org,
            location=stock.depot,
            lines=[ledger.ReceiptLine(item=stock.hat, quantity=1)],
        )


@time_machine.travel(dt.datetime(2027, 7, 14, 10, 0), tick=False)
def test_transfer_with_shortfall(stock, staff_xining):
    receive_water(stock, ("W1", dt.date(2027, 9, 1), 100), ("W2", dt.date(2027, 8, 1), 100))
    transfer = ledger.stock_transfer_dispatch(
        actor=None, source=stock.depot, destination=stock.station, campaign=stock.campaign,
        lines=[ledger.TransferRequest(item=stock.water, quantity=150)],
    )  # fmt: skip
    assert transfer.status == "in_transit"
    # First expiry first: all of W2 (Aug) then 50 of W1 (Sep).
    lines = {line.lot.batch: line.quantity for line in transfer.lines.all()}
    assert lines == {"W2": 100, "W1": 50}
    assert level(stock.depot, stock.water) == 50 and level(stock.station, stock.water) == 0
    w1 = Lot.objects.get(batch="W1")
    with pytest.raises(CampaignsError) as why:  # signed short: the reason is asked for
        ledger.stock_transfer_receive(actor=staff_xining, transfer=transfer, received={w1.pk: 45})
    assert why.value.field == "reason"
    ledger.stock_transfer_receive(
        actor=staff_xining, transfer=transfer, received={w1.pk: 45}, reason="运输破损"
    )
    assert transfer.__class__.objects.get(pk=transfer.pk).receipt.reason == "运输破损"
    transfer.refresh_from_db()
    assert transfer.status == "received"
    assert {line.lot.batch: line.shortfall for line in transfer.lines.all()} == {"W2": 0, "W1": 5}
    assert level(stock.station, stock.water) == 145
    assert ledger_mismatches() == []
    with pytest.raises(CampaignsError):
        ledger.stock_transfer_receive(actor=staff_xining, transfer=transfer)


@time_machine.travel(dt.datetime(2027, 7, 14, 10, 0), tick=False)
def test_distribution_is_fefo_and_skips_expired(stock):
    receive_water(
        stock,
        ("OLD", dt.date(2027, 7, 1), 10),  # already expired
        ("SOON", dt.date(2027, 7, 20), 5),
        ("LATE", dt.date(2027, 10, 1), 20),
    )
    dist = ledger.stock_distribute(
        actor=None, campaign=stock.campaign, location=stock.depot, item=stock.water,
        quantity=8, category="construction", workers=8,
    )  # fmt: skip
    taken = {e.lot.batch: -e.delta for e in dist.movement.entries.all()}
    assert taken == {"SOON": 5, "LATE": 3}
    assert level(stock.depot, lot=Lot.objects.get(batch="OLD")) == 10
    with pytest.raises(CampaignsError) as excinfo:
        ledger.stock_distribute(
            actor=None, campaign=stock.campaign, location=stock.depot, item=stock.water,
            quantity=1, category="other", lot=Lot.objects.get(batch="OLD"),
        )  # fmt: skip
    assert "过期" in excinfo.value.message


@time_machine.travel(dt.datetime(2027, 7, 14, 10, 0), tick=False)
def test_not_enough_stock_says_what_is_available(stock):
    receive_water(stock, ("W1", dt.date(2027, 12, 1), 7))
    with pytest.raises(InsufficientStock) as excinfo:
        ledger.stock_distribute(
            actor=None, campaign=stock.campaign, location=stock.depot, item=stock.water,
            quantity=10, category="courier", workers=10,
        )  # fmt: skip
    assert excinfo.value.available == 7
    assert level(stock.depot, stock.water) == 7  # nothing half-done
    assert not Distribution.objects.exists()
    assert ledger_mismatches() == []


@time_machine.travel(dt.datetime(2027, 7, 14, 10, 0), tick=False)
def test_per_person_daily_limit_with_phone_kept_as_hmac(stock):
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=10)]
    )
    first = ledger.stock_distribute(
        actor=None, campaign=stock.campaign, location=stock.depot, item=stock.hat, quantity=1,
        category="delivery", phone="138 0971 1234",
    )  # fmt: skip
    assert first.worker_key and "13809711234" not in first.worker_key
    assert len(first.worker_key) == 64
    with pytest.raises(LimitReached) as excinfo:
        ledger.stock_distribute(
            actor=None, campaign=stock.campaign, location=stock.depot, item=stock.hat,
            quantity=1, category="delivery", phone="+86 13809711234",
        )  # fmt: skip
    assert "今天已经领过" in excinfo.value.message
    assert level(stock.depot, stock.hat) == 9
    # Another day, another hat.
    ledger.stock_distribute(
        actor=None, campaign=stock.campaign, location=stock.depot, item=stock.hat, quantity=1,
        category="delivery", phone="13809711234", on=dt.date(2027, 7, 15),
    )  # fmt: skip
    assert level(stock.depot, stock.hat) == 8
    with pytest.raises(DomainError) as excinfo:
        worker_key("12345")
    assert excinfo.value.field == "phone"


def test_closed_campaign_accepts_no_movements(stock):
    lifecycle.campaign_set_status(actor=None, campaign=stock.campaign, status="closed")
    stock.campaign.refresh_from_db()
    with pytest.raises(CampaignsError):
        ledger.stock_receive(
            actor=None, location=stock.depot, campaign=stock.campaign,
            lines=[ledger.ReceiptLine(item=stock.hat, quantity=1)],
        )  # fmt: skip
    with pytest.raises(CampaignsError):
        lifecycle.campaign_set_status(actor=None, campaign=stock.campaign, status="active")


@time_machine.travel(dt.datetime(2027, 7, 14, 10, 0), tick=False)
def test_adjustment_and_write_off(stock):
    receive_water(stock, ("OLD", dt.date(2027, 7, 1), 10), ("NEW", dt.date(2027, 12, 1), 10))
    new = Lot.objects.get(batch="NEW")
    with pytest.raises(CampaignsError):
        ledger.stock_adjust(actor=None, location=stock.depot, lot=new, delta=-2, reason=" ")
    ledger.stock_adjust(actor=None, location=stock.depot, lot=new, delta=-2, reason="破损")
    with pytest.raises(InsufficientStock):
        ledger.stock_adjust(actor=None, location=stock.depot, lot=new, delta=-20, reason="盘亏")
    ledger.stock_write_off_expired(actor=None, location=stock.depot)
    assert level(stock.depot, lot=Lot.objects.get(batch="OLD")) == 0
    assert level(stock.depot, lot=new) == 8
    assert ledger_mismatches() == []


def test_ledger_is_append_only(stock):
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=3)]
    )
    entry = StockEntry.objects.get()
    with pytest.raises(RuntimeError):
        entry.save()
    with pytest.raises(RuntimeError):
        entry.delete()


def test_stock_verify_command_reports_mismatches(stock, capsys):
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=3)]
    )
    call_command("stock_verify")
    assert "agree" in capsys.readouterr().out
    StockLevel.objects.update(quantity=4)  # corrupt behind the services' back
    with pytest.raises(CommandError):
        call_command("stock_verify")
    assert "MISMATCH DEPOT-XN" in capsys.readouterr().err


@pytest.mark.postgis
@pytest.mark.django_db(transaction=True)
def test_twenty_parallel_hand_outs_from_a_level_of_ten(stock):
    assert connection.vendor == "postgresql"
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=10)]
    )
    results: list[str] = []
    barrier = threading.Barrier(20)

    def hand_out() -> None:
        try:
            barrier.wait()
            ledger.stock_distribute(
                actor=None, campaign=stock.campaign, location=stock.depot, item=stock.hat,
                quantity=1, category="sanitation", workers=1,
            )  # fmt: skip
            results.append("ok")
        except InsufficientStock:
            results.append("insufficient")
        finally:
            connections.close_all()

    threads = [threading.Thread(target=hand_out) for _ in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(results) == ["insufficient"] * 10 + ["ok"] * 10
    assert level(stock.depot, stock.hat) == 0
    assert Distribution.objects.count() == 10
    call_command("stock_verify")
    assert ledger_mismatches() == []
