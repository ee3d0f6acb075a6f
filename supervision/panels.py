"""The panel the supervision app adds to the organizer overview (``/organizer/``), through
``stations.panels`` (registered in ``SupervisionConfig.ready``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core import time as local_time
from core.scoping import scope_for
from supervision import selectors


def supervision_panel(request: HttpRequest) -> dict[str, Any] | None:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return None
    today = local_time.today()
    return {"today": today, "ages": selectors.open_findings_by_age(scope, on=today)}
