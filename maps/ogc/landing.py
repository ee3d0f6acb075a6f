"""The landing page, the conformance classes and the one collection, ``stations``."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.gis.db.models import Extent
from django.db.models import Min
from django.http import HttpRequest
from django.urls import reverse
from django.utils.translation import gettext as _

from maps import geojson
from maps.filters import CRS84
from maps.ogc.errors import GEOJSON, HTML, JSON, NotFoundHere
from maps.ogc.formats import OPENAPI, instant, link, ogc_view, self_and_alternate, url

COLLECTION = "stations"
GREGORIAN = "http://www.opengis.net/def/uom/ISO-8601/0/Gregorian"
CONFORMANCE = [
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/core",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/geojson",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/html",
    "http://www.opengis.net/spec/ogcapi-features-1/1.0/conf/oas30",
]


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
            *self_and_alternate(request, "landing", media=media),
            link(url(request, "api"), "service-desc", OPENAPI, _("API 定义（OpenAPI 3.0）")),
            link(
                request.build_absolute_uri(reverse("api-docs")), "service-doc", HTML, _("API 文档")
            ),
            link(url(request, "conformance"), "conformance", JSON, _("符合的标准")),
            link(url(request, "collections"), "data", JSON, _("数据集合")),
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
            "interval": [[instant(first) if first else None, None]],
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
            link(url(request, "collection", COLLECTION), "self", JSON, _("本集合")),
            link(
                url(request, "collection", COLLECTION, f="html"),
                "alternate",
                HTML,
                _("本集合 HTML"),
            ),
            link(url(request, "items", COLLECTION), "items", GEOJSON, _("站点（GeoJSON）")),
            link(url(request, "items", COLLECTION, f="html"), "items", HTML, _("站点（HTML）")),
            link(
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
        "links": self_and_alternate(request, "collections", media=media),
        "collections": [_collection(request)],
    }
    return data, "maps/ogc/collections.html"


def known(collection_id: str) -> None:
    if collection_id != COLLECTION:
        raise NotFoundHere(
            _("没有名为 %(id)s 的集合。") % {"id": collection_id[:40]}, field="collectionId"
        )


@ogc_view()
def collection(
    request: HttpRequest, collection_id: str, *, media: str
) -> tuple[dict[str, Any], str]:
    known(collection_id)
    data = _collection(request)
    data["links"][:2] = self_and_alternate(request, "collection", collection_id, media=media)
    return data, "maps/ogc/collection.html"
