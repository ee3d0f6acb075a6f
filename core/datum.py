"""Conversions between WGS-84 and the shifted coordinates of China's map providers.

* WGS-84: GPS, OpenStreetMap, PostGIS ``srid=4326``.
* GCJ-02 ("Mars coordinates"): Amap/Gaode, Tencent, Google Maps inside China.
* BD-09: Baidu, a further shift of GCJ-02.

Every function takes ``(lng, lat)`` in degrees and returns ``(lng, lat)``. Outside the
rough bounding box of China (``out_of_china``) no shift is applied and the point is
returned unchanged. The inverse conversions (``gcj02_to_wgs84``, ``bd09_to_gcj02``) are
exact inverses of the forward ones, solved by iteration, not the usual one-step
approximations (which are off by up to a few metres for GCJ-02 and ~20 cm for BD-09).

``to_wgs84(lng, lat, crs)`` is the one entry point for imports: a file names its datum
(``wgs84``, ``gcj02`` or ``bd09``) and every point is brought to WGS-84 on the way in.

Pure Python, no dependencies.
"""

from __future__ import annotations

import math

# Krasovsky 1940 ellipsoid, as used by the GCJ-02 formula.
A = 6378245.0
EE = 0.00669342162296594323
# Baidu's constant.
X_PI = math.pi * 3000.0 / 180.0

# The inverse conversions iterate until the forward conversion of the estimate lands
# within this many degrees of the input (well below the 1e-7 degrees, ~1 cm, we promise).
_TOLERANCE = 1e-10
_MAX_ITERATIONS = 50


def out_of_china(lng: float, lat: float) -> bool:
    """True when ``(lng, lat)`` is outside the rough box of China where no shift applies."""
    return not (72.004 <= lng <= 137.8347 and 0.8293 <= lat <= 55.8271)


def _transform_lat(x: float, y: float) -> float:
    ret = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    return ret


def _transform_lng(x: float, y: float) -> float:
    ret = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    ret += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    ret += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    ret += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    return ret


def _gcj02_delta(lng: float, lat: float) -> tuple[float, float]:
    """The GCJ-02 offset ``(dlng, dlat)`` in degrees at WGS-84 ``(lng, lat)``, no box check."""
    dlat = _transform_lat(lng - 105.0, lat - 35.0)
    dlng = _transform_lng(lng - 105.0, lat - 35.0)
    rad_lat = lat / 180.0 * math.pi
    magic = math.sin(rad_lat)
    magic = 1 - EE * magic * magic
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((A * (1 - EE)) / (magic * sqrt_magic) * math.pi)
    dlng = (dlng * 180.0) / (A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlng, dlat


def wgs84_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """WGS-84 to GCJ-02 (Amap/Gaode, Tencent)."""
    if out_of_china(lng, lat):
        return lng, lat
    dlng, dlat = _gcj02_delta(lng, lat)
    return lng + dlng, lat + dlat


def gcj02_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """GCJ-02 to WGS-84: the exact inverse of ``wgs84_to_gcj02``, found by iteration.

    Starting from the GCJ-02 point itself, each step moves the estimate by the error of
    its forward conversion; the offset changes slowly with position, so this converges
    in a handful of steps to well below 1e-7 degrees.
    """
    if out_of_china(lng, lat):
        return lng, lat
    wgs_lng, wgs_lat = lng, lat
    for _ in range(_MAX_ITERATIONS):
        dlng, dlat = _gcj02_delta(wgs_lng, wgs_lat)
        err_lng = wgs_lng + dlng - lng
        err_lat = wgs_lat + dlat - lat
        if abs(err_lng) < _TOLERANCE and abs(err_lat) < _TOLERANCE:
            break
        wgs_lng -= err_lng
        wgs_lat -= err_lat
    return wgs_lng, wgs_lat


def _gcj02_to_bd09_raw(lng: float, lat: float) -> tuple[float, float]:
    z = math.hypot(lng, lat) + 0.00002 * math.sin(lat * X_PI)
    theta = math.atan2(lat, lng) + 0.000003 * math.cos(lng * X_PI)
    return z * math.cos(theta) + 0.0065, z * math.sin(theta) + 0.006


def gcj02_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    """GCJ-02 to BD-09 (Baidu)."""
    if out_of_china(lng, lat):
        return lng, lat
    return _gcj02_to_bd09_raw(lng, lat)


def bd09_to_gcj02(lng: float, lat: float) -> tuple[float, float]:
    """BD-09 (Baidu) to GCJ-02: the exact inverse of ``gcj02_to_bd09``.

    The widely published one-step formula (``x_pi`` with the signs flipped) is the
    starting estimate; it is then refined by iteration, because on its own it is off by
    up to ~2e-6 degrees.
    """
    if out_of_china(lng, lat):
        return lng, lat
    x = lng - 0.0065
    y = lat - 0.006
    z = math.hypot(x, y) - 0.00002 * math.sin(y * X_PI)
    theta = math.atan2(y, x) - 0.000003 * math.cos(x * X_PI)
    gcj_lng, gcj_lat = z * math.cos(theta), z * math.sin(theta)
    for _ in range(_MAX_ITERATIONS):
        bd_lng, bd_lat = _gcj02_to_bd09_raw(gcj_lng, gcj_lat)
        err_lng, err_lat = bd_lng - lng, bd_lat - lat
        if abs(err_lng) < _TOLERANCE and abs(err_lat) < _TOLERANCE:
            break
        gcj_lng -= err_lng
        gcj_lat -= err_lat
    return gcj_lng, gcj_lat


def wgs84_to_bd09(lng: float, lat: float) -> tuple[float, float]:
    """WGS-84 to BD-09 (Baidu), through GCJ-02."""
    return gcj02_to_bd09(*wgs84_to_gcj02(lng, lat))


def bd09_to_wgs84(lng: float, lat: float) -> tuple[float, float]:
    """BD-09 (Baidu) to WGS-84, through GCJ-02."""
    return gcj02_to_wgs84(*bd09_to_gcj02(lng, lat))


#: The datums a file may be written in, with the names a clerk or a command line uses.
CRS_CHOICES = ("wgs84", "gcj02", "bd09")
CRS_ALIASES = {
    "wgs84": "wgs84", "wgs-84": "wgs84", "epsg:4326": "wgs84", "4326": "wgs84", "gps": "wgs84",
    "cgcs2000": "wgs84", "天地图": "wgs84",
    "gcj02": "gcj02", "gcj-02": "gcj02", "amap": "gcj02", "gaode": "gcj02", "高德": "gcj02",
    "tencent": "gcj02", "腾讯": "gcj02", "火星坐标": "gcj02",
    "bd09": "bd09", "bd-09": "bd09", "baidu": "bd09", "百度": "bd09",
}  # fmt: skip


def crs_name(value: str) -> str | None:
    """The canonical datum name for ``value`` (``"GCJ-02"`` → ``"gcj02"``), None if unknown."""
    return CRS_ALIASES.get(str(value or "").strip().lower())


def to_wgs84(lng: float, lat: float, crs: str) -> tuple[float, float]:
    """``(lng, lat)`` in datum ``crs`` (one of ``CRS_CHOICES``) as WGS-84."""
    if crs == "wgs84":
        return lng, lat
    if crs == "gcj02":
        return gcj02_to_wgs84(lng, lat)
    if crs == "bd09":
        return bd09_to_wgs84(lng, lat)
    raise ValueError(f"unknown datum {crs!r}")
