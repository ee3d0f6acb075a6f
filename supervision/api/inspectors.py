"""A workers' safety inspector reports a finding at their unit (organizers above the
unit may too); it enters the rectification path like any other."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core.errors import NotFound
from core.parsers import JSONWithoutNulParser
from core.scoping import scope_for
from supervision.api._common import FindingInSerializer, FindingOutSerializer
from supervision.selectors.inspectors import inspector_roles
from supervision.selectors.workplaces import workplaces_in_scope
from supervision.services import inspectors as inspector_services
from supervision.services.inspections import FindingInput
from welfare.models import Workplace


class InspectorReportInSerializer(FindingInSerializer):
    workplace = serializers.IntegerField(min_value=1, max_value=2**62)


class InspectorReportView(APIView):
    """A workers' safety inspector reports a finding at their unit (organizers above the
    unit may too); it enters the rectification path like any other."""

    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]
    parser_classes = [JSONWithoutNulParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="supervision_inspector_report",
        summary="A safety inspector reports a finding or hazard (photos as multipart 'photos')",
        request=InspectorReportInSerializer,
        responses={201: FindingOutSerializer},
    )
    def post(self, request: Request) -> Response:
        data = InspectorReportInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = dict(data.validated_data)
        workplace_id = v.pop("workplace")
        allowed = {r.workplace_id for r in inspector_roles(request.user)}
        scope = scope_for(request.user)
        workplace = (
            workplaces_in_scope(scope).filter(pk=workplace_id).first()
            if workplace_id not in allowed
            else Workplace.objects.select_related("union").get(pk=workplace_id)
        )
        if workplace is None:
            raise NotFound(_("没有这个单位，或您不是它的检查员。"), field="workplace")
        finding = inspector_services.inspector_report_finding(
            actor=request.user, workplace=workplace, data=FindingInput(**v),
            photos=request.FILES.getlist("photos"),
        )  # fmt: skip
        return Response(FindingOutSerializer(finding).data, status=201)
