"""Campaign reads: what an organizer sees of a campaign, its transfers and plans, its
dashboard and the figures it flags. Nothing here writes."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Case, Exists, F, OuterRef, Prefetch, Q, QuerySet, Sum, When
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _

from campaigns.models import (
    Allocation,
    Campaign,
    Distribution,
    Item,
    Movement,
    StockLevel,
    StockLocation,
    Transfer,
    TransferLine,
)
from campaigns.selectors.alerts import stock_alerts
from campaigns.selectors.stock import available_lots, stock_table
from core import time as local_time
from core.categories import WorkerCategory
from core.errors import NotFound
from core.scoping import scope_for

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser, AnonymousUser


def campaign_get(*, pk: int) -> Campaign:
    campaign = Campaign.objects.select_related("union").filter(pk=pk).first()
    if campaign is None:
        raise NotFound(_("没有这个活动。"), field="campaign")
    return campaign


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


def campaign_spend(*, campaign: Campaign) -> Decimal:
    return Movement.objects.filter(campaign=campaign).aggregate(s=Sum("cost"))["s"] or Decimal(0)


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
