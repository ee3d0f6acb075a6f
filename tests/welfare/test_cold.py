"""Cold rules at every edge: the CMA cold-wave signal from synthetic forecast series served by
a local HTTP server, wind chill against published values, its risk bands, the ACGIH warm-up
schedule, and the GB/T 14440 cold-work grade."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.contrib.gis.geos import Point
from django.utils import timezone

from stations.models import Region
from tests.welfare.conftest import forecast_payload
from welfare import cold, rules_tables, services
from welfare.models import Forecast, WeatherAlert
from welfare.weather import DayForecast, cold_wave_rule, fetch_daily, wind_chill_rule

DAY = dt.date(2027, 1, 10)
BEAUFORT_5_KMH = 28.8  # 8.0 m/s
BEAUFORT_6_KMH = 38.9  # just over 10.8 m/s (38.88 km/h)


# --- wind chill ----------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("t", "v", "published"),
    [(-20, 30, -33), (-10, 20, -18), (0, 10, -3), (5, 10, 3)],  # ECCC's table, °C and km/h
)
def test_wind_chill_matches_published_table(t, v, published):
    assert round(cold.wind_chill(temperature=t, wind_kmh=v)) == published


@pytest.mark.parametrize(
    ("t_f", "mph", "published_f"),
    [(0, 5, -11), (0, 15, -19), (0, 30, -26), (-20, 5, -34), (-20, 30, -53), (20, 5, 13),
     (20, 20, 4), (40, 10, 34), (-10, 20, -35)],  # the US NWS chart, °F and mph
)  # fmt: skip
def test_wind_chill_matches_the_nws_chart(t_f, mph, published_f):
    index = cold.wind_chill(temperature=(t_f - 32) * 5 / 9, wind_kmh=mph * 1.609344)
    assert round(index * 9 / 5 + 32) == published_f


def test_wind_chill_outside_its_domain_is_the_air_temperature():
    assert cold.wind_chill(temperature=-20, wind_kmh=4.7) == -20
    assert cold.wind_chill(temperature=10.1, wind_kmh=40) == 10.1
    assert cold.wind_chill(temperature=10, wind_kmh=40) < 10


@pytest.mark.parametrize(
    ("index", "level"),
    [(-9.4, None), (-9.5, 1), (-27, 1), (-27.4, 1), (-27.5, 2), (-39, 2), (-40, 3), (-47, 3),
     (-48, 4), (-54, 4), (-55, 5), (-70, 5)],
)  # fmt: skip
def test_wind_chill_bands_at_each_edge(index, level):
    band = cold.wind_chill_band(index=index, province="630000")
    assert (band.level if band else None) == level


@pytest.mark.parametrize(
    ("t", "v", "light", "expected"),
    [
        (-25.4, 40, False, "normal"),  # above the first row
        (-26, 0, False, "normal"), (-26, 7.9, False, "normal"), (-26, 16, False, 75),
        (-26, 24, False, 55), (-26, 32, False, 40), (-29, 32, False, 30), (-32, 32, False, "stop"),
        (-32, 0, False, 75), (-35, 0, False, 55), (-38, 0, False, 40), (-40, 0, False, 30),
        (-43, 0, False, "stop"),
        (-26, 8, True, 75),  # light work: one step further
        (-35, 0, True, 40),  # ACGIH's own example: step 4 rather than 3
    ],
)  # fmt: skip
def test_warmup_schedule(t, v, light, expected):
    got = cold.warmup_schedule(temperature=t, wind_kmh=v, light_work=light)
    assert ("stop" if got.stop else "normal" if got.normal else got.minutes) == expected


def test_wind_chill_advisory_reads_the_coldest_hour():
    day = DayForecast(DAY, Decimal("-8"), Decimal("-20"), Decimal("30"), Decimal("-20"),
                      Decimal("30"))  # fmt: skip
    rule = wind_chill_rule(day=day, province="630000")
    assert (rule.kind, rule.level, rule.temperature) == ("wind_chill", 2, Decimal(-33))
    assert "10–30 分钟" in rule.advice and "分钟" in rule.advice and "freeze" in rule.advice_en
    calm = DayForecast(DAY, Decimal("0"), Decimal("-5"), Decimal("3"), Decimal("-5"), Decimal("3"))
    assert wind_chill_rule(day=calm, province="630000") is None


# --- cold wave: synthetic series through the real HTTP client -------------------------------
def fetched(server, minima, wind_today):
    """Serve three days (two before ``DAY``) with these minima and fetch them back."""
    days = [
        (DAY - dt.timedelta(days=2 - i), float(t) + 8, float(t), wind_today if i == 2 else 10.0)
        for i, t in enumerate(minima)
    ]
    server.payload = forecast_payload(days)
    return fetch_daily(lat=36.4, lng=94.9)


@pytest.mark.parametrize(
    ("minima", "wind", "colour"),
    [
        # blue: within 48 h a fall of 8 °C or more, minimum at most 4 °C, wind Beaufort 5
        ((10, 6, 2), BEAUFORT_5_KMH, "blue"),
        ((10, 6, 2.1), BEAUFORT_5_KMH, None),  # fell 7.9
        ((12, 8, 4), BEAUFORT_5_KMH, "blue"),  # minimum exactly 4
        ((12.1, 8, 4.1), BEAUFORT_5_KMH, None),  # minimum 4.1
        ((10, 6, 2), BEAUFORT_5_KMH - 0.1, None),  # wind below Beaufort 5
        ((10, 3, 2), BEAUFORT_5_KMH, "blue"),  # 8 °C over two days (1 °C in the last 24 h)
        # yellow: within 24 h a fall of 10 °C or more, minimum at most 4 °C, Beaufort 6
        ((0, 14, 4), BEAUFORT_6_KMH, "yellow"),
        ((0, 13.9, 4), BEAUFORT_6_KMH, "blue"),  # fell 9.9 in 24 h, 8+ in 48 h
        ((0, 14, 4), 38.8, "blue"),  # wind short of Beaufort 6
        ((0, 14.1, 4.1), BEAUFORT_6_KMH, None),  # minimum above 4 for every colour
        # orange: 24 h fall of 12 °C or more, minimum at most 0 °C
        ((0, 12, 0), BEAUFORT_6_KMH, "orange"),
        ((0, 12.1, 0.1), BEAUFORT_6_KMH, "yellow"),  # minimum 0.1
        ((0, 11.9, 0), BEAUFORT_6_KMH, "yellow"),  # fell 11.9
        # red: 24 h fall of 16 °C or more, minimum at most 0 °C
        ((0, 6, -10), BEAUFORT_6_KMH, "red"),
        ((0, 5.9, -10), BEAUFORT_6_KMH, "orange"),  # fell 15.9
        ((0, 16.1, 0.1), BEAUFORT_6_KMH, "yellow"),  # fell 16 but minimum above 0
    ],
)
def test_cold_wave_signal_edges(forecast_server, minima, wind, colour):
    days = fetched(forecast_server, minima, wind)
    assert (
        "past_days=2" in forecast_server.paths[-1]
        and "wind_speed_10m_max" in forecast_server.paths[-1]
    )
    rule = cold_wave_rule(days=days, day=days[-1], province="630000")
    assert (cold.COLOURS[rule.level] if rule else None) == colour
    if rule:
        assert rule.temperature == Decimal(str(minima[2]))


def test_cold_wave_province_override(forecast_server, settings):
    """A province may set its own criteria: here no wind requirement for blue."""
    national = rules_tables.WEATHER_RULES["cold_wave"]
    settings.WEATHER_RULE_OVERRIDES = {
        "630000": {"cold_wave": [{**national[0], "wind_at_least_ms": None}]}
    }
    days = fetched(forecast_server, (10, 6, 2), 5.0)
    assert cold_wave_rule(days=days, day=days[-1], province="630000").level == 1
    assert cold_wave_rule(days=days, day=days[-1], province="650000") is None


@pytest.mark.django_db
def test_weather_apply_reads_earlier_minima_from_the_store(forecast_server, network):
    """A series that starts today still sees the fall from the minima stored before."""
    golmud = Region.objects.get(code="632801")
    golmud.reference_point = Point(94.9, 36.4, srid=4326)
    forecast_server.payload = forecast_payload([(DAY - dt.timedelta(days=1), 20, 12, 10)])
    services.weather_apply(
        region=golmud, days=fetch_daily(lat=36.4, lng=94.9), fetched_at=timezone.now()
    )
    forecast_server.payload = forecast_payload(
        [(DAY, 5, -6, 45), (DAY + dt.timedelta(days=1), 2, -8, 10)]
    )
    services.weather_apply(
        region=golmud, days=fetch_daily(lat=36.4, lng=94.9), fetched_at=timezone.now()
    )
    wave = WeatherAlert.objects.get(region=golmud, day=DAY, kind="cold_wave")
    assert (wave.level, wave.temperature) == (4, Decimal("-6.0"))  # fell 18 °C in 24 h: red
    assert "18.0" in wave.advice
    chill = WeatherAlert.objects.get(region=golmud, day=DAY, kind="wind_chill")
    assert chill.level == 1 and chill.temperature == Decimal(-16)
    assert Forecast.objects.filter(region=golmud).count() == 3
    assert not WeatherAlert.objects.filter(
        kind="cold_wave", day=DAY + dt.timedelta(days=1)
    ).exists()


# --- GB/T 14440 cold-work grade ------------------------------------------------------------
# Table 1 columns: ≤5～0, <0～−5, <−5～−10, <−10～−15, <−15～−20, <−20 °C: a boundary value
# belongs to the warmer column.
@pytest.mark.parametrize(
    ("t", "exposure", "grade"),
    [
        ("5.1", 100, None), ("5.0", 25, 1), ("5.0", 100, 2), ("0.1", 100, 2), ("0", 100, 2),
        ("-0.1", 100, 2), ("-4.9", 100, 2), ("-5", 100, 2), ("-5.1", 100, 3), ("-10", 100, 3),
        ("-10.1", 100, 3), ("-15", 100, 3), ("-15.1", 100, 4), ("-20", 100, 4),
        ("-20.1", 100, 4), ("-30", 100, 4),
        # rows in the column <−15～−20: ≤25 % II, ≤50 % III, ≤75 % III, above IV
        ("-15.1", 1, 2), ("-15.1", 25, 2), ("-15.1", 26, 3), ("-15.1", 50, 3),
        ("-15.1", 51, 3), ("-15.1", 75, 3), ("-15.1", 76, 4),
        # exactly −15 is still the column <−10～−15: II, II, III, III
        ("-15", 25, 2), ("-15", 26, 2), ("-15", 51, 3),
        # below −20: III, III, IV, IV
        ("-20.1", 25, 3), ("-20.1", 50, 3), ("-20.1", 51, 4), ("-20", 51, 3),
        ("-5", 25, 1), ("-5", 26, 1), ("-5.1", 26, 2), ("-10", 25, 1), ("-10.1", 25, 2),
        ("0", 50, 1), ("0", 51, 1), ("-0.1", 51, 2),
    ],
)  # fmt: skip
def test_cold_work_grade_edges(t, exposure, grade):
    assert cold.cold_work_grade(temperature=Decimal(t), exposure_percent=exposure) == grade
