"""The allocation planner: how much of an item each place in a campaign's scope should get.
Confirming the plan as transfers is ``services.plan_confirmation``.

Planning needs the actor to manage both the campaign (its union) and the source depot.
"""

from __future__ import annotations

import datetime as dt
import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum
from django.db.models.functions import Coalesce
from django.utils.translation import gettext as _
from kombu.exceptions import OperationalError as KombuOperationalError
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from campaigns.apportion import apportion
from campaigns.exceptions import CampaignsError
from campaigns.models import Allocation, Campaign, Item, StockLocation
from campaigns.selectors.campaigns import item_fits_campaign
from campaigns.selectors.stock import available_lots
from campaigns.services.ledger import (
    require_campaign_open,
)
from campaigns.services.lifecycle import require_campaign_manage, stamp
from campaigns.services.locations import require_stock_manage, stock_location_ensure
from core import time as local_time
from core.categories import WorkerCategory
from core.queueing import registered_task
from stations.models import Station, VisitDaily
from welfare.models import Workplace

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

logger = logging.getLogger(__name__)
BROKER_DOWN = (KombuOperationalError, ConnectionError, TimeoutError)

#: A scope with more active stations than this is planned by a Celery worker.
PLAN_IN_BACKGROUND_ABOVE = 100
MAX_WEEKS = 52

#: The weights the plan is proportional to: stations' recent visits (each category by
#: the campaign's ``category_weights``), the campaign's category targets spread over the
#: stations, or workplaces' exposed headcount. Destinations the method does not weigh
#: (workplaces under the first two, stations under the third) get the floor only.
WEIGHT_VISITS = "visits"
WEIGHT_TARGETS = "targets"
WEIGHT_EXPOSED = "exposed"
WEIGHTINGS = (WEIGHT_VISITS, WEIGHT_TARGETS, WEIGHT_EXPOSED)


def _require_plan(
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    source: StockLocation,
    *,
    weeks: int = 4,
    minimum: int = 0,
    maximum: int | None = None,
    weighting: str = WEIGHT_VISITS,
    cap_percent: int | None = None,
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
    if cap_percent is not None and not 1 <= cap_percent <= 100:
        raise CampaignsError(_("单点上限：必须在 1% 到 100% 之间。"), field="cap_percent")


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
    cap_percent: int | None = None,
) -> PlanStarted:
    """Plan now, or — for a scope of more than ``PLAN_IN_BACKGROUND_ABOVE`` active
    stations — in a Celery task queued once the caller's transaction commits.

    Permission and arguments are checked here either way, so a refused plan is never queued.
    """
    _require_plan(
        actor, campaign, source, weeks=weeks, minimum=minimum, maximum=maximum,
        weighting=weighting, cap_percent=cap_percent,
    )  # fmt: skip
    if _scope_stations(campaign).count() <= PLAN_IN_BACKGROUND_ABOVE:
        allocations = campaign_plan(
            actor=actor, campaign=campaign, item=item, source=source, weeks=weeks,
            minimum=minimum, maximum=maximum, weighting=weighting, cap_percent=cap_percent,
        )  # fmt: skip
        return PlanStarted(allocations=allocations)
    task_id = str(uuid.uuid4())
    args = [actor.pk if actor is not None else None, campaign.pk, item.pk, source.pk, weeks,
            minimum, maximum, weighting, cap_percent]  # fmt: skip
    transaction.on_commit(lambda: _queue_or_run(args, task_id))
    return PlanStarted(task_id=task_id)


#: The task that runs ``campaign_plan`` in a worker (campaigns/tasks.py). Looked up by name
#: in Celery's registry: a service never imports a task module, which imports services.
PLAN_TASK = "campaigns.tasks.plan_campaign"


def _queue_or_run(args: list, task_id: str) -> None:
    """Queue the plan; with the broker down, make it here and now instead, so the
    organizer's plan is never lost and the page still answers (docs/operations.md)."""
    task = registered_task(PLAN_TASK)
    try:
        task.apply_async(args=args, task_id=task_id)
    except BROKER_DOWN:
        logger.warning("broker unreachable: planning task %s in the web process", task_id)
        task.apply(args=args, task_id=task_id)


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
    cap_percent: int | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> list[Allocation]:
    """Propose how much of ``item`` each place in the campaign's scope should get.

    The method is ``campaigns.apportion``'s, exactly: a floor each (``minimum`` units,
    rounded up to whole packs), the rest of the depot's usable stock shared in proportion
    to the weights, at most ``cap_percent`` % of it (and ``maximum`` units) to one place,
    whole packs by largest remainder. The weights (``weighting``):

    * ``"visits"`` — each active station's visits over the last ``weeks`` weeks (the daily
      rollup, China days, today included), each visit counted by its category's weight in
      ``campaign.category_weights`` (a category not listed counts once). Workplaces: 0.
    * ``"targets"`` — each category's target (``category_targets``) spread over the
      stations in proportion to that category's visits to them::

          weight(s) = Σ_c target_c × visits_c(s) / Σ_s' visits_c(s')

      i.e. how many of the targeted workers the station is expected to serve. Workplaces: 0.
    * ``"exposed"`` — each special-environment workplace's exposed headcount. Stations: 0.

    A place with weight 0 gets the floor only. The stock is what ``source`` (a depot)
    holds of ``item`` that has not expired; the plan never exceeds it. Writes the proposal
    as draft allocations (replacing an earlier draft, with history), each with its exact
    quota (``share``) and the method (``method``), and returns them.
    """
    _require_plan(
        actor, campaign, source, weeks=weeks, minimum=minimum, maximum=maximum,
        weighting=weighting, cap_percent=cap_percent,
    )  # fmt: skip
    if Allocation.objects.filter(
        campaign=campaign, item=item, status=Allocation.Status.CONFIRMED
    ).exists():
        raise CampaignsError(
            _("“%(item)s”的分配已经确认并生成了调拨，不能重新生成。") % {"item": item.name},
            field="item",
        )
    if not item_fits_campaign(item=item, campaign=campaign):
        raise CampaignsError(
            _("“%(item)s”是%(season)s物资，不属于本活动（%(kind)s）。")
            % {"item": item.name, "season": item.get_season_display(),
               "kind": campaign.get_kind_display()},
            field="item",
        )  # fmt: skip
    on = local_time.today()
    since = on - dt.timedelta(weeks=weeks) + dt.timedelta(days=1)
    stations = list(_scope_stations(campaign).select_related("union").order_by("code"))
    # Workplaces under the campaign's union with exposed workers.
    workplaces = list(
        Workplace.objects.filter(union__path__startswith=campaign.union.path)
        .annotate(demand=Coalesce(Sum("hazards__exposed"), 0))
        .filter(demand__gt=0)
        .select_related("union")
        .order_by("credit_code")
    )
    available = sum(lv.quantity for lv in available_lots(location=source, item=item, on=on))
    pack = item.pack_size
    # One query for the locations that exist; the new ones are created one by one.
    by_station = {loc.station_id: loc for loc in StockLocation.objects.filter(station__in=stations)}
    by_workplace = {
        loc.workplace_id: loc for loc in StockLocation.objects.filter(workplace__in=workplaces)
    }
    if weighting == WEIGHT_TARGETS:
        weights = target_weights(campaign=campaign, stations=stations, since=since)
        station_weight = [weights.get(s.pk, 0.0) for s in stations]
        workplace_weight = [0.0 for _w in workplaces]
    elif weighting == WEIGHT_EXPOSED:
        station_weight = [0.0 for _s in stations]
        workplace_weight = [float(w.demand) for w in workplaces]
    else:
        weighted = weighted_visits(campaign=campaign, stations=stations, since=since)
        station_weight = [weighted.get(s.pk, 0.0) for s in stations]
        workplace_weight = [0.0 for _w in workplaces]
    targets = [
        (by_station.get(s.pk) or stock_location_ensure(actor=actor, station=s), d)
        for s, d in zip(stations, station_weight, strict=True)
    ]
    targets += [
        (by_workplace.get(w.pk) or stock_location_ensure(actor=actor, workplace=w), d)
        for w, d in zip(workplaces, workplace_weight, strict=True)
    ]
    total_packs = available // pack
    floor_packs = -(-minimum // pack) if minimum else 0
    caps = []
    if maximum is not None:
        caps.append(maximum // pack)
    if cap_percent is not None:
        caps.append(total_packs * cap_percent // 100)
    cap_packs = min(caps) if caps else None
    result = apportion(
        weights=[weight for _loc, weight in targets], total=total_packs, floor=floor_packs,
        cap=cap_packs,
    )  # fmt: skip
    method = {
        "weighting": weighting, "weeks": weeks, "floor": floor_packs * pack,
        "cap_percent": cap_percent, "maximum": maximum,
        "cap": None if cap_packs is None else max(cap_packs, floor_packs) * pack,
        "category_weights": dict(campaign.category_weights or {})
        if weighting == WEIGHT_VISITS else {},
        "pack": pack, "total": total_packs * pack, "left": result.left * pack,
        "floor_short": floor_packs * len(targets) > total_packs,
        "places": sum(1 for n in result.packs if n),
        "available": available, "destinations": len(targets), "planned_on": on.isoformat(),
    }  # fmt: skip
    packs = result.packs
    with transaction.atomic():
        drafts = {
            a.location_id: a
            for a in Allocation.objects.select_for_update().filter(
                campaign=campaign, item=item, status=Allocation.Status.DRAFT
            )
        }
        changed, new = [], []
        lines = zip(targets, packs, result.quotas, strict=True)
        for index, ((location, demand), n_packs, quota) in enumerate(lines):
            line = drafts.pop(location.pk, None)
            if line is None:
                new.append(Allocation(campaign=campaign, item=item, location=location))
                line = new[-1]
            else:
                changed.append(line)
            line.demand = round(demand)
            line.share = round(Decimal(quota.numerator * pack) / Decimal(quota.denominator), 2)
            line.method = method
            line.proposed, line.quantity = n_packs * pack, n_packs * pack
            if progress is not None and (index % 50 == 0 or index == len(targets) - 1):
                progress(index + 1, len(targets))
        for stale in drafts.values():  # a place that left the scope since the last plan
            stamp(stale, actor)
            stale.delete()
        if changed:
            bulk_update_with_history(
                changed,
                Allocation,
                ["demand", "share", "method", "proposed", "quantity"],
                default_user=actor,
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


def method_explained(*, method: dict, item: Item) -> list[str]:
    """The plan's method in words, from what the plan recorded (``Allocation.method``):
    the page shows exactly the method that made the figures below it."""
    if not method:
        return []
    unit = item.unit
    weighting = method.get("weighting", WEIGHT_VISITS)
    lines = []
    if weighting == WEIGHT_TARGETS:
        lines.append(
            _("权重：按分类目标。每个类别的目标人数按该类别近 %(weeks)d 周到各站的到访人次分摊，"
              "一个站点的权重是各目标类别分摊之和；作业场所权重为 0。")
            % {"weeks": method.get("weeks", 4)}
        )  # fmt: skip
    elif weighting == WEIGHT_EXPOSED:
        lines.append(_("权重：按作业场所接触危害的人数；服务站点权重为 0。"))
    else:
        weights = method.get("category_weights") or {}
        labels = dict(WorkerCategory.choices)
        counted = "、".join(
            _("%(category)s按 %(w)s 倍") % {"category": labels.get(code, code), "w": f"{w:g}"}
            for code, w in sorted(weights.items())
        )
        lines.append(
            _("权重：按近 %(weeks)d 周各站的到访人次（北京时间，含今天）"
              "%(counted)s；作业场所权重为 0。")
            % {"weeks": method.get("weeks", 4),
               "counted": _("，其中") + counted + _("，其他类别按 1 倍") if counted else ""}
        )  # fmt: skip
    floor = method.get("floor") or 0
    lines.append(
        _("先保底：每处 %(n)d %(unit)s（库存不够每处保底时，按权重从大到小给）。")
        % {"n": floor, "unit": unit}
        if floor
        else _("不设保底。")
    )
    if floor and method.get("floor_short"):
        lines.append(
            _("库存不够每处保底 %(n)d %(unit)s：按权重从大到小，只有 %(places)d 处拿到保底，"
              "没有余量可按比例分。")
            % {"n": floor, "unit": unit, "places": method.get("places", 0)}
        )  # fmt: skip
    else:
        lines.append(
            _("余下的库存按权重成比例分配：某处应得 = 保底 + 余量 × 该处权重 ÷ 权重合计；"
              "权重为 0 的只得保底。")
        )  # fmt: skip
    cap = method.get("cap")
    if cap is not None:
        parts = []
        if method.get("cap_percent"):
            parts.append(_("总量的 %(p)d%%") % {"p": method["cap_percent"]})
        if method.get("maximum") is not None:
            parts.append(_("每处至多 %(n)d %(unit)s") % {"n": method["maximum"], "unit": unit})
        lines.append(
            _("上限：每处不超过 %(cap)d %(unit)s（%(why)s），超出的部分按权重再分给其他各处。")
            % {"cap": cap, "unit": unit, "why": "、".join(parts)}
        )
    lines.append(
        _("按整包（每包 %(pack)d %(unit)s）取整，用最大余数法："
          "先向下取整，剩下的整包依次给小数部分最大的。"
          "每处与“按比例应得”相差不到 1 包。")
        % {"pack": method.get("pack", 1), "unit": unit}
    )  # fmt: skip
    lines.append(
        _("本次分配 %(total)d %(unit)s（仓库可调出 %(available)d），参与分配 %(n)d 处，"
          "分到的 %(places)d 处；未能分出 %(left)d %(unit)s。")
        % {"total": method.get("total", 0) - method.get("left", 0), "unit": unit,
           "available": method.get("available", 0), "n": method.get("destinations", 0),
           "places": method.get("places", 0), "left": method.get("left", 0)}
    )  # fmt: skip
    return lines
