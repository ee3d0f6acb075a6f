"""Every read of the campaigns app, one module per concept; nothing here writes.

* ``stock`` — locations, items and lots, levels, the ledger check and the stock table.
* ``alerts`` — stock alerts under a union (expired, low, running out, expiring).
* ``campaigns`` — what an organizer sees of a campaign: transfers, plans, the dashboard.
* ``desk`` — what the station desk shows of supplies.
"""
