"""Public, read-only endpoints of the station finder. No login, no personal data."""

from __future__ import annotations

from django.http import HttpResponse, HttpResponseNotModified, StreamingHttpResponse
from django.http.response import HttpResponseBase
from django.utils import timezone
from django.utils.http import parse_etags, quote_etag
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.permissions import AllowAny
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from maps import filters, geojson, hsds, selectors
from maps.filters import BadParameter, read_query
from maps.presenters import alerts as alert_presenters
from maps.presenters import detail as detail_presenters
from maps.presenters import stations as station_presenters

GEOJSON = {200: OpenApiTypes.OBJECT}  # a GeoJSON FeatureCollection or Feature


class PublicView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    renderer_classes = [JSONRenderer]


class NearbyView(PublicView):
    FilterSerializer = filters.NearbyFilter

    @extend_schema(
        operation_id="stations_nearby",
        summary="Nearest active stations by true distance",
        parameters=[
            FilterSerializer,
            # 0 is refused: the bound is exclusive, which a serializer field cannot say.
            OpenApiParameter(
                "radius_km",
                {"type": "number", "minimum": 0, "exclusiveMinimum": True, "maximum": 200},
                description="optional",
            ),
        ],
        responses=GEOJSON,
    )
    def get(self, request: Request) -> Response:
        query = read_query(self.FilterSerializer, request.query_params)
        lat, lng = query["lat"], query["lng"]
        at = timezone.now()
        found = selectors.station_nearby(
            lat=lat,
            lng=lng,
            limit=query["limit"],
            radius_km=query["radius_km"],
            services=query["service"],
            open_now=query["open_now"],
            at=at,
        )
        day = station_presenters.today_local(at)
        return Response(
            station_presenters.feature_collection(
                [
                    station_presenters.station_feature(
                        item.station,
                        open_now=item.open_now,
                        day=day,
                        distance_m=item.distance_m,
                        at=at,
                    )
                    for item in found
                ]
            )
        )


class StationListView(PublicView):
    FilterSerializer = filters.BBoxFilter

    @extend_schema(
        operation_id="stations_in_bbox",
        summary="Stations in a bounding box (at most 2,000)",
        parameters=[FilterSerializer],
        responses=GEOJSON,
    )
    def get(self, request: Request) -> HttpResponseBase:
        query = read_query(self.FilterSerializer, request.query_params)
        found = geojson.bbox_feature_collection(
            bbox=query["bbox"],
            services=query["service"],
            open_now=query["open_now"],
            at=timezone.now(),
        )
        if found is None:
            raise self.too_many()
        if isinstance(found, str):  # built by the database: DRF would only re-encode it
            return HttpResponse(found, content_type="application/json")
        return Response(found)

    @staticmethod
    def too_many() -> BadParameter:
        return BadParameter(
            _("此范围内的站点超过 %(max)d 个；请放大地图，或改用 /api/v1/stations/clusters/。")
            % {"max": selectors.MAX_BBOX_FEATURES},
            field="bbox",
        )


class ClusterView(PublicView):
    FilterSerializer = filters.ClusterFilter

    @extend_schema(
        operation_id="stations_clusters",
        summary="Clusters (centroid, count) and single stations for zoomed-out maps",
        parameters=[FilterSerializer],
        responses=GEOJSON,
    )
    def get(self, request: Request) -> Response:
        query = read_query(self.FilterSerializer, request.query_params)
        zoom = query["zoom"]
        at = timezone.now()
        day = station_presenters.today_local(at)
        features = []
        clusters = selectors.station_clusters(
            bbox=query["bbox"],
            zoom=zoom,
            services=query["service"],
            open_now=query["open_now"],
            at=at,
        )
        for cluster in clusters:
            if cluster.station is not None:
                feature = station_presenters.station_feature(
                    cluster.station, open_now=cluster.station.is_open(at), day=day
                )
                feature["properties"]["cluster"] = False
                features.append(feature)
            else:
                features.append(
                    {
                        "type": "Feature",
                        "geometry": {
                            "type": "Point",
                            "coordinates": [round(cluster.lng, 6), round(cluster.lat, 6)],
                        },
                        "properties": {"cluster": True, "count": cluster.count},
                    }
                )
        return Response(station_presenters.feature_collection(features, zoom=zoom))


class StationDetailView(PublicView):
    @extend_schema(
        operation_id="station_detail",
        summary="One station with everything a worker needs",
        parameters=[
            OpenApiParameter("lat", float, description="Where the worker is (WGS-84), with lng."),
            OpenApiParameter("lng", float, description="Where the worker is (WGS-84), with lat."),
        ],
        responses=GEOJSON,
    )
    def get(self, request: Request, code: str) -> Response:
        station = selectors.station_detail(code=code)
        if station is None:
            raise NotFound(_("没有编号为 %(code)s 的站点。") % {"code": code[:40]}, field="code")
        detail = detail_presenters.station_detail(station, at=timezone.now())
        # From where the worker's list was measured: directions in the list's mode.
        if request.query_params.get("lat") or request.query_params.get("lng"):
            where = read_query(filters.LocationFilter, request.query_params)
            origin = (where["lat"], where["lng"])
            detail["properties"]["directions"] = detail_presenters.directions_links(
                station, origin=origin
            )
        return Response(detail)


class AlertsHereView(PublicView):
    FilterSerializer = filters.LocationFilter

    @extend_schema(
        operation_id="weather_alerts_here",
        summary="Heat and cold alerts where a worker stands (their division and those above)",
        parameters=[FilterSerializer],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        where = read_query(self.FilterSerializer, request.query_params)
        lat, lng = where["lat"], where["lng"]
        region = selectors.region_at(lat=lat, lng=lng)
        return Response(
            {
                "region": region.code if region else None,
                "region_name": station_presenters.label(region) if region else None,
                "alerts": alert_presenters.weather_alerts_today(region=region, near=(lat, lng))
                if region
                else [],
            }
        )


class GeoJSONRenderer(JSONRenderer):
    media_type = "application/geo+json"
    format = "geojson"


class StationDumpView(PublicView):
    """Every active station as one GeoJSON file, streamed, with an ETag."""

    renderer_classes = [GeoJSONRenderer, JSONRenderer]

    @extend_schema(
        operation_id="stations_geojson",
        summary="Every active station as GeoJSON (open data), streamed",
        description=(
            "A FeatureCollection of every active station (WGS-84): code, names, kind, "
            "address, the station's public phone, host organization, division and union "
            "codes, services, accessibility, its page and when it last changed. No personal "
            "data. Answers 304 when If-None-Match holds the current ETag."
        ),
        responses={
            (200, "application/geo+json"): OpenApiTypes.OBJECT,
            304: OpenApiResponse(description="Not modified since the ETag sent"),
        },
    )
    def get(self, request: Request) -> HttpResponseBase:
        etag = quote_etag(geojson.dump_version())
        if (
            etag in parse_etags(request.headers.get("If-None-Match", ""))
            or request.headers.get("If-None-Match", "").strip() == "*"
        ):
            response: HttpResponseBase = HttpResponseNotModified()
        else:
            response = StreamingHttpResponse(
                geojson.dump_chunks(), content_type="application/geo+json"
            )
            response["Content-Disposition"] = 'inline; filename="stations.geojson"'
        response["ETag"] = etag
        response["Cache-Control"] = "public, max-age=300"
        return response


class HsdsView(PublicView):
    FilterSerializer = filters.HsdsFilter

    @extend_schema(
        operation_id="open_data_hsds",
        summary="Stations as Open Referral HSDS 3.0 records (organizations, locations, "
        "services, schedules)",
        description=(
            "One page of stations (ordered by code) as HSDS 3.0 records in the tabular "
            "shape: `organizations` (the unions that run them, with their parents), "
            "`locations`, `addresses`, `phones` (the stations' public numbers), `services`, "
            "`service_at_locations` and `schedules` (weekly opening hours, RFC 5545 "
            "`freq`/`byday` with `opens_at`/`closes_at`, UTC+8). Ids are stable UUIDs "
            "derived from our codes. No personal data."
        ),
        parameters=[FilterSerializer],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        query = read_query(self.FilterSerializer, request.query_params)
        per_page, page = query["per_page"], query["page"]
        stations = geojson.open_stations()
        body = hsds.hsds_page(stations=stations, page=page, per_page=per_page)
        if page > body["total_pages"]:
            raise NotFound(_("只有 %(n)d 页。") % {"n": body["total_pages"]}, field="page")
        return Response(body)
