"""One station's page and detail answer: everything a worker needs, directions from where
they are in the list's travel mode, and the nearest open station when this one is closed."""

from __future__ import annotations

import datetime as dt
import math
from typing import Any
from urllib.parse import quote, urlencode

from core import time as local_time
from maps.coords import wgs84_to_bd09, wgs84_to_gcj02
from maps.presenters.alerts import weather_alerts_today
from maps.presenters.stations import (
    distance_text,
    hours_today,
    label,
    station_feature,
    station_url,
    travel,
)
from maps.selectors import StationRow, station_nearby
from stations import hours
from stations import selectors as station_selectors
from stations.models import Station

#: PostGIS's ST_DistanceSphere radius, so that one distance here agrees with the list's.
SPHERE_RADIUS_M = 6370986.0


def sphere_distance_m(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Metres between two (lat, lng) points on the sphere ST_DistanceSphere uses (one pair;
    lists are measured in SQL)."""
    lat1, lng1, lat2, lng2 = (math.radians(v) for v in (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lng2 - lng1) / 2) ** 2
    )
    return 2 * SPHERE_RADIUS_M * math.asin(min(1.0, math.sqrt(h)))


#: The list's travel mode → each provider's word for it (beyond riding: driving).
AMAP_MODES = {"walk": "walk", "ride": "ride", "far": "car"}
BAIDU_MODES = {"walk": "walking", "ride": "riding", "far": "driving"}
OSM_ENGINES = {"walk": "fossgis_osrm_foot", "ride": "fossgis_osrm_bike", "far": "fossgis_osrm_car"}


def directions_links(
    station: Station, *, origin: tuple[float, float] | None = None
) -> dict[str, str]:
    """Deep links for directions; each provider gets the datum it expects.

    Amap takes GCJ-02, Baidu BD-09 and OpenStreetMap WGS-84. ``origin`` is (lat, lng) in
    WGS-84; without it the apps start from the phone's own position (and Baidu, which
    needs a start, shows the place). With it, the mode is the one the list states
    (``travel``: walking up to 2 km, riding up to 30 km, then driving).
    """
    lng, lat = station.location.x, station.location.y
    name = station.name
    gcj_lng, gcj_lat = wgs84_to_gcj02(lng, lat)
    bd_lng, bd_lat = wgs84_to_bd09(lng, lat)
    mode = travel(sphere_distance_m(origin, (lat, lng)))["mode"] if origin else "walk"
    amap = {
        "to": f"{gcj_lng:.6f},{gcj_lat:.6f},{name}",
        "mode": AMAP_MODES[mode],
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
                "mode": BAIDU_MODES[mode],
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
    osm = f"https://www.openstreetmap.org/directions?engine={OSM_ENGINES[mode]}&route=" + quote(
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
            "weather_alert": next(
                iter(weather_alerts_today(region=station.region, limit=1, shelter=False)), None
            ),
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
