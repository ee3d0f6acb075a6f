"""Organizers' campaign pages and the worker's voucher page, one module per concept.

* ``dashboard`` — the campaign list, the dashboard and its summary export.
* ``stock`` — stock by location × item, reorder levels, write-offs.
* ``plan`` — proposing, editing and confirming the allocation plan.
* ``movements`` — goods received, a transfer signed for, a hand-out.
* ``vouchers`` — issuing a voucher, and the worker's voucher page with its QR code.
"""
