"""The campaigns API (/api/v1/…), one module per concept.

* ``stock`` — stock movements (/api/v1/stock/…), each once per ``Idempotency-Key``, and levels.
* ``desk`` — the station desk's supplies and its queued actions.
* ``vouchers`` — an organizer issues a worker's voucher.
"""
