"""The features of the collection: a page of them (``items``) and one (``item``)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _

from maps import geojson
from maps.filters import ItemsFilter, read_query
from maps.ogc.errors import GEOJSON, HTML, JSON, NotFoundHere
from maps.ogc.formats import instant, link, ogc_view, self_and_alternate, url
from maps.ogc.landing import known


@ogc_view(GEOJSON)
def items(request: HttpRequest, collection_id: str, *, media: str) -> tuple[dict[str, Any], str]:
    """A page of features, with numberMatched/numberReturned and next/prev links."""
    known(collection_id)
    params = request.GET
    query = read_query(ItemsFilter, params)
    qs = geojson.open_stations_matching(
        bbox=query.get("bbox"), updated=query.get("datetime", (None, None))
    )
    limit, offset = query["limit"], query["offset"]
    matched = qs.count()
    features: list[Any]
    if offset >= matched:  # an empty page (and an offset that may not fit in SQL)
        features = []
    else:
        features = geojson.open_features_page(qs, offset=offset, limit=limit, as_text=media != HTML)
    keep = {k: params[k] for k in ("bbox", "bbox-crs", "datetime") if params.get(k)}
    links = self_and_alternate(
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
            link(
                url(
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
            link(
                url(
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
    links.append(link(url(request, "collection", collection_id), "collection", JSON, _("本集合")))
    data = {
        "type": "FeatureCollection",
        "features": features,
        "links": links,
        "timeStamp": instant(timezone.now()),
        "numberMatched": matched,
        "numberReturned": len(features),
    }
    return data, "maps/ogc/items.html"


@ogc_view(GEOJSON)
def item(
    request: HttpRequest, collection_id: str, feature_id: str, *, media: str
) -> tuple[dict[str, Any], str]:
    known(collection_id)
    stations = geojson.open_stations().filter(code=feature_id.replace("\x00", ""))
    values = None if "\x00" in feature_id else geojson.open_values(stations).first()
    if values is None:
        raise NotFoundHere(
            _("没有编号为 %(code)s 的站点。") % {"code": feature_id[:40]}, field="featureId"
        )
    feature = geojson.open_feature(values)
    feature["links"] = [
        *self_and_alternate(
            request, "item", collection_id, feature_id, media=media, data_type=GEOJSON
        ),
        link(url(request, "collection", collection_id), "collection", JSON, _("本集合")),
    ]
    return feature, "maps/ogc/item.html"
