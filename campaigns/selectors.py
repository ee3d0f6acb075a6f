"""Reads for campaigns: ledger checks, stock, demand, dashboards."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db.models import Max, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Lot, StockEntry, StockLevel, StockLocation


@dataclass(frozen=True)
class Mismatch:
    location: str
    lot: str
    ledger: int
    level: int


def ledger_mismatches() -> list[Mismatch]:
    """Every location × lot whose ledger does not sum to its level (empty when all agree)."""
    ledger = {
        (row["location_id"], row["lot_id"]): row["total"]
        for row in StockEntry.objects.values("location_id", "lot_id").annotate(total=Sum("delta"))
    }
    levels = {
        (row["location_id"], row["lot_id"]): row["quantity"]
        for row in StockLevel.objects.values("location_id", "lot_id", "quantity")
    }
    keys = set(ledger) | set(levels)
    locations = {
        loc.pk: loc.code for loc in StockLocation.objects.filter(pk__in={k[0] for k in keys})
    }
    lots = {
        lot.pk: str(lot)
        for lot in Lot.objects.filter(pk__in={k[1] for k in keys}).select_related("item")
    }
    out = []
    for key in sorted(keys):
        total, level = ledger.get(key, 0), levels.get(key, 0)
        if total != level:
            out.append(
                Mismatch(
                    locations.get(key[0], str(key[0])), lots.get(key[1], str(key[1])), total, level
                )
            )
    return out


@dataclass(frozen=True)
class StockAlert:
    kind: str  # "low" | "running_out" | "expiring"
    location: str
    item: str
    quantity: int
    detail: str


def stock_alerts(
    *, union_path: str, on: dt.date, days: int = 5, expiry_days: int = 14
) -> list[StockAlert]:
    """Low stock (below the reorder level, or gone within ``days`` at last week's rate) and
    lots expiring within ``expiry_days``, for locations under ``union_path``."""
    from campaigns.models import Distribution

    levels = (
        StockLevel.objects.filter(location__union__path__startswith=union_path)
        .values("location_id", "location__code", "lot__item_id", "lot__item__name")
        .annotate(quantity=Sum("quantity"), reorder=Max("reorder_level"))
    )
    week_ago = on - dt.timedelta(days=7)
    rates = {
        (row["location_id"], row["item_id"]): row["n"] / 7
        for row in Distribution.objects.filter(
            location__union__path__startswith=union_path,
            handed_out_on__gt=week_ago,
            handed_out_on__lte=on,
        )
        .values("location_id", "item_id")
        .annotate(n=Sum("quantity"))
    }
    alerts: list[StockAlert] = []
    for row in levels:
        qty = row["quantity"] or 0
        key = (row["location_id"], row["lot__item_id"])
        rate = rates.get(key, 0)
        if row["reorder"] and qty < row["reorder"]:
            alerts.append(
                StockAlert(
                    "low",
                    row["location__code"],
                    row["lot__item__name"],
                    qty,
                    _("低于补货线 %(n)d") % {"n": row["reorder"]},
                )
            )
        elif rate > 0 and qty / rate < days:
            alerts.append(
                StockAlert(
                    "running_out",
                    row["location__code"],
                    row["lot__item__name"],
                    qty,
                    _("按近 7 天的发放速度约 %(d).1f 天用完") % {"d": qty / rate},
                )
            )
    expiring = (
        StockLevel.objects.filter(
            location__union__path__startswith=union_path,
            quantity__gt=0,
            lot__expires_on__gte=on,
            lot__expires_on__lte=on + dt.timedelta(days=expiry_days),
        )
        .select_related("location", "lot__item")
        .order_by("lot__expires_on")
    )
    for level in expiring:
        alerts.append(
            StockAlert(
                "expiring",
                level.location.code,
                level.lot.item.name,
                level.quantity,
                _("批号 %(batch)s 于 %(date)s 到期")
                % {"batch": level.lot.batch, "date": level.lot.expires_on},
            )
        )
    return alerts


def campaign_dashboard(*, campaign: Campaign, on: dt.date) -> dict[str, Any]:
    """Workers reached against target (by day, category, prefecture), stock, spend, alerts."""
    from campaigns.models import Distribution, Movement

    handed = Distribution.objects.filter(campaign=campaign)
    reached = handed.aggregate(n=Sum("workers"))["n"] or 0
    by_day = list(
        handed.values("handed_out_on").annotate(n=Sum("workers")).order_by("handed_out_on")
    )
    by_category = {
        row["category"]: row["n"] for row in handed.values("category").annotate(n=Sum("workers"))
    }
    by_region = list(
        handed.values(
            region=Coalesce(
                "location__station__region__parent__name", "location__union__region__name"
            )
        )
        .annotate(n=Sum("workers"))
        .order_by("-n")
    )
    items = list(
        handed.values("item__code", "item__name", "item__unit")
        .annotate(quantity=Sum("quantity"))
        .order_by("item__code")
    )
    stock = list(
        StockLevel.objects.filter(
            location__union__path__startswith=campaign.union.path, quantity__gt=0
        )
        .values("location__code", "location__name", "location__kind", "lot__item__name")
        .annotate(quantity=Sum("quantity"))
        .order_by("location__code", "lot__item__name")
    )
    spend = Movement.objects.filter(campaign=campaign).aggregate(s=Sum("cost"))["s"] or Decimal(0)
    locations = {
        loc.code: (loc.location.y, loc.location.x) if loc.location else None
        for loc in StockLocation.objects.filter(code__in={row["location__code"] for row in stock})
    }
    return {
        "reached": reached,
        "target": campaign.target_workers,
        "by_day": [(row["handed_out_on"], row["n"]) for row in by_day],
        "by_category": by_category,
        "by_region": [(row["region"] or "—", row["n"]) for row in by_region],
        "items": items,
        "stock": stock,
        "stock_points": [
            {"code": code, "lat": point[0], "lng": point[1]}
            for code, point in locations.items()
            if point
        ],
        "spend": spend,
        "budget": campaign.budget,
        "alerts": stock_alerts(union_path=campaign.union.path, on=on),
        "locations_involved": handed.values("location").distinct().count(),
    }
