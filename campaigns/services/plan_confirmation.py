"""Confirming a plan: the edits typed beside it saved, then its draft allocations turned
into transfers from the depot, all or nothing. Making the plan is ``services.planner``.

Reviewing and confirming need the actor to manage both the campaign (its union) and the
source depot.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from campaigns.exceptions import CampaignsError, InsufficientStock
from campaigns.models import Allocation, Campaign, Item, StockLocation, Transfer
from campaigns.selectors.campaigns import PlanTotals, plan_totals
from campaigns.services.ledger import TransferRequest, stock_transfer_dispatch
from campaigns.services.lifecycle import allocation_edit, require_campaign_manage
from campaigns.services.locations import require_stock_manage

if TYPE_CHECKING:
    from django.contrib.auth.models import AbstractBaseUser


@transaction.atomic
def campaign_plan_review(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    item: Item,
    source: StockLocation,
    quantities: dict[int, int],
) -> PlanTotals:
    """Save the edits typed beside the plan before its summary is shown; all or nothing.

    A plan that would then exceed what ``source`` may send is refused (and keeps none of
    the edits), so the summary the organizer confirms is always one that can be done.
    """
    require_campaign_manage(actor, campaign)
    require_stock_manage(actor, source)
    _save_edits(actor=actor, campaign=campaign, item=item, quantities=quantities)
    totals = plan_totals(campaign=campaign, item=item, source=source)
    if totals.allocated == 0:
        raise CampaignsError(_("没有待确认的分配。"), field="allocations")
    _refuse_over(totals, item=item, source=source)
    return totals


@transaction.atomic
def campaign_confirm_plan(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    item: Item,
    source: StockLocation,
    quantities: dict[int, int] | None = None,
    expected_total: int | None = None,
) -> list[Transfer]:
    """Turn the draft allocations into transfers from ``source``; all or nothing.

    ``quantities`` (allocation id → quantity) are edits typed beside the confirmation:
    they are saved in the same transaction, so a refused confirmation (say, more than the
    depot holds) keeps none of them either. ``expected_total`` is the total of the summary
    the organizer was shown: a plan that no longer adds up to it is refused.
    """
    campaign = Campaign.objects.select_related("union").get(pk=campaign.pk)
    require_campaign_manage(actor, campaign)
    require_stock_manage(actor, source)
    _save_edits(actor=actor, campaign=campaign, item=item, quantities=quantities or {})
    drafts = list(
        Allocation.objects.select_for_update()
        .filter(campaign=campaign, item=item, status=Allocation.Status.DRAFT)
        .select_related("location")
        .order_by("location__code")
    )
    if not any(a.quantity > 0 for a in drafts):
        raise CampaignsError(_("没有待确认的分配。"), field="allocations")
    total = sum(a.quantity for a in drafts)
    if expected_total is not None and total != expected_total:
        # The summary the organizer confirmed is not the plan any more (edited meanwhile).
        raise CampaignsError(
            _("分配合计已变为 %(total)d（核对时为 %(expected)d）：请重新核对后再确认。")
            % {"total": total, "expected": expected_total},
            field="allocations",
        )
    totals = plan_totals(campaign=campaign, item=item, source=source)
    _refuse_over(totals, item=item, source=source)
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


def _save_edits(
    *,
    actor: AbstractBaseUser | None,
    campaign: Campaign,
    item: Item,
    quantities: dict[int, int],
) -> None:
    """Save the quantities typed beside the plan (allocation id → quantity), inside the
    caller's transaction."""
    for pk, quantity in quantities.items():
        allocation = Allocation.objects.filter(
            pk=pk, campaign=campaign, item=item, status=Allocation.Status.DRAFT
        ).first()
        if allocation is None:
            raise CampaignsError(_("这一行分配已不存在或已确认。"), field="allocations")
        allocation_edit(actor=actor, allocation=allocation, quantity=quantity)


def _refuse_over(totals: PlanTotals, *, item: Item, source: StockLocation) -> None:
    """A plan above what ``source`` may send is refused, saying by how much."""
    if totals.over:
        raise InsufficientStock(
            _("分配合计 %(total)d %(unit)s，超过“%(depot)s”可调出的 %(available)d %(unit)s"
              "（多 %(over)d）。请减少分配后再确认。")
            % {"total": totals.allocated, "available": totals.available, "over": totals.over,
               "unit": item.unit, "depot": source.name},
            field="allocations", available=totals.available,
        )  # fmt: skip
