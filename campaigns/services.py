"""Every stock movement and campaign change, each in one transaction.

A movement writes its ``Movement`` row, one ``StockEntry`` per location × lot it touches
and the matching ``StockLevel`` change together. Levels go down only through a
conditional ``UPDATE … WHERE quantity >= n`` (never read-then-write), so concurrent
hand-outs can never take a level below zero; the ``CheckConstraint`` is the backstop.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import Count, F, Q, Sum
from django.db.models.functions import Coalesce
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignsError, InsufficientStock, LimitReached
from campaigns.models import (
    Allocation,
    Campaign,
    Distribution,
    Item,
    Lot,
    Movement,
    StockEntry,
    StockLevel,
    StockLocation,
    Transfer,
    TransferLine,
)
from core import time as local_time
from core.categories import WorkerCategory
from core.errors import NotFound, PermissionDenied
from core.identity import worker_key
from core.scoping import scope_for
from stations.models import Station, Union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# Permissions ------------------------------------------------------------------------------


def _require_manage(actor: AbstractBaseUser | None, location: StockLocation) -> None:
    """Organizers (and admins) above the location's union manage its stock."""
    if actor is None:
        return
    if not scope_for(actor).covers_union(location.union):
        raise PermissionDenied(_("您无权管理“%(location)s”的库存。") % {"location": location.name})


def _require_hand_out(actor: AbstractBaseUser | None, location: StockLocation) -> None:
    """Staff of a station may hand out and receive there; organizers anywhere below them."""
    if actor is None:
        return
    scope = scope_for(actor)
    if scope.covers_union(location.union):
        return
    if location.station_id and location.station_id in scope.staff_station_ids:
        return
    raise PermissionDenied(_("您无权在“%(location)s”操作库存。") % {"location": location.name})


def _require_campaign_open(campaign: Campaign | None) -> None:
    if campaign is not None and campaign.status == Campaign.Status.CLOSED:
        raise CampaignsError(
            _("活动“%(name)s”已结束，不能再有库存变动。") % {"name": campaign.name},
            field="campaign",
        )


# Locations and lots -----------------------------------------------------------------------


def location_for_station(*, station: Station) -> StockLocation:
    """The stock location of a station, created on first use."""
    location, _created = StockLocation.objects.get_or_create(
        station=station,
        defaults={
            "code": station.code,
            "name": station.name,
            "kind": StockLocation.Kind.STATION,
            "union": station.union,
            "location": station.location,
            "address": station.address,
        },
    )
    return location


def location_for_workplace(*, workplace: Any) -> StockLocation:
    """The hand-out point of a special-environment workplace, created on first use."""
    location, _created = StockLocation.objects.get_or_create(
        workplace=workplace,
        defaults={
            "code": f"WP-{workplace.credit_code}",
            "name": workplace.name,
            "kind": StockLocation.Kind.WORKPLACE,
            "union": workplace.union,
            "location": workplace.location,
            "address": workplace.address,
        },
    )
    return location


@transaction.atomic
def depot_create(
    *,
    actor: AbstractBaseUser | None,
    code: str,
    name: str,
    union: Union,
    lat: float | None = None,
    lng: float | None = None,
    address: str = "",
) -> StockLocation:
    if actor is not None and not scope_for(actor).covers_union(union):
        raise PermissionDenied(_("您无权在“%(union)s”下设立仓库。") % {"union": union.name})
    depot = StockLocation.objects.filter(code=code).first() or StockLocation(code=code)
    depot.name, depot.kind, depot.union, depot.address = (
        name,
        StockLocation.Kind.DEPOT,
        union,
        address,
    )
    if lat is not None and lng is not None:
        depot.location = Point(float(lng), float(lat), srid=4326)
    depot.full_clean()
    depot.save()
    return depot


def lot_for(*, item: Item, batch: str = "", expires_on: dt.date | None = None) -> Lot:
    """The lot of ``item`` with ``batch``; perishable items need a batch and an expiry."""
    batch = (batch or "").strip()
    if item.perishable:
        if not batch or expires_on is None:
            raise CampaignsError(
                _("“%(item)s”有保质期：请填写批号和有效期。") % {"item": item.name}, field="lines"
            )
    else:
        batch, expires_on = "", None
    lot, created = Lot.objects.get_or_create(
        item=item, batch=batch, defaults={"expires_on": expires_on}
    )
    if not created and lot.expires_on != expires_on:
        raise CampaignsError(
            _("批号 %(batch)s 已登记为 %(date)s 到期，与本次不一致。")
            % {"batch": batch, "date": lot.expires_on},
            field="lines",
        )
    return lot


# The ledger -------------------------------------------------------------------------------


def _post(movement: Movement, location: StockLocation, lot: Lot, delta: int) -> None:
    """Change one level and write its ledger entry (inside the caller's transaction)."""
    if delta == 0:
        return
    if delta < 0:
        taken = StockLevel.objects.filter(location=location, lot=lot, quantity__gte=-delta).update(
            quantity=F("quantity") + delta
        )
        if not taken:
            available = (
                StockLevel.objects.filter(location=location, lot=lot)
                .values_list("quantity", flat=True)
                .first()
                or 0
            )
            raise InsufficientStock(
                _("“%(location)s”的%(lot)s只剩 %(n)d，不够 %(want)d。")
                % {"location": location.name, "lot": lot, "n": available, "want": -delta},
                available=available,
            )
    else:
        level, _created = StockLevel.objects.get_or_create(location=location, lot=lot)
        StockLevel.objects.filter(pk=level.pk).update(quantity=F("quantity") + delta)
    StockEntry.objects.create(movement=movement, location=location, lot=lot, delta=delta)


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


def _take_fefo(
    movement: Movement,
    location: StockLocation,
    item: Item,
    quantity: int,
    *,
    lot: Lot | None = None,
    on: dt.date | None = None,
) -> list[tuple[Lot, int]]:
    """Take ``quantity`` of ``item`` first-expiry-first-out (or from ``lot``)."""
    on = on or local_time.today()
    if lot is not None:
        if lot.item_id != item.pk:
            raise CampaignsError(_("批次与物资不符。"), field="lot")
        if lot.expires_on is not None and lot.expires_on < on:
            raise CampaignsError(
                _("批次 %(batch)s 已过期（%(date)s），不能发放。")
                % {"batch": lot.batch, "date": lot.expires_on},
                field="lot",
            )
        _post(movement, location, lot, -quantity)
        return [(lot, quantity)]
    taken: list[tuple[Lot, int]] = []
    need = quantity
    for _attempt in range(5):  # a concurrent hand-out may empty a lot between read and update
        for level in available_lots(location=location, item=item, on=on):
            if need == 0:
                break
            step = min(need, level.quantity)
            moved = StockLevel.objects.filter(pk=level.pk, quantity__gte=step).update(
                quantity=F("quantity") - step
            )
            if moved:
                StockEntry.objects.create(
                    movement=movement, location=location, lot=level.lot, delta=-step
                )
                taken.append((level.lot, step))
                need -= step
        if need == 0:
            return taken
        if not available_lots(location=location, item=item, on=on):
            break
    available = quantity - need
    raise InsufficientStock(
        _("“%(location)s”的%(item)s可发放的只有 %(n)d %(unit)s，不够 %(want)d。")
        % {"location": location.name, "item": item.name, "n": available, "unit": item.unit,
           "want": quantity},
        available=available,
    )  # fmt: skip


# Movements --------------------------------------------------------------------------------


@dataclass(frozen=True)
class ReceiptLine:
    item: Item
    quantity: int
    batch: str = ""
    expires_on: dt.date | None = None


@transaction.atomic
def stock_receive(
    *,
    actor: AbstractBaseUser | None,
    location: StockLocation,
    lines: Sequence[ReceiptLine],
    campaign: Campaign | None = None,
    cost: Decimal | None = None,
) -> Movement:
    """Goods arrive at a depot (or directly at a station) from a supplier."""
    _require_manage(actor, location)
    _require_campaign_open(campaign)
    if not lines:
        raise CampaignsError(_("至少要有一行物资。"), field="lines")
    movement = Movement.objects.create(
        kind=Movement.Kind.RECEIPT, campaign=campaign, actor=actor,
        cost=cost if cost is not None else sum(
            (line.item.unit_cost * line.quantity for line in lines), Decimal(0)
        ),
    )  # fmt: skip
    for line in lines:
        if line.quantity <= 0:
            raise CampaignsError(_("数量必须大于 0。"), field="lines")
        lot = lot_for(item=line.item, batch=line.batch, expires_on=line.expires_on)
        _post(movement, location, lot, line.quantity)
    return movement


@dataclass(frozen=True)
class TransferRequest:
    item: Item
    quantity: int
    lot: Lot | None = None


@transaction.atomic
def stock_transfer_dispatch(
    *,
    actor: AbstractBaseUser | None,
    source: StockLocation,
    destination: StockLocation,
    lines: Sequence[TransferRequest],
    campaign: Campaign | None = None,
) -> Transfer:
    """Send stock from ``source``: it leaves the source now and is in transit until received."""
    _require_manage(actor, source)
    _require_campaign_open(campaign)
    if source.pk == destination.pk:
        raise CampaignsError(_("调出和调入地点不能相同。"), field="destination")
    if not lines:
        raise CampaignsError(_("至少要有一行物资。"), field="lines")
    movement = Movement.objects.create(kind=Movement.Kind.DISPATCH, campaign=campaign, actor=actor)
    transfer = Transfer.objects.create(
        campaign=campaign, source=source, destination=destination,
        status=Transfer.Status.IN_TRANSIT, dispatch=movement,
    )  # fmt: skip
    for line in lines:
        if line.quantity <= 0:
            raise CampaignsError(_("数量必须大于 0。"), field="lines")
        for lot, quantity in _take_fefo(movement, source, line.item, line.quantity, lot=line.lot):
            TransferLine.objects.create(transfer=transfer, lot=lot, quantity=quantity)
    return transfer


@transaction.atomic
def stock_transfer_receive(
    *,
    actor: AbstractBaseUser | None,
    transfer: Transfer,
    received: dict[int, int] | None = None,
) -> Transfer:
    """Sign for a transfer. ``received`` maps lot id → quantity counted (default: all).

    A short delivery is recorded per line (``quantity - received_quantity``); only what
    arrived enters the destination's stock.
    """
    transfer = (
        Transfer.objects.select_for_update().select_related("destination").get(pk=transfer.pk)
    )
    _require_hand_out(actor, transfer.destination)
    if transfer.status != Transfer.Status.IN_TRANSIT:
        raise CampaignsError(_("这批调拨已经签收。"), field="transfer")
    _require_campaign_open(transfer.campaign)
    received = received or {}
    lines = list(transfer.lines.select_related("lot__item"))
    unknown = set(received) - {line.lot_id for line in lines}
    if unknown:
        raise CampaignsError(_("签收的批次不在这批调拨中。"), field="lines")
    movement = Movement.objects.create(
        kind=Movement.Kind.RECEIVE, campaign=transfer.campaign, actor=actor
    )
    for line in lines:
        got = received.get(line.lot_id, line.quantity)
        if not 0 <= got <= line.quantity:
            raise CampaignsError(
                _("实收数量必须在 0 到 %(n)d 之间。") % {"n": line.quantity}, field="lines"
            )
        line.received_quantity = got
        line.save(update_fields=["received_quantity"])
        _post(movement, transfer.destination, line.lot, got)
    transfer.status = Transfer.Status.RECEIVED
    transfer.receipt = movement
    transfer.received_at = timezone.now()
    transfer.save(update_fields=["status", "receipt", "received_at"])
    return transfer


@transaction.atomic
def stock_distribute(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    location: StockLocation,
    item: Item,
    quantity: int,
    category: str,
    workers: int = 1,
    phone: str | None = None,
    lot: Lot | None = None,
    on: dt.date | None = None,
) -> Distribution:
    """Hand out ``quantity`` of ``item`` to a group of ``workers`` or to one worker.

    With ``phone`` the hand-out is to one identified worker (stored as an HMAC) and the
    campaign's per-person daily limit applies.
    """
    _require_hand_out(actor, location)
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk) if phone else campaign
    if campaign.status != Campaign.Status.ACTIVE:
        raise CampaignsError(
            _("活动“%(name)s”不在进行中，不能发放。") % {"name": campaign.name}, field="campaign"
        )
    if location.union.path and not location.union.path.startswith(campaign.union.path):
        raise CampaignsError(_("发放地点不在活动范围内。"), field="location")
    if quantity <= 0:
        raise CampaignsError(_("数量必须大于 0。"), field="quantity")
    if category not in WorkerCategory.values:
        raise CampaignsError(
            _("未知的劳动者类别：%(category)s。") % {"category": category}, field="category"
        )
    on = on or local_time.today()
    key = ""
    if phone:
        key = worker_key(phone)
        workers = 1
        limit = campaign.per_person_daily_limit
        if limit:
            # The campaign row lock above serialises hand-outs to identified workers.
            done = Distribution.objects.filter(
                campaign=campaign, worker_key=key, handed_out_on=on
            ).count()
            if done >= limit:
                raise LimitReached(
                    _("这位劳动者今天已经领过 %(n)d 次（本活动每人每天限 %(limit)d 次）。")
                    % {"n": done, "limit": limit},
                    field="phone",
                )
    elif workers <= 0:
        raise CampaignsError(_("覆盖人数必须大于 0。"), field="workers")
    movement = Movement.objects.create(
        kind=Movement.Kind.DISTRIBUTION, campaign=campaign, actor=actor
    )
    # Rows first, the hot stock row last: its lock is then held only until the commit.
    distribution = Distribution.objects.create(
        campaign=campaign, location=location, movement=movement, item=item, quantity=quantity,
        category=category, workers=workers, worker_key=key, handed_out_on=on,
    )  # fmt: skip
    _take_fefo(movement, location, item, quantity, lot=lot, on=on)
    return distribution


@transaction.atomic
def stock_adjust(
    *,
    actor: AbstractBaseUser | None,
    location: StockLocation,
    lot: Lot,
    delta: int,
    reason: str,
) -> Movement:
    """Correct a level after a count (damage, loss, found stock). A reason is required."""
    _require_manage(actor, location)
    if not (reason or "").strip():
        raise CampaignsError(_("盘点调整必须写明原因。"), field="reason")
    if delta == 0:
        raise CampaignsError(_("调整数量不能为 0。"), field="delta")
    movement = Movement.objects.create(
        kind=Movement.Kind.ADJUSTMENT, actor=actor, reason=reason.strip()[:300]
    )
    _post(movement, location, lot, delta)
    return movement


@transaction.atomic
def stock_write_off_expired(
    *, actor: AbstractBaseUser | None, location: StockLocation, on: dt.date | None = None
) -> Movement | None:
    """Remove every expired lot's remaining stock at ``location`` from the books."""
    _require_manage(actor, location)
    on = on or local_time.today()
    levels = list(
        StockLevel.objects.select_for_update()
        .filter(location=location, quantity__gt=0, lot__expires_on__lt=on)
        .select_related("lot")
    )
    if not levels:
        return None
    movement = Movement.objects.create(
        kind=Movement.Kind.WRITE_OFF, actor=actor, reason=_("过期报废")
    )
    for level in levels:
        _post(movement, location, level.lot, -level.quantity)
    return movement


# Campaigns --------------------------------------------------------------------------------

CAMPAIGN_TRANSITIONS = {
    Campaign.Status.PLANNED: {Campaign.Status.ACTIVE, Campaign.Status.CLOSED},
    Campaign.Status.ACTIVE: {Campaign.Status.CLOSED},
    Campaign.Status.CLOSED: set(),
}


@transaction.atomic
def campaign_create(
    *,
    actor: AbstractBaseUser | None,
    kind: str,
    name: str,
    union: Union,
    starts_on: dt.date,
    ends_on: dt.date,
    target_workers: int = 0,
    category_targets: dict[str, int] | None = None,
    budget: Decimal = Decimal(0),
    per_person_daily_limit: int = 1,
) -> Campaign:
    if actor is not None and not scope_for(actor).covers_union(union):
        raise PermissionDenied(_("您无权为“%(union)s”发起活动。") % {"union": union.name})
    targets = category_targets or {}
    unknown = set(targets) - set(WorkerCategory.values)
    if unknown:
        raise CampaignsError(
            _("未知的劳动者类别：%(category)s。") % {"category": ", ".join(sorted(unknown))},
            field="category_targets",
        )
    campaign = Campaign(
        kind=kind, name=name, union=union, starts_on=starts_on, ends_on=ends_on,
        target_workers=target_workers, category_targets=targets, budget=budget,
        per_person_daily_limit=per_person_daily_limit,
    )  # fmt: skip
    campaign.full_clean()
    campaign.save()
    return campaign


@transaction.atomic
def campaign_set_status(
    *, actor: AbstractBaseUser | None, campaign: Campaign, status: str
) -> Campaign:
    campaign = Campaign.objects.select_for_update().select_related("union").get(pk=campaign.pk)
    if actor is not None and not scope_for(actor).covers_union(campaign.union):
        raise PermissionDenied(_("您无权管理活动“%(name)s”。") % {"name": campaign.name})
    if status not in CAMPAIGN_TRANSITIONS.get(campaign.status, set()):
        raise CampaignsError(
            _("活动不能从“%(old)s”改为“%(new)s”。")
            % {"old": campaign.get_status_display(), "new": status},
            field="status",
        )
    campaign.status = status
    campaign.save(update_fields=["status"])
    return campaign


def campaign_spend(*, campaign: Campaign) -> Decimal:
    return Movement.objects.filter(campaign=campaign).aggregate(s=Sum("cost"))["s"] or Decimal(0)


def get_location(code: str) -> StockLocation:
    """A stock location by code; a station's code or ``WP-<credit code>`` of a workplace
    creates its location on first use."""
    code = str(code)[:40]
    location = StockLocation.objects.select_related("union").filter(code=code).first()
    if location is not None:
        return location
    station = Station.objects.filter(code=code).select_related("union").first()
    if station is not None:
        return location_for_station(station=station)
    if code.startswith("WP-"):
        from welfare.models import Workplace

        workplace = Workplace.objects.filter(credit_code=code[3:]).select_related("union").first()
        if workplace is not None:
            return location_for_workplace(workplace=workplace)
    raise NotFound(_("没有编号为 %(code)s 的库存地点。") % {"code": code}, field="location")


# Allocation planner -----------------------------------------------------------------------


@dataclass(frozen=True)
class PlanLine:
    location: StockLocation
    demand: int
    quantity: int


def allocate_packs(
    *, demands: Sequence[int], packs: int, min_packs: int = 0, max_packs: int | None = None
) -> list[int]:
    """Split ``packs`` whole packs over demands, proportionally, within min/max per line.

    Never hands out more than ``packs``. When the minimums alone exceed the packs, the
    lines with the highest demand get their minimum first.
    """
    n = len(demands)
    cap = [max_packs if max_packs is not None else packs for _ in range(n)]
    alloc = [0] * n
    floor = min(min_packs, *(c for c in cap)) if n else 0
    order = sorted(range(n), key=lambda i: (-demands[i], i))
    remaining = packs
    for i in order:  # minimums first, biggest demand first
        give = min(floor, remaining)
        alloc[i] = give
        remaining -= give
    while remaining > 0:
        active = [i for i in range(n) if demands[i] > 0 and alloc[i] < cap[i]]
        if not active:
            break
        weight = sum(demands[i] for i in active)
        shares = {i: remaining * demands[i] / weight for i in active}
        given = 0
        for i in active:
            step = min(int(shares[i]), cap[i] - alloc[i])
            alloc[i] += step
            given += step
        if given == 0:
            # Fewer packs than lines: one each by largest remainder, then by demand.
            for i in sorted(active, key=lambda i: (-(shares[i] - int(shares[i])), -demands[i], i)):
                if remaining - given == 0:
                    break
                alloc[i] += 1
                given += 1
        remaining -= given
    return alloc


def campaign_plan(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    item: Item,
    source: StockLocation,
    weeks: int = 4,
    minimum: int = 0,
    maximum: int | None = None,
    progress: Any = None,
) -> list[Allocation]:
    """Propose how much of ``item`` each station in the campaign's scope should get.

    Demand is each active station's visits over the last ``weeks`` weeks, and each
    special-environment workplace's exposed headcount. The stock is
    what ``source`` (a depot) holds of ``item`` that has not expired. Quantities are whole
    packs, at least ``minimum`` and at most ``maximum`` units per station, proportional to
    demand, and never more than the stock. Writes the proposal as draft allocations
    (replacing an earlier draft) and returns them.
    """
    _require_manage(actor, source)
    _require_campaign_open(campaign)
    on = local_time.today()
    since = timezone.now() - dt.timedelta(weeks=weeks)
    stations = list(
        Station.objects.filter(
            status=Station.Status.ACTIVE, union__path__startswith=campaign.union.path
        )
        .annotate(demand=Count("visits", filter=Q(visits__occurred_at__gte=since)))
        .select_related("union")
        .order_by("code")
    )
    # Workplaces under the campaign's union: demand is their exposed headcount.
    from welfare.models import Workplace

    workplaces = list(
        Workplace.objects.filter(union__path__startswith=campaign.union.path)
        .annotate(demand=Coalesce(Sum("hazards__exposed"), 0))
        .filter(demand__gt=0)
        .select_related("union")
        .order_by("credit_code")
    )
    available = sum(lv.quantity for lv in available_lots(location=source, item=item, on=on))
    pack = item.pack_size
    min_packs = -(-minimum // pack) if minimum else 0
    max_packs = maximum // pack if maximum is not None else None
    # One query for the locations that exist; one get_or_create only for the new ones.
    by_station = {loc.station_id: loc for loc in StockLocation.objects.filter(station__in=stations)}
    by_workplace = {
        loc.workplace_id: loc for loc in StockLocation.objects.filter(workplace__in=workplaces)
    }
    targets = [
        (by_station.get(s.pk) or location_for_station(station=s), s.demand) for s in stations
    ]
    targets += [
        (by_workplace.get(w.pk) or location_for_workplace(workplace=w), w.demand)
        for w in workplaces
    ]
    packs = allocate_packs(
        demands=[demand for _loc, demand in targets], packs=available // pack,
        min_packs=min_packs, max_packs=max_packs,
    )  # fmt: skip
    with transaction.atomic():
        Allocation.objects.filter(
            campaign=campaign, item=item, status=Allocation.Status.DRAFT
        ).delete()
        lines = []
        for index, ((location, demand), n_packs) in enumerate(zip(targets, packs, strict=True)):
            lines.append(
                Allocation(
                    campaign=campaign,
                    item=item,
                    location=location,
                    demand=demand,
                    proposed=n_packs * pack,
                    quantity=n_packs * pack,
                )
            )
            if progress is not None and (index % 50 == 0 or index == len(targets) - 1):
                progress(index + 1, len(targets))
        Allocation.objects.bulk_create(lines)
    return list(
        Allocation.objects.filter(campaign=campaign, item=item, status=Allocation.Status.DRAFT)
        .select_related("location")
        .order_by("location__code")
    )


@transaction.atomic
def allocation_edit(
    *, actor: AbstractBaseUser | None, allocation: Allocation, quantity: int
) -> Allocation:
    allocation = (
        Allocation.objects.select_for_update()
        .select_related("location__union", "item")
        .get(pk=allocation.pk)
    )
    _require_manage(actor, allocation.location)
    if allocation.status != Allocation.Status.DRAFT:
        raise CampaignsError(_("已确认的分配不能再修改。"), field="quantity")
    if quantity < 0 or quantity % allocation.item.pack_size:
        raise CampaignsError(
            _("数量必须是 %(n)d 的整数倍（整包）。") % {"n": allocation.item.pack_size},
            field="quantity",
        )
    allocation.quantity = quantity
    allocation.save(update_fields=["quantity"])
    return allocation


@transaction.atomic
def campaign_confirm_plan(
    *, actor: AbstractBaseUser | None, campaign: Campaign, item: Item, source: StockLocation
) -> list[Transfer]:
    """Turn the draft allocations into transfers from ``source``; all or nothing."""
    _require_manage(actor, source)
    drafts = list(
        Allocation.objects.select_for_update()
        .filter(campaign=campaign, item=item, status=Allocation.Status.DRAFT, quantity__gt=0)
        .select_related("location")
        .order_by("location__code")
    )
    if not drafts:
        raise CampaignsError(_("没有待确认的分配。"), field="allocations")
    transfers = []
    for allocation in drafts:
        transfer = stock_transfer_dispatch(
            actor=actor, source=source, destination=allocation.location, campaign=campaign,
            lines=[TransferRequest(item=item, quantity=allocation.quantity)],
        )  # fmt: skip
        allocation.status = Allocation.Status.CONFIRMED
        allocation.transfer = transfer
        allocation.save(update_fields=["status", "transfer"])
        transfers.append(transfer)
    Allocation.objects.filter(
        campaign=campaign, item=item, status=Allocation.Status.DRAFT, quantity=0
    ).update(status=Allocation.Status.CONFIRMED)
    return transfers
