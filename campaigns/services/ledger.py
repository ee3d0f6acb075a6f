"""Stock: where it is held, what it is, and every movement of it, each in one transaction.

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
from typing import TYPE_CHECKING

from django.contrib.gis.geos import Point
from django.db import transaction
from django.db.models import F, ProtectedError
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns import selectors
from campaigns.exceptions import CampaignsError, InsufficientStock, LimitReached
from campaigns.models import (
    Campaign,
    Distribution,
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
from core.errors import Conflict, NotFound, PermissionDenied
from core.identity import worker_key
from core.locks import transaction_lock
from core.scoping import scope_for
from stations.models import Station, Union
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# Permissions ------------------------------------------------------------------------------


def require_stock_manage(actor: AbstractBaseUser | None, location: StockLocation) -> None:
    """Organizers (and admins) above the location's union manage its stock."""
    if actor is None:
        return
    if not scope_for(actor).covers_union(location.union):
        # The code (which the request named), never the name of another union's depot.
        raise PermissionDenied(
            _("您无权管理地点 %(code)s 的库存。") % {"code": location.code}, field="location"
        )


def require_hand_out(actor: AbstractBaseUser | None, location: StockLocation) -> None:
    """Staff of a station may hand out and receive there; organizers anywhere below them."""
    if actor is None:
        return
    scope = scope_for(actor)
    if scope.covers_union(location.union):
        return
    if location.station_id and location.station_id in scope.staff_station_ids:
        return
    raise PermissionDenied(
        _("您无权在地点 %(code)s 操作库存。") % {"code": location.code}, field="location"
    )


def require_campaign_open(campaign: Campaign | None) -> None:
    if campaign is not None and campaign.status == Campaign.Status.CLOSED:
        raise CampaignsError(
            _("活动“%(name)s”已结束，不能再有库存变动。") % {"name": campaign.name},
            field="campaign",
        )


#: Upper bounds of what a person types into one movement: a line's quantity and a
#: receipt's cost (yuan). Far above any real delivery, far below what breaks a sum.
MAX_LINE_QUANTITY = 1_000_000
MAX_COST = Decimal("10000000.00")


def require_campaign_covers(campaign: Campaign | None, *locations: StockLocation) -> None:
    """A movement may name a campaign only when every location it touches lies under the
    campaign's union (the locations are already in the actor's scope): another union's
    campaign in a request body is refused, and its spend is never touched. The message
    names only what the request named."""
    if campaign is None:
        return
    for location in locations:
        if not location.union.path.startswith(campaign.union.path):
            raise CampaignsError(
                _("地点 %(code)s 不在这个活动的范围内。") % {"code": location.code},
                field="campaign",
            )


#: A hand-out's people covered, whatever the reason: more than any one record can honestly
#: cover (a group hand-out is one site's workers on one day).
MAX_PEOPLE_PER_HAND_OUT = 5_000


def check_people_covered(*, workers: int, quantity: int, item: Item, reason: str = "") -> str:
    """The one rule for a typed head count of a hand-out: at least 1, at most ``quantity``
    × the item's ``people_per_unit`` unless a ``reason`` is given (a reason is stored on the
    movement), and never above ``MAX_PEOPLE_PER_HAND_OUT``. Returns the reason, tidied."""
    reason = (reason or "").strip()[:300]
    if isinstance(workers, bool) or not isinstance(workers, int) or workers <= 0:
        raise CampaignsError(_("覆盖人数必须大于 0。"), field="workers")
    if workers > MAX_PEOPLE_PER_HAND_OUT:
        raise CampaignsError(
            _("一次发放最多覆盖 %(max)d 人。") % {"max": MAX_PEOPLE_PER_HAND_OUT}, field="workers"
        )
    most = quantity * max(item.people_per_unit, 1)
    if workers > most and not reason:
        raise CampaignsError(
            _("%(q)d%(unit)s%(item)s最多够 %(most)d 人；覆盖人数更多时请写明原因。")
            % {"q": quantity, "unit": item.unit, "item": item.name, "most": most},
            field="workers",
        )
    return reason


def check_quantity(quantity: int, *, field: str = "quantity") -> None:
    if isinstance(quantity, bool) or not isinstance(quantity, int):
        raise CampaignsError(_("数量必须是整数。"), field=field)
    if not 1 <= quantity <= MAX_LINE_QUANTITY:
        raise CampaignsError(
            _("数量必须在 1 到 %(max)d 之间。") % {"max": MAX_LINE_QUANTITY}, field=field
        )


def check_cost(cost: Decimal | None) -> None:
    if cost is None:
        return
    if not Decimal(0) <= cost <= MAX_COST:
        raise CampaignsError(
            _("金额必须在 0 到 %(max)s 元之间。") % {"max": f"{MAX_COST:,.2f}"}, field="cost"
        )


def _require_superuser(actor: AbstractBaseUser | None) -> None:
    if actor is not None and not scope_for(actor).is_superuser:
        raise PermissionDenied(_("物资目录只有系统管理员可以修改。"))


# Locations --------------------------------------------------------------------------------


def stock_location_ensure(
    *,
    actor: AbstractBaseUser | None,
    code: str | None = None,
    station: Station | None = None,
    workplace: Workplace | None = None,
) -> StockLocation:
    """The stock location of a place, created on first use — for writes only.

    Give one of ``code`` (a location's own code, a station's code, or ``WP-<credit
    code>`` of a workplace), ``station`` or ``workplace``. An existing location is returned
    as it is: the movement that uses it checks the actor's right to it. A new one is
    created only for someone who may act at the place (an organizer over its union, or the
    staff of the station). Reads use ``selectors.stock_location_get``, which creates nothing.
    """
    if sum(x is not None for x in (code, station, workplace)) != 1:
        raise TypeError("stock_location_ensure takes one of code, station, workplace")
    if code is not None:
        code = str(code)[: selectors.CODE_MAX_LENGTH]
        location = StockLocation.objects.select_related("union").filter(code=code).first()
        if location is not None:
            return location
        place = selectors.stock_place_find(code=code)
        if place is None:
            raise NotFound(_("没有编号为 %(code)s 的库存地点。") % {"code": code}, field="location")
        if isinstance(place, Station):
            station = place
        else:
            workplace = place
    if station is not None:
        existing = StockLocation.objects.select_related("union").filter(station=station).first()
        if existing is not None:
            return existing
        if actor is not None and not scope_for(actor).may_staff_station(station):
            raise PermissionDenied(
                _("您无权在“%(place)s”设立库存地点。") % {"place": station.name}, field="location"
            )
        return _create_location(
            lookup={"station": station},
            code=station.code, name=station.name, kind=StockLocation.Kind.STATION,
            union=station.union, point=station.location, address=station.address,
        )  # fmt: skip
    assert workplace is not None
    existing = StockLocation.objects.select_related("union").filter(workplace=workplace).first()
    if existing is not None:
        return existing
    if actor is not None and not scope_for(actor).covers_union(workplace.union):
        raise PermissionDenied(
            _("您无权在“%(place)s”设立库存地点。") % {"place": workplace.name}, field="location"
        )
    return _create_location(
        lookup={"workplace": workplace},
        code=f"{selectors.WORKPLACE_PREFIX}{workplace.credit_code}", name=workplace.name,
        kind=StockLocation.Kind.WORKPLACE, union=workplace.union, point=workplace.location,
        address=workplace.address,
    )  # fmt: skip


def _create_location(
    *,
    lookup: dict[str, object],
    code: str,
    name: str,
    kind: str,
    union: Union,
    point: Point | None,
    address: str,
) -> StockLocation:
    # get_or_create: two first uses at once make one row, not an IntegrityError.
    location, _created = StockLocation.objects.select_related("union").get_or_create(
        **lookup,
        defaults={"code": code, "name": name[:150], "kind": kind, "union": union,
                  "location": point, "address": address[:300]},
    )  # fmt: skip
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
    """A depot (warehouse) under ``union``; with an existing depot's code, that depot is
    updated (loaders run twice)."""
    scope = scope_for(actor) if actor is not None else None
    if scope is not None and not scope.covers_union(union):
        raise PermissionDenied(_("您无权在“%(union)s”下设立仓库。") % {"union": union.name})
    depot = StockLocation.objects.select_for_update().filter(code=code).first()
    if depot is None:
        depot = StockLocation(code=code)
    elif depot.kind != StockLocation.Kind.DEPOT:
        raise CampaignsError(
            _("编号 %(code)s 已被其他库存地点使用。") % {"code": code}, field="code"
        )
    elif scope is not None and not scope.covers_union(depot.union):
        raise PermissionDenied(_("您无权管理“%(location)s”的库存。") % {"location": depot.name})
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


@transaction.atomic
def stock_location_edit(
    *,
    actor: AbstractBaseUser | None,
    location: StockLocation,
    name: str,
    address: str = "",
    point: Point | None = None,
    union: Union | None = None,
) -> StockLocation:
    """Correct a location's name, address and position; a depot may also move to another
    union the actor manages. A station's or workplace's location follows its place's union."""
    location = StockLocation.objects.select_for_update().select_related("union").get(pk=location.pk)
    require_stock_manage(actor, location)
    if union is not None and union.pk != location.union_id:
        if location.kind != StockLocation.Kind.DEPOT:
            raise CampaignsError(
                _("站点和作业场所的库存地点随其所属工会，不能单独改。"), field="union"
            )
        if actor is not None and not scope_for(actor).covers_union(union):
            raise PermissionDenied(
                _("您无权在“%(union)s”下设立仓库。") % {"union": union.name}, field="union"
            )
        location.union = union
    location.name, location.address, location.location = name, address, point
    location.full_clean()
    location.save()
    return location


# Reorder levels ---------------------------------------------------------------------------


@transaction.atomic
def reorder_level_set(
    *, actor: AbstractBaseUser | None, location: StockLocation, item: Item, level: int
) -> ReorderLevel | None:
    """Set the level of ``item`` at ``location`` at or below which the low-stock alert fires.

    Organizers over the location's union set it; ``0`` removes it (no alert). Each change
    and removal is kept in ``ReorderLevel.history`` with its actor. Returns the level, or
    ``None`` once removed.
    """
    require_stock_manage(actor, location)
    if level < 0:
        raise CampaignsError(_("补货线不能小于 0。"), field="level")
    current = ReorderLevel.objects.select_for_update().filter(location=location, item=item).first()
    if level == 0:
        if current is not None:
            if actor is not None:
                current._history_user = actor
            current.delete()
        return None
    if current is None:
        current = ReorderLevel(location=location, item=item, level=level)
    elif current.level == level:
        return current
    current.level = level
    current.full_clean()
    if actor is not None:
        current._history_user = actor
    current.save()
    return current


# Items and lots ---------------------------------------------------------------------------


@transaction.atomic
def item_save(*, actor: AbstractBaseUser | None, item: Item) -> Item:
    """Add or correct an item of the supply catalog (system administrators only)."""
    _require_superuser(actor)
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def item_delete(*, actor: AbstractBaseUser | None, item: Item) -> None:
    """Remove an item nobody has stocked, handed out or planned yet."""
    _require_superuser(actor)
    try:
        item.delete()
    except ProtectedError:
        raise Conflict(
            _("“%(item)s”已有库存或发放记录，不能删除。") % {"item": item.name}, field="item"
        ) from None


def lot_for(*, item: Item, batch: str = "", expires_on: dt.date | None = None) -> Lot:
    """The lot of ``item`` with ``batch``, created on first receipt; perishable items need
    a batch and an expiry."""
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
        for level in selectors.available_lots(location=location, item=item, on=on):
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
        if not selectors.available_lots(location=location, item=item, on=on):
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
    reason: str = "",
) -> Movement:
    """Goods arrive at a depot (or directly at a station) from a supplier; ``reason``
    names the delivery (an imported receipt's number, so it is not received twice)."""
    require_stock_manage(actor, location)
    require_campaign_covers(campaign, location)
    require_campaign_open(campaign)
    check_cost(cost)
    if not lines:
        raise CampaignsError(_("至少要有一行物资。"), field="lines")
    for line in lines:
        check_quantity(line.quantity, field="lines")
    movement = Movement.objects.create(
        kind=Movement.Kind.RECEIPT, campaign=campaign, actor=actor, reason=reason,
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
    require_stock_manage(actor, source)
    require_campaign_covers(campaign, source, destination)
    require_campaign_open(campaign)
    for line in lines:
        check_quantity(line.quantity, field="lines")
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
    reason: str = "",
) -> Transfer:
    """Sign for a transfer. ``received`` maps lot id → quantity counted (default: all).

    A short delivery is recorded per line (``quantity - received_quantity``); only what
    arrived enters the destination's stock, and it needs a ``reason`` (damaged on the
    way, packed short …), kept on the receipt's movement.
    """
    transfer = (
        Transfer.objects.select_for_update()
        .select_related("destination__union")
        .get(pk=transfer.pk)
    )
    require_hand_out(actor, transfer.destination)
    if transfer.status != Transfer.Status.IN_TRANSIT:
        raise CampaignsError(_("这批调拨已经签收。"), field="transfer")
    require_campaign_open(transfer.campaign)
    received = received or {}
    lines = list(transfer.lines.select_related("lot__item"))
    unknown = set(received) - {line.lot_id for line in lines}
    if unknown:
        raise CampaignsError(_("签收的批次不在这批调拨中。"), field="lines")
    reason = (reason or "").strip()
    if len(reason) > 300:
        raise CampaignsError(_("原因不能超过 300 个字。"), field="reason")
    short = any(received.get(line.lot_id, line.quantity) < line.quantity for line in lines)
    if short and not reason:
        raise CampaignsError(
            _("实收少于调出数量：请写明原因（例如运输破损、少装）。"), field="reason"
        )
    movement = Movement.objects.create(
        kind=Movement.Kind.RECEIVE, campaign=transfer.campaign, actor=actor, reason=reason
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


def worker_limit_lock(*, campaign_id: int, key: str) -> None:
    """Serialise, until commit, hand-outs to one identified worker (``key``: the phone's
    HMAC) in one campaign, so the per-person daily limit stays exact under concurrency
    while hand-outs to other workers go on in parallel."""
    transaction_lock("campaigns.per-person-limit", campaign_id, key)


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
    reason: str = "",
) -> Distribution:
    """Hand out ``quantity`` of ``item`` to a group of ``workers`` or to one worker.

    With ``phone`` the hand-out is to one identified worker (stored as an HMAC) and the
    campaign's per-person daily limit applies. ``workers`` is held to
    :func:`check_people_covered`; ``reason`` explains a count above what the quantity
    covers.
    """
    require_hand_out(actor, location)
    key = worker_key(phone) if phone else ""
    if phone:
        # The per-person limit counts this worker's hand-outs in this campaign today: lock
        # exactly that, not the campaign row, which every hand-out of the campaign shares.
        worker_limit_lock(campaign_id=campaign.pk, key=key)
        campaign = Campaign.objects.select_related("union").get(pk=campaign.pk)  # as of now
    if campaign.status != Campaign.Status.ACTIVE:
        raise CampaignsError(
            _("活动“%(name)s”不在进行中，不能发放。") % {"name": campaign.name}, field="campaign"
        )
    if location.union.path and not location.union.path.startswith(campaign.union.path):
        raise CampaignsError(_("发放地点不在活动范围内。"), field="location")
    check_quantity(quantity)
    if category not in WorkerCategory.values:
        raise CampaignsError(
            _("未知的劳动者类别：%(category)s。") % {"category": category}, field="category"
        )
    on = on or local_time.today()
    if phone:
        workers = 1
        limit = campaign.per_person_daily_limit
        if limit:
            # worker_limit_lock above serialises hand-outs to this worker in this campaign.
            done = (
                Distribution.objects.standing()
                .filter(campaign=campaign, worker_key=key, handed_out_on=on)
                .count()
            )
            if done >= limit:
                raise LimitReached(
                    _("这位劳动者今天已经领过 %(n)d 次（本活动每人每天限 %(limit)d 次）。")
                    % {"n": done, "limit": limit},
                    field="phone",
                )
    reason = check_people_covered(workers=workers, quantity=quantity, item=item, reason=reason)
    movement = Movement.objects.create(
        kind=Movement.Kind.DISTRIBUTION, campaign=campaign, actor=actor, reason=reason
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
    require_stock_manage(actor, location)
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
    *,
    actor: AbstractBaseUser | None,
    location: StockLocation,
    on: dt.date | None = None,
    lot: Lot | None = None,
) -> Movement | None:
    """Remove every expired lot's remaining stock at ``location`` from the books (or only
    ``lot``'s, which must have expired)."""
    require_stock_manage(actor, location)
    on = on or local_time.today()
    if lot is not None and (lot.expires_on is None or lot.expires_on >= on):
        raise CampaignsError(
            _("批次 %(batch)s 还没有过期，不能报废。") % {"batch": lot.batch or "—"}, field="lot"
        )
    levels = StockLevel.objects.select_for_update().filter(
        location=location, quantity__gt=0, lot__expires_on__lt=on
    )
    if lot is not None:
        levels = levels.filter(lot=lot)
    levels = list(levels.select_related("lot"))
    if not levels:
        return None
    movement = Movement.objects.create(
        kind=Movement.Kind.WRITE_OFF, actor=actor, reason=_("过期报废")
    )
    for level in levels:
        _post(movement, location, level.lot, -level.quantity)
    return movement
