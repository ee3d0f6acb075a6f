"""Celery tasks: take ids, call one service, safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.contrib.auth import get_user_model

from campaigns.models import Campaign, Item, StockLocation
from campaigns.services import planner
from campaigns.services.alert_mail import stock_alerts_mail


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
    weighting: str = "visits",
    cap_percent: int | None = None,
) -> dict[str, Any]:
    """Plan a large scope in the background; progress is reported as PROGRESS meta.

    Running it twice replaces the draft with the same proposal.
    """

    def progress(done: int, total: int) -> None:
        # Run in place (no broker, or the broker down) there is nobody to report to.
        if not self.request.called_directly and self.request.id and not self.request.is_eager:
            self.update_state(state="PROGRESS", meta={"done": done, "total": total})

    actor = get_user_model().objects.get(pk=actor_id) if actor_id is not None else None
    allocations = planner.campaign_plan(
        actor=actor,
        campaign=Campaign.objects.select_related("union").get(pk=campaign_id),
        item=Item.objects.get(pk=item_id),
        source=StockLocation.objects.select_related("union").get(pk=source_id),
        weeks=weeks,
        minimum=minimum,
        maximum=maximum,
        weighting=weighting,
        cap_percent=cap_percent,
        progress=progress,
    )
    return {
        "stations": len(allocations),
        "quantity": sum(a.quantity for a in allocations),
        "lines": {a.location.code: a.quantity for a in allocations},
    }


@shared_task(acks_late=True)
def stock_alerts_daily() -> dict[str, int]:
    """Every morning: e-mail each active campaign's organizers its stock alerts.

    Safe to run twice: each campaign's mail goes once a day. Returns alerts per campaign id.
    """
    return stock_alerts_mail()
