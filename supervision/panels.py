"""The panel the supervision app adds to the organizer overview (``/organizer/``), through
``stations.panels`` (registered in ``SupervisionConfig.ready``); the supervision home page
shows the same panel."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest

from core import time as local_time
from core.scoping import scope_for
from supervision.selectors.accidents import accidents_year_on_year
from supervision.selectors.competitions import participation
from supervision.selectors.inspections import inspections_per_month, open_findings_by_age


def supervision_panel(request: HttpRequest) -> dict[str, Any] | None:
    """Open findings by age, accidents this year against last, inspections per month and
    安康杯 participation, under the organizer's unions."""
    scope = scope_for(request.user)
    if not scope.is_organizer:
        return None
    today = local_time.today()
    per_month = inspections_per_month(scope, year=today.year)
    return {
        "today": today,
        "ages": open_findings_by_age(scope, on=today),
        "accidents": accidents_year_on_year(scope, on=today),
        "inspections": [{"month": m + 1, "count": n} for m, n in enumerate(per_month)],
        "inspections_top": max([1, *per_month]),
        "inspections_total": sum(per_month),
        "cup": participation(scope, year=today.year),
    }
