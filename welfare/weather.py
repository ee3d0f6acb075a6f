"""Daily forecasts from an Open-Meteo-compatible provider, and the rules that turn them into
heat, cold-wave and wind-chill alerts (the cold rules are in ``welfare.cold``).

The provider is called with ``requests``: a connect and a read timeout, retries with
backoff on connection errors and 429/5xx, and a base URL from settings. Its answer is
checked field by field; anything unexpected raises ``WeatherError`` and the caller keeps
the last good forecast (marked stale).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry

from welfare import cold


class WeatherError(Exception):
    """The provider failed, timed out or answered something we cannot trust."""


@dataclass(frozen=True)
class DayForecast:
    """One day of the forecast. Wind speeds are km/h at 10 m (mean wind, not gusts);
    ``chill_temperature``/``chill_wind_kmh`` are the hour of the day with the lowest wind
    chill (None when the provider gave no hourly values for the day)."""

    day: dt.date
    t_max: Decimal
    t_min: Decimal
    wind_max_kmh: Decimal | None = None
    chill_temperature: Decimal | None = None
    chill_wind_kmh: Decimal | None = None
    # The hourly temperatures of the day, (hour, °C) in local time: the heat rule finds the
    # day's hottest hours in them. Empty when the provider gave none.
    hourly: tuple[tuple[int, Decimal], ...] = ()

    def hottest_start(self, spell: int = 3) -> int | None:
        """The first of the day's ``spell`` hottest consecutive hours (``hottest_hours``)."""
        return hottest_hours(dict(self.hourly), spell=spell)


def session() -> requests.Session:
    s = requests.Session()
    retry = Retry(
        total=settings.WEATHER_RETRIES,
        connect=settings.WEATHER_RETRIES,
        read=settings.WEATHER_RETRIES,
        status=settings.WEATHER_RETRIES,
        backoff_factor=settings.WEATHER_BACKOFF,
        status_forcelist=(429, 500, 502, 503, 504),
        allowed_methods=("GET",),
        raise_on_status=False,
    )
    s.mount("http://", HTTPAdapter(max_retries=retry))
    s.mount("https://", HTTPAdapter(max_retries=retry))
    s.headers["User-Agent"] = "yizhan/1 (outdoor workers' stations)"
    return s


def _temperature(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WeatherError(f"{field} is not a number: {value!r}")
    if not math.isfinite(value) or not -80 <= value <= 70:
        raise WeatherError(f"{field} is out of range: {value!r}")
    return Decimal(str(round(float(value), 1)))


def _wind(value: Any, field: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise WeatherError(f"{field} is not a number: {value!r}")
    if not math.isfinite(value) or not 0 <= value <= 400:
        raise WeatherError(f"{field} is out of range: {value!r}")
    return Decimal(str(round(float(value), 1)))


def _coldest_hours(payload: dict[str, Any]) -> dict[dt.date, tuple[Decimal, Decimal]]:
    """Per day, the hour with the lowest wind chill: (air temperature, wind km/h)."""
    hourly = payload.get("hourly")
    if not isinstance(hourly, dict):
        raise WeatherError("no 'hourly' object in the answer")
    times, temps, winds = (hourly.get(k) for k in ("time", "temperature_2m", "wind_speed_10m"))
    if not all(isinstance(v, list) for v in (times, temps, winds)):
        raise WeatherError("hourly.time/temperature_2m/wind_speed_10m must be lists")
    if not (len(times) == len(temps) == len(winds)):
        raise WeatherError("hourly lists are of different lengths")
    out: dict[dt.date, tuple[Decimal, Decimal, float]] = {}
    for raw, temp, wind in zip(times, temps, winds, strict=True):
        try:
            day = dt.datetime.fromisoformat(str(raw)).date()
        except ValueError:
            raise WeatherError(f"bad hour {raw!r}") from None
        if temp is None or wind is None:  # hours beyond the model's reach
            continue
        t, v = _temperature(temp, "temperature_2m"), _wind(wind, "wind_speed_10m")
        index = cold.wind_chill(temperature=float(t), wind_kmh=float(v))
        if day not in out or index < out[day][2]:
            out[day] = (t, v, index)
    return {day: (t, v) for day, (t, v, _index) in out.items()}


#: 《防暑降温措施管理办法》(2012) 第八条（二）: at 37 °C and above no outdoor work "在气温最高
#: 时段 3 小时内" — the place's own three hottest hours, not a fixed 12–15 时 (in Xining
#: solar noon falls near 13:15 Beijing time, and the heat peaks later still). The length
#: is the province rule ``hot_hours`` (``welfare.rules``), 3 by default.
HOT_SPELL_HOURS = 3


def hottest_hours(hours: Mapping[int, Decimal], *, spell: int = HOT_SPELL_HOURS) -> int | None:
    """The first hour of the ``spell`` consecutive hours with the highest mean temperature
    (the earliest such spell on a tie); None when no full spell is known."""
    best: tuple[Decimal, int] | None = None
    for start in sorted(hours):
        values = [hours.get(start + n) for n in range(spell)]
        if any(t is None for t in values):
            continue
        total = sum(values, Decimal(0))
        if best is None or total > best[0]:
            best = (total, start)
    return best[1] if best else None


def _hourly_temperatures(payload: dict[str, Any]) -> dict[dt.date, dict[int, Decimal]]:
    hourly = payload.get("hourly") or {}
    out: dict[dt.date, dict[int, Decimal]] = {}
    for raw, temp in zip(hourly.get("time") or [], hourly.get("temperature_2m") or [],
                         strict=False):  # fmt: skip
        if temp is None:
            continue
        moment = dt.datetime.fromisoformat(str(raw))
        out.setdefault(moment.date(), {})[moment.hour] = _temperature(temp, "temperature_2m")
    return out


def parse_daily(payload: Any, *, days: int = 3, past_days: int = 0) -> list[DayForecast]:
    """Read ``daily.time``, ``temperature_2m_max``/``_min``, ``wind_speed_10m_max`` and the
    hourly temperature and wind defensively: ``past_days`` days before today and ``days``
    days from today."""
    if not isinstance(payload, dict) or not isinstance(payload.get("daily"), dict):
        raise WeatherError("no 'daily' object in the answer")
    daily = payload["daily"]
    keys = ("time", "temperature_2m_max", "temperature_2m_min", "wind_speed_10m_max")
    times, highs, lows, winds = (daily.get(k) for k in keys)
    if not all(isinstance(v, list) for v in (times, highs, lows, winds)):
        raise WeatherError(
            "daily.time/temperature_2m_max/temperature_2m_min/wind_speed_10m_max must be lists"
        )
    if not (len(times) == len(highs) == len(lows) == len(winds)) or len(times) < 1:
        raise WeatherError("daily lists are empty or of different lengths")
    coldest = _coldest_hours(payload)
    hourly = _hourly_temperatures(payload)
    out = []
    rows = list(zip(times, highs, lows, winds, strict=True))[: past_days + days]
    for raw_day, high, low, wind in rows:
        try:
            day = dt.date.fromisoformat(str(raw_day))
        except ValueError:
            raise WeatherError(f"bad date {raw_day!r}") from None
        t_max, t_min = (
            _temperature(high, "temperature_2m_max"),
            _temperature(low, "temperature_2m_min"),
        )
        if t_min > t_max:
            raise WeatherError(f"minimum above maximum on {day}")
        chill = coldest.get(day, (None, None))
        out.append(
            DayForecast(day, t_max, t_min, _wind(wind, "wind_speed_10m_max"), chill[0], chill[1],
                        tuple(sorted(hourly.get(day, {}).items())))
        )  # fmt: skip
    return out


#: Days before today fetched with the forecast: the cold-wave rule compares a day's
#: minimum with those of the 48 hours before it.
PAST_DAYS = 2


def fetch_daily(
    *, lat: float, lng: float, days: int = 3, http: requests.Session | None = None
) -> list[DayForecast]:
    """The last ``PAST_DAYS`` and next ``days`` days at a point (Asia/Shanghai): maximum
    and minimum temperature, strongest mean wind, and the coldest hour's wind chill."""
    params = {
        "latitude": f"{lat:.4f}",
        "longitude": f"{lng:.4f}",
        "daily": "temperature_2m_max,temperature_2m_min,wind_speed_10m_max",
        "hourly": "temperature_2m,wind_speed_10m",
        "wind_speed_unit": "kmh",
        "timezone": "Asia/Shanghai",
        "past_days": PAST_DAYS,
        "forecast_days": days,
    }
    client = http or session()
    try:
        response = client.get(
            settings.WEATHER_API_URL, params=params,
            timeout=(settings.WEATHER_CONNECT_TIMEOUT, settings.WEATHER_READ_TIMEOUT),
        )  # fmt: skip
    except requests.RequestException as exc:
        raise WeatherError(f"request failed: {exc.__class__.__name__}: {exc}") from exc
    if response.status_code != 200:
        raise WeatherError(f"provider answered HTTP {response.status_code}")
    try:
        payload = response.json()
    except ValueError:
        raise WeatherError("provider answered something that is not JSON") from None
    return parse_daily(payload, days=days, past_days=PAST_DAYS)


@dataclass(frozen=True)
class Rule:
    kind: str
    level: int
    temperature: Decimal
    advice: str
    advice_en: str


def hot_hours_text(start: int | None, spell: int = HOT_SPELL_HOURS) -> tuple[str, str]:
    """The hottest hours in words (zh, en): "当天气温最高的 3 小时（15 时至 18 时）", or,
    without an hourly forecast, the rule's words alone."""
    zh, en = f"当天气温最高的 {spell} 小时", f"the {spell} hottest hours of the day"
    if start is None:
        return zh, en
    end = start + spell
    return f"{zh}（{start} 时至 {end} 时）", f"{en} ({start}:00 to {end}:00)"


def heat_rule(
    *, t_max: Decimal, province: str, hottest_start: int | None = None,
    spell: int = HOT_SPELL_HOURS,
) -> Rule | None:  # fmt: skip
    """The highest heat level ``t_max`` reaches ("at or above"; 《防暑降温措施管理办法》
    第八条); ``{hot_hours}`` in its advice becomes the day's three hottest hours."""
    rules = cold.rules_for(province)
    heat = [r for r in rules["heat"] if t_max >= Decimal(str(r["at_or_above"]))]
    if not heat:
        return None
    top = max(heat, key=lambda r: r["at_or_above"])
    zh, en = hot_hours_text(hottest_start, spell)
    return Rule("heat", top["level"], t_max, top["advice"].replace("{hot_hours}", zh),
                top["advice_en"].replace("{hot_hours}", en))  # fmt: skip


def wind_chill_rule(*, day: DayForecast, province: str) -> Rule | None:
    """The wind-chill advisory for the day's coldest hour: the ECCC risk band with what to
    wear, and the ACGIH warm-up schedule for that hour's air and wind."""
    if day.chill_temperature is None or day.chill_wind_kmh is None:
        return None
    t, v = float(day.chill_temperature), float(day.chill_wind_kmh)
    band = cold.wind_chill_band(index=cold.wind_chill(temperature=t, wind_kmh=v), province=province)
    if band is None:
        return None
    zh, en = cold.warmup_text(cold.warmup_schedule(temperature=t, wind_kmh=v))
    return Rule(
        "wind_chill", band.level, Decimal(band.index),
        f"{band.advice}{zh}（{day.chill_temperature}°C，风速 {v:.0f} km/h）",
        f"{band.advice_en} {en} ({day.chill_temperature} °C, wind {v:.0f} km/h)",
    )  # fmt: skip


def cold_wave_rule(
    *, days: Sequence[DayForecast], day: DayForecast, province: str,
    earlier: Mapping[dt.date, Decimal] | None = None,
) -> Rule | None:  # fmt: skip
    """The cold-wave signal of ``day`` from the series (and ``earlier`` stored minima for
    days the series does not hold)."""
    minima = {d: cold.DayMinimum(d, t) for d, t in (earlier or {}).items()}
    minima.update({d.day: cold.DayMinimum(d.day, d.t_min, d.wind_max_kmh) for d in days})
    wave = cold.cold_wave_signal(days=list(minima.values()), day=day.day, province=province)
    if wave is None:
        return None
    return Rule(
        "cold_wave", wave.level, wave.t_min,
        f"{wave.advice}（{wave.within_hours} 小时内最低气温下降 {wave.fall}°C，"
        f"最低 {wave.t_min}°C）",
        f"{wave.advice_en} (minimum down {wave.fall} °C within {wave.within_hours} h, "
        f"to {wave.t_min} °C)",
    )  # fmt: skip


def evaluate_day(
    *, days: Sequence[DayForecast], day: DayForecast, province: str,
    earlier: Mapping[dt.date, Decimal] | None = None, spell: int = HOT_SPELL_HOURS,
) -> list[Rule]:  # fmt: skip
    """Every alert ``day`` raises: heat (with the day's ``spell`` hottest hours), cold
    wave, wind chill."""
    found = (
        heat_rule(
            t_max=day.t_max, province=province, hottest_start=day.hottest_start(spell), spell=spell
        ),
        cold_wave_rule(days=days, day=day, province=province, earlier=earlier),
        wind_chill_rule(day=day, province=province),
    )
    return [r for r in found if r is not None]
