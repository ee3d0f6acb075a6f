"""Celery tasks: take ids, call one service, safe to run twice."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from campaigns.models import Campaign, Item, StockLocation
from campaigns.selectors.alerts import stock_alerts
from campaigns.services import planner
from core import once
from core import time as local_time
from stations.models import Membership

DAY = 86400


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
    """Every morning: e-mail each active campaign's organizers its stock alerts (expired
    lots to write off, levels at or below their reorder level, running out, expiring).

    Safe to run twice: each campaign's mail goes once a day. Returns alerts per campaign id.
    """
    sent: dict[str, int] = {}
    on = local_time.today()
    for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related("union"):
        alerts = stock_alerts(union_path=campaign.union.path, on=on, days=settings.STOCK_ALERT_DAYS)
        sent[str(campaign.pk)] = len(alerts)
        if not alerts:
            continue
        ancestors = [p + "/" for p in _prefixes(campaign.union.path)]
        recipients = sorted(
            {
                m.user.email
                for m in Membership.objects.filter(
                    role__in=("organizer", "admin"), union__path__in=ancestors
                ).select_related("user")
                if m.user.email
            }
        )
        if not recipients:
            continue
        lines = [
            f"{a.kind_label} · {a.location_name or a.location} · {a.item} · {a.quantity} · "
            f"{a.detail}"
            for a in alerts
        ]
        # Once a day per campaign, however often the task runs.
        with once.claim(f"mail:stock-alerts:{campaign.pk}:{on}", seconds=2 * DAY) as mine:
            if mine:
                send_mail(
                    subject=_("【驿站】%(name)s：%(n)d 条库存提醒")
                    % {"name": campaign.name, "n": len(alerts)},
                    message="\n".join(lines),
                    from_email=settings.DEFAULT_FROM_EMAIL,
                    recipient_list=recipients,
                )
    return sent


def _prefixes(path: str) -> list[str]:
    """``QH/QH-XN/QH-XN-CZ/`` → ``["QH", "QH/QH-XN", "QH/QH-XN/QH-XN-CZ"]``."""
    parts = [p for p in path.split("/") if p]
    return ["/".join(parts[: i + 1]) for i in range(len(parts))]
