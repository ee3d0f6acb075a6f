"""Query parameters of the public endpoints: one filter serializer per list view.

The API views, the server-rendered pages and the OGC items read their query strings
through these serializers, so each bound is written once and the schema documents it
(drf-spectacular explodes a serializer given in ``parameters`` into query parameters).

A blank parameter counts as absent. Every refusal names its parameter with a message a
person can act on; ``read_query`` raises it as ``BadParameter``, which the API's handler
answers 400 ``{"error": {"field", "message"}}`` in the request's language.
"""

from __future__ import annotations

import datetime as dt
import math
import re
import time
from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.fields import empty

from core.errors import DomainError
from stations.models import Service

SERVICE_CODE = re.compile(r"[-a-zA-Z0-9_]{1,32}")

BBox = tuple[float, float, float, float]


class BadParameter(DomainError):
    status_code = 400


def read_query(
    serializer_class: type[serializers.Serializer], params: Mapping[str, Any]
) -> dict[str, Any]:
    """The parameters ``serializer_class`` reads from ``params``, or ``BadParameter`` for
    the first one refused (in the order the serializer declares them)."""
    serializer = serializer_class(data=params)
    if serializer.is_valid():
        return serializer.validated_data
    field, messages = next(iter(serializer.errors.items()))
    raise BadParameter(str(messages[0]), field=field)


class QueryField:
    """A query-string parameter: stripped, blank is absent, absent is ``fallback``.

    ``fallback`` is not DRF's ``default`` on purpose: the schema keeps to the bounds."""

    #: Longest text a parameter may be. Small enough that every parameter of one request
    #: at its longest, percent-encoded 4-byte characters included, stays within a request
    #: line gunicorn accepts (4094 bytes): a longer one gets gunicorn's HTML 400, not ours.
    max_text = 100

    def __init__(self, *args: Any, fallback: Any = empty, **kwargs: Any) -> None:
        self.fallback = fallback
        kwargs.setdefault("required", False)
        if issubclass(type(self), serializers.CharField):
            kwargs.setdefault("allow_blank", True)  # blank is absent, not refused
            kwargs.setdefault("max_length", self.max_text)
        super().__init__(*args, **kwargs)

    def get_value(self, dictionary: Mapping[str, Any]) -> Any:
        raw = dictionary.get(self.field_name)
        raw = raw.strip() if isinstance(raw, str) else ""
        return raw or empty

    def run_validation(self, data: Any = empty) -> Any:
        # A text parameter's own parser reads it whole (run_validators does nothing), so
        # its length bound is held here, before any parsing.
        limit = getattr(self, "max_length", None)
        if isinstance(data, str) and limit is not None and len(data) > limit:
            raise serializers.ValidationError(
                _("%(name)s 太长：最多 %(n)d 个字符。") % {"name": self.field_name, "n": limit}
            )
        return super().run_validation(data)

    def validate_empty_values(self, data: Any) -> tuple[bool, Any]:
        if data is empty and self.required:
            raise serializers.ValidationError(_("缺少参数 %(name)s。") % {"name": self.field_name})
        return super().validate_empty_values(data)

    def get_default(self) -> Any:
        if self.fallback is empty:
            raise serializers.SkipField()
        return self.fallback


class Number(QueryField, serializers.FloatField):
    """A finite number within ``min_value``–``max_value`` (``range_message`` otherwise);
    ``above_minimum`` makes the minimum exclusive."""

    def __init__(
        self, *, range_message: Any = None, above_minimum: bool = False, **kwargs: Any
    ) -> None:
        self.range_message = range_message
        self.above_minimum = above_minimum
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> float:
        name = self.field_name
        try:
            value = float(data)
        except ValueError:
            raise serializers.ValidationError(
                _("%(name)s 必须是数字，收到的是“%(value)s”。") % {"name": name, "value": data[:40]}
            ) from None
        if not math.isfinite(value):
            raise serializers.ValidationError(_("%(name)s 必须是有限的数字。") % {"name": name})
        low, high = self.min_value, self.max_value
        below = low is not None and (value <= low if self.above_minimum else value < low)
        if below or (high is not None and value > high):
            raise serializers.ValidationError(self.range_message())
        return value


class Integer(QueryField, serializers.IntegerField):
    """An integer from ``min_value`` up to ``max_value`` (no upper bound when None). With
    ``clamp``, a value above ``max_value`` is served as ``max_value`` instead of refused."""

    def __init__(self, *args: Any, clamp: bool = False, **kwargs: Any) -> None:
        self.clamp = clamp
        super().__init__(*args, **kwargs)

    def to_internal_value(self, data: Any) -> int:
        name = self.field_name
        try:
            value = int(data)
        except ValueError:
            raise serializers.ValidationError(_("%(name)s 必须是整数。") % {"name": name}) from None
        low, high = self.min_value, self.max_value
        if self.clamp and high is not None and value > high:
            value = high
        if high is None and value < low:
            raise serializers.ValidationError(
                _("%(name)s 不能小于 %(min)d。") % {"name": name, "min": low}
            )
        if high is not None and not low <= value <= high:
            raise serializers.ValidationError(
                _("%(name)s 必须在 %(min)d 到 %(max)d 之间。")
                % {"name": name, "min": low, "max": high}
            )
        return value

    def run_validators(self, value: Any) -> None:
        """The bounds were checked above, with our message (and no limit on big offsets)."""


class Flag(QueryField, serializers.BooleanField):
    """true/false, 1/0, yes/no; absent is false."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fallback=False, **kwargs)

    def to_internal_value(self, data: Any) -> bool:
        raw = data.lower()
        if raw in ("0", "false", "no"):
            return False
        if raw in ("1", "true", "yes"):
            return True
        raise serializers.ValidationError(
            _("%(name)s 只能是 true 或 false。") % {"name": self.field_name}
        )


class ServiceCodes(QueryField, serializers.CharField):
    """Comma-separated service codes of the catalog, each once, in the order given."""

    max_text = 200  # every code of the catalog, comma-separated, is about 140

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(fallback=[], **kwargs)

    def to_internal_value(self, data: Any) -> list[str]:
        codes = [code.strip() for code in data.split(",") if code.strip()]
        # Only what could be a code goes to the database (PostgreSQL text cannot hold NUL).
        asked = [code for code in codes if SERVICE_CODE.fullmatch(code)]
        known = known_service_codes(asked)
        unknown = [code for code in codes if code not in known]
        if unknown:
            raise serializers.ValidationError(
                _("未知的服务项目：%(codes)s。") % {"codes": ", ".join(c[:30] for c in unknown[:5])}
            )
        return list(dict.fromkeys(codes))

    def run_validators(self, value: Any) -> None:
        """Nothing more to check: the codes are the catalog's."""


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


class BoundingBox(QueryField, serializers.CharField):
    """``minLng,minLat,maxLng,maxLat`` in WGS-84; at most ``max_span`` degrees a side."""

    def __init__(self, *, max_span: float | None = None, **kwargs: Any) -> None:
        self.max_span = max_span
        super().__init__(**kwargs)

    def to_internal_value(self, data: Any) -> BBox:
        return bbox_of(data, max_span=self.max_span)

    def run_validators(self, value: Any) -> None:
        """Checked whole by ``bbox_of``."""


def bbox_of(raw: str, *, max_span: float | None = None) -> BBox:
    parts = raw.split(",")
    if len(parts) != 4:
        raise serializers.ValidationError(
            _("bbox 应为“最小经度,最小纬度,最大经度,最大纬度”四个数。")
        )
    try:
        min_lng, min_lat, max_lng, max_lat = (float(p) for p in parts)
    except ValueError:
        raise serializers.ValidationError(_("bbox 的四个值都必须是数字。")) from None
    if not all(math.isfinite(v) for v in (min_lng, min_lat, max_lng, max_lat)):
        raise serializers.ValidationError(_("bbox 的四个值都必须是有限的数字。"))
    if not (-180 <= min_lng <= 180 and -180 <= max_lng <= 180):
        raise serializers.ValidationError(_("bbox 的经度必须在 -180 到 180 之间。"))
    if not (-90 <= min_lat <= 90 and -90 <= max_lat <= 90):
        raise serializers.ValidationError(_("bbox 的纬度必须在 -90 到 90 之间。"))
    if min_lng >= max_lng or min_lat >= max_lat:
        raise serializers.ValidationError(_("bbox 的最小值必须小于最大值。"))
    if max_span is not None and (max_lng - min_lng > max_span or max_lat - min_lat > max_span):
        raise serializers.ValidationError(
            _(
                "bbox 范围过大（每边最多 %(span)s 度）；"
                "请放大地图或使用 /api/v1/stations/clusters/。"
            )
            % {"span": max_span}
        )
    return min_lng, min_lat, max_lng, max_lat


def _latitude() -> Number:
    return Number(
        required=True,
        min_value=-90,
        max_value=90,
        range_message=lambda: _("纬度 lat 必须在 -90 到 90 之间。"),
        help_text="Latitude (WGS-84).",
    )


def _longitude() -> Number:
    return Number(
        required=True,
        min_value=-180,
        max_value=180,
        range_message=lambda: _("经度 lng 必须在 -180 到 180 之间。"),
        help_text="Longitude (WGS-84).",
    )


def _services() -> ServiceCodes:
    return ServiceCodes(help_text="Comma-separated service codes; stations must have all.")


def _open_now() -> Flag:
    return Flag(help_text="Only stations open now.")


class LocationFilter(serializers.Serializer):
    """Where a worker stands."""

    lat = _latitude()
    lng = _longitude()


class NearbyFilter(LocationFilter):
    limit = Integer(min_value=1, max_value=50, fallback=10, help_text="default 10")
    radius_km = Number(
        min_value=0,
        max_value=200,
        above_minimum=True,
        fallback=None,
        range_message=lambda: _("radius_km 必须大于 0 且不超过 %(max)d 公里。") % {"max": 200},
        help_text="optional",
    )
    service = _services()
    open_now = _open_now()


class NearbyPageFilter(LocationFilter):
    """The server-rendered nearby list: always the 20 nearest."""

    service = _services()
    open_now = _open_now()


class BBoxFilter(serializers.Serializer):
    bbox = BoundingBox(required=True, max_span=20, help_text="minLng,minLat,maxLng,maxLat (WGS-84)")
    service = _services()
    open_now = _open_now()


class ClusterFilter(serializers.Serializer):
    bbox = BoundingBox(required=True, help_text="minLng,minLat,maxLng,maxLat (WGS-84)")
    zoom = Integer(required=True, min_value=0, max_value=20)
    service = _services()
    open_now = _open_now()


class ServiceFilter(serializers.Serializer):
    """A vector tile's services (its address is the path)."""

    service = _services()


class HsdsFilter(serializers.Serializer):
    per_page = Integer(min_value=1, max_value=1000, fallback=200, help_text="default 200")
    page = Integer(min_value=1, max_value=1_000_000, fallback=1, help_text="default 1")


# OGC API – Features: the items of a collection.

CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
#: No station list is longer: an offset beyond it is served as this (an empty page).
MAX_OFFSET = 10_000_000
ITEM_PARAMS = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime"}


class OgcBoundingBox(QueryField, serializers.CharField):
    """An OGC ``bbox``: four numbers, or six with heights (which do not narrow points)."""

    def to_internal_value(self, data: Any) -> BBox:
        parts = data.split(",")
        if len(parts) == 6:
            parts = [parts[0], parts[1], parts[3], parts[4]]
        return bbox_of(",".join(parts))

    def run_validators(self, value: Any) -> None:
        """Checked whole by ``bbox_of``."""


Interval = tuple[dt.datetime | None, dt.datetime | None]


class DateTimeInterval(QueryField, serializers.CharField):
    """An RFC 3339 instant, a date (its whole day, UTC) or an interval ``start/end`` with
    ``..`` for an open end: the (first, last) moments it covers."""

    def to_internal_value(self, data: Any) -> Interval:
        if "/" in data:
            first, _sep, last = data.partition("/")
            start, stop = _moment(first, end=False), _moment(last, end=True)
            if start is None and stop is None:
                raise serializers.ValidationError(_("datetime 时间段至少要有一端。"))
            if start and stop and start > stop:
                raise serializers.ValidationError(_("datetime 的开始晚于结束。"))
            return start, stop
        start, stop = _moment(data, end=False), _moment(data, end=True)
        if len(data) > 10:  # an instant: exactly that moment
            stop = start
        return start, stop

    def run_validators(self, value: Any) -> None:
        """Checked whole above."""


def _moment(text: str, *, end: bool) -> dt.datetime | None:
    """An RFC 3339 date-time or date; a date is its whole day (UTC). ".." or "" is open."""
    text = text.strip()
    if text in ("", ".."):
        return None
    try:
        if len(text) == 10:
            day = dt.date.fromisoformat(text)
            start = dt.datetime.combine(day, dt.time(), tzinfo=dt.UTC)
            return start + dt.timedelta(days=1) - dt.timedelta(microseconds=1) if end else start
        moment = dt.datetime.fromisoformat(text.replace("z", "Z"))
    except ValueError:
        raise serializers.ValidationError(
            _(
                "datetime 应为 RFC 3339 时间（如 2025-06-01T00:00:00Z）或时间段（开始/结束，"
                "开放的一端写 ..）。"
            )
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


class ItemsFilter(serializers.Serializer):
    """``/ogc/collections/{id}/items``: only the parameters of ``ITEM_PARAMS``; a limit
    above ``MAX_LIMIT`` is served as ``MAX_LIMIT`` (as the standard allows)."""

    bbox = OgcBoundingBox()
    datetime = DateTimeInterval()
    # A limit above MAX_LIMIT is served as MAX_LIMIT (OGC API – Features Part 1, parameter
    # limit: a larger value is no error); an offset past every feature gives an empty page,
    # the same for any larger one.
    limit = Integer(min_value=1, max_value=MAX_LIMIT, clamp=True, fallback=DEFAULT_LIMIT)
    offset = Integer(min_value=0, max_value=MAX_OFFSET, clamp=True, fallback=0)

    def to_internal_value(self, data: Mapping[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(data) - ITEM_PARAMS)
        if unknown:
            raise serializers.ValidationError(
                {
                    unknown[0][:40]: [
                        _("不支持的参数：%(names)s。")
                        % {"names": ", ".join(n[:30] for n in unknown[:5])}
                    ]
                }
            )
        crs = (data.get("bbox-crs") or "").strip()
        if (data.get("bbox") or "").strip() and crs and crs != CRS84:
            raise serializers.ValidationError(
                {"bbox-crs": [_("bbox-crs 只支持 %(crs)s。") % {"crs": CRS84}]}
            )
        return super().to_internal_value(data)
