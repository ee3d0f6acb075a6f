"""Every write of the campaigns app, one module per concept.

* ``ledger`` — stock locations, items and lots, and every stock movement (receipts,
  transfers, hand-outs, adjustments, write-offs) with its ledger entries.
* ``lifecycle`` — campaigns (create, edit, status, delete) and edits of allocation lines.
* ``planner`` — proposing allocations from demand and stock, and confirming them as
  transfers.
* ``reversals`` — taking back a hand-out made by mistake, within minutes, as a reversing
  movement in the ledger.
* ``idempotency`` — the remembered first answer to a stock-changing API call.

Reads live in ``campaigns.selectors``.
"""
