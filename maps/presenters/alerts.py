"""What a weather alert says on the map now: official signals verbatim, our own estimates
with one warm-up rule per place and where to warm up or cool down (never a promise that a
station keeps: whether one is open is said from its hours)."""

from __future__ import annotations

import datetime as dt
import re
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from maps.presenters.stations import (
    RIDE_UP_TO_M,
    distance_text,
    english,
    label,
    station_url,
    travel,
)
from maps.selectors import station_nearby
from stations import hours
from stations.models import Region
from welfare import rules_tables
from welfare.selectors.alerts import alerts_merged


def weather_alerts_today(
    *,
    region: Any = None,
    limit: int = 6,
    near: tuple[float, float] | None = None,
    at: dt.datetime | None = None,
    shelter: bool = True,
) -> list[dict[str, Any]]:
    """Today's official warning signals and our own heat/cold estimates (of ``region`` and
    the divisions above it, or all regions), official first.

    Each carries ``source``: "official" (a meteorological office's signal, headline and
    colour as issued, with sender and time) or "advisory" (our 提示, with the line
    模型估算，以气象部门发布为准). Weather lives in ``welfare``; the map shows it. Each
    alert also carries what to show now (``advice_now``, ``shelter``; see
    ``alerts_for_display``), measured from ``near`` (lat, lng) when given, else from each
    alert's division (no ``shelter`` when not ``shelter``: a station's page says it from
    the station's own hours).
    """
    alerts = alerts_merged(region=region, limit=limit)
    places: dict[str, Any] = {}
    if shelter and near is None:
        codes = {a.get("region") for a in alerts if a.get("region")}
        places = {r.code: r.reference_point for r in Region.objects.filter(code__in=codes)}
    return alerts_for_display(alerts, near=near, places=places, at=at or timezone.now())


# --- what an alert says now: one warm-up rule, no promise a station does not keep -------
#: Our own estimates are rewritten for display; an official signal is shown verbatim.
OWN_ESTIMATES = ("heat", "cold_wave", "wind_chill")
#: A sentence that sets a warm-up rule ("每小时进站暖休", "warm up indoors every hour").
WARMUP_MARKERS = re.compile(r"暖休|warm[- ]up|normal breaks", re.IGNORECASE)
#: A clause that speaks for the stations ("驿站全天开放取暖", "stations keep heating on"):
#: whether one is open is said from its hours instead (``shelter``).
STATION_MARKERS = re.compile(r"驿站|站点|\bstations?\b", re.IGNORECASE)
_SENTENCES = re.compile(r"(；|。|;\s*|\.\s+|\.$)")
_CLAUSES = re.compile(r"(，|,\s*)")


def _levels(kind: str) -> int:
    return max(1, len(rules_tables.table("WEATHER_RULES").get(kind, ())))


def alert_strength(alert: dict[str, Any]) -> float:
    """How strong an alert is on its own scale (cold wave 1–4, wind chill 1–5, heat 1–3)."""
    return float(alert.get("level") or 0) / _levels(str(alert.get("kind")))


def advice_without(advice: str, *, warmup: bool) -> str:
    """``advice`` without the clauses that speak for the stations, and without its
    warm-up sentences unless ``warmup``. Sentences end with 。；; or ". "."""
    parts = _SENTENCES.split(advice)
    kept: list[str] = []
    for i in range(0, len(parts), 2):
        sentence, end = parts[i], parts[i + 1] if i + 1 < len(parts) else ""
        if not sentence.strip():
            kept.append(end)
            continue
        if not warmup and WARMUP_MARKERS.search(sentence):
            continue
        clauses = _CLAUSES.split(sentence)
        left = [
            clauses[j] + (clauses[j + 1] if j + 1 < len(clauses) else "")
            for j in range(0, len(clauses), 2)
            if not STATION_MARKERS.search(clauses[j])
        ]
        if not left:
            continue
        text = "".join(left).rstrip("，, ")
        kept.append(text + end)
    out = "".join(kept).strip()
    # A sentence cut after another leaves that one ending in "；" or ";".
    out = re.sub(r"；(?=（|$)", "。", out)
    return re.sub(r";(\s*)(?=\(|$)", r".\1", out).strip()


def alerts_for_display(
    alerts: list[dict[str, Any]],
    *,
    near: tuple[float, float] | None,
    places: dict[str, Any] | None = None,
    at: dt.datetime,
) -> list[dict[str, Any]]:
    """Give each alert ``advice_now`` and ``shelter``.

    For the worker at one place (``near``) all alerts are one group; otherwise each
    division's alerts are a group, measured from the division's reference point. In a
    group, the warm-up rule is taken from the strongest alert that sets one (the cold wave
    says every hour while wind chill says once in 4 hours: one rule, not two), and the
    strongest alert says where to warm up: the nearest station open now, or that none is
    and when the first one opens (``shelter_near``). Stations are never said to be open
    by the advice itself.
    """
    groups: dict[str, list[dict[str, Any]]] = {}
    for a in alerts:
        groups.setdefault("here" if near else a.get("region") or "", []).append(a)
    for key, group in groups.items():
        own = [a for a in group if a.get("kind") in OWN_ESTIMATES]
        ranked = sorted(own, key=alert_strength, reverse=True)
        rule_holder = next((a for a in ranked if WARMUP_MARKERS.search(a.get("advice", ""))), None)
        for a in group:
            a["shelter"] = None
            a["advice_now"] = (
                advice_without(a.get("advice", ""), warmup=a is rule_holder)
                if a in own
                else a.get("advice", "")
            )
        point = near
        if near is None and places and places.get(key) is not None:
            point = (places[key].y, places[key].x)
        if point is not None and ranked:
            ranked[0]["shelter"] = shelter_near(lat=point[0], lng=point[1], at=at)
    return alerts


#: A shelter further than this is not "nearby": riding minutes end here (``travel``).
SHELTER_WITHIN_M = RIDE_UP_TO_M


def shelter_near(*, lat: float, lng: float, at: dt.datetime) -> dict[str, Any]:
    """Where a worker at (lat, lng) can warm up or cool down now, from the stations' hours.

    ``{"open": True, "station": …, "text": …}`` for the nearest station open now within
    ``SHELTER_WITHIN_M``; else ``{"open": False, "station": the first to open nearby or
    None, "opens": "明天 07:00 开放", "text": …}``.
    """
    found = station_nearby(
        lat=lat, lng=lng, limit=1, radius_km=SHELTER_WITHIN_M / 1000, open_now=True, at=at
    )
    if found:
        item = found[0]
        station = _shelter_station(item.station, item.distance_m)
        where = station["distance_text"] + (
            (", " if english() else "，") + station["travel"]["text"]
            if station["travel"]["text"]
            else ""
        )
        return {
            "open": True,
            "station": station,
            "text": _("最近正在开放的站点：%(name)s（%(where)s）。")
            % {"name": station["name"], "where": where},
        }
    candidates = station_nearby(
        lat=lat, lng=lng, limit=20, radius_km=SHELTER_WITHIN_M / 1000, at=at
    ) or station_nearby(lat=lat, lng=lng, limit=20, at=at)
    first: tuple[dt.datetime, float, Any] | None = None
    for item in candidates:
        periods, closures = item.station.hours()
        moment = hours.next_opening(
            periods=periods, closures=closures, is_24h=item.station.is_24h, at=at
        )
        if moment is not None and (first is None or (moment, item.distance_m) < first[:2]):
            first = (moment, item.distance_m, item.station)
    if first is None:
        return {"open": False, "station": None, "opens": "", "text": _("附近没有正在开放的站点。")}
    station = _shelter_station(first[2], first[1])
    opens = hours.opening_text(first[0], at=at)
    return {
        "open": False,
        "station": station,
        "opens": opens,
        "text": _("附近没有正在开放的站点；最早开放的是%(name)s（%(distance)s），%(opens)s。")
        % {"name": station["name"], "distance": station["distance_text"], "opens": opens},
    }


def _shelter_station(row: Any, distance_m: float) -> dict[str, Any]:
    return {
        "code": row.code,
        "name": label(row),
        "url": station_url(row),
        "distance_m": round(distance_m),
        "distance_text": distance_text(distance_m),
        "travel": travel(distance_m),
    }
