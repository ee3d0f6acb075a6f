"""Stock alerts under a union: expired lots to write off, levels at or below their reorder
level, items running out at last week's rate, lots expiring soon. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from campaigns.models import Distribution, Item, ReorderLevel, StockLevel, StockLocation
from campaigns.selectors.stock import usable_on

#: (location id, item id) → a quantity, a rate or a reorder level.
Key = tuple[int, int]


@dataclass(frozen=True)
class StockAlert:
    kind: str  # "low" | "running_out" | "expiring" | "expired"
    location: str
    item: str
    quantity: int
    detail: str
    location_name: str = ""
    lot_id: int | None = None  # the lot to write off, for "expired"

    @property
    def kind_label(self) -> str:
        return str(ALERT_KINDS.get(self.kind, self.kind))


ALERT_KINDS = {
    "low": _lazy("低于补货线"),
    "running_out": _lazy("即将用完"),
    "expiring": _lazy("即将过期"),
    "expired": _lazy("已过期"),
}


def stock_alerts(
    *, union_path: str, on: dt.date, days: int = 5, expiry_days: int = 14
) -> list[StockAlert]:
    """Stock alerts for locations under ``union_path``, most urgent first:

    * ``expired`` — a lot past its expiry still on the books: it is never handed out, and
      the alert names the batch to write off;
    * ``low`` — what may still be handed out (unexpired) of an item at a location is at or
      below its reorder level (``ReorderLevel``), including when none is left at all;
    * ``running_out`` — no reorder level is reached, but at last week's hand-out rate the
      item is gone within ``days`` days;
    * ``expiring`` — a lot expires within ``expiry_days`` days.
    """
    usable = usable_quantities(union_path=union_path, on=on)
    rates = hand_out_rates(union_path=union_path, on=on)
    reorder = reorder_levels(union_path=union_path)
    return [
        *expired_alerts(union_path=union_path, on=on),
        *low_alerts(usable=usable, reorder=reorder),
        *running_out_alerts(usable=usable, rates=rates, reorder=reorder, days=days),
        *expiring_alerts(union_path=union_path, on=on, expiry_days=expiry_days),
    ]


def usable_quantities(*, union_path: str, on: dt.date) -> dict[Key, int]:
    """What may still be handed out on ``on``, per location × item."""
    return {
        (row["location_id"], row["lot__item_id"]): row["quantity"] or 0
        for row in StockLevel.objects.filter(location__union__path__startswith=union_path)
        .filter(usable_on(on))
        .values("location_id", "lot__item_id")
        .annotate(quantity=Sum("quantity"))
    }


def hand_out_rates(*, union_path: str, on: dt.date) -> dict[Key, float]:
    """Units handed out a day over the 7 days up to ``on``, per location × item."""
    week_ago = on - dt.timedelta(days=7)
    return {
        (row["location_id"], row["item_id"]): row["n"] / 7
        for row in Distribution.objects.standing()
        .filter(
            location__union__path__startswith=union_path,
            handed_out_on__gt=week_ago,
            handed_out_on__lte=on,
        )
        .values("location_id", "item_id")
        .annotate(n=Sum("quantity"))
    }


def reorder_levels(*, union_path: str) -> dict[Key, ReorderLevel]:
    return {
        (r.location_id, r.item_id): r
        for r in ReorderLevel.objects.filter(
            location__union__path__startswith=union_path
        ).select_related("location", "item")
    }


def expired_alerts(*, union_path: str, on: dt.date) -> list[StockAlert]:
    expired = (
        StockLevel.objects.filter(
            location__union__path__startswith=union_path, quantity__gt=0, lot__expires_on__lt=on
        )
        .select_related("location", "lot__item")
        .order_by("location__code", "lot__expires_on")
    )
    return [
        StockAlert(
            "expired",
            level.location.code,
            level.lot.item.name,
            level.quantity,
            _("批号 %(batch)s 已于 %(date)s 过期，不会再发放：请报废。")
            % {"batch": level.lot.batch, "date": level.lot.expires_on},
            location_name=level.location.name,
            lot_id=level.lot_id,
        )
        for level in expired
    ]


def low_alerts(*, usable: dict[Key, int], reorder: dict[Key, ReorderLevel]) -> list[StockAlert]:
    alerts = []
    for key, r in sorted(reorder.items(), key=lambda kv: (kv[1].location.code, kv[1].item.code)):
        qty = usable.get(key, 0)
        if qty <= r.level:
            alerts.append(
                StockAlert(
                    "low",
                    r.location.code,
                    r.item.name,
                    qty,
                    _("补货线 %(n)d，可发放的只剩 %(q)d") % {"n": r.level, "q": qty},
                    location_name=r.location.name,
                )
            )
    return alerts


def running_out_alerts(
    *,
    usable: dict[Key, int],
    rates: dict[Key, float],
    reorder: dict[Key, ReorderLevel],
    days: int,
) -> list[StockAlert]:
    """Items gone within ``days`` at last week's rate, unless already ``low``."""
    alerts: list[StockAlert] = []
    names = None
    for key, qty in sorted(usable.items()):
        rate = rates.get(key, 0)
        r = reorder.get(key)
        if (r is not None and qty <= r.level) or not (rate > 0 and qty / rate < days):
            continue
        if names is None:  # the names are read only when some alert needs them
            names = _names(usable, rates)
        location, item = names[0][key[0]], names[1][key[1]]
        alerts.append(
            StockAlert(
                "running_out",
                location.code,
                item.name,
                qty,
                _("按近 7 天的发放速度约 %(d).1f 天用完") % {"d": qty / rate},
                location_name=location.name,
            )
        )
    return alerts


def expiring_alerts(*, union_path: str, on: dt.date, expiry_days: int) -> list[StockAlert]:
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
    return [
        StockAlert(
            "expiring",
            level.location.code,
            level.lot.item.name,
            level.quantity,
            _("批号 %(batch)s 于 %(date)s 到期")
            % {"batch": level.lot.batch, "date": level.lot.expires_on},
            location_name=level.location.name,
        )
        for level in expiring
    ]


def _names(
    usable: dict[Key, int], rates: dict[Key, float]
) -> tuple[dict[int, StockLocation], dict[int, Item]]:
    keys = set(usable) | set(rates)
    return (
        StockLocation.objects.in_bulk({k[0] for k in keys}),
        Item.objects.in_bulk({k[1] for k in keys}),
    )
