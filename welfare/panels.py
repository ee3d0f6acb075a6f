"""The panel the welfare app adds to the organizer overview (``/organizer/``), through
``stations.panels`` (registered in ``WelfareConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core import time as local_time
from core.scoping import scope_for
from welfare import selectors


def checks_due_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Health checks overdue and due this month, and open follow-ups, by workplace."""
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return None
    today = local_time.today()
    return {
        "rows": selectors.checks_due_by_workplace(scope=scope, on=today),
        "month_end": selectors.month_end(today),
        "today": today,
        "follow_ups": list(selectors.open_follow_ups(scope=scope)[:20]),
    }
