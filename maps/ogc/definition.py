"""The OpenAPI 3.0 definition of the OGC API (its ``service-desc``), written by hand:
drf-spectacular documents the DRF API, not these views."""

from __future__ import annotations

import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt

from maps.filters import CRS84, DEFAULT_LIMIT, MAX_LIMIT
from maps.ogc.errors import GEOJSON, HTML, JSON, SAFE_METHODS, not_allowed
from maps.ogc.formats import OPENAPI
from maps.ogc.landing import COLLECTION


@csrf_exempt
def api_definition(request: HttpRequest) -> HttpResponse:
    """The OpenAPI 3.0 definition of this API (``service-desc``)."""
    if request.method not in SAFE_METHODS:
        return not_allowed(request)
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
