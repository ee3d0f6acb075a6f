"""Welfare API: workplaces (organizers), hazard reports (public), weather alerts (public)."""

from __future__ import annotations

from typing import Any

from django.contrib.gis.geos import Point
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import AllowAny, IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound, PermissionDenied
from core.parsers import JSONWithoutNulParser
from core.scoping import scope_for
from core.throttling import PublicFormThrottle
from stations.models import Region, Union
from welfare import services
from welfare.models import Workplace
from welfare.selectors.alerts import (
    alert_body,
    alerts_for_region,
    official_body,
    official_for_region,
)
from welfare.selectors.workplaces import workplaces_in_scope


class WorkplaceSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=200)
    credit_code = serializers.CharField(max_length=40)
    lat = serializers.FloatField(min_value=-90, max_value=90)
    lng = serializers.FloatField(min_value=-180, max_value=180)
    address = serializers.CharField(max_length=300)
    region = serializers.CharField(max_length=12)
    union = serializers.CharField(max_length=40)
    industry = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)
    contact_name = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=100
    )
    contact_phone = serializers.CharField(
        required=False, allow_blank=True, default="", max_length=40
    )
    hazards = serializers.DictField(child=serializers.IntegerField(min_value=0), required=False)
    altitude_m = serializers.IntegerField(
        min_value=-500, max_value=9000, required=False, allow_null=True, default=None
    )


class HazardReportSerializer(serializers.Serializer):
    """Only the shape; ``hazard_report_submit`` judges the values and names the field."""

    lat = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None, max_length=40
    )
    lng = serializers.CharField(
        required=False, allow_blank=True, allow_null=True, default=None, max_length=40
    )
    address = serializers.CharField(required=False, allow_blank=True, default="", max_length=300)
    region = serializers.CharField(required=False, allow_blank=True, default="", max_length=12)
    category = serializers.CharField(required=False, allow_blank=True, default="", max_length=20)
    description = serializers.CharField(
        required=False, allow_blank=True, default="", trim_whitespace=False, max_length=2000
    )
    contact = serializers.CharField(required=False, allow_blank=True, default="", max_length=100)


def workplace_feature(w: Workplace) -> dict[str, Any]:
    return {
        "type": "Feature",
        "id": w.pk,
        "geometry": {
            "type": "Point",
            "coordinates": [round(w.location.x, 6), round(w.location.y, 6)],
        },
        "properties": {
            "id": w.pk,
            "name": w.name,
            "credit_code": w.credit_code,
            "address": w.address,
            "industry": w.industry,
            "hazards": {h.hazard: h.exposed for h in w.hazards.all()},
            "altitude_m": w.altitude_m,
            "high_altitude": w.is_high_altitude,
        },
    }


class WorkplaceView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="workplaces_list",
        parameters=[OpenApiParameter("hazard", str), OpenApiParameter("overdue", bool)],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        if not scope.is_organizer:
            raise PermissionDenied(_("只有组织者可以查看作业场所。"))
        qs = workplaces_in_scope(
            scope,
            hazard=request.query_params.get("hazard") or None,
            overdue=request.query_params.get("overdue") in ("1", "true"),
        )
        return Response(
            {"type": "FeatureCollection", "features": [workplace_feature(w) for w in qs]}
        )

    @extend_schema(
        operation_id="workplaces_create",
        request=WorkplaceSerializer,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = WorkplaceSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        region = Region.objects.filter(code=v["region"]).first()
        if region is None:
            raise NotFound(
                _("未知的行政区划代码：%(code)s") % {"code": v["region"]}, field="region"
            )
        union = Union.objects.filter(code=v["union"]).first()
        if union is None:
            raise NotFound(_("未知的工会编号：%(code)s") % {"code": v["union"]}, field="union")
        workplace = services.workplace_save(
            actor=request.user,
            workplace=Workplace(
                name=v["name"], credit_code=v["credit_code"], address=v["address"],
                location=Point(v["lng"], v["lat"], srid=4326), region=region, union=union,
                industry=v["industry"], contact_name=v["contact_name"],
                contact_phone=v["contact_phone"], altitude_m=v["altitude_m"],
            ),
            hazards=v.get("hazards") or {},
        )  # fmt: skip
        return Response(workplace_feature(workplace), status=201)


class HazardReportCreateView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    renderer_classes = [JSONRenderer]
    throttle_classes = [PublicFormThrottle]
    parser_classes = [JSONWithoutNulParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="hazard_report_create",
        summary="Report a safety hazard (no login); answers a tracking code",
        request=HazardReportSerializer,
        responses={201: OpenApiTypes.OBJECT},
    )
    def post(self, request: Request) -> Response:
        data = HazardReportSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        report = services.hazard_report_submit(
            lat=v["lat"] or None, lng=v["lng"] or None, address=v["address"],
            category=v["category"], description=v["description"], contact=v["contact"],
            photo=request.FILES.get("photo"), region=v["region"] or None,
        )  # fmt: skip
        return Response({"tracking_code": report.tracking_code}, status=201)


class HazardReportStatusView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    renderer_classes = [JSONRenderer]

    @extend_schema(operation_id="hazard_report_status", responses=OpenApiTypes.OBJECT)
    def get(self, request: Request, tracking_code: str) -> Response:
        return Response(services.hazard_report_status(tracking_code=tracking_code))


class AlertsView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []
    renderer_classes = [JSONRenderer]

    @extend_schema(
        operation_id="weather_alerts",
        parameters=[OpenApiParameter("region", str, required=True, description="GB/T 2260 code")],
        responses=OpenApiTypes.OBJECT,
    )
    def get(self, request: Request) -> Response:
        code = (request.query_params.get("region") or "").strip()
        region = Region.objects.filter(code=code).first()
        if region is None:
            raise NotFound(_("未知的行政区划代码：%(code)s") % {"code": code[:10]}, field="region")
        official = [official_body(a, region=region) for a in official_for_region(region=region)]
        advisory = [alert_body(a) for a in alerts_for_region(region=region)]
        return Response({"region": region.code, "alerts": official + advisory})
