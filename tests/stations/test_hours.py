"""Opening hours (stations.hours): explicit edge cases plus hypothesis properties.

No database: periods and closures are plain stand-in objects, as hours.py allows.
Calendar anchors (2027): Mon 07-12, Wed 07-14, Thu 07-15, Fri 07-16, Sat 07-17, Sun 07-18.
"""

from __future__ import annotations

import datetime as dt
import types
import zoneinfo

import pytest
from django.utils import translation
from hypothesis import given, settings
from hypothesis import strategies as st

from stations.hours import (
    hours_text,
    in_season,
    is_open_at,
    next_opening,
    opening_text,
    to_local,
    week_schedule,
)

SHANGHAI = zoneinfo.ZoneInfo("Asia/Shanghai")
UTC = dt.UTC
MONDAY = dt.date(2027, 7, 12)
WEEK_S = 7 * 86400
DAY_S = 86400

SUMMER = ("06-01", "08-31")
WINTER = ("11-15", "03-15")


def t(value: str) -> dt.time:
    return dt.time.fromisoformat(value)


def period(weekday, opens, closes, *, overnight=None, season=("", "")):
    opens, closes = t(opens), t(closes)
    return types.SimpleNamespace(
        weekday=weekday,
        opens=opens,
        closes=closes,
        overnight=closes < opens if overnight is None else overnight,
        season_start=season[0],
        season_end=season[1],
    )


def every_day(opens, closes, *, season=("", "")):
    return [period(w, opens, closes, season=season) for w in range(1, 8)]


def closure(starts_on: dt.date, ends_on: dt.date | None = None):
    return types.SimpleNamespace(starts_on=starts_on, ends_on=ends_on or starts_on)


def sh(y, mo, d, h=0, mi=0, s=0) -> dt.datetime:
    return dt.datetime(y, mo, d, h, mi, s, tzinfo=SHANGHAI)


def open_at(periods, at, *, closures=(), is_24h=False) -> bool:
    return is_open_at(periods=list(periods), closures=list(closures), is_24h=is_24h, at=at)


def text(periods, day, *, closures=(), is_24h=False) -> str:
    return hours_text(periods=list(periods), closures=list(closures), is_24h=is_24h, day=day)


REGULAR = every_day("08:00", "20:00")
FRIDAY_NIGHT = [period(5, "20:00", "02:00", overnight=True)]


# --- time zones -------------------------------------------------------------------------


def test_naive_datetime_is_rejected():
    with pytest.raises(ValueError):
        open_at(REGULAR, dt.datetime(2027, 7, 14, 10, 0))
    with pytest.raises(ValueError):
        to_local(dt.datetime(2027, 7, 14, 10, 0))


def test_utc_moment_is_converted_to_shanghai():
    # 2027-07-01 (a Thursday) 00:30 UTC is 08:30 in Shanghai.
    moment = dt.datetime(2027, 7, 1, 0, 30, tzinfo=UTC)
    assert to_local(moment) == sh(2027, 7, 1, 8, 30)
    assert to_local(moment).hour == 8
    thursday = [period(4, "08:00", "20:00")]
    assert open_at(thursday, moment)
    # 2027-06-30 23:30 UTC is Thursday 07:30 in Shanghai: not yet open.
    assert not open_at(thursday, dt.datetime(2027, 6, 30, 23, 30, tzinfo=UTC))


def test_utc_date_differs_from_local_date():
    # Friday 16:30 UTC is Saturday 00:30 in Shanghai: the Friday day period is over, the
    # Friday overnight period is still running.
    moment = dt.datetime(2027, 7, 16, 16, 30, tzinfo=UTC)
    assert not open_at([period(5, "08:00", "20:00")], moment)
    assert open_at(FRIDAY_NIGHT, moment)
    assert not open_at([period(6, "08:00", "20:00")], moment)


# --- midnight ---------------------------------------------------------------------------


def test_regular_station_is_closed_around_midnight():
    assert not open_at(REGULAR, sh(2027, 7, 14, 0, 0))
    assert not open_at(REGULAR, sh(2027, 7, 14, 23, 59, 59))
    assert open_at(REGULAR, sh(2027, 7, 14, 12, 0))


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (sh(2027, 7, 16, 19, 59), False),  # Friday, before it opens
        (sh(2027, 7, 16, 20, 0), True),  # opens exactly now
        (sh(2027, 7, 16, 23, 59), True),
        (sh(2027, 7, 16, 23, 59, 59), True),
        (sh(2027, 7, 17, 0, 0), True),  # Saturday midnight: still Friday's period
        (sh(2027, 7, 17, 1, 59, 59), True),
        (sh(2027, 7, 17, 2, 0), False),  # ends exactly now
        (sh(2027, 7, 17, 20, 0), False),  # Saturday evening: no period of its own
        (sh(2027, 7, 15, 23, 0), False),  # Thursday night
    ],
)
def test_friday_overnight_period(moment, expected):
    assert open_at(FRIDAY_NIGHT, moment) is expected


def test_overnight_period_wraps_sunday_into_monday():
    sunday = [period(7, "22:00", "03:00", overnight=True)]
    assert open_at(sunday, sh(2027, 7, 18, 22, 0))
    assert open_at(sunday, sh(2027, 7, 19, 2, 59, 59))  # Monday
    assert not open_at(sunday, sh(2027, 7, 19, 3, 0))
    assert not open_at(sunday, sh(2027, 7, 20, 2, 0))  # Tuesday has no tail
    assert not open_at(sunday, sh(2027, 7, 18, 2, 0))  # nor Sunday's own early hours


def test_overnight_period_until_midnight():
    late = [period(3, "18:00", "00:00", overnight=True)]
    assert open_at(late, sh(2027, 7, 14, 23, 59, 59))
    assert not open_at(late, sh(2027, 7, 15, 0, 0))


# --- half-open intervals ----------------------------------------------------------------

minutes = st.integers(min_value=0, max_value=1439)


@settings(max_examples=200, deadline=None)
@given(data=st.data(), weekday=st.integers(1, 7))
def test_period_is_half_open(data, weekday):
    o = data.draw(st.integers(0, 1438), label="opens")
    c = data.draw(st.integers(o + 1, 1439), label="closes")
    p = period(weekday, f"{o // 60:02d}:{o % 60:02d}", f"{c // 60:02d}:{c % 60:02d}")
    day = MONDAY + dt.timedelta(days=weekday - 1)
    start = dt.datetime.combine(day, dt.time(0), tzinfo=SHANGHAI)
    opens_at = start + dt.timedelta(minutes=o)
    closes_at = start + dt.timedelta(minutes=c)
    second = dt.timedelta(seconds=1)

    assert open_at([p], opens_at)  # opens exactly now -> open
    assert not open_at([p], closes_at)  # ends exactly now -> closed
    assert open_at([p], closes_at - second)
    if o > 0:
        assert not open_at([p], opens_at - second)
    # The same period on another weekday says nothing about this day.
    other = period(weekday % 7 + 1, p.opens.isoformat(), p.closes.isoformat())
    assert not open_at([other], opens_at)


# --- overnight periods against a brute-force model --------------------------------------


@st.composite
def overnight_periods(draw):
    weekday = draw(st.integers(1, 7))
    o = draw(st.integers(1, 1439))
    c = draw(st.integers(0, o - 1))
    return period(
        weekday, f"{o // 60:02d}:{o % 60:02d}", f"{c // 60:02d}:{c % 60:02d}", overnight=True
    )


def span_of_week(p) -> tuple[int, int]:
    """(start, length) in seconds since Monday 00:00, for an overnight period."""
    opens = p.opens.hour * 3600 + p.opens.minute * 60
    closes = p.closes.hour * 3600 + p.closes.minute * 60
    return (p.weekday - 1) * DAY_S + opens, DAY_S - opens + closes


def model_open(periods, second_of_week: int) -> bool:
    for p in periods:
        start, length = span_of_week(p)
        if (second_of_week - start) % WEEK_S < length:
            return True
    return False


@settings(max_examples=200, deadline=None)
@given(data=st.data(), periods=st.lists(overnight_periods(), min_size=1, max_size=3))
def test_overnight_periods_agree_with_minute_of_week_model(data, periods):
    # Pick the moment either anywhere in the week or right next to a period edge (where
    # the off-by-ones live), wrapping Sunday -> Monday via the modulo.
    edges = [s for p in periods for s in (span_of_week(p)[0], sum(span_of_week(p)))]
    anywhere = st.integers(0, WEEK_S - 1)
    near_edge = st.builds(
        lambda edge, delta: (edge + delta) % WEEK_S,
        st.sampled_from(edges),
        st.integers(-90, 90),
    )
    second = data.draw(st.one_of(anywhere, near_edge), label="second_of_week")
    week = data.draw(st.integers(-30, 30), label="week")
    monday = dt.datetime.combine(MONDAY + dt.timedelta(weeks=week), dt.time(0), tzinfo=SHANGHAI)
    moment = monday + dt.timedelta(seconds=second)
    if data.draw(st.booleans(), label="as_utc"):
        moment = moment.astimezone(UTC)

    assert open_at(periods, moment) is model_open(periods, second)


# --- seasons ----------------------------------------------------------------------------

SUMMER_STATION = every_day("08:00", "20:00") + every_day("07:00", "21:00", season=SUMMER)


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (sh(2027, 7, 15, 7, 30), True),  # summer hours
        (sh(2027, 7, 15, 20, 30), True),
        (sh(2027, 9, 15, 7, 30), False),  # regular hours again
        (sh(2027, 9, 15, 20, 30), False),
        (sh(2027, 9, 15, 8, 30), True),
        (sh(2027, 6, 1, 7, 30), True),  # first day of the season (inclusive)
        (sh(2027, 8, 31, 7, 30), True),  # last day of the season (inclusive)
        (sh(2027, 5, 31, 7, 30), False),
        (sh(2027, 9, 1, 7, 30), False),
        (sh(2027, 5, 31, 8, 30), True),  # regular hours still apply outside the season
    ],
)
def test_seasonal_periods_replace_regular_ones(moment, expected):
    assert open_at(SUMMER_STATION, moment) is expected


def test_in_season_replacement_is_not_additive():
    # Summer hours 10:00-16:00 are shorter than regular 08:00-20:00: they replace them.
    station = REGULAR + every_day("10:00", "16:00", season=SUMMER)
    assert not open_at(station, sh(2027, 7, 15, 9, 0))
    assert not open_at(station, sh(2027, 7, 15, 17, 0))
    assert open_at(station, sh(2027, 9, 15, 9, 0))


def test_season_without_a_period_that_weekday_closes_that_weekday():
    # "On a date where any seasonal period is in season, the seasonal periods in season
    # replace the regular ones": summer hours only Monday-Friday leave summer weekends shut.
    station = REGULAR + [period(w, "07:00", "21:00", season=SUMMER) for w in range(1, 6)]
    assert not open_at(station, sh(2027, 7, 17, 12, 0))  # summer Saturday
    assert open_at(station, sh(2027, 9, 18, 12, 0))  # autumn Saturday


@pytest.mark.parametrize(
    ("moment", "expected"),
    [
        (sh(2027, 12, 31, 9, 0), False),  # winter hours 10:00-16:00
        (sh(2027, 12, 31, 10, 0), True),
        (sh(2028, 1, 1, 9, 0), False),  # across the new year
        (sh(2028, 2, 29, 9, 0), False),
        (sh(2027, 11, 15, 9, 0), False),  # first day, inclusive
        (sh(2028, 3, 15, 9, 0), False),  # last day, inclusive
        (sh(2028, 3, 15, 17, 0), False),
        (sh(2027, 11, 14, 9, 0), True),  # regular 08:00-20:00
        (sh(2028, 3, 16, 9, 0), True),
        (sh(2027, 7, 15, 17, 0), True),
    ],
)
def test_season_wrapping_the_new_year(moment, expected):
    station = REGULAR + every_day("10:00", "16:00", season=WINTER)
    assert open_at(station, moment) is expected


@settings(max_examples=200, deadline=None)
@given(
    start=st.dates(dt.date(2028, 1, 1), dt.date(2028, 12, 31)),
    end=st.dates(dt.date(2028, 1, 1), dt.date(2028, 12, 31)),
    day=st.dates(dt.date(2000, 1, 1), dt.date(2100, 12, 31)),
)
def test_in_season_agrees_with_walking_the_calendar(start, end, day):
    # Walk the (leap) year from the start month-day to the end month-day, wrapping.
    covered, cur = set(), start
    while True:
        covered.add((cur.month, cur.day))
        if cur == end:
            break
        cur = cur + dt.timedelta(days=1)
        if cur.year == 2029:
            cur = dt.date(2028, 1, 1)
    assert in_season(day, f"{start:%m-%d}", f"{end:%m-%d}") is ((day.month, day.day) in covered)


# --- closures ---------------------------------------------------------------------------


def test_closure_inside_the_season_beats_seasonal_hours():
    closures = [closure(dt.date(2027, 7, 15))]
    assert not open_at(SUMMER_STATION, sh(2027, 7, 15, 7, 30), closures=closures)
    assert not open_at(SUMMER_STATION, sh(2027, 7, 15, 12, 0), closures=closures)
    assert open_at(SUMMER_STATION, sh(2027, 7, 14, 7, 30), closures=closures)
    assert open_at(SUMMER_STATION, sh(2027, 7, 16, 7, 30), closures=closures)


def test_multi_day_closure_is_inclusive():
    closures = [closure(dt.date(2027, 7, 13), dt.date(2027, 7, 15))]
    assert open_at(REGULAR, sh(2027, 7, 12, 12, 0), closures=closures)
    for day in (13, 14, 15):
        assert not open_at(REGULAR, sh(2027, 7, day, 12, 0), closures=closures)
    assert open_at(REGULAR, sh(2027, 7, 16, 12, 0), closures=closures)


def test_closure_on_saturday_closes_the_tail_of_fridays_overnight_period():
    closures = [closure(dt.date(2027, 7, 17))]
    assert open_at(FRIDAY_NIGHT, sh(2027, 7, 16, 23, 0), closures=closures)
    assert not open_at(FRIDAY_NIGHT, sh(2027, 7, 17, 0, 0), closures=closures)
    assert not open_at(FRIDAY_NIGHT, sh(2027, 7, 17, 1, 0), closures=closures)


def test_closure_on_friday_stops_the_overnight_period_it_started():
    closures = [closure(dt.date(2027, 7, 16))]
    assert not open_at(FRIDAY_NIGHT, sh(2027, 7, 16, 23, 0), closures=closures)
    assert not open_at(FRIDAY_NIGHT, sh(2027, 7, 17, 1, 0), closures=closures)
    # The next Friday is not closed.
    assert open_at(FRIDAY_NIGHT, sh(2027, 7, 24, 1, 0), closures=closures)


# --- 24 hours ---------------------------------------------------------------------------


@settings(max_examples=200, deadline=None)
@given(
    moment=st.datetimes(dt.datetime(2026, 1, 1), dt.datetime(2029, 12, 31)),
    closure_offset=st.integers(-3, 3),
    closure_days=st.integers(0, 3),
    has_closure=st.booleans(),
    as_utc=st.booleans(),
    with_periods=st.booleans(),
)
def test_24h_station_is_open_whenever_the_day_is_not_closed(
    moment, closure_offset, closure_days, has_closure, as_utc, with_periods
):
    local = moment.replace(tzinfo=SHANGHAI)
    starts = local.date() + dt.timedelta(days=closure_offset)
    ends = starts + dt.timedelta(days=closure_days)
    closures = [closure(starts, ends)] if has_closure else []
    at = local.astimezone(UTC) if as_utc else local
    # Periods (here: a short one) are irrelevant for a 24-hour station.
    periods = every_day("10:00", "11:00") if with_periods else []
    expected = not (has_closure and starts <= local.date() <= ends)
    assert open_at(periods, at, closures=closures, is_24h=True) is expected


def test_24h_station_at_midnight_after_a_closed_day():
    closures = [closure(dt.date(2027, 7, 14))]
    assert not open_at([], sh(2027, 7, 14, 23, 59, 59), closures=closures, is_24h=True)
    assert open_at([], sh(2027, 7, 15, 0, 0), closures=closures, is_24h=True)


# --- texts ------------------------------------------------------------------------------


def test_hours_text_in_chinese():
    wednesday = dt.date(2027, 7, 14)
    with translation.override("zh-hans"):
        assert text(REGULAR, wednesday) == "08:00–20:00"
        assert text([], wednesday, is_24h=True) == "24小时"
        assert text(REGULAR, wednesday, closures=[closure(wednesday)]) == "今日闭站"
        assert text([], wednesday, closures=[closure(wednesday)], is_24h=True) == "今日闭站"
        # No hours on record is not "closed today": nobody knows.
        assert text([], wednesday) == "营业时间未登记"
        assert text([period(4, "08:00", "20:00")], wednesday) == "今日闭站"
        split = [period(3, "14:00", "18:00"), period(3, "08:00", "12:00")]
        assert text(split, wednesday) == "08:00–12:00, 14:00–18:00"
        assert text(FRIDAY_NIGHT, dt.date(2027, 7, 16)) == "20:00–02:00（次日）"
        assert text(SUMMER_STATION, wednesday) == "07:00–21:00"
        assert text(SUMMER_STATION, dt.date(2027, 9, 15)) == "08:00–20:00"


def test_next_opening_and_its_words():
    tz = dt.timezone(dt.timedelta(hours=8))
    wednesday_night = dt.datetime(2027, 7, 14, 21, 0, tzinfo=tz)  # after 08:00–20:00
    moment = next_opening(periods=REGULAR, closures=[], is_24h=False, at=wednesday_night)
    assert moment == dt.datetime(2027, 7, 15, 8, 0, tzinfo=tz)
    early = dt.datetime(2027, 7, 14, 6, 30, tzinfo=tz)
    assert next_opening(periods=REGULAR, closures=[], is_24h=False, at=early).hour == 8
    # Open now: no "next opening"; nothing on record: unknown, not a guess.
    noon = dt.datetime(2027, 7, 14, 12, 0, tzinfo=tz)
    assert next_opening(periods=REGULAR, closures=[], is_24h=False, at=noon) is None
    assert next_opening(periods=[], closures=[], is_24h=False, at=noon) is None
    # Closed for the rest of the week: the first day after the closure.
    shut = [closure(dt.date(2027, 7, 14), dt.date(2027, 7, 18))]
    moment = next_opening(periods=REGULAR, closures=shut, is_24h=False, at=noon)
    assert moment.date() == dt.date(2027, 7, 19)
    with translation.override("zh-hans"):
        assert opening_text(dt.datetime(2027, 7, 15, 8, 0, tzinfo=tz), at=noon) == "明天 08:00 开放"
        assert (
            opening_text(dt.datetime(2027, 7, 14, 14, 0, tzinfo=tz), at=noon) == "今天 14:00 开放"
        )
        assert opening_text(moment, at=noon) == "周一 07-19 08:00 开放"


def test_hours_text_in_english_uses_the_catalog_but_keeps_the_times():
    wednesday = dt.date(2027, 7, 14)
    with translation.override("en"):
        assert text(REGULAR, wednesday) == "08:00–20:00"
        closed = text([], wednesday)
        always = text([], wednesday, is_24h=True)
    assert closed and always and closed != always


def test_week_schedule_is_seven_consecutive_days():
    start = dt.date(2027, 8, 28)  # a Saturday; the summer season ends on Tuesday 08-31
    closures = [closure(dt.date(2027, 9, 2))]
    with translation.override("zh-hans"):
        days = week_schedule(periods=SUMMER_STATION, closures=closures, is_24h=False, start=start)
    assert [d["date"] for d in days] == [start + dt.timedelta(days=i) for i in range(7)]
    assert [d["weekday"] for d in days] == [6, 7, 1, 2, 3, 4, 5]
    assert [d["hours"] for d in days] == [
        "07:00–21:00",
        "07:00–21:00",
        "07:00–21:00",
        "07:00–21:00",
        "08:00–20:00",
        "闭站",  # a later closed day is not "closed today"
        "08:00–20:00",
    ]
    assert [d["closed"] for d in days] == [False] * 5 + [True, False]
    assert days[0]["spans"] == [{"opens": "07:00", "closes": "21:00", "overnight": False}]
    assert days[5]["spans"] == []


def test_week_schedule_for_a_24h_station():
    start = dt.date(2027, 7, 14)
    with translation.override("zh-hans"):
        days = week_schedule(
            periods=[], closures=[closure(dt.date(2027, 7, 20))], is_24h=True, start=start
        )
    assert len(days) == 7
    assert days[-1]["date"] == dt.date(2027, 7, 20)
    assert [d["hours"] for d in days] == ["24小时"] * 6 + ["闭站"]
    assert all(d["spans"] == [] for d in days)
