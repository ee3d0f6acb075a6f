"""Reads for campaigns: lookups, stock, ledger checks, dashboards. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy

from campaigns.models import (
    Allocation,
    Campaign,
    Distribution,
    IdempotencyRecord,
    Item,
    Lot,
    Movement,
    ReorderLevel,
    StockEntry,
    StockLevel,
    StockLocation,
    Transfer,
    TransferLine,
)
from core import time as local_time
from core.categories import WorkerCategory
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
    ``services.ledger.stock_location_ensure`` creates one, for a write.
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


def campaign_get(*, pk: int) -> Campaign:
    campaign = Campaign.objects.select_related("union").filter(pk=pk).first()
    if campaign is None:
        raise NotFound(_("没有这个活动。"), field="campaign")
    return campaign


def idempotency_record_find(
    *, user: AbstractBaseUser | AnonymousUser, key: str
) -> IdempotencyRecord | None:
    return IdempotencyRecord.objects.filter(user=user, key=key).first()


def transfer_get(*, pk: int) -> Transfer:
    transfer = Transfer.objects.select_related("destination__union").filter(pk=pk).first()
    if transfer is None:
        raise NotFound(_("没有这批调拨。"), field="transfer")
    return transfer


# What an organizer sees -------------------------------------------------------------------


def campaigns_visible(*, actor: AbstractBaseUser | AnonymousUser | None) -> QuerySet[Campaign]:
    """The campaigns under the actor's unions (none for someone who organizes nothing)."""
    scope = scope_for(actor)
    if not scope.is_organizer:
        return Campaign.objects.none()
    return scope.filter(Campaign.objects.select_related("union"))


def depots_for_campaign(
    *, actor: AbstractBaseUser | AnonymousUser | None, campaign: Campaign
) -> QuerySet[StockLocation]:
    """Depots inside the campaign's scope that the actor manages."""
    return (
        scope_for(actor)
        .filter(
            StockLocation.objects.filter(
                kind=StockLocation.Kind.DEPOT, union__path__startswith=campaign.union.path
            )
        )
        .select_related("union")
        .order_by("code")
    )


def hand_out_points(
    *,
    actor: AbstractBaseUser | AnonymousUser | None,
    campaign: Campaign,
    on: dt.date | None = None,
) -> QuerySet[StockLocation]:
    """Locations in the campaign's scope (and the actor's) that hold stock to hand out:
    some lot with a quantity that has not expired on ``on`` (today by default)."""
    on = on or local_time.today()
    holds = StockLevel.objects.filter(location=OuterRef("pk"), quantity__gt=0).filter(
        Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=on)
    )
    return (
        scope_for(actor)
        .filter(StockLocation.objects.filter(union__path__startswith=campaign.union.path))
        .filter(Exists(holds))
        .select_related("union")
        .order_by("kind", "code")
    )


def draft_allocations(*, campaign: Campaign, item_code: str) -> QuerySet[Allocation]:
    return (
        Allocation.objects.filter(
            campaign=campaign, item__code=item_code, status=Allocation.Status.DRAFT
        )
        .select_related("location", "item")
        .order_by("location__code")
    )


def transfers_in_transit(*, campaign: Campaign, limit: int = 200) -> list[Transfer]:
    """The campaign's transfers not yet signed for, each with its lines (item, batch,
    quantity) so the person signing sees what should have arrived."""
    return list(
        Transfer.objects.filter(campaign=campaign, status=Transfer.Status.IN_TRANSIT)
        .select_related("source", "destination")
        .prefetch_related(_transfer_lines())
        .order_by("destination__code")[:limit]
    )


def transfers_in_transit_count(*, campaign: Campaign) -> int:
    return Transfer.objects.filter(campaign=campaign, status=Transfer.Status.IN_TRANSIT).count()


def _transfer_lines() -> Prefetch:
    return Prefetch(
        "lines",
        queryset=TransferLine.objects.select_related("lot__item").order_by(
            "lot__item__sort_order", "lot__item__code", "lot__expires_on"
        ),
    )


def campaign_transfer_get(*, campaign: Campaign, pk: int) -> Transfer:
    transfer = (
        Transfer.objects.filter(pk=pk, campaign=campaign)
        .select_related("source", "destination__union")
        .prefetch_related(_transfer_lines())
        .first()
    )
    if transfer is None:
        raise NotFound(_("没有这批调拨。"), field="transfer")
    return transfer


# Stock ------------------------------------------------------------------------------------


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


def campaign_spend(*, campaign: Campaign) -> Decimal:
    return Movement.objects.filter(campaign=campaign).aggregate(s=Sum("cost"))["s"] or Decimal(0)


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


def _usable(on: dt.date) -> Q:
    """Levels whose lot may still be handed out on ``on``."""
    return Q(lot__expires_on__isnull=True) | Q(lot__expires_on__gte=on)


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
    usable = {
        (row["location_id"], row["lot__item_id"]): row["quantity"] or 0
        for row in StockLevel.objects.filter(location__union__path__startswith=union_path)
        .filter(_usable(on))
        .values("location_id", "lot__item_id")
        .annotate(quantity=Sum("quantity"))
    }
    week_ago = on - dt.timedelta(days=7)
    rates = {
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
    alerts: list[StockAlert] = []
    expired = (
        StockLevel.objects.filter(
            location__union__path__startswith=union_path, quantity__gt=0, lot__expires_on__lt=on
        )
        .select_related("location", "lot__item")
        .order_by("location__code", "lot__expires_on")
    )
    for level in expired:
        alerts.append(
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
        )
    reorder = {
        (r.location_id, r.item_id): r
        for r in ReorderLevel.objects.filter(
            location__union__path__startswith=union_path
        ).select_related("location", "item")
    }
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
    names = None
    for key, qty in sorted(usable.items()):
        rate = rates.get(key, 0)
        r = reorder.get(key)
        if (r is not None and qty <= r.level) or not (rate > 0 and qty / rate < days):
            continue
        if names is None:
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
                location_name=level.location.name,
            )
        )
    return alerts


def _names(
    usable: dict[tuple[int, int], int], rates: dict[tuple[int, int], float]
) -> tuple[dict[int, StockLocation], dict[int, Item]]:
    keys = set(usable) | set(rates)
    return (
        StockLocation.objects.in_bulk({k[0] for k in keys}),
        Item.objects.in_bulk({k[1] for k in keys}),
    )


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
            usable=Sum("quantity", filter=_usable(on)),
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


@dataclass(frozen=True)
class PlanTotals:
    """A plan's running total against what the depot may send of the item."""

    allocated: int
    available: int

    @property
    def over(self) -> int:
        return max(0, self.allocated - self.available)

    @property
    def left(self) -> int:
        return self.available - self.allocated


def plan_totals(
    *, campaign: Campaign, item: Item, source: StockLocation, on: dt.date | None = None
) -> PlanTotals:
    allocated = (
        Allocation.objects.filter(
            campaign=campaign, item=item, status=Allocation.Status.DRAFT
        ).aggregate(n=Sum("quantity"))["n"]
        or 0
    )
    available = sum(lv.quantity for lv in available_lots(location=source, item=item, on=on))
    return PlanTotals(allocated=allocated, available=available)


@dataclass(frozen=True)
class CategoryProgress:
    code: str
    label: str
    reached: int
    target: int

    @property
    def percent(self) -> int | None:
        return round(100 * self.reached / self.target) if self.target else None


def category_progress(*, campaign: Campaign, by_category: dict[str, int]) -> list[CategoryProgress]:
    """Workers reached per category against the campaign's per-category targets: the
    categories with a target first (in the enum's order), then those reached without one."""
    labels = dict(WorkerCategory.choices)
    rows = [
        CategoryProgress(
            code,
            str(labels[code]),
            by_category.get(code, 0),
            int(campaign.category_targets.get(code, 0) or 0),
        )
        for code in WorkerCategory.values
        if campaign.category_targets.get(code) or by_category.get(code)
    ]
    return sorted(rows, key=lambda r: r.target == 0)


def campaign_dashboard(*, campaign: Campaign, on: dt.date) -> dict[str, Any]:
    """Workers reached against target (by day, category with its target, prefecture),
    stock by location × item (expired apart, reorder levels), spend, alerts."""
    handed = Distribution.objects.standing().filter(campaign=campaign)
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
    stock = stock_table(union_path=campaign.union.path, on=on)
    spend = campaign_spend(campaign=campaign)
    locations = {
        loc.code: (loc.location.y, loc.location.x) if loc.location else None
        for loc in StockLocation.objects.filter(code__in={row.location_code for row in stock})
    }
    return {
        "reached": reached,
        "target": campaign.target_workers,
        "by_day": [(row["handed_out_on"], row["n"]) for row in by_day],
        "by_category": by_category,
        "category_progress": category_progress(campaign=campaign, by_category=by_category),
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
        "flags": campaign_flags(campaign=campaign, spend=spend),
    }


#: How many implausible hand-outs a flag names before it says "and N more".
FLAG_EXAMPLES = 3


def campaign_flags(*, campaign: Campaign, spend: Decimal) -> list[str]:
    """Figures that cannot be true, for the dashboard to say so before anyone reports them:

    * a hand-out that covers more workers than the units it gave (every worker covered
      receives at least one unit), so the coverage above it is more than anyone could
      have reached;
    * spending above the campaign's budget (a budget of 0 is "not set", not flagged).
    """
    flags: list[str] = []
    implausible = (
        Distribution.objects.filter(campaign=campaign, workers__gt=F("quantity"))
        .select_related("location", "item")
        .order_by("-workers")
    )
    count = implausible.count()
    if count:
        examples = "；".join(
            _("%(place)s %(day)s：%(workers)d 人只发了 %(quantity)d %(unit)s%(item)s")
            % {"place": d.location.name, "day": d.handed_out_on.isoformat(),
               "workers": d.workers, "quantity": d.quantity, "unit": d.item.unit,
               "item": d.item.name}
            for d in implausible[:FLAG_EXAMPLES]
        )  # fmt: skip
        excess = sum(d.workers - d.quantity for d in implausible)
        flags.append(
            _("覆盖人数不可信：%(n)d 笔发放登记的覆盖人数多于发放的数量（每人至少领 1 件），"
              "覆盖人数因此至少多算了 %(excess)d 人。%(examples)s。请核对后更正。")
            % {"n": count, "excess": excess, "examples": examples}
        )  # fmt: skip
    if campaign.budget and spend > campaign.budget:
        flags.append(
            _("支出 %(spend)s 元超过预算 %(budget)s 元（超出 %(over)s 元）。")
            % {"spend": spend, "budget": campaign.budget, "over": spend - campaign.budget}
        )
    return flags


def items_for_campaign(*, campaign: Campaign) -> QuerySet[Item]:
    """The catalogue items a campaign plans and hands out: its season's and the all-year
    ones (a campaign of kind "other" takes any item). A winter campaign offers no summer
    water, a summer one no cotton coats."""
    items = Item.objects.all()
    if campaign.kind in (Campaign.Kind.SUMMER, Campaign.Kind.WINTER):
        items = items.filter(season__in=[campaign.kind, Item.Season.ANY])
    # The season's own items first, then the all-year ones.
    return items.order_by(
        Case(When(season=Item.Season.ANY, then=1), default=0), "sort_order", "code"
    )


def item_fits_campaign(*, item: Item, campaign: Campaign) -> bool:
    return items_for_campaign(campaign=campaign).filter(pk=item.pk).exists()
