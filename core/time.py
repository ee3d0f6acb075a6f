"""Local time. Every "today" in the product is the date in Asia/Shanghai (``TIME_ZONE``),
not the server's or UTC's: a visit at 07:30 Beijing time belongs to that day."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone


def local_tz() -> dt.tzinfo:
    return timezone.get_default_timezone() if settings.USE_TZ else dt.UTC


def to_local(moment: dt.datetime) -> dt.datetime:
    if timezone.is_naive(moment):
        raise ValueError("an aware datetime is required")
    return moment.astimezone(local_tz())


def now() -> dt.datetime:
    """The current moment in local time (aware)."""
    return to_local(timezone.now())


def today() -> dt.date:
    """Today's date in local time."""
    return now().date()


def local_day_bounds(day: dt.date) -> tuple[dt.datetime, dt.datetime]:
    """The aware moments [start, end) of a local calendar day."""
    tz = local_tz()
    start = dt.datetime.combine(day, dt.time.min, tzinfo=tz)
    return start, start + dt.timedelta(days=1)
