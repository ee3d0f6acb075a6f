"""Turn stations into the JSON the public API and the map page speak (GeoJSON, WGS-84)."""

from __future__ import annotations

import datetime as dt
import functools
import math
from typing import Any
from urllib.parse import quote, urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from core import time as local_time
from maps.coords import wgs84_to_bd09, wgs84_to_gcj02
from maps.selectors import StationRow, parsed_schedule, station_nearby
from stations import hours
from stations import selectors as station_selectors
from stations.models import Station
from welfare.selectors import alerts_merged


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


def directions_links(
    station: Station, *, origin: tuple[float, float] | None = None
) -> dict[str, str]:
    """Deep links for walking directions; each provider gets the datum it expects.

    Amap takes GCJ-02, Baidu BD-09 and OpenStreetMap WGS-84. ``origin`` is (lat, lng) in
    WGS-84; without it the apps start from the phone's own position.
    """
    lng, lat = station.location.x, station.location.y
    name = station.name
    gcj_lng, gcj_lat = wgs84_to_gcj02(lng, lat)
    bd_lng, bd_lat = wgs84_to_bd09(lng, lat)
    amap = {
        "to": f"{gcj_lng:.6f},{gcj_lat:.6f},{name}",
        "mode": "walk",
        "coordinate": "gaode",
        "callnative": "1",
        "src": "yizhan",
    }
    if origin is not None:
        o_lng, o_lat = wgs84_to_gcj02(origin[1], origin[0])
        amap["from"] = f"{o_lng:.6f},{o_lat:.6f}"
    if origin is not None:
        ob_lng, ob_lat = wgs84_to_bd09(origin[1], origin[0])
        baidu = "https://api.map.baidu.com/direction?" + urlencode(
            {
                "origin": f"latlng:{ob_lat:.6f},{ob_lng:.6f}|name:起点",
                "destination": f"latlng:{bd_lat:.6f},{bd_lng:.6f}|name:{name}",
                "mode": "walking",
                "coord_type": "bd09ll",
                "output": "html",
                "src": "yizhan",
                "region": station.region.name if station.region_id else "",
            }
        )
    else:
        baidu = "https://api.map.baidu.com/marker?" + urlencode(
            {
                "location": f"{bd_lat:.6f},{bd_lng:.6f}",
                "title": name,
                "content": station.address,
                "coord_type": "bd09ll",
                "output": "html",
                "src": "yizhan",
            }
        )
    route_from = f"{origin[0]:.6f},{origin[1]:.6f}" if origin is not None else ""
    osm = "https://www.openstreetmap.org/directions?engine=fossgis_osrm_foot&route=" + quote(
        f"{route_from};{lat:.6f},{lng:.6f}", safe=",;"
    )
    return {
        "amap": "https://uri.amap.com/navigation?" + urlencode(amap),
        "baidu": baidu,
        "osm": osm,
    }


def station_detail(station: Station, *, at: dt.datetime) -> dict[str, Any]:
    day = local_time.to_local(at).date()
    row = StationRow.from_station(station)
    periods, closures = row.hours()
    open_now = row.is_open(at)
    feature = station_feature(row, open_now=open_now, day=day, at=at)
    regular = [p for p in periods if not p.season_start and not p.on_date]
    seasons: dict[tuple[str, str], list[Any]] = {}
    for p in periods:
        if p.season_start:
            seasons.setdefault((p.season_start, p.season_end), []).append(p)

    def span(p: Any) -> dict[str, Any]:
        return {
            "weekday": p.weekday,
            "opens": f"{p.opens:%H:%M}",
            "closes": f"{p.closes:%H:%M}",
            "overnight": p.overnight,
        }

    feature["properties"].update(
        {
            "kind_label": station.get_kind_display(),
            "status": station.status,
            "host_organization": station.host_organization,
            "region": {"code": station.region.code, "name": label(station.region)},
            "seats": station.seats,
            "altitude_m": station.altitude_m,
            "is_24h": station.is_24h,
            "accessibility": {
                "step_free": station.step_free,
                "accessible_toilet": station.accessible_toilet,
            },
            "services": [
                {"code": s.code, "name": label(s), "icon": s.icon} for s in station.services.all()
            ],
            "week": [
                {**d, "date": d["date"].isoformat()}
                for d in hours.week_schedule(
                    periods=periods, closures=closures, is_24h=station.is_24h, start=day
                )
            ],
            "regular_hours": [span(p) for p in regular],
            "seasonal_hours": [
                {"season_start": start, "season_end": end, "periods": [span(p) for p in items]}
                for (start, end), items in sorted(seasons.items())
            ],
            "closures": [
                {
                    "starts_on": c.starts_on.isoformat(),
                    "ends_on": c.ends_on.isoformat(),
                    "reason": c.reason,
                }
                for c in station.closures.filter(ends_on__gte=day).order_by("starts_on")
            ],
            "rating": station_selectors.rating_summary(station=station),
            "comments": [
                {"rating": f.rating, "comment": f.comment, "date": f"{f.created_at:%Y-%m-%d}"}
                for f in station_selectors.approved_comments(station=station, limit=10)
            ],
            "problems": [
                {
                    "kind": r.kind,
                    "label": r.get_kind_display(),
                    "status": r.status,
                    "status_label": r.get_status_display(),
                    "reported_on": f"{local_time.to_local(r.created_at):%Y-%m-%d}",
                }
                for r in station_selectors.recent_problems(station=station, limit=10)
            ],
            "nearest_open": None if open_now else nearest_open(station, at=at),
            "weather_alert": next(iter(weather_alerts_today(region=station.region, limit=1)), None),
            "directions": directions_links(station),
        }
    )
    return feature


def nearest_open(station: Station, *, at: dt.datetime) -> dict[str, Any] | None:
    """For a closed station: the nearest station that is open now, to send the worker on."""
    found = station_nearby(
        lat=station.location.y, lng=station.location.x, limit=2, open_now=True, at=at
    )
    other = next((item for item in found if item.station.code != station.code), None)
    if other is None:
        return None
    return {
        "code": other.station.code,
        "name": label(other.station),
        "url": station_url(other.station),
        "distance_m": round(other.distance_m),
        "distance_text": distance_text(other.distance_m),
        "travel": travel(other.distance_m),
        "hours_today": hours_today(other.station, local_time.to_local(at).date()),
    }


def weather_alerts_today(*, region: Any = None, limit: int = 6) -> list[dict[str, Any]]:
    """Today's official warning signals and our own heat/cold estimates (of ``region`` and
    the divisions above it, or all regions), official first.

    Each carries ``source``: "official" (a meteorological office's signal, headline and
    colour as issued, with sender and time) or "advisory" (our 提示, with the line
    模型估算，以气象部门发布为准). Weather lives in ``welfare``; the map shows it.
    """
    return alerts_merged(region=region, limit=limit)
