"""Keyed hashes that stand in for workers' phone numbers (PIPL: keep the minimum).

One function and one secret (``WORKER_ID_SECRET``) for every app, so the same worker gets
the same key at a hand-out and in health surveillance, and the number itself is never
stored.
"""

from __future__ import annotations

import hashlib
import hmac

from django.conf import settings

from core.identifiers import normalize_phone


def worker_key(phone: str, *, field: str = "phone") -> str:
    """HMAC-SHA256 of a mainland mobile number in its one normal form
    (``core.identifiers.normalize_phone``: any script's digits, spaces, dashes, +86)."""
    digits = normalize_phone(phone, field=field)
    secret = settings.WORKER_ID_SECRET.encode()
    return hmac.new(secret, digits.encode(), hashlib.sha256).hexdigest()
