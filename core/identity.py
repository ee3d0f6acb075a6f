"""Keyed hashes that stand in for workers' phone numbers (PIPL: keep the minimum).

One function and one secret (``WORKER_ID_SECRET``) for every app, so the same worker gets
the same key at a hand-out and in health surveillance, and the number itself is never
stored.
"""

from __future__ import annotations

import hashlib
import hmac
import re

from django.conf import settings
from django.utils.translation import gettext as _

from core.errors import DomainError


def worker_key(phone: str) -> str:
    """HMAC-SHA256 of a mainland mobile number (spaces, dashes and +86 ignored)."""
    digits = re.sub(r"\D", "", phone or "")
    if digits.startswith("86") and len(digits) == 13:
        digits = digits[2:]
    if not re.fullmatch(r"1\d{10}", digits):
        raise DomainError(_("请填写 11 位手机号码。"), field="phone")
    secret = settings.WORKER_ID_SECRET.encode()
    return hmac.new(secret, digits.encode(), hashlib.sha256).hexdigest()
