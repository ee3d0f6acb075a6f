"""Which season of care it is: winter (冬季送温暖), summer (夏季送清凉), or the months
between when the next campaign is planned.

By date in Asia/Shanghai: November to March winter, May to September summer, April and
October planning (``SEASON_MONTHS``). The quick start's ``YIZHAN_DEMO_SEASON`` forces one,
for tests and screenshots; it is empty elsewhere.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings

from core import time as local_time

WINTER = "winter"
SUMMER = "summer"
PLANNING = "planning"

#: The months of each season of care; the rest are planning. A setting of the same name,
#: when set, replaces this (as it replaces ``SEASON_SERVICES``).
SEASON_MONTHS: dict[str, tuple[int, ...]] = {
    WINTER: (11, 12, 1, 2, 3),
    SUMMER: (5, 6, 7, 8, 9),
}
#: The services the map's filter chips put first in each season.
SEASON_SERVICES: dict[str, tuple[str, ...]] = {
    WINTER: ("heating", "hot_water"),
    SUMMER: ("water", "shade", "first_aid"),
}


def current_season(on: dt.date | None = None) -> str:
    """ "winter", "summer" or "planning" (forced by ``YIZHAN_DEMO_SEASON`` when set)."""
    forced = getattr(settings, "YIZHAN_DEMO_SEASON", "")
    if forced:
        return forced
    month = (on or local_time.today()).month
    for season, months in getattr(settings, "SEASON_MONTHS", SEASON_MONTHS).items():
        if month in months:
            return season
    return PLANNING


def season_services(season: str) -> tuple[str, ...]:
    """The services shown first in ``season`` (``SEASON_SERVICES``; none in planning)."""
    return tuple(getattr(settings, "SEASON_SERVICES", SEASON_SERVICES).get(season, ()))


def next_care_season(on: dt.date | None = None) -> str:
    """The season a campaign planned now is for: summer from November to April (after
    winter), winter from May to October."""
    return SUMMER if (on or local_time.today()).month in (11, 12, 1, 2, 3, 4) else WINTER
