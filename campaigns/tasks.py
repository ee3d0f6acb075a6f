"""Celery tasks: take ids, call one service, safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task

from campaigns import services
from campaigns.models import Campaign, Item, StockLocation


@shared_task(bind=True, acks_late=True, autoretry_for=(ConnectionError,), retry_backoff=True,
             max_retries=3)  # fmt: skip
def plan_campaign(
    self: Any,
    actor_id: int | None,
    campaign_id: int,
    item_id: int,
    source_id: int,
    weeks: int = 4,
    minimum: int = 0,
    maximum: int | None = None,
) -> dict[str, Any]:
    """Plan a large scope in the background; progress is reported as PROGRESS meta.

    Running it twice replaces the draft with the same proposal.
    """

    def progress(done: int, total: int) -> None:
        if not self.request.called_directly and self.request.id:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    from django.contrib.auth import get_user_model

    actor = get_user_model().objects.get(pk=actor_id) if actor_id is not None else None
    allocations = services.campaign_plan(
        actor=actor,
        campaign=Campaign.objects.select_related("union").get(pk=campaign_id),
        item=Item.objects.get(pk=item_id),
        source=StockLocation.objects.select_related("union").get(pk=source_id),
        weeks=weeks,
        minimum=minimum,
        maximum=maximum,
        progress=progress,
    )
    return {
        "stations": len(allocations),
        "quantity": sum(a.quantity for a in allocations),
        "lines": {a.location.code: a.quantity for a in allocations},
    }
