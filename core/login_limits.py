"""Login lockout by address as well as by user name and address (django-axes).

Axes counts failures per (user name, address): five wrong passwords for one name lock
that pair. Spreading guesses over many names from one address was not limited at all.
This handler also locks an address once it has ``AXES_IP_FAILURE_LIMIT`` failures over
any names within the cool-off time — higher than the per-name limit, as one office's
staff share an address behind NAT.
"""

from __future__ import annotations

from typing import Any

from axes.handlers.database import AxesDatabaseHandler
from axes.helpers import get_cool_off, get_failure_limit
from axes.models import AccessAttempt
from django.conf import settings
from django.db.models import Sum
from django.utils import timezone


class PerAddressDatabaseHandler(AxesDatabaseHandler):
    def get_failures(self, request: Any, credentials: dict | None = None) -> int:
        per_name = super().get_failures(request, credentials)
        address = getattr(request, "axes_ip_address", None)
        if not address:
            return per_name
        attempts = AccessAttempt.objects.filter(ip_address=address)
        cool_off = get_cool_off(request)
        if cool_off is not None:
            attempts = attempts.filter(attempt_time__gte=timezone.now() - cool_off)
        per_address = attempts.aggregate(n=Sum("failures_since_start"))["n"] or 0
        if per_address >= settings.AXES_IP_FAILURE_LIMIT:
            return max(per_name, get_failure_limit(request, credentials))
        return per_name
