"""Hand-outs to identified workers: the per-person limit is exact under concurrency, and
hand-outs to different workers do not wait for each other (no lock on the campaign row)."""

from __future__ import annotations

import threading

import psycopg
import pytest
from django.db import connection, connections, transaction

from campaigns.exceptions import LimitReached
from campaigns.models import Distribution
from campaigns.selectors.stock import ledger_mismatches
from campaigns.services import ledger
from core.identity import worker_key
from core.locks import lock_key

pytestmark = [pytest.mark.postgis, pytest.mark.django_db(transaction=True)]


def test_sixteen_parallel_hand_outs_to_one_worker_respect_the_daily_limit(stock):
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=50)]
    )
    limit = stock.campaign.per_person_daily_limit
    assert limit >= 1
    results: list[str] = []
    barrier = threading.Barrier(16)

    def hand_out(phone: str) -> None:
        try:
            barrier.wait()
            ledger.stock_distribute(
                actor=None, campaign=stock.campaign, location=stock.depot, item=stock.hat,
                quantity=1, category="delivery", phone=phone,
            )  # fmt: skip
            results.append(phone)
        except LimitReached:
            results.append("limit")
        finally:
            connections.close_all()

    phones = ["13809711234"] * 12 + ["13909712222"] * 4
    threads = [threading.Thread(target=hand_out, args=(p,)) for p in phones]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results.count("13809711234") == limit
    assert results.count("13909712222") == min(limit, 4)
    assert results.count("limit") == 16 - limit - min(limit, 4)
    assert Distribution.objects.filter(worker_key=worker_key("13809711234")).count() == limit
    assert ledger_mismatches() == []


def test_a_hand_out_to_one_worker_does_not_wait_for_another_workers(stock):
    """One transaction holds worker A's limit lock; worker B's hand-out in the same
    campaign goes through at once, while worker A's second hand-out has to wait."""
    ledger.stock_receive(
        actor=None, location=stock.depot, lines=[ledger.ReceiptLine(item=stock.hat, quantity=10)]
    )
    db = connection.settings_dict
    outcome: dict[str, str] = {}

    def other_connection_hand_out(phone: str) -> None:
        # A plain connection with a lock timeout: waiting longer than 2 s fails loudly.
        try:
            with transaction.atomic():
                with connection.cursor() as cursor:
                    cursor.execute("SET LOCAL lock_timeout = '2s'")
                ledger.stock_distribute(
                    actor=None, campaign=stock.campaign, location=stock.depot, item=stock.hat,
                    quantity=1, category="delivery", phone=phone,
                )  # fmt: skip
            outcome[phone] = "done"
        except Exception as exc:  # the test reports what happened
            outcome[phone] = type(exc).__name__
        finally:
            connections.close_all()

    holder = psycopg.connect(
        host=db["HOST"], port=db["PORT"], user=db["USER"], password=db["PASSWORD"],
        dbname=db["NAME"],
    )  # fmt: skip
    try:
        with holder.transaction():
            holder.execute(
                "SELECT pg_advisory_xact_lock(%s)",
                [
                    lock_key(
                        "campaigns.per-person-limit", stock.campaign.pk, worker_key("13809711234")
                    )
                ],
            )
            for phone in ("13909712222", "13809711234"):
                t = threading.Thread(target=other_connection_hand_out, args=(phone,))
                t.start()
                t.join()
    finally:
        holder.close()
    assert outcome["13909712222"] == "done"
    assert outcome["13809711234"] != "done"  # it waited for A's lock and gave up
