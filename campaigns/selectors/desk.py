"""What the station desk reads from campaigns (nothing here writes): campaigns to hand
out for, stock by item and lot, incoming deliveries."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import TYPE_CHECKING, Any

from django.db.models import F
from django.utils.translation import get_language

from campaigns.models import Campaign, StockLevel, StockLocation, Transfer
from core import time as local_time
from stations.models import Station

if TYPE_CHECKING:
    pass

#: Lots expiring within this many days are flagged at the desk.
NEAR_EXPIRY_DAYS = 14


def _english() -> bool:
    return (get_language() or "").startswith("en")


def _item_name(item: Any) -> str:
    return (item.name_en or item.name) if _english() else item.name


def desk_campaigns(*, station: Station) -> list[Campaign]:
    """Active campaigns whose scope (union subtree) covers ``station``."""
    path = station.union.path
    return [
        c
        for c in Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related("union")
        if path.startswith(c.union.path)
    ]


def desk_supplies(*, station: Station, on: dt.date | None = None) -> dict[str, Any]:
    """Everything the desk shows about supplies at ``station``, for someone who works it
    (the caller has checked that: ``stations.selectors.station_for_staff``).

    ``items`` are what may be handed out now (expired lots never count); ``stock`` lists
    every lot held, flagged ``near`` expiry or ``expired``; ``write_off`` names the expired
    lots to take off the shelf; ``transfers`` are deliveries on their way here.
    """
    on = on or local_time.today()
    location = StockLocation.objects.filter(station=station).first()
    levels = (
        list(
            StockLevel.objects.filter(location=location, quantity__gt=0)
            .select_related("lot__item")
            .order_by(
                "lot__item__sort_order", "lot__item__code",
                F("lot__expires_on").asc(nulls_last=True),
            )
        )
        if location is not None
        else []
    )  # fmt: skip
    near = on + dt.timedelta(days=NEAR_EXPIRY_DAYS)
    by_item: dict[int, dict[str, Any]] = {}
    lots_of: dict[int, list[dict[str, Any]]] = defaultdict(list)
    write_off = []
    for level in levels:
        lot, item = level.lot, level.lot.item
        entry = by_item.setdefault(
            item.pk,
            {"code": item.code, "name": _item_name(item), "unit": item.unit, "available": 0},
        )
        expires = lot.expires_on
        state = "ok"
        if expires is not None and expires < on:
            state = "expired"
            write_off.append({
                "lot": lot.pk, "batch": lot.batch, "item": _item_name(item),
                "expires_on": expires.isoformat(), "quantity": level.quantity, "unit": item.unit,
            })  # fmt: skip
        else:
            entry["available"] += level.quantity
            if expires is not None and expires <= near:
                state = "near"
        lots_of[item.pk].append({
            "lot": lot.pk, "batch": lot.batch, "quantity": level.quantity, "state": state,
            "expires_on": expires.isoformat() if expires else None,
        })  # fmt: skip
    stock = [{**entry, "lots": lots_of[pk]} for pk, entry in by_item.items()]
    transfers = []
    if location is not None:
        incoming = (
            Transfer.objects.filter(destination=location, status=Transfer.Status.IN_TRANSIT)
            .select_related("source", "campaign")
            .prefetch_related("lines__lot__item")
            .order_by("created_at")
        )
        for transfer in incoming[:50]:
            transfers.append({
                "id": transfer.pk, "source": transfer.source.name,
                "campaign": transfer.campaign.name if transfer.campaign else "",
                "sent": f"{local_time.to_local(transfer.created_at):%m-%d %H:%M}",
                "lines": [
                    {"lot": line.lot_id, "item": _item_name(line.lot.item),
                     "unit": line.lot.item.unit, "batch": line.lot.batch,
                     "quantity": line.quantity}
                    for line in transfer.lines.all()
                ],
            })  # fmt: skip
    return {
        "station": station.code,
        "campaigns": [
            {
                "id": c.pk,
                "name": c.name,
                "per_person_daily_limit": c.per_person_daily_limit,
                "voucher_name": c.voucher_label,
            }
            for c in desk_campaigns(station=station)
        ],
        "items": [
            {k: entry[k] for k in ("code", "name", "unit", "available")}
            for entry in by_item.values()
            if entry["available"] > 0
        ],
        "stock": stock,
        "write_off": write_off,
        "transfers": transfers,
        "today": on.isoformat(),
    }
