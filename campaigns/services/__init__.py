"""Every write of the campaigns app, one module per concept.

* ``ledger`` — every stock movement (receipts, transfers, hand-outs, adjustments,
  write-offs) with its ledger entries.
* ``locations`` — stock locations (made on first use, depots) and who may act at one.
* ``items`` — the supply catalog and the lots of an item.
* ``reorder_levels`` — the levels at which the low-stock alert fires.
* ``lifecycle`` — campaigns (create, edit, status, delete) and edits of allocation lines.
* ``planner`` — proposing allocations from demand and stock (now or in a task).
* ``plan_confirmation`` — saving the edits of a plan and confirming it as transfers.
* ``alert_mail`` — the morning mail of stock alerts to each campaign's organizers.
* ``reversals`` — taking back a hand-out made by mistake, within minutes, as a reversing
  movement in the ledger.
* ``desk`` — the station desk's queued hand-outs, voucher redemptions and undos, each
  applied once by its key.
* ``vouchers`` — a worker's voucher for the day: issued, redeemed at a station.
* ``privacy`` — detaching an erased worker's key from our records.
* ``idempotency`` — the remembered first answer to a stock-changing API call.

Reads live in the ``campaigns.selectors`` package.
"""
