"""Hot days from the stored forecasts (they decide the heat allowance)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from welfare import rules_tables
from welfare.models import Forecast


def hot_day_threshold() -> Decimal:
    """A hot day (高温天气) is one whose maximum reaches the first national heat-alert level
    (``WEATHER_RULES["heat"]``, 35 °C by 《防暑降温措施管理办法》); such days decide the
    heat allowance."""
    return min(
        Decimal(str(rule["at_or_above"])) for rule in rules_tables.table("WEATHER_RULES")["heat"]
    )


def hot_days(*, year: int, threshold: Decimal | None = None) -> list[dict[str, Any]]:
    """Days at or above ``threshold`` °C (forecast maximum; default the hot-day threshold)
    per region in ``year``."""
    if threshold is None:
        threshold = hot_day_threshold()
    rows = (
        Forecast.objects.filter(day__year=year, t_max__gte=threshold)
        .select_related("region")
        .order_by("region__code", "day")
    )
    out: dict[str, dict[str, Any]] = {}
    for f in rows:
        entry = out.setdefault(
            f.region.code, {"region": f.region.code, "name": f.region.name, "days": []}
        )
        entry["days"].append(f.day)
    return list(out.values())
