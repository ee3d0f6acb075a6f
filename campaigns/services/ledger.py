"""Stock movements, each in one transaction: receipts, transfers, hand-outs, adjustments
and write-offs, with their ledger entries.

A movement writes its ``Movement`` row, one ``StockEntry`` per location × lot it touches
and the matching ``StockLevel`` change together. Levels go down only through a
conditional ``UPDATE … WHERE quantity >= n`` (never read-then-write), so concurrent
hand-outs can never take a level below zero; the ``CheckConstraint`` is the backstop.
Locations live in ``services.locations``, the catalog and lots in ``services.items``.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignsError, InsufficientStock, LimitReached
from campaigns.models import (
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
from campaigns.selectors.stock import available_lots
from campaigns.services.items import lot_for
from campaigns.services.locations import require_hand_out, require_stock_manage
from core import time as local_time
from core.categories import WorkerCategory
from core.identity import worker_key
from core.locks import transaction_lock

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


# Rules of a movement ----------------------------------------------------------------------


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
