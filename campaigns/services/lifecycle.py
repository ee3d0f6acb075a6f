"""A campaign's life: created planned, edited, opened, closed; and edits of its plan lines.

Every write here names its actor in the history row simple-history keeps
(``Campaign.history``, ``Allocation.history``).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import transaction
from django.utils.translation import gettext as _

from campaigns.exceptions import CampaignsError
from campaigns.models import Allocation, Campaign, Movement
from campaigns.services.locations import require_stock_manage
from core.categories import WorkerCategory
from core.errors import Conflict, PermissionDenied
from core.scoping import scope_for
from stations.models import Union

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser

CAMPAIGN_TRANSITIONS = {
    Campaign.Status.PLANNED: {Campaign.Status.ACTIVE, Campaign.Status.CLOSED},
    Campaign.Status.ACTIVE: {Campaign.Status.CLOSED},
    Campaign.Status.CLOSED: set(),
}


def require_campaign_manage(actor: AbstractBaseUser | None, campaign: Campaign) -> None:
    """Organizers (and admins) over the campaign's union manage it and plan for it."""
    if actor is not None and not scope_for(actor).covers_union(campaign.union):
        raise PermissionDenied(_("您无权管理活动“%(name)s”。") % {"name": campaign.name})


def _require_union(actor: AbstractBaseUser | None, union: Union) -> None:
    if actor is not None and not scope_for(actor).covers_union(union):
        raise PermissionDenied(
            _("您无权为“%(union)s”发起活动。") % {"union": union.name}, field="union"
        )


def stamp(instance: Any, actor: AbstractBaseUser | None, reason: str | None = None) -> None:
    """Name who made the change in the history row the next save writes.

    Without an actor (commands, loaders) simple-history falls back to the request's user.
    """
    if actor is not None:
        instance._history_user = actor
    if reason:
        instance._change_reason = reason[:100]


#: A campaign's people (targets) and money: hard upper bounds on what a person types.
MAX_CAMPAIGN_PEOPLE = 10_000_000
MAX_BUDGET = Decimal("1000000000.00")


def _is_count(n: object, most: int) -> bool:
    return isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= most


def _check_totals(*, target_workers: int, budget: Decimal) -> None:
    if not _is_count(target_workers, MAX_CAMPAIGN_PEOPLE):
        raise CampaignsError(
            _("目标覆盖人数应在 0 到 %(max)d 之间。") % {"max": MAX_CAMPAIGN_PEOPLE},
            field="target_workers",
        )
    if not Decimal(0) <= Decimal(budget) <= MAX_BUDGET:
        raise CampaignsError(
            _("金额必须在 0 到 %(max)s 元之间。") % {"max": f"{MAX_BUDGET:,.2f}"}, field="budget"
        )


def _check_targets(targets: dict[str, int]) -> dict[str, int]:
    unknown = set(targets) - set(WorkerCategory.values)
    if unknown:
        raise CampaignsError(
            _("未知的劳动者类别：%(category)s。") % {"category": ", ".join(sorted(unknown))},
            field="category_targets",
        )
    bad = [code for code, n in targets.items() if not _is_count(n, MAX_CAMPAIGN_PEOPLE)]
    if bad:
        raise CampaignsError(
            _("分类目标必须是不小于 0 的整数：%(category)s。")
            % {"category": ", ".join(sorted(bad))},
            field="category_targets",
        )
    return targets


MAX_CATEGORY_WEIGHT = 10


def _check_weights(weights: dict[str, float]) -> dict[str, float]:
    unknown = set(weights) - set(WorkerCategory.values)
    if unknown:
        raise CampaignsError(
            _("未知的劳动者类别：%(category)s。") % {"category": ", ".join(sorted(unknown))},
            field="category_weights",
        )
    bad = [
        code for code, w in weights.items()
        if isinstance(w, bool) or not isinstance(w, int | float)
        or not 0 <= w <= MAX_CATEGORY_WEIGHT
    ]  # fmt: skip
    if bad:
        raise CampaignsError(
            _("分类权重必须是 0 到 %(max)d 之间的数：%(category)s。")
            % {"max": MAX_CATEGORY_WEIGHT, "category": ", ".join(sorted(bad))},
            field="category_weights",
        )
    return {code: float(w) for code, w in weights.items()}


#: Planner demand in winter campaigns: visits of these categories (the most exposed to
#: cold) count this many times; a campaign keeps its own copy (Campaign.category_weights).
#: A setting of the same name, when set, replaces this.
WINTER_CATEGORY_WEIGHTS: dict[str, float] = {
    "sanitation": 2.0, "delivery": 2.0, "courier": 2.0, "construction": 2.0,
}  # fmt: skip


def default_category_weights(kind: str) -> dict[str, float]:
    """A new campaign's weights: winter weighs the categories most exposed to cold
    (``WINTER_CATEGORY_WEIGHTS``); other campaigns count every visit once."""
    if kind != Campaign.Kind.WINTER:
        return {}
    return dict(getattr(settings, "WINTER_CATEGORY_WEIGHTS", WINTER_CATEGORY_WEIGHTS))


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
    category_weights: dict[str, float] | None = None,
    voucher_name: str = "",
) -> Campaign:
    """A new campaign, planned, under ``union`` (which the actor must organize).

    ``category_weights`` None takes the kind's default (``default_category_weights``)."""
    _require_union(actor, union)
    _check_totals(target_workers=target_workers, budget=budget)
    weights = default_category_weights(kind) if category_weights is None else category_weights
    campaign = Campaign(
        kind=kind, name=name, union=union, starts_on=starts_on, ends_on=ends_on,
        target_workers=target_workers, category_targets=_check_targets(category_targets or {}),
        budget=budget, per_person_daily_limit=per_person_daily_limit,
        category_weights=_check_weights(weights), voucher_name=(voucher_name or "").strip(),
    )  # fmt: skip
    campaign.full_clean()
    stamp(campaign, actor)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_update(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    kind: str,
    name: str,
    union: Union,
    starts_on: dt.date,
    ends_on: dt.date,
    target_workers: int,
    category_targets: dict[str, int],
    budget: Decimal,
    per_person_daily_limit: int,
    category_weights: dict[str, float] | None = None,
    voucher_name: str | None = None,
) -> Campaign:
    """Correct a campaign's details; its status changes only through ``campaign_set_status``.

    Moving it to another union needs the actor to organize both."""
    campaign = Campaign.objects.select_for_update().select_related("union").get(pk=campaign.pk)
    require_campaign_manage(actor, campaign)
    if union.pk != campaign.union_id:
        _require_union(actor, union)
    _check_totals(target_workers=target_workers, budget=budget)
    campaign.kind, campaign.name, campaign.union = kind, name, union
    campaign.starts_on, campaign.ends_on = starts_on, ends_on
    campaign.target_workers, campaign.budget = target_workers, budget
    campaign.category_targets = _check_targets(category_targets or {})
    campaign.per_person_daily_limit = per_person_daily_limit
    if category_weights is not None:  # None keeps the campaign's weights
        campaign.category_weights = _check_weights(category_weights)
    if voucher_name is not None:  # None keeps the name; "" follows the season
        campaign.voucher_name = voucher_name.strip()
    campaign.full_clean()
    stamp(campaign, actor)
    campaign.save()
    return campaign


@transaction.atomic
def campaign_set_status(
    *, actor: AbstractBaseUser | None, campaign: Campaign, status: str
) -> Campaign:
    """Open (planned → active) or close a campaign; a closed one stays closed."""
    campaign = Campaign.objects.select_for_update().select_related("union").get(pk=campaign.pk)
    require_campaign_manage(actor, campaign)
    if status not in CAMPAIGN_TRANSITIONS.get(campaign.status, set()):
        labels = dict(Campaign.Status.choices)
        raise CampaignsError(
            _("活动不能从“%(old)s”改为“%(new)s”。")
            % {"old": campaign.get_status_display(), "new": labels.get(status, status)},
            field="status",
        )
    campaign.status = status
    stamp(campaign, actor)
    campaign.save(update_fields=["status"])
    return campaign


@transaction.atomic
def campaign_delete(*, actor: AbstractBaseUser | None, campaign: Campaign) -> None:
    """Delete a campaign entered by mistake: only while planned and before any stock moved
    for it. A campaign that ran is closed instead, and stays on the record."""
    campaign = Campaign.objects.select_for_update().select_related("union").get(pk=campaign.pk)
    require_campaign_manage(actor, campaign)
    if (
        campaign.status != Campaign.Status.PLANNED
        or Movement.objects.filter(campaign=campaign).exists()
    ):
        raise Conflict(
            _("活动“%(name)s”已开始或已有库存变动，只能结束，不能删除。") % {"name": campaign.name},
            field="status",
        )
    for allocation in campaign.allocations.all():
        stamp(allocation, actor)
        allocation.delete()
    stamp(campaign, actor)
    campaign.delete()


@transaction.atomic
def allocation_edit(
    *, actor: AbstractBaseUser | None, allocation: Allocation, quantity: int
) -> Allocation:
    """Change the quantity of one draft plan line (whole packs)."""
    allocation = (
        Allocation.objects.select_for_update()
        .select_related("location__union", "item", "campaign__union")
        .get(pk=allocation.pk)
    )
    require_campaign_manage(actor, allocation.campaign)
    require_stock_manage(actor, allocation.location)
    if allocation.status != Allocation.Status.DRAFT:
        raise CampaignsError(_("已确认的分配不能再修改。"), field="quantity")
    if quantity < 0 or quantity % allocation.item.pack_size:
        raise CampaignsError(
            _("数量必须是 %(n)d 的整数倍（整包）。") % {"n": allocation.item.pack_size},
            field="quantity",
        )
    allocation.quantity = quantity
    stamp(allocation, actor)
    allocation.save(update_fields=["quantity"])
    return allocation
