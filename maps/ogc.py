"""OGC API – Features (Part 1: Core, with GeoJSON, HTML and OpenAPI 3.0) at ``/ogc/``.

One collection, ``stations``: every active station, the same features as the GeoJSON dump
(``maps.geojson.open_feature``; id = the station code), in CRS84. Each resource answers
JSON (GeoJSON for features) or HTML, chosen by ``f=json|html`` or else by the Accept header.
``datetime`` filters on when a station last changed (``updated``), so a harvester can ask
for what changed since its last visit. ``offset`` pages beside ``limit``, and each page
links to the next and previous ones. GDAL/QGIS read it (``ogrinfo OAPIF:…/ogc/``).

Errors answer the OGC exception (``code``, ``description``) together with our envelope
(``error.field``, ``error.message``), as JSON or as an HTML page by the same ``f`` or
Accept header as the pages, including an unknown address under ``/ogc/``, a method other
than GET/HEAD and a server error. A bad ``f`` itself is answered by the Accept header.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable, Mapping
from typing import Any
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.db.models import Min, Q, QuerySet
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.errors import DomainError
from core.spatial import InBBox, is_postgis
from maps import geojson, presenters
from maps.params import BadParameter, parse_bbox
from stations.models import Station

COLLECTION = "stations"
CRS84 = "http://www.opengis.net/def/crs/OGC/1.3/CRS84"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]
DEFAULT_LIMIT = 100
MAX_LIMIT = 10_000
ITEM_PARAMS = {"f", "limit", "offset", "bbox", "bbox-crs", "datetime"}
JSON, GEOJSON, HTML = "application/json", "application/geo+json", "text/html"
OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


class NotFoundHere(DomainError):
    status_code = 404


def _format(request: HttpRequest, data_type: str) -> str:
    """The media type to answer: ``f`` first, else the Accept header, else JSON."""
    f = request.GET.get("f", "").strip().lower()
    if f:
        if f in ("json", "geojson"):
            return data_type
        if f == "html":
            return HTML
        raise BadParameter(_("f 只能是 json 或 html。"), field="f")
    preferred = request.get_preferred_type([data_type, JSON, HTML])
    if preferred == HTML:
        return HTML
    return data_type


ERROR_CODES = {
    400: "InvalidParameterValue",
    404: "NotFound",
    405: "OperationNotSupported",
    500: "ServerError",
}
SAFE_METHODS = ("GET", "HEAD")


def _error_format(request: HttpRequest) -> str:
    """JSON or HTML for an error: ``f`` when it is a known one, else the Accept header."""
    f = request.GET.get("f", "").strip().lower()
    if f in ("json", "geojson"):
        return JSON
    if f == "html":
        return HTML
    return HTML if request.get_preferred_type([JSON, HTML]) == HTML else JSON


def error_answer(
    request: HttpRequest, *, status: int, message: str, field: str | None = None
) -> HttpResponse:
    """The OGC exception with our envelope, as JSON or an HTML page (``_error_format``)."""
    data = {
        "code": ERROR_CODES.get(status, "Error"),
        "description": str(message),
        "error": {"field": field, "message": str(message)},
    }
    if _error_format(request) == HTML:
        response = render(
            request, "maps/ogc/error.html", {"data": data, "pretty": _pretty(data)}, status=status
        )
    else:
        response = JsonResponse(data, status=status, json_dumps_params={"ensure_ascii": False})
    response["Vary"] = "Accept"
    return response


def _error(request: HttpRequest, exc: DomainError) -> HttpResponse:
    return error_answer(request, status=exc.status_code, message=exc.message, field=exc.field)


def _not_allowed(request: HttpRequest) -> HttpResponse:
    response = error_answer(
        request,
        status=405,
        message=_("这里只能用 GET 或 HEAD 读取（收到 %(method)s）。")
        % {"method": (request.method or "")[:20]},
    )
    response["Allow"] = ", ".join(SAFE_METHODS)
    return response


@csrf_exempt  # reads only: a POST gets the 405 below, not the CSRF page
def not_found(request: HttpRequest) -> HttpResponse:
    """Any other address under /ogc/: a 404 in the format asked for (also in DEBUG)."""
    return error_answer(request, status=404, message=_("未找到。"))


def ogc_view(data_type: str = JSON) -> Callable:
    """A GET-only view answering ``data_type`` or HTML; the view returns (data, template)."""

    def wrap(fn: Callable[..., tuple[dict[str, Any], str]]) -> Callable:
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in SAFE_METHODS:
                return _not_allowed(request)
            try:
                media = _format(request, data_type)
                data, template = fn(request, *args, media=media, **kwargs)
            except DomainError as exc:
                return _error(request, exc)
            if media == HTML:
                response = render(request, template, {"data": data, "pretty": _pretty(data)})
            else:
                response = HttpResponse(_dumps(data), content_type=media)
            response["Vary"] = "Accept"
            return response

        view.__name__ = fn.__name__
        view.__doc__ = fn.__doc__
        return csrf_exempt(view)  # reads only: a POST gets the 405, not the CSRF page

    return wrap


class FeatureTexts(list):
    """Features already encoded as JSON text (by the database): put in as they are."""


def _dumps(data: dict[str, Any]) -> str:
    features = data.get("features")
    if not isinstance(features, FeatureTexts):
        return json.dumps(data, ensure_ascii=False)
    # "features" comes before every other value that could hold text, so the first
    # occurrence of the stand-in is its own.
    text = json.dumps({**data, "features": FEATURES_HERE}, ensure_ascii=False)
    return text.replace(json.dumps(FEATURES_HERE), "[" + ",".join(features) + "]", 1)


#: No value from the data can hold it: a NUL cannot be stored, nor sent in a parameter.
FEATURES_HERE = "\u0000features\u0000"


def _pretty(data: dict[str, Any]) -> str:
    return json.dumps(data, ensure_ascii=False, indent=2)[:20000]


def _url(request: HttpRequest, name: str, *args: Any, **query: Any) -> str:
    path = reverse(f"ogc:{name}", args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return request.build_absolute_uri(path) + (f"?{urlencode(query)}" if query else "")


def _link(href: str, rel: str, media: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media, "title": title}


def _self_and_alternate(
    request: HttpRequest, name: str, *args: Any, media: str, data_type: str = JSON, **query: Any
) -> list[dict[str, str]]:
    as_data = _link(
        _url(request, name, *args, f="json", **query), "alternate", data_type, _("本页 JSON")
    )
    as_html = _link(
        _url(request, name, *args, f="html", **query), "alternate", HTML, _("本页 HTML")
    )
    if media == HTML:
        as_html["rel"] = "self"
    else:
        as_data["rel"] = "self"
    return [as_data, as_html]


@ogc_view()
def landing(request: HttpRequest, *, media: str) -> tuple[dict[str, Any], str]:
    """The landing page: what this API is and where everything is."""
    data = {
        "title": _("驿站：户外劳动者服务站点开放数据"),
        "description": _(
            "全国工会户外劳动者服务站点（爱心驿站）的位置、服务和开放信息，"
            "符合 OGC API – Features 第 1 部分。"
        ),
        "links": [
            *_self_and_alternate(request, "landing", media=media),
            _link(_url(request, "api"), "service-desc", OPENAPI, _("API 定义（OpenAPI 3.0）")),
            _link(
                request.build_absolute_uri(reverse("api-docs")), "service-doc", HTML, _("API 文档")
            ),
            _link(_url(request, "conformance"), "conformance", JSON, _("符合的标准")),
            _link(_url(request, "collections"), "data", JSON, _("数据集合")),
        ],
    }
    return data, "maps/ogc/landing.html"


@ogc_view()
def conformance(request: HttpRequest, *, media: str) -> tuple[dict[str, Any], str]:
    return {"conformsTo": CONFORMANCE}, "maps/ogc/conformance.html"


def _extent() -> dict[str, Any]:
    found = geojson.open_stations().aggregate(box=Extent("location"), first=Min("updated_at"))
    box = found["box"] or settings.CHINA_BOUNDS
    first = found["first"]
    return {
        "spatial": {"bbox": [[round(v, 6) for v in box]], "crs": CRS84},
        "temporal": {
            "interval": [[_instant(first) if first else None, None]],
            "trs": GREGORIAN,
        },
    }


def _collection(request: HttpRequest) -> dict[str, Any]:
    return {
        "id": COLLECTION,
        "title": _("户外劳动者服务站点"),
        "description": _(
            "运行中的站点：编号、名称、类型、地址、站点电话、依托单位、所在区划和工会、"
            "服务项目、无障碍设施和最近更新时间。不含任何个人信息。"
        ),
        "itemType": "feature",
        "crs": [CRS84],
        "extent": _extent(),
        "links": [
            _link(_url(request, "collection", COLLECTION), "self", JSON, _("本集合")),
            _link(
                _url(request, "collection", COLLECTION, f="html"),
                "alternate",
                HTML,
                _("本集合 HTML"),
            ),
            _link(_url(request, "items", COLLECTION), "items", GEOJSON, _("站点（GeoJSON）")),
            _link(_url(request, "items", COLLECTION, f="html"), "items", HTML, _("站点（HTML）")),
            _link(
                request.build_absolute_uri(reverse("api-stations-geojson")),
                "enclosure",
                GEOJSON,
                _("全部站点（GeoJSON 文件）"),
            ),
        ],
    }


@ogc_view()
def collections(request: HttpRequest, *, media: str) -> tuple[dict[str, Any], str]:
    data = {
        "links": _self_and_alternate(request, "collections", media=media),
        "collections": [_collection(request)],
    }
    return data, "maps/ogc/collections.html"


def _known(collection_id: str) -> None:
    if collection_id != COLLECTION:
        raise NotFoundHere(
            _("没有名为 %(id)s 的集合。") % {"id": collection_id[:40]}, field="collectionId"
        )


@ogc_view()
def collection(
    request: HttpRequest, collection_id: str, *, media: str
) -> tuple[dict[str, Any], str]:
    _known(collection_id)
    data = _collection(request)
    data["links"][:2] = _self_and_alternate(request, "collection", collection_id, media=media)
    return data, "maps/ogc/collection.html"


def _int(params: Mapping[str, str], name: str, *, default: int, minimum: int) -> int:
    raw = params.get(name, "").strip()
    if not raw:
        return default
    try:
        value = int(raw)
    except ValueError:
        raise BadParameter(_("%(name)s 必须是整数。") % {"name": name}, field=name) from None
    if value < minimum:
        raise BadParameter(
            _("%(name)s 不能小于 %(min)d。") % {"name": name, "min": minimum}, field=name
        )
    return value


def _bbox(params: Mapping[str, str]) -> tuple[float, float, float, float] | None:
    raw = params.get("bbox", "").strip()
    if not raw:
        return None
    crs = params.get("bbox-crs", "").strip()
    if crs and crs != CRS84:
        raise BadParameter(_("bbox-crs 只支持 %(crs)s。") % {"crs": CRS84}, field="bbox-crs")
    parts = raw.split(",")
    if len(parts) == 6:  # minx, miny, minz, maxx, maxy, maxz: heights do not narrow points
        parts = [parts[0], parts[1], parts[3], parts[4]]
    return parse_bbox({"bbox": ",".join(parts)})


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
        raise BadParameter(
            _(
                "datetime 应为 RFC 3339 时间（如 2025-06-01T00:00:00Z）或时间段（开始/结束，"
                "开放的一端写 ..）。"
            ),
            field="datetime",
        ) from None
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _datetime(params: Mapping[str, str]) -> Q | None:
    raw = params.get("datetime", "").strip()
    if not raw:
        return None
    if "/" in raw:
        first, _sep, last = raw.partition("/")
        start, stop = _moment(first, end=False), _moment(last, end=True)
        if start is None and stop is None:
            raise BadParameter(_("datetime 时间段至少要有一端。"), field="datetime")
        if start and stop and start > stop:
            raise BadParameter(_("datetime 的开始晚于结束。"), field="datetime")
    else:
        start, stop = _moment(raw, end=False), _moment(raw, end=True)
        if len(raw) > 10:  # an instant: exactly that moment
            stop = start
    q = Q()
    if start is not None:
        q &= Q(updated_at__gte=start)
    if stop is not None:
        q &= Q(updated_at__lte=stop)
    return q


def _filtered(params: Mapping[str, str]) -> QuerySet[Station]:
    unknown = sorted(set(params) - ITEM_PARAMS)
    if unknown:
        raise BadParameter(
            _("不支持的参数：%(names)s。") % {"names": ", ".join(n[:30] for n in unknown[:5])},
            field=unknown[0][:40],
        )
    qs = geojson.open_stations()
    bbox = _bbox(params)
    if bbox is not None:
        qs = qs.filter(InBBox("location", bbox))
    moment = _datetime(params)
    if moment is not None:
        qs = qs.filter(moment)
    return qs


@ogc_view(GEOJSON)
def items(request: HttpRequest, collection_id: str, *, media: str) -> tuple[dict[str, Any], str]:
    """A page of features, with numberMatched/numberReturned and next/prev links."""
    _known(collection_id)
    params = request.GET
    qs = _filtered(params)
    limit = min(_int(params, "limit", default=DEFAULT_LIMIT, minimum=1), MAX_LIMIT)
    offset = _int(params, "offset", default=0, minimum=0)
    matched = qs.count()
    features: list[Any]
    if offset >= matched:  # an empty page (and an offset that may not fit in SQL)
        features = []
    elif media != HTML and is_postgis():
        # The same features as the dump's, built by PostGIS: a harvester's pages of
        # 10,000 stations cost the database's time, not Python's.
        prefix = presenters.station_url_prefix()
        texts = qs.order_by("code").annotate(feature=geojson.OpenFeatureSQL(prefix))
        features = FeatureTexts(texts.values_list("feature", flat=True)[offset : offset + limit])
    else:
        page = geojson.open_values(qs.order_by("code"))[offset : offset + limit]
        features = [geojson.open_feature(v) for v in page]
    keep = {k: params[k] for k in ("bbox", "bbox-crs", "datetime") if params.get(k)}
    links = _self_and_alternate(
        request,
        "items",
        collection_id,
        media=media,
        data_type=GEOJSON,
        limit=limit,
        offset=offset or None,
        **keep,
    )
    fmt = "html" if media == HTML else "json"
    if offset + len(features) < matched:
        links.append(
            _link(
                _url(
                    request,
                    "items",
                    collection_id,
                    f=fmt,
                    limit=limit,
                    offset=offset + limit,
                    **keep,
                ),
                "next",
                media,
                _("下一页"),
            )
        )
    if offset > 0:
        links.append(
            _link(
                _url(
                    request,
                    "items",
                    collection_id,
                    f=fmt,
                    limit=limit,
                    offset=max(0, offset - limit) or None,
                    **keep,
                ),
                "prev",
                media,
                _("上一页"),
            )
        )
    links.append(_link(_url(request, "collection", collection_id), "collection", JSON, _("本集合")))
    data = {
        "type": "FeatureCollection",
        "features": features,
        "links": links,
        "timeStamp": _instant(timezone.now()),
        "numberMatched": matched,
        "numberReturned": len(features),
    }
    return data, "maps/ogc/items.html"


@ogc_view(GEOJSON)
def item(
    request: HttpRequest, collection_id: str, feature_id: str, *, media: str
) -> tuple[dict[str, Any], str]:
    _known(collection_id)
    stations = geojson.open_stations().filter(code=feature_id.replace("\x00", ""))
    values = None if "\x00" in feature_id else geojson.open_values(stations).first()
    if values is None:
        raise NotFoundHere(
            _("没有编号为 %(code)s 的站点。") % {"code": feature_id[:40]}, field="featureId"
        )
    feature = geojson.open_feature(values)
    feature["links"] = [
        *_self_and_alternate(
            request, "item", collection_id, feature_id, media=media, data_type=GEOJSON
        ),
        _link(_url(request, "collection", collection_id), "collection", JSON, _("本集合")),
    ]
    return feature, "maps/ogc/item.html"


def _instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@csrf_exempt
def api_definition(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.0 definition of this API (``service-desc``)."""
    if request.method not in SAFE_METHODS:
        return _not_allowed(request)
    server = request.build_absolute_uri(reverse("ogc:landing")).rstrip("/")
    fmt = {
        "name": "f",
        "in": "query",
        "required": False,
        "schema": {"type": "string", "enum": ["json", "html"]},
    }
    problem = {"description": _("参数有误"), "content": {JSON: {"schema": {"type": "object"}}}}
    missing = {"description": _("未找到"), "content": {JSON: {"schema": {"type": "object"}}}}

    def answer(media: str) -> dict[str, Any]:
        return {
            "200": {
                "description": "OK",
                "content": {
                    media: {"schema": {"type": "object"}},
                    HTML: {"schema": {"type": "string"}},
                },
            },
            "400": problem,
        }

    collection_id = {
        "name": "collectionId",
        "in": "path",
        "required": True,
        "schema": {"type": "string", "enum": [COLLECTION]},
    }
    doc = {
        "openapi": "3.0.3",
        "info": {"title": "yizhan OGC API – Features", "version": "1.0.0"},
        "servers": [{"url": server}],
        "paths": {
            "/": {
                "get": {
                    "operationId": "getLandingPage",
                    "parameters": [fmt],
                    "responses": answer(JSON),
                }
            },
            "/conformance": {
                "get": {
                    "operationId": "getConformance",
                    "parameters": [fmt],
                    "responses": answer(JSON),
                }
            },
            "/collections": {
                "get": {
                    "operationId": "getCollections",
                    "parameters": [fmt],
                    "responses": answer(JSON),
                }
            },
            "/collections/{collectionId}": {
                "get": {
                    "operationId": "describeCollection",
                    "parameters": [collection_id, fmt],
                    "responses": {**answer(JSON), "404": missing},
                }
            },
            "/collections/{collectionId}/items": {
                "get": {
                    "operationId": "getFeatures",
                    "parameters": [
                        collection_id,
                        fmt,
                        {
                            "name": "limit",
                            "in": "query",
                            "required": False,
                            "style": "form",
                            "explode": False,
                            "schema": {
                                "type": "integer",
                                "minimum": 1,
                                "maximum": MAX_LIMIT,
                                "default": DEFAULT_LIMIT,
                            },
                        },
                        {
                            "name": "offset",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "integer", "minimum": 0, "default": 0},
                        },
                        {
                            "name": "bbox",
                            "in": "query",
                            "required": False,
                            "style": "form",
                            "explode": False,
                            "schema": {
                                "type": "array",
                                "minItems": 4,
                                "maxItems": 6,
                                "items": {"type": "number"},
                            },
                        },
                        {
                            "name": "bbox-crs",
                            "in": "query",
                            "required": False,
                            "schema": {"type": "string", "enum": [CRS84]},
                        },
                        {
                            "name": "datetime",
                            "in": "query",
                            "required": False,
                            "style": "form",
                            "explode": False,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {**answer(GEOJSON), "404": missing},
                }
            },
            "/collections/{collectionId}/items/{featureId}": {
                "get": {
                    "operationId": "getFeature",
                    "parameters": [
                        collection_id,
                        fmt,
                        {
                            "name": "featureId",
                            "in": "path",
                            "required": True,
                            "schema": {"type": "string"},
                        },
                    ],
                    "responses": {**answer(GEOJSON), "404": missing},
                }
            },
        },
    }
    return HttpResponse(json.dumps(doc, ensure_ascii=False), content_type=OPENAPI)
