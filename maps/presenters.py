"""Turn stations into the JSON the public API and the map page speak (GeoJSON, WGS-84)."""

from __future__ import annotations

import datetime as dt
import functools
import math
import re
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
from stations.models import Region, Station
from welfare import rules_tables
from welfare.selectors.alerts import alerts_merged


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
