"""Daily forecasts from an Open-Meteo-compatible provider, and the rules that turn them into
heat and cold alerts.

The provider is called with ``requests``: a connect and a read timeout, retries with
backoff on connection errors and 429/5xx, and a base URL from settings. Its answer is
checked field by field; anything unexpected raises ``WeatherError`` and the caller keeps
the last good forecast (marked stale).
"""

from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import requests
from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.util.retry import Retry


class WeatherError(Exception):
    """The provider failed, timed out or answered something we cannot trust."""


@dataclass(frozen=True)
class DayForecast:
    day: dt.date
    t_max: Decimal
    t_min: Decimal


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


def parse_daily(payload: Any, *, days: int = 3) -> list[DayForecast]:
    """Read ``daily.time``, ``daily.temperature_2m_max`` and ``_min`` defensively."""
    if not isinstance(payload, dict) or not isinstance(payload.get("daily"), dict):
        raise WeatherError("no 'daily' object in the answer")
    daily = payload["daily"]
    times, highs, lows = (
        daily.get(k) for k in ("time", "temperature_2m_max", "temperature_2m_min")
    )
    if not all(isinstance(v, list) for v in (times, highs, lows)):
        raise WeatherError("daily.time/temperature_2m_max/temperature_2m_min must be lists")
    if not (len(times) == len(highs) == len(lows)) or len(times) < 1:
        raise WeatherError("daily lists are empty or of different lengths")
    out = []
    for raw_day, high, low in list(zip(times, highs, lows, strict=True))[:days]:
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
        out.append(DayForecast(day, t_max, t_min))
    return out


def fetch_daily(
    *, lat: float, lng: float, days: int = 3, http: requests.Session | None = None
) -> list[DayForecast]:
    """The next ``days`` days' maximum and minimum temperature at a point (Asia/Shanghai)."""
    params = {
        "latitude": f"{lat:.4f}",
        "longitude": f"{lng:.4f}",
        "daily": "temperature_2m_max,temperature_2m_min",
        "timezone": "Asia/Shanghai",
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
    return parse_daily(payload, days=days)


@dataclass(frozen=True)
class Rule:
    kind: str
    level: int
    temperature: Decimal
    advice: str
    advice_en: str


def rules_for(province: str) -> dict[str, list[dict[str, Any]]]:
    rules = {k: list(v) for k, v in settings.WEATHER_RULES.items()}
    rules.update(settings.WEATHER_RULE_OVERRIDES.get(province, {}))
    return rules


def evaluate(*, t_max: Decimal, t_min: Decimal, province: str) -> list[Rule]:
    """The highest heat level reached by ``t_max`` and the highest cold level by ``t_min``.

    Heat thresholds are "at or above"; cold thresholds "at or below".
    """
    rules = rules_for(province)
    out = []
    heat = [r for r in rules["heat"] if t_max >= Decimal(str(r["at_or_above"]))]
    if heat:
        top = max(heat, key=lambda r: r["at_or_above"])
        out.append(Rule("heat", top["level"], t_max, top["advice"], top["advice_en"]))
    cold = [r for r in rules["cold"] if t_min <= Decimal(str(r["at_or_below"]))]
    if cold:
        top = min(cold, key=lambda r: r["at_or_below"])
        out.append(Rule("cold", top["level"], t_min, top["advice"], top["advice_en"]))
    return out
