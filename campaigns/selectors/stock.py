"""Stock reads: locations, items and lots, levels, the ledger check and the stock table.
Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import F, Q, QuerySet, Sum
from django.utils.translation import gettext as _

from campaigns.models import (
    Campaign,
    IdempotencyRecord,
    Item,
    Lot,
    ReorderLevel,
    StockEntry,
    StockLevel,
    StockLocation,
    Transfer,
)
from core import time as local_time
from core.errors import NotFound
from core.scoping import scope_for
from stations.models import Station
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser

WORKPLACE_PREFIX = "WP-"  # a workplace's stock location is WP-<credit code>
CODE_MAX_LENGTH = 40

# Lookups ----------------------------------------------------------------------------------


def stock_location_get(*, code: str) -> StockLocation:
    """The stock location with ``code``; ``NotFound`` (field ``location``) when none exists.

    A station or workplace that has never held stock has no location yet: only
    ``services.locations.stock_location_ensure`` creates one, for a write.
    """
    code = str(code)[:CODE_MAX_LENGTH]
    location = StockLocation.objects.select_related("union").filter(code=code).first()
    if location is None:
        raise NotFound(_("没有编号为 %(code)s 的库存地点。") % {"code": code}, field="location")
    return location


def stock_place_find(*, code: str) -> Station | Workplace | None:
    """The station with ``code``, or the workplace of ``WP-<credit code>``, or ``None``."""
    code = str(code)[:CODE_MAX_LENGTH]
    station = Station.objects.filter(code=code).select_related("union").first()
    if station is not None:
        return station
    if code.startswith(WORKPLACE_PREFIX):
        return (
            Workplace.objects.filter(credit_code=code[len(WORKPLACE_PREFIX) :])
            .select_related("union")
            .first()
        )
    return None


def item_get(*, code: str) -> Item:
    item = Item.objects.filter(code=str(code)[:CODE_MAX_LENGTH]).first()
    if item is None:
        raise NotFound(
            _("未知的物资代码：%(code)s。") % {"code": str(code)[:CODE_MAX_LENGTH]}, field="item"
        )
    return item


def lot_get(*, pk: int, field: str = "lot") -> Lot:
    lot = Lot.objects.select_related("item").filter(pk=pk).first()
    if lot is None:
        raise NotFound(_("没有这个批次。"), field=field)
    return lot


def lot_of_batch(*, item: Item, batch: str) -> Lot:
    lot = Lot.objects.select_related("item").filter(item=item, batch=batch).first()
    if lot is None:
        raise NotFound(_("没有这个批次。"), field="batch")
    return lot


def idempotency_record_find(
    *, user: AbstractBaseUser | AnonymousUser, key: str
) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(user=user, key=key).first()


def transfer_get(*, pk: int) -> Transfer:
    transfer = Transfer.objects.select_related("destination__union").filter(pk=pk).first()
    if transfer is None:
        raise NotFound(_("没有这批调拨。"), field="transfer")
    return transfer


# Stock ------------------------------------------------------------------------------------


def usable_on(on: dt.date) -> Q:
    """Levels whose lot may still be handed out on ``on``."""
    return Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=on)


def available_lots(
    *, location: StockLocation, item: Item, on: dt.date | None = None
) -> list[StockLevel]:
    """Levels of ``item`` at ``location`` that may be handed out, first expiry first."""
    on = on or local_time.today()
    return list(
        StockLevel.objects.filter(location=location, lot__item=item, quantity__gt=0)
        .filter(Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=on))
        .select_related("lot")
        .order_by(F("lot__expires_on").asc(nulls_last=True), "lot__batch", "pk")
    )


@dataclass(frozen=True)
class LocationLevels:
    code: str
    levels: list[StockLevel]


def stock_levels_visible(
    *, actor: AbstractBaseUser | AnonymousUser | None, code: str
) -> LocationLevels:
    """What is in stock at the place with ``code``, for someone who may see it.

    Organizers over the place's union and the staff of a station see it; to anyone else it
    does not exist (``NotFound``, so codes of other unions cannot be probed). A station or
    workplace without a stock location yet holds nothing; reading never creates one.
    """
    code = str(code)[:CODE_MAX_LENGTH]
    hidden = NotFound(_("没有这个库存地点。"), field="location")
    scope = scope_for(actor)
    location = StockLocation.objects.select_related("union").filter(code=code).first()
    if location is not None:
        union, station_id = location.union, location.station_id
    else:
        place = stock_place_find(code=code)
        if place is None:
            raise hidden
        union = place.union
        station_id = place.pk if isinstance(place, Station) else None
    if not (scope.covers_union(union) or station_id in scope.staff_station_ids):
        raise hidden
    if location is None:
        return LocationLevels(code=code, levels=[])
    return LocationLevels(
        code=location.code,
        levels=list(
            StockLevel.objects.filter(location=location, quantity__gt=0)
            .select_related("lot__item")
            .order_by("lot__item__code", "lot__expires_on")
        ),
    )


# Ledger -----------------------------------------------------------------------------------


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
class StockRow:
    """What a location holds of an item: usable (unexpired), expired, and its reorder level."""

    location_code: str
    location_name: str
    location_kind: str
    item_code: str
    item_name: str
    unit: str
    usable: int
    expired: int
    reorder_level: int | None

    @property
    def low(self) -> bool:
        return self.reorder_level is not None and self.usable <= self.reorder_level


def stock_table(
    *, union_path: str, on: dt.date, location_code: str | None = None
) -> list[StockRow]:
    """Stock by location × item under ``union_path``: every pair that holds something or
    has a reorder level, ordered by location and item. Expired stock is counted apart."""
    levels = StockLevel.objects.filter(location__union__path__startswith=union_path)
    reorders = ReorderLevel.objects.filter(location__union__path__startswith=union_path)
    if location_code:
        levels = levels.filter(location__code=location_code)
        reorders = reorders.filter(location__code=location_code)
    totals: dict[tuple[int, int], list[int]] = {}
    for row in (
        levels.filter(quantity__gt=0)
        .values("location_id", "lot__item_id")
        .annotate(
            usable=Sum("quantity", filter=usable_on(on)),
            expired=Sum("quantity", filter=Q(lot__expires_on__lt=on)),
        )
    ):
        totals[(row["location_id"], row["lot__item_id"])] = [
            row["usable"] or 0,
            row["expired"] or 0,
        ]
    levels_set = {(r.location_id, r.item_id): r.level for r in reorders}
    keys = set(totals) | set(levels_set)
    locations = StockLocation.objects.in_bulk({k[0] for k in keys})
    items = Item.objects.in_bulk({k[1] for k in keys})
    rows = [
        StockRow(
            location_code=locations[loc].code,
            location_name=locations[loc].name,
            location_kind=locations[loc].get_kind_display(),
            item_code=items[item].code,
            item_name=items[item].name,
            unit=items[item].unit,
            usable=totals.get((loc, item), [0, 0])[0],
            expired=totals.get((loc, item), [0, 0])[1],
            reorder_level=levels_set.get((loc, item)),
        )
        for loc, item in keys
    ]
    return sorted(rows, key=lambda r: (r.location_code, r.item_code))


def stock_locations_visible(
    *, actor: AbstractBaseUser | AnonymousUser | None, campaign: Campaign
) -> QuerySet[StockLocation]:
    """Stock locations in the campaign's scope that the actor manages (for reorder levels)."""
    return (
        scope_for(actor)
        .filter(StockLocation.objects.filter(union__path__startswith=campaign.union.path))
        .select_related("union")
        .order_by("kind", "code")
    )
