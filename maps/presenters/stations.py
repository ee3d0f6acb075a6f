"""Turn stations into the JSON the public API and the map page speak (GeoJSON, WGS-84)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import time as local_time
from maps.selectors import parsed_schedule
from stations import hours


def english() -> bool:
    return (get_language() or "").startswith("en")


def label(obj: Any) -> str:
    """The object's name in the request's language (``name_en`` falls back to ``name``)."""
    return (obj.name_en or obj.name) if english() else obj.name


def today_local(at: dt.datetime | None = None) -> dt.date:
    return local_time.to_local(at or timezone.now()).date()


def hours_today(station: Any, day: dt.date) -> str:
    """Today's hours of a StationRow, from its schedule."""
    key = getattr(station, "schedule_key", None)
    if key is not None:
        return _hours_today_of(key, station.is_24h, day, get_language())
    periods, closures = station.hours()
    return hours.hours_text(periods=periods, closures=closures, is_24h=station.is_24h, day=day)


# Rows read by SQL carry their schedule's text: stations that share it (most do) share these
# answers too, per day or moment and language.
@functools.lru_cache(maxsize=1024)
def _hours_today_of(key: str, is_24h: bool, day: dt.date, language: str | None) -> str:
    periods, closures = parsed_schedule(key)
    return hours.hours_text(periods=periods, closures=closures, is_24h=is_24h, day=day)


@functools.lru_cache(maxsize=1024)
def _next_open_of(key: str, is_24h: bool, at: dt.datetime, language: str | None) -> str:
    periods, closures = parsed_schedule(key)
    return _next_open(periods, closures, is_24h, at)


def _next_open(periods: Any, closures: Any, is_24h: bool, at: dt.datetime) -> str:
    if not hours.has_hours(periods=periods, is_24h=is_24h):
        return ""
    moment = hours.next_opening(periods=periods, closures=closures, is_24h=is_24h, at=at)
    if moment is None:
        return _("近两周不开放")
    return hours.opening_text(moment, at=at)


# Beyond this a worker rides or drives: walking minutes would mislead.
WALK_UP_TO_M = 2000
WALK_M_PER_MIN = 80  # 4.8 km/h
# An e-bike or bicycle in town, stops included (15 km/h); further than RIDE_UP_TO_M only
# the distance is shown — roads, not a straight line, decide the time.
RIDE_UP_TO_M = 30_000
RIDE_M_PER_MIN = 250


def distance_text(distance_m: float) -> str:
    """One style everywhere: "850 米", "1.2 公里", "36 公里" (English: m, km)."""
    metres = round(distance_m)
    if metres < 1000:
        return _("%(n)s 米") % {"n": metres}
    km = distance_m / 1000
    return _("%(n)s 公里") % {"n": f"{km:.1f}" if km < 10 else f"{km:.0f}"}


def travel(distance_m: float) -> dict[str, Any]:
    """How long it takes to get there, in the way that fits the distance.

    Walking minutes up to 2 km, riding minutes up to 30 km, beyond that nothing (the
    distance says it).
    """
    if distance_m <= WALK_UP_TO_M:
        minutes = max(1, math.ceil(distance_m / WALK_M_PER_MIN))
        return {
            "mode": "walk",
            "minutes": minutes,
            "text": _("步行约 %(min)d 分钟") % {"min": minutes},
        }
    if distance_m <= RIDE_UP_TO_M:
        minutes = max(1, math.ceil(distance_m / RIDE_M_PER_MIN))
        return {
            "mode": "ride",
            "minutes": minutes,
            "text": _("骑行约 %(min)d 分钟") % {"min": minutes},
        }
    return {"mode": "far", "minutes": None, "text": ""}  # fmt: skip


def next_open_text(station: Any, *, at: dt.datetime) -> str:
    """For a closed station: when it opens next ("明天 08:00 开放"), or why not known."""
    key = getattr(station, "schedule_key", None)
    if key is not None:
        return _next_open_of(key, station.is_24h, at, get_language())
    periods, closures = station.hours()
    return _next_open(periods, closures, station.is_24h, at)


#: How far ahead a saved list can still say "open now" with no signal.
SPANS_AHEAD_DAYS = 2


def open_spans(station: Any, *, at: dt.datetime) -> list[list[int]]:
    """When the station is open from the day before ``at`` to ``SPANS_AHEAD_DAYS`` after,
    as [opens, closes] in Unix milliseconds (China time made absolute), merged.

    The finder keeps these with its last list: offline, "open now" is read from them and
    the phone's clock, which is a moment, not a business day.
    """
    key = getattr(station, "schedule_key", None)
    if key is not None:
        return _open_spans_of(key, station.is_24h, local_time.to_local(at).date())
    periods, closures = station.hours()
    return _open_spans(periods, closures, station.is_24h, local_time.to_local(at).date())


@functools.lru_cache(maxsize=1024)
def _open_spans_of(key: str, is_24h: bool, day: dt.date) -> list[list[int]]:
    periods, closures = parsed_schedule(key)
    return _open_spans(periods, closures, is_24h, day)


def _open_spans(periods: Any, closures: Any, is_24h: bool, today: dt.date) -> list[list[int]]:
    zone = local_time.local_tz()
    spans: list[list[int]] = []
    for offset in range(-1, SPANS_AHEAD_DAYS + 1):
        day = today + dt.timedelta(days=offset)
        midnight = dt.datetime.combine(day + dt.timedelta(days=1), dt.time(0), tzinfo=zone)
        for opens, closes, overnight in (
            hours.spans_on(periods=periods, closures=closures, is_24h=is_24h, day=day) or []
        ):
            start = dt.datetime.combine(day, opens, tzinfo=zone)
            end = dt.datetime.combine(day + dt.timedelta(days=int(overnight)), closes, tzinfo=zone)
            if end <= start:
                end += dt.timedelta(days=1)
            # A closed day closes the night running into it too (``hours.is_open_at``).
            if end > midnight and hours.is_closed_on(closures, midnight.date()):
                end = midnight
            spans.append([int(start.timestamp() * 1000), int(end.timestamp() * 1000)])
    merged: list[list[int]] = []
    for start, end in sorted(spans):
        if merged and start <= merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return merged


@functools.cache
def station_url_prefix() -> str:
    """The path of a station page up to its code ("/stations/")."""
    return reverse("maps:station", args=["CODE"]).removesuffix("CODE/")


def station_url(station: Any) -> str:
    return f"{station_url_prefix()}{station.code}/"


def station_feature(
    station: Any,
    *,
    open_now: bool,
    day: dt.date,
    distance_m: float | None = None,
    at: dt.datetime | None = None,
) -> dict[str, Any]:
    """A GeoJSON Feature of a ``StationRow`` (or a Station turned into one).

    With ``at``, a closed station also says when it opens next (``next_open``).
    """
    properties: dict[str, Any] = {
        "id": station.pk,
        "code": station.code,
        "name": station.name,
        "name_en": station.name_en,
        "address": station.address,
    }
    if distance_m is not None:
        properties["distance_m"] = round(distance_m)
        properties["distance_text"] = distance_text(distance_m)
        properties["travel"] = travel(distance_m)
    if at is not None:
        properties["next_open"] = "" if open_now else next_open_text(station, at=at)
        properties["open_spans"] = open_spans(station, at=at)
    properties.update(
        {
            "open_now": open_now,
            "hours_today": hours_today(station, day),
            "services": list(station.service_codes),
            "phone": station.phone,
            "kind": station.kind,
            "url": station_url(station),
        }
    )
    return {
        "type": "Feature",
        "id": station.pk,
        "geometry": {
            "type": "Point",
            "coordinates": [round(station.lng, 6), round(station.lat, 6)],
        },
        "properties": properties,
    }


def feature_collection(features: list[dict[str, Any]], **extra: Any) -> dict[str, Any]:
    return {"type": "FeatureCollection", "features": features, **extra}
