"""The season of care by date, and forced for the quick start."""

import datetime as dt

import pytest

from core import seasons


@pytest.mark.parametrize(
    ("month", "season", "next_season"),
    [(1, "winter", "summer"), (3, "winter", "summer"), (4, "planning", "summer"),
     (5, "summer", "winter"), (9, "summer", "winter"), (10, "planning", "winter"),
     (11, "winter", "summer"), (12, "winter", "summer")],
)  # fmt: skip
def test_season_by_month(settings, month, season, next_season):
    settings.YIZHAN_DEMO_SEASON = ""
    day = dt.date(2027, month, 15)
    assert seasons.current_season(day) == season
    assert seasons.next_care_season(day) == next_season


def test_forced_season(settings):
    settings.YIZHAN_DEMO_SEASON = "summer"
    assert seasons.current_season(dt.date(2027, 1, 15)) == "summer"
