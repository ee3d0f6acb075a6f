"""Scheduled welfare work: weather per region, official warning signals, weekly
health-check reminders."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.conf import settings
from django.utils import timezone

from stations.models import Region
from welfare import services
from welfare.official_feed import FeedError, fetch_documents
from welfare.weather import WeatherError, fetch_daily


@shared_task(bind=True, acks_late=True, max_retries=5, default_retry_delay=600)
def refresh_region_weather(self: Any, region_id: int) -> dict[str, Any]:
    """Fetch one region's 3-day forecast and rebuild its alerts.

    On failure the last good forecast stays, marked stale, and the task retries later
    with backoff. Safe to run twice: the same forecast gives the same alerts.
    """
    region = Region.objects.get(pk=region_id)
    point = region.reference_point
    if point is None:
        return {"region": region.code, "skipped": "no reference point"}
    try:
        days = fetch_daily(lat=point.y, lng=point.x)
    except WeatherError as exc:
        stale = services.weather_mark_stale(region=region)
        if self.request.called_directly or self.request.is_eager:
            return {"region": region.code, "error": str(exc), "stale_alerts": stale}
        raise self.retry(exc=exc, countdown=min(3600, 300 * 2**self.request.retries)) from exc
    alerts = services.weather_apply(region=region, days=days, fetched_at=timezone.now())
    return {"region": region.code, "days": len(days), "alerts": len(alerts)}


@shared_task(acks_late=True)
def refresh_all_weather() -> int:
    """Beat entry point: one task per region with a reference point."""
    ids = list(Region.objects.filter(reference_point__isnull=False).values_list("pk", flat=True))
    for region_id in ids:
        refresh_region_weather.delay(region_id)
    return len(ids)


@shared_task(acks_late=True)
def health_checks_weekly() -> int:
    """Weekly: e-mail each union's organizers the checks overdue or due within 30 days
    (``health_check_reminders_send``; safe to run twice: once a week per organizer)."""
    return services.health_check_reminders_send()


@shared_task(acks_late=True)
def retention_daily() -> dict[str, int]:
    """Daily: delete or anonymise personal data past its period (safe to run twice)."""
    return services.retention_run()


@shared_task(bind=True, acks_late=True, max_retries=3, default_retry_delay=300)
def poll_official_alerts(self: Any) -> dict[str, Any]:
    """Beat entry point: read the official CAP feed (``OFFICIAL_ALERT_FEED_URL``) and store
    its signals. Safe to run twice: a signal already stored is a duplicate. A feed that
    cannot be read is retried; a bad document is skipped and counted."""
    url = settings.OFFICIAL_ALERT_FEED_URL
    if not url:
        return {"skipped": "OFFICIAL_ALERT_FEED_URL is not set"}
    try:
        feed = fetch_documents(url=url)
    except FeedError as exc:
        if self.request.called_directly or self.request.is_eager:
            return {"error": str(exc)}
        raise self.retry(exc=exc) from exc
    counts: dict[str, Any] = {"errors": list(feed.errors)}
    for source, data in feed.documents:
        try:
            result = services.official_alert_ingest(data=data, source=source)
        except services.CapRejected as exc:
            counts["errors"].append(f"{source}: {exc}")
            continue
        counts[result.outcome] = counts.get(result.outcome, 0) + 1
        counts["withdrawn"] = counts.get("withdrawn", 0) + result.withdrew
    return counts
