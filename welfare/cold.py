"""Cold rules: the cold-wave signal, wind chill with the work/warm-up schedule, and the
cold-work grade. Pure functions over numbers; every threshold is a national table (with
province overrides, the setting ``WEATHER_RULE_OVERRIDES``, where a province's
meteorological service sets its own), and each rule cites its source where its table is
defined (``welfare/rules_tables.py``).

- Cold wave (寒潮预警信号): 中国气象局令第16号《气象灾害预警信号发布与传播办法》(2007),
  附件 寒潮蓝色/黄色/橙色/红色预警信号 — the fall of the daily minimum within 24 or 48 h,
  the minimum reached, and the mean wind (``WEATHER_RULES["cold_wave"]``).
- Wind chill (风寒指数): the JAG/TI index (Joint Action Group for Temperature Indices,
  2001), used by Environment and Climate Change Canada and the US National Weather
  Service; risk bands for exposed skin from ECCC (``WEATHER_RULES["wind_chill"]``).
- Warm-up breaks: ACGIH TLV for cold stress, work/warm-up schedule for a four-hour shift
  (``WARMUP_SCHEDULE``).
- Cold work (低温作业): GB/T 14440-1993《低温作业分级》 (``COLD_WORK_GRADES``).
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.conf import settings

from welfare import rules_tables

#: The JAG/TI index is defined for air at or below 10 °C and wind of at least 4.8 km/h;
#: outside that the index is the air temperature.
WIND_CHILL_MAX_TEMPERATURE = 10.0
WIND_CHILL_MIN_WIND_KMH = 4.8

COLOURS = {1: "blue", 2: "yellow", 3: "orange", 4: "red"}


def wind_chill(*, temperature: float, wind_kmh: float) -> float:
    """The wind chill index (°C-like, unrounded) for air at ``temperature`` °C and wind
    ``wind_kmh`` km/h at 10 m:

        WCI = 13.12 + 0.6215 T − 11.37 V^0.16 + 0.3965 T V^0.16

    (−20 °C at 30 km/h gives −32.6, published as −33.)
    """
    t, v = float(temperature), float(wind_kmh)
    if t > WIND_CHILL_MAX_TEMPERATURE or v < WIND_CHILL_MIN_WIND_KMH:
        return t
    p = math.pow(v, 0.16)
    return 13.12 + 0.6215 * t - 11.37 * p + 0.3965 * t * p


def rules_for(province: str) -> dict[str, list[dict[str, Any]]]:
    """The national rules with the province's overrides (GB/T 2260 code) replacing lists."""
    rules = {k: list(v) for k, v in rules_tables.table("WEATHER_RULES").items()}
    rules.update(settings.WEATHER_RULE_OVERRIDES.get(province, {}))
    return rules


@dataclass(frozen=True)
class WindChillBand:
    level: int
    risk: str
    index: int  # the rounded index the band was chosen on
    advice: str
    advice_en: str


def wind_chill_band(*, index: float, province: str) -> WindChillBand | None:
    """The band of a wind chill index (rounded to a whole degree, as published), or None
    above the first band (low risk)."""
    rounded = int(Decimal(str(index)).quantize(Decimal(1), rounding="ROUND_HALF_UP"))
    bands = [b for b in rules_for(province)["wind_chill"] if rounded <= b["at_or_below"]]
    if not bands:
        return None
    top = min(bands, key=lambda b: b["at_or_below"])
    return WindChillBand(top["level"], top["risk"], rounded, top["advice"], top["advice_en"])


@dataclass(frozen=True)
class WarmUp:
    """The longest spell outdoors before a warm-up break; ``minutes`` None with ``stop``
    when non-emergency work should stop, and None with ``normal`` for normal breaks."""

    minutes: int | None
    breaks_per_4h: int
    normal: bool
    stop: bool
    break_minutes: int


def warmup_schedule(*, temperature: float, wind_kmh: float, light_work: bool = True) -> WarmUp:
    """The ACGIH work/warm-up schedule for a four-hour shift (``WARMUP_SCHEDULE``)."""
    table = rules_tables.table("WARMUP_SCHEDULE")
    rounded = round(float(temperature))
    offset = None
    for at_or_below, step in table["rows"]:
        if rounded <= at_or_below:
            offset = step
    steps = table["steps"]
    if offset is None:
        return WarmUp(None, 1, True, False, table["break_minutes"])
    column = sum(1 for kmh in table["wind_columns_kmh"] if wind_kmh >= kmh)
    step = offset + column + (table["light_work_extra_steps"] if light_work else 0)
    value = steps[min(step, len(steps) - 1)]
    if value is None:
        return WarmUp(None, 0, False, True, table["break_minutes"])
    if value == "normal":
        return WarmUp(None, 1, True, False, table["break_minutes"])
    return WarmUp(int(value), min(step, len(steps) - 1), False, False, table["break_minutes"])


def warmup_text(warmup: WarmUp) -> tuple[str, str]:
    """The schedule in words (zh, en)."""
    if warmup.stop:
        return ("停止非紧急户外作业。", "Stop non-emergency outdoor work.")
    if warmup.normal:
        return ("按正常作息安排暖休（每 4 小时至少 1 次）。", "Normal breaks (1+ per 4 h).")
    return (
        f"每次户外连续作业不超过 {warmup.minutes} 分钟，进站暖休 {warmup.break_minutes} 分钟"
        f"（每 4 小时 {warmup.breaks_per_4h} 次）。",
        f"At most {warmup.minutes} minutes outdoors at a stretch, then a "
        f"{warmup.break_minutes}-minute warm-up break indoors ({warmup.breaks_per_4h} per 4 h).",
    )


@dataclass(frozen=True)
class DayMinimum:
    """What the cold-wave rule reads of one day: its minimum, and its strongest mean wind."""

    day: dt.date
    t_min: Decimal
    wind_max_kmh: Decimal | None = None


@dataclass(frozen=True)
class ColdWave:
    level: int
    colour: str
    t_min: Decimal
    fall: Decimal
    within_hours: int
    advice: str
    advice_en: str


def temperature_fall(
    series: Mapping[dt.date, Decimal], *, day: dt.date, within_hours: int
) -> Decimal | None:
    """How far the minimum of ``day`` lies below the highest minimum of the preceding
    ``within_hours`` (24 → the day before; 48 → the two days before); None when none of
    those days is known."""
    before = [
        series[d]
        for n in range(1, within_hours // 24 + 1)
        if (d := day - dt.timedelta(days=n)) in series
    ]
    if not before:
        return None
    return max(before) - series[day]


def cold_wave_signal(*, days: Sequence[DayMinimum], day: dt.date, province: str) -> ColdWave | None:
    """The highest cold-wave colour ``day`` reaches (``WEATHER_RULES["cold_wave"]``).

    A colour needs all three: a fall of at least ``fall_at_least`` °C within its hours,
    the day's minimum at or below ``min_at_or_below`` °C, and a mean wind of at least
    ``wind_at_least_ms`` (when the rule asks for it; an unknown wind does not meet it).
    """
    series = {d.day: d.t_min for d in days}
    current = next(d for d in days if d.day == day)
    best = None
    for rule in rules_for(province)["cold_wave"]:
        fall = temperature_fall(series, day=day, within_hours=int(rule["within_hours"]))
        if fall is None or fall < Decimal(str(rule["fall_at_least"])):
            continue
        if current.t_min > Decimal(str(rule["min_at_or_below"])):
            continue
        wind = rule.get("wind_at_least_ms")
        if wind is not None and (
            current.wind_max_kmh is None
            or current.wind_max_kmh / Decimal("3.6") < Decimal(str(wind))
        ):
            continue
        if best is None or rule["level"] > best[0]["level"]:
            best = (rule, fall)
    if best is None:
        return None
    rule, fall = best
    return ColdWave(
        level=rule["level"], colour=rule.get("colour", COLOURS.get(rule["level"], "")),
        t_min=current.t_min, fall=fall, within_hours=int(rule["within_hours"]),
        advice=rule["advice"], advice_en=rule["advice_en"],
    )  # fmt: skip


def cold_work_grade(*, temperature: Decimal | float, exposure_percent: int) -> int | None:
    """The GB/T 14440-1993 grade (1–4, I–IV) of work at the site's mean air
    ``temperature`` for ``exposure_percent`` of an 8-hour day; None when it is not cold
    work (above ``COLD_WORK_MAX_MEAN``, 5 °C).

    The standard's table 1 takes each boundary into the warmer column: ≤5～0, <0～−5,
    <−5～−10, <−10～−15, <−15～−20, <−20 °C. So exactly 0 °C is in the first column and
    exactly −5 °C in the second (``COLD_WORK_GRADES["below"]``: a column starts below
    each of these)."""
    table = rules_tables.table("COLD_WORK_GRADES")
    t = Decimal(str(temperature))
    if t > Decimal(str(rules_tables.table("COLD_WORK_MAX_MEAN"))):
        return None
    column = sum(1 for bound in table["below"] if t < Decimal(str(bound)))
    row = next(
        (i for i, up_to in enumerate(table["exposure_up_to"]) if exposure_percent <= up_to),
        len(table["exposure_up_to"]) - 1,
    )
    return int(table["grades"][row][column])


GRADE_NUMERALS = {1: "Ⅰ", 2: "Ⅱ", 3: "Ⅲ", 4: "Ⅳ"}
