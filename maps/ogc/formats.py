"""How an OGC resource answers: JSON (GeoJSON for features) or HTML, by ``f`` or else the
Accept header; GET and HEAD only; links to itself in each format."""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from typing import Any
from urllib.parse import urlencode

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from core.errors import DomainError
from maps.filters import BadParameter
from maps.geojson import FeatureTexts
from maps.ogc.errors import HTML, JSON, SAFE_METHODS, domain_error, not_allowed, pretty

OPENAPI = "application/vnd.oai.openapi+json;version=3.0"


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


def ogc_view(data_type: str = JSON) -> Callable:
    """A GET-only view answering ``data_type`` or HTML; the view returns (data, template)."""

    def wrap(fn: Callable[..., tuple[dict[str, Any], str]]) -> Callable:
        def view(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            if request.method not in SAFE_METHODS:
                return not_allowed(request)
            try:
                media = _format(request, data_type)
                data, template = fn(request, *args, media=media, **kwargs)
            except DomainError as exc:
                return domain_error(request, exc)
            if media == HTML:
                response = render(request, template, {"data": data, "pretty": pretty(data)})
            else:
                response = HttpResponse(_dumps(data), content_type=media)
            response["Vary"] = "Accept"
            return response

        view.__name__ = fn.__name__
        view.__doc__ = fn.__doc__
        return csrf_exempt(view)  # reads only: a POST gets the 405, not the CSRF page

    return wrap


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


def url(request: HttpRequest, name: str, *args: Any, **query: Any) -> str:
    path = reverse(f"ogc:{name}", args=args)
    query = {k: v for k, v in query.items() if v not in (None, "")}
    return request.build_absolute_uri(path) + (f"?{urlencode(query)}" if query else "")


def link(href: str, rel: str, media: str, title: str) -> dict[str, str]:
    return {"href": href, "rel": rel, "type": media, "title": title}


def self_and_alternate(
    request: HttpRequest, name: str, *args: Any, media: str, data_type: str = JSON, **query: Any
) -> list[dict[str, str]]:
    as_data = link(
        url(request, name, *args, f="json", **query), "alternate", data_type, _("本页 JSON")
    )
    as_html = link(url(request, name, *args, f="html", **query), "alternate", HTML, _("本页 HTML"))
    if media == HTML:
        as_html["rel"] = "self"
    else:
        as_data["rel"] = "self"
    return [as_data, as_html]


def instant(value: dt.datetime) -> str:
    return value.astimezone(dt.UTC).strftime("%Y-%m-%dT%H:%M:%SZ")
