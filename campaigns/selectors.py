"""Reads for campaigns: ledger checks, stock, demand, dashboards."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Sum

from campaigns.models import Lot, StockEntry, StockLevel, StockLocation


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
