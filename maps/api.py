"""Public, read-only endpoints of the station finder."""

from __future__ import annotations

from django.utils.translation import gettext as _
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework_gis.serializers import GeoFeatureModelSerializer

from maps import selectors
from stations.models import Station


class StationFeatureSerializer(GeoFeatureModelSerializer):
    services = serializers.SerializerMethodField()

    class Meta:
        model = Station
        geo_field = "location"
        fields = ("id", "code", "name", "name_en", "address", "phone", "kind", "services")

    def get_services(self, station: Station) -> list[str]:
        return sorted(s.code for s in station.services.all())


class BBoxSerializer(serializers.Serializer):
    bbox = serializers.CharField()

    def validate_bbox(self, value: str) -> tuple[float, float, float, float]:
        parts = value.split(",")
        if len(parts) != 4:
            raise serializers.ValidationError(_("bbox 应为 最小经度,最小纬度,最大经度,最大纬度。"))
        try:
            min_lng, min_lat, max_lng, max_lat = (float(p) for p in parts)
        except ValueError:
            raise serializers.ValidationError(_("bbox 的四个值都必须是数字。")) from None
        if not (-180 <= min_lng < max_lng <= 180 and -90 <= min_lat < max_lat <= 90):
            raise serializers.ValidationError(_("bbox 超出经纬度范围或最小值不小于最大值。"))
        return min_lng, min_lat, max_lng, max_lat


class StationListView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    serializer_class = StationFeatureSerializer

    def get(self, request: Request) -> Response:
        params = BBoxSerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        stations = selectors.public_stations_in_bbox(bbox=params.validated_data["bbox"])
        return Response(StationFeatureSerializer(stations, many=True).data)
