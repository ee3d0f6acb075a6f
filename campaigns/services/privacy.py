"""Detach a worker's phone HMAC from hand-outs and vouchers (erasure on request).

The rows stay, so every count and total stays right; only the key that could link them to
a person is replaced by a random marker that no phone number hashes to. History rows of
vouchers carry the key too and are rewritten the same way.
"""

from __future__ import annotations

from django.db import transaction

from campaigns.models import Distribution, Voucher


@transaction.atomic
def person_key_detach(phone_key: str, marker: str) -> int:
    if not phone_key:
        return 0
    changed = Distribution.objects.filter(worker_key=phone_key).update(worker_key=marker)
    changed += Voucher.objects.filter(worker_key=phone_key).update(worker_key=marker)
    Voucher.history.filter(worker_key=phone_key).update(worker_key=marker)
    return changed
