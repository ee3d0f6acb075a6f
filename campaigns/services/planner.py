"""The allocation planner: how much of an item each place in a campaign's scope should get,
and confirming that plan as transfers from a depot.

Planning and confirming need the actor to manage both the campaign (its union) and the
source depot.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Q, Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from campaigns import selectors
from campaigns import tasks as campaign_tasks
from campaigns.exceptions import CampaignsError, InsufficientStock
from campaigns.models import Allocation, Campaign, Item, StockLocation, Transfer
from campaigns.services.ledger import (
    TransferRequest,
    require_campaign_open,
    require_stock_manage,
    stock_location_ensure,
    stock_transfer_dispatch,
)
from campaigns.services.lifecycle import allocation_edit, require_campaign_manage, stamp
from core import time as local_time
from stations.models import Station, VisitDaily
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)
BROKER_DOWN = (KombuOperationalError, ConnectionError, TimeoutError)

#: A scope with more active stations than this is planned by a Celery worker.
PLAN_IN_BACKGROUND_ABOVE = 100
MAX_WEEKS = 52

#: How demand is weighed: by all recent visits, or by the campaign's category targets.
WEIGHT_VISITS = "visits"
WEIGHT_TARGETS = "targets"
WEIGHTINGS = (WEIGHT_VISITS, WEIGHT_TARGETS)


def allocate_packs(
    *, demands: Sequence[float], packs: int, min_packs: int = 0, max_packs: int | None = None
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


def _require_plan(
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    source: StockLocation,
    *,
    weeks: int = 4,
    minimum: int = 0,
    maximum: int | None = None,
    weighting: str = WEIGHT_VISITS,
) -> None:
    require_campaign_manage(actor, campaign)
    require_stock_manage(actor, source)
    require_campaign_open(campaign)
    if weighting not in WEIGHTINGS:
        raise CampaignsError(_("未知的分配方式。"), field="weighting")
    if weighting == WEIGHT_TARGETS and not any(campaign.category_targets.values()):
        raise CampaignsError(_("本活动没有设置分类目标，不能按分类目标分配。"), field="weighting")
    if not 1 <= weeks <= MAX_WEEKS:
        raise CampaignsError(
            _("按近几周到访：必须在 %(min)d 到 %(max)d 之间。") % {"min": 1, "max": MAX_WEEKS},
            field="weeks",
        )
    if minimum < 0:
        raise CampaignsError(_("每站至少：不能小于 0。"), field="minimum")
    if maximum is not None and maximum < 0:
        raise CampaignsError(_("每站至多：不能小于 0。"), field="maximum")


def _scope_stations(campaign: Campaign):
    return Station.objects.filter(
        status=Station.Status.ACTIVE, union__path__startswith=campaign.union.path
    )


@dataclass(frozen=True)
class PlanStarted:
    """Either the plan (made now) or the id of the Celery task that will make it."""

    allocations: list[Allocation] | None = None
    task_id: str | None = None


def campaign_plan_start(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    item: Item,
    source: StockLocation,
    weeks: int = 4,
    minimum: int = 0,
    maximum: int | None = None,
    weighting: str = WEIGHT_VISITS,
) -> PlanStarted:
    """Plan now, or — for a scope of more than ``PLAN_IN_BACKGROUND_ABOVE`` active
    stations — in a Celery task queued once the caller's transaction commits.

    Permission and arguments are checked here either way, so a refused plan is never queued.
    """
    _require_plan(
        actor, campaign, source, weeks=weeks, minimum=minimum, maximum=maximum,
        weighting=weighting,
    )  # fmt: skip
    if _scope_stations(campaign).count() <= PLAN_IN_BACKGROUND_ABOVE:
        allocations = campaign_plan(
            actor=actor, campaign=campaign, item=item, source=source, weeks=weeks,
            minimum=minimum, maximum=maximum, weighting=weighting,
        )  # fmt: skip
        return PlanStarted(allocations=allocations)
    task_id = str(uuid.uuid4())
    args = [actor.pk if actor is not None else None, campaign.pk, item.pk, source.pk, weeks,
            minimum, maximum, weighting]  # fmt: skip
    transaction.on_commit(lambda: _queue_or_run(args, task_id))
    return PlanStarted(task_id=task_id)


def _queue_or_run(args: list, task_id: str) -> None:
    """Queue the plan; with the broker down, make it here and now instead, so the
    organizer's plan is never lost and the page still answers (docs/operations.md)."""
    try:
        campaign_tasks.plan_campaign.apply_async(args=args, task_id=task_id)
    except BROKER_DOWN:
        logger.warning("broker unreachable: planning task %s in the web process", task_id)
        campaign_tasks.plan_campaign.apply(args=args, task_id=task_id)


def campaign_plan(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    item: Item,
    source: StockLocation,
    weeks: int = 4,
    minimum: int = 0,
    maximum: int | None = None,
    weighting: str = WEIGHT_VISITS,
    progress: Callable[[int, int], None] | None = None,
) -> list[Allocation]:
    """Propose how much of ``item`` each station in the campaign's scope should get.

    Demand (``weighting="visits"``, the default) is each active station's visits over the
    last ``weeks`` weeks, and each special-environment workplace's exposed headcount. A
    campaign with ``category_weights`` (a winter campaign starts with the cold-exposed
    categories — sanitation, delivery, couriers, construction — at 2) counts each visit
    by its category's weight.

    With ``weighting="targets"`` the campaign's per-category targets (``category_targets``:
    category → workers to reach) decide: each category's target is spread over the
    stations in proportion to that category's visits to them over the last ``weeks``
    weeks, and a station's demand is the sum over the target categories::

        demand(s) = Σ_c target_c × visits_c(s) / Σ_s' visits_c(s')

    i.e. how many of the targeted workers that station is expected to serve (rounded for
    the ``demand`` column; the split uses the exact value). Visits of categories without a
    target count for nothing, a category no station saw adds nothing, and workplaces
    (whose workers are counted by exposure, not by category) get only the minimum.

    The stock is what ``source`` (a depot) holds of ``item`` that has not expired.
    Quantities are whole packs, at least ``minimum`` and at most ``maximum`` units per
    station, proportional to demand, and never more than the stock. Writes the proposal as
    draft allocations (replacing an earlier draft, with history) and returns them.
    """
    _require_plan(
        actor, campaign, source, weeks=weeks, minimum=minimum, maximum=maximum,
        weighting=weighting,
    )  # fmt: skip
    if Allocation.objects.filter(
        campaign=campaign, item=item, status=Allocation.Status.CONFIRMED
    ).exists():
        raise CampaignsError(
            _("“%(item)s”的分配已经确认并生成了调拨，不能重新生成。") % {"item": item.name},
            field="item",
        )
    on = local_time.today()
    # Demand reads the daily rollup (stations × day × category), never the raw visits: the
    # last ``weeks`` × 7 local days, today included.
    since = on - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    stations = list(
        _scope_stations(campaign)
        .annotate(
            demand=Coalesce(Sum("visit_days__visits", filter=Q(visit_days__day__gte=since)), 0)
        )
        .select_related("union")
        .order_by("code")
    )
    # Workplaces under the campaign's union: demand is their exposed headcount.
    workplaces = list(
        Workplace.objects.filter(union__path__startswith=campaign.union.path)
        .annotate(demand=Coalesce(Sum("hazards__exposed"), 0))
        .filter(demand__gt=0)
        .select_related("union")
        .order_by("credit_code")
    )
    available = sum(
        lv.quantity for lv in selectors.available_lots(location=source, item=item, on=on)
    )
    pack = item.pack_size
    min_packs = -(-minimum // pack) if minimum else 0
    max_packs = maximum // pack if maximum is not None else None
    # One query for the locations that exist; the new ones are created one by one.
    by_station = {loc.station_id: loc for loc in StockLocation.objects.filter(station__in=stations)}
    by_workplace = {
        loc.workplace_id: loc for loc in StockLocation.objects.filter(workplace__in=workplaces)
    }
    if weighting == WEIGHT_TARGETS:
        weights = target_weights(campaign=campaign, stations=stations, since=since)
        station_demand = [weights.get(s.pk, 0.0) for s in stations]
        workplace_demand = [0.0 for _w in workplaces]
    elif campaign.category_weights:
        weighted = weighted_visits(campaign=campaign, stations=stations, since=since)
        station_demand = [weighted.get(s.pk, 0.0) for s in stations]
        workplace_demand = [float(w.demand) for w in workplaces]
    else:
        station_demand = [float(s.demand) for s in stations]
        workplace_demand = [float(w.demand) for w in workplaces]
    targets = [
        (by_station.get(s.pk) or stock_location_ensure(actor=actor, station=s), d)
        for s, d in zip(stations, station_demand, strict=True)
    ]
    targets += [
        (by_workplace.get(w.pk) or stock_location_ensure(actor=actor, workplace=w), d)
        for w, d in zip(workplaces, workplace_demand, strict=True)
    ]
    packs = allocate_packs(
        demands=[demand for _loc, demand in targets], packs=available // pack,
        min_packs=min_packs, max_packs=max_packs,
    )  # fmt: skip
    with transaction.atomic():
        drafts = {
            a.location_id: a
            for a in Allocation.objects.select_for_update().filter(
                campaign=campaign, item=item, status=Allocation.Status.DRAFT
            )
        }
        changed, new = [], []
        for index, ((location, demand), n_packs) in enumerate(zip(targets, packs, strict=True)):
            line = drafts.pop(location.pk, None)
            if line is None:
                new.append(Allocation(campaign=campaign, item=item, location=location))
                line = new[-1]
            else:
                changed.append(line)
            line.demand = round(demand)
            line.proposed, line.quantity = n_packs * pack, n_packs * pack
            if progress is not None and (index % 50 == 0 or index == len(targets) - 1):
                progress(index + 1, len(targets))
        for stale in drafts.values():  # a place that left the scope since the last plan
            stamp(stale, actor)
            stale.delete()
        if changed:
            bulk_update_with_history(
                changed, Allocation, ["demand", "proposed", "quantity"], default_user=actor
            )
        if new:
            bulk_create_with_history(new, Allocation, default_user=actor)
    return list(
        Allocation.objects.filter(campaign=campaign, item=item, status=Allocation.Status.DRAFT)
        .select_related("location")
        .order_by("location__code")
    )


def weighted_visits(
    *, campaign: Campaign, stations: Sequence[Station], since: dt.date
) -> dict[int, float]:
    """Station id → its visits from local day ``since`` on (the rollup), each counted by
    its category's weight in ``campaign.category_weights`` (a category not listed counts
    once)."""
    weights = campaign.category_weights
    rows = (
        VisitDaily.objects.filter(station__in=[s.pk for s in stations], day__gte=since)
        .values("station_id", "category")
        .annotate(n=Sum("visits"))
    )
    out: dict[int, float] = {}
    for row in rows:
        weight = float(weights.get(row["category"], 1.0))
        out[row["station_id"]] = out.get(row["station_id"], 0.0) + weight * row["n"]
    return out


def target_weights(
    *, campaign: Campaign, stations: Sequence[Station], since: dt.date
) -> dict[int, float]:
    """Station id → the share of the campaign's category targets it is expected to serve
    (the rule is in ``campaign_plan``'s docstring)."""
    targets = {c: int(n) for c, n in campaign.category_targets.items() if n}
    rows = list(
        VisitDaily.objects.filter(
            station__in=[s.pk for s in stations], day__gte=since, category__in=list(targets),
        )
        .values("station_id", "category")
        .annotate(n=Sum("visits"))
        .filter(n__gt=0)
    )  # fmt: skip
    per_category: dict[str, int] = {}
    for row in rows:
        per_category[row["category"]] = per_category.get(row["category"], 0) + row["n"]
    weights: dict[int, float] = {}
    for row in rows:
        share = targets[row["category"]] * row["n"] / per_category[row["category"]]
        weights[row["station_id"]] = weights.get(row["station_id"], 0.0) + share
    return weights


@transaction.atomic
def campaign_confirm_plan(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    item: Item,
    source: StockLocation,
    quantities: dict[int, int] | None = None,
) -> list[Transfer]:
    """Turn the draft allocations into transfers from ``source``; all or nothing.

    ``quantities`` (allocation id → quantity) are edits typed beside the confirmation:
    they are saved in the same transaction, so a refused confirmation (say, more than the
    depot holds) keeps none of them either.
    """
    campaign = Campaign.objects.select_related("union").get(pk=campaign.pk)
    require_campaign_manage(actor, campaign)
    require_stock_manage(actor, source)
    for pk, quantity in (quantities or {}).items():
        allocation = Allocation.objects.filter(
            pk=pk, campaign=campaign, item=item, status=Allocation.Status.DRAFT
        ).first()
        if allocation is None:
            raise CampaignsError(_("这一行分配已不存在或已确认。"), field="allocations")
        allocation_edit(actor=actor, allocation=allocation, quantity=quantity)
    drafts = list(
        Allocation.objects.select_for_update()
        .filter(campaign=campaign, item=item, status=Allocation.Status.DRAFT)
        .select_related("location")
        .order_by("location__code")
    )
    if not any(a.quantity > 0 for a in drafts):
        raise CampaignsError(_("没有待确认的分配。"), field="allocations")
    totals = selectors.plan_totals(campaign=campaign, item=item, source=source)
    if totals.over:
        raise InsufficientStock(
            _("分配合计 %(total)d %(unit)s，超过“%(depot)s”可调出的 %(available)d %(unit)s"
              "（多 %(over)d）。请减少分配后再确认。")
            % {"total": totals.allocated, "available": totals.available, "over": totals.over,
               "unit": item.unit, "depot": source.name},
            field="allocations", available=totals.available,
        )  # fmt: skip
    transfers = []
    for allocation in drafts:
        if allocation.quantity > 0:
            allocation.transfer = stock_transfer_dispatch(
                actor=actor, source=source, destination=allocation.location, campaign=campaign,
                lines=[TransferRequest(item=item, quantity=allocation.quantity)],
            )  # fmt: skip
            transfers.append(allocation.transfer)
        allocation.status = Allocation.Status.CONFIRMED
    bulk_update_with_history(drafts, Allocation, ["status", "transfer"], default_user=actor)
    return transfers
