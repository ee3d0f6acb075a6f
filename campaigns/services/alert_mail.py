"""The morning mail of stock alerts: each active campaign's alerts (expired lots to write
off, levels at or below their reorder level, running out, expiring) to the organizers of
its union and of every union above it, once a day per campaign."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.core.mail import send_mail
from django.utils.translation import gettext as _

from campaigns.models import Campaign
from campaigns.selectors.alerts import StockAlert, stock_alerts
from core import once
from core import time as local_time
from stations.selectors import organizer_emails_above

DAY = 86400


def stock_alerts_mail(*, on: dt.date | None = None) -> dict[str, int]:
    """Mail every active campaign's stock alerts to its organizers; returns the number of
    alerts per campaign id. Safe to run twice: each campaign's mail goes once a day."""
    on = on or local_time.today()
    sent: dict[str, int] = {}
    for campaign in Campaign.objects.filter(status=Campaign.Status.ACTIVE).select_related("union"):
        alerts = stock_alerts(union_path=campaign.union.path, on=on, days=settings.STOCK_ALERT_DAYS)
        sent[str(campaign.pk)] = len(alerts)
        if alerts:
            _campaign_alerts_mail(campaign=campaign, alerts=alerts, on=on)
    return sent


def _campaign_alerts_mail(*, campaign: Campaign, alerts: list[StockAlert], on: dt.date) -> None:
    recipients = organizer_emails_above(campaign.union)
    if not recipients:
        return
    lines = [
        f"{a.kind_label} · {a.location_name or a.location} · {a.item} · {a.quantity} · {a.detail}"
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
