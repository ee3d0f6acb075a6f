"""Query parameters of the public endpoints, checked with messages a person can act on.

Every parser raises ``BadParameter`` naming the parameter; the API's exception handler
answers 400 ``{"error": {"field", "message"}}`` in the request's language.
"""

from __future__ import annotations

import math
import re
import time
from collections.abc import Mapping

from django.utils.translation import gettext as _

from core.errors import DomainError
from stations.models import Service

SERVICE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,32}")


class BadParameter(DomainError):
    status_code = 400


def _number(params: Mapping[str, str], name: str, *, required: bool = True) -> float | None:
    raw = (params.get(name) or "").strip()
    if not raw:
        if required:
            raise BadParameter(_("缺少参数 %(name)s。") % {"name": name}, field=name)
        return None
    try:
        value = float(raw)
    except ValueError:
        raise BadParameter(
            _("%(name)s 必须是数字，收到的是“%(value)s”。") % {"name": name, "value": raw[:40]},
            field=name,
        ) from None
    if not math.isfinite(value):
        raise BadParameter(_("%(name)s 必须是有限的数字。") % {"name": name}, field=name)
    return value


def parse_lat_lng(params: Mapping[str, str]) -> tuple[float, float]:
    lat = _number(params, "lat")
    lng = _number(params, "lng")
    assert lat is not None and lng is not None
    if not -90 <= lat <= 90:
        raise BadParameter(_("纬度 lat 必须在 -90 到 90 之间。"), field="lat")
    if not -180 <= lng <= 180:
        raise BadParameter(_("经度 lng 必须在 -180 到 180 之间。"), field="lng")
    return lat, lng


def parse_int(
    params: Mapping[str, str], name: str, *, default: int, minimum: int, maximum: int
) -> int:
    raw = (params.get(name) or "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(_("%(name)s 必须是整数。") % {"name": name}, field=name) from None
    if not minimum <= value <= maximum:
        raise BadParameter(
            _("%(name)s 必须在 %(min)d 到 %(max)d 之间。")
            % {"name": name, "min": minimum, "max": maximum},
            field=name,
        )
    return value


def parse_radius_km(params: Mapping[str, str], *, maximum: float = 200) -> float | None:
    value = _number(params, "radius_km", required=False)
    if value is None:
        return None
    if not 0 < value <= maximum:
        raise BadParameter(
            _("radius_km 必须大于 0 且不超过 %(max)d 公里。") % {"max": maximum},
            field="radius_km",
        )
    return value


def parse_services(params: Mapping[str, str]) -> list[str]:
    raw = (params.get("service") or "").strip()
    if not raw:
        return []
    codes = [code.strip() for code in raw.split(",") if code.strip()]
    # Only what could be a code goes to the database (PostgreSQL text cannot hold NUL).
    asked = [code for code in codes if SERVICE_CODE.fullmatch(code)]
    known = known_service_codes(asked)
    unknown = [code for code in codes if code not in known]
    if unknown:
        raise BadParameter(
            _("未知的服务项目：%(codes)s。") % {"codes": ", ".join(c[:30] for c in unknown[:5])},
            field="service",
        )
    return list(dict.fromkeys(codes))


# The service catalog: a few dozen codes that change a few times a year, read on every
# filtered search. Kept per process for a minute; a code not in the copy is looked up
# again before it is refused, so a service added a moment ago is found at once.
CATALOG_SECONDS = 60.0
_catalog: tuple[float, frozenset[str]] = (0.0, frozenset())


def known_service_codes(asked: list[str]) -> frozenset[str]:
    global _catalog
    expires, codes = _catalog
    if time.monotonic() < expires and all(code in codes for code in asked):
        return codes
    codes = frozenset(Service.objects.values_list("code", flat=True))
    _catalog = (time.monotonic() + CATALOG_SECONDS, codes)
    return codes


def parse_bool(params: Mapping[str, str], name: str) -> bool:
    raw = (params.get(name) or "").strip().lower()
    if raw in ("", "0", "false", "no"):
        return False
    if raw in ("1", "true", "yes"):
        return True
    raise BadParameter(_("%(name)s 只能是 true 或 false。") % {"name": name}, field=name)


def parse_bbox(
    params: Mapping[str, str], *, max_span: float | None = None
) -> tuple[float, float, float, float]:
    raw = (params.get("bbox") or "").strip()
    if not raw:
        raise BadParameter(_("缺少参数 bbox。"), field="bbox")
    parts = raw.split(",")
    if len(parts) != 4:
        raise BadParameter(
            _("bbox 应为“最小经度,最小纬度,最大经度,最大纬度”四个数。"), field="bbox"
        )
    try:
        min_lng, min_lat, max_lng, max_lat = (float(p) for p in parts)
    except ValueError:
        raise BadParameter(_("bbox 的四个值都必须是数字。"), field="bbox") from None
    if not all(math.isfinite(v) for v in (min_lng, min_lat, max_lng, max_lat)):
        raise BadParameter(_("bbox 的四个值都必须是有限的数字。"), field="bbox")
    if not (-180 <= min_lng <= 180 and -180 <= max_lng <= 180):
        raise BadParameter(_("bbox 的经度必须在 -180 到 180 之间。"), field="bbox")
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise BadParameter(_("bbox 的纬度必须在 -90 到 90 之间。"), field="bbox")
    if min_lng >= max_lng or min_lat >= max_lat:
        raise BadParameter(_("bbox 的最小值必须小于最大值。"), field="bbox")
    if max_span is not None and (max_lng - min_lng > max_span or max_lat - min_lat > max_span):
        raise BadParameter(
            _(
                "bbox 范围过大（每边最多 %(span)s 度）；"
                "请放大地图或使用 /api/v1/stations/clusters/。"
            )
            % {"span": max_span},
            field="bbox",
        )
    return min_lng, min_lat, max_lng, max_lat
