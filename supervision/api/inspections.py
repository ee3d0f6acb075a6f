"""Inspections with their findings, the rectification of each finding, and its reports
to the government department and the workers' congress."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response

from core import time as local_time
from core.errors import NotFound
from core.parsers import JSONWithoutNulParser
from core.scoping import scope_for
from supervision.api._common import (
    FindingInSerializer,
    FindingOutSerializer,
    OrganizerView,
)
from supervision.models import (
    Agency,
    Finding,
    Inspection,
)
from supervision.selectors.inspections import findings_in_scope, inspections_in_scope, templates_for
from supervision.selectors.inspectors import appointed_in_scope
from supervision.selectors.workplaces import unions_in_scope, workplaces_in_scope
from supervision.services import inspections as inspection_services
from supervision.services.inspections import FindingInput


class ChecklistAnswerSerializer(serializers.Serializer):
    ok = serializers.BooleanField()
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class InspectionInSerializer(serializers.Serializer):
    workplace = serializers.IntegerField(min_value=1, max_value=2**62)
    inspected_on = serializers.DateField()
    inspectors = serializers.CharField(
        max_length=300, required=False, allow_blank=True, default="",
        help_text="Required unless appointed inspectors are named",
    )  # fmt: skip
    agencies = serializers.ListField(
        child=serializers.ChoiceField(choices=Agency.choices), required=False, default=list
    )
    template = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True, default=None
    )
    checklist = ChecklistAnswerSerializer(many=True, required=False, default=list)
    notes = serializers.CharField(max_length=4000, required=False, allow_blank=True, default="")
    findings = FindingInSerializer(many=True, required=False, default=list)
    union = serializers.CharField(
        max_length=40, required=False, allow_blank=True, default="",
        help_text="The inspecting union's code (signs the notices); the workplace's by default",
    )  # fmt: skip
    appointed = serializers.ListField(
        child=serializers.IntegerField(min_value=1, max_value=2**62), required=False,
        default=list, max_length=50, help_text="Ids of the union's appointed inspectors",
    )  # fmt: skip


class RectifySerializer(serializers.Serializer):
    rectified_on = serializers.DateField()
    evidence = serializers.CharField(max_length=4000)


class VerifySerializer(serializers.Serializer):
    verified_on = serializers.DateField()
    note = serializers.CharField(max_length=2000, required=False, allow_blank=True, default="")


class ReopenSerializer(serializers.Serializer):
    reason = serializers.CharField(max_length=100)
    deadline = serializers.DateField(required=False, allow_null=True, default=None)


class GovernmentReportSerializer(serializers.Serializer):
    reported_on = serializers.DateField()
    recipient = serializers.CharField(max_length=150)


class CongressReportSerializer(serializers.Serializer):
    reported_on = serializers.DateField()
    recipient = serializers.CharField(max_length=150, required=False, allow_blank=True, default="")
    note = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")


class InspectionOutSerializer(serializers.ModelSerializer):
    workplace_name = serializers.CharField(source="workplace.name")
    findings = FindingOutSerializer(many=True)
    union_name = serializers.CharField(source="inspecting_union.name", read_only=True)

    class Meta:
        model = Inspection
        fields = (
            "id", "workplace", "workplace_name", "inspected_on", "union", "union_name",
            "inspectors", "appointed", "agencies", "template", "checklist", "notes", "findings",
        )  # fmt: skip


def finding_for(request: Request, pk: int) -> Finding:
    finding = findings_in_scope(scope_for(request.user)).filter(pk=pk).first()
    if finding is None:
        raise NotFound(_("没有这个问题，或不在您的管理范围内。"), field="id")
    return finding


class InspectionListView(OrganizerView):
    @extend_schema(
        operation_id="supervision_inspections_list",
        summary="Inspections of workplaces under the organizer's unions, newest first",
        responses=InspectionOutSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = inspections_in_scope(scope_for(request.user)).prefetch_related(
            "findings__photos", "findings__workplace"
        )[:200]
        return Response(InspectionOutSerializer(qs, many=True).data)

    @extend_schema(
        operation_id="supervision_inspections_create",
        summary="Record an inspection with its checklist and findings",
        request=InspectionInSerializer,
        responses={201: InspectionOutSerializer},
    )
    def post(self, request: Request) -> Response:
        scope = scope_for(request.user)
        data = InspectionInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        workplace = workplaces_in_scope(scope).filter(pk=v["workplace"]).first()
        if workplace is None:
            raise NotFound(_("没有这个单位，或不在您的管理范围内。"), field="workplace")
        template = None
        if v["template"] is not None:
            template = templates_for(workplace).filter(pk=v["template"]).first()
            if template is None:
                raise NotFound(_("没有这个检查表。"), field="template")
        union = None
        if v["union"]:
            union = unions_in_scope(scope).filter(code=v["union"]).first()
            if union is None:
                raise NotFound(_("没有这个工会，或不在您的管理范围内。"), field="union")
        appointed = list(appointed_in_scope(scope).filter(pk__in=v["appointed"]))
        if len(appointed) != len(set(v["appointed"])):
            raise NotFound(_("没有这位监督检查员，或不在您的管理范围内。"), field="appointed")
        inspection = inspection_services.inspection_record(
            actor=request.user, workplace=workplace, inspected_on=v["inspected_on"],
            inspectors=v["inspectors"], agencies=v["agencies"], template=template,
            checklist=v["checklist"], notes=v["notes"],
            findings=[FindingInput(**f) for f in v["findings"]], union=union,
            appointed=appointed,
        )  # fmt: skip
        return Response(InspectionOutSerializer(inspection).data, status=201)


class InspectionDetailView(OrganizerView):
    @extend_schema(operation_id="supervision_inspection", responses=InspectionOutSerializer)
    def get(self, request: Request, pk: int) -> Response:
        inspection = inspections_in_scope(scope_for(request.user)).filter(pk=pk).first()
        if inspection is None:
            raise NotFound(_("没有这次检查，或不在您的管理范围内。"), field="id")
        return Response(InspectionOutSerializer(inspection).data)


class FindingListView(OrganizerView):
    @extend_schema(
        operation_id="supervision_findings_list",
        summary="Findings under the organizer's unions, by deadline",
        parameters=[
            OpenApiParameter("status", str, enum=Finding.Status.values),
            OpenApiParameter("overdue", bool, description="only open findings past deadline"),
        ],
        responses=FindingOutSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = scope_for(request.user)
        status = request.query_params.get("status") or None
        if status is not None and status not in Finding.Status.values:
            raise serializers.ValidationError({"status": [_("未知的状态。")]})
        overdue = request.query_params.get("overdue") in ("1", "true")
        qs = findings_in_scope(
            scope, status=status, overdue_on=local_time.today() if overdue else None
        ).prefetch_related("photos")[:500]
        return Response(FindingOutSerializer(qs, many=True).data)


class FindingActionView(OrganizerView):
    """One step of a finding's rectification; the service refuses an illegal one (409)."""

    serializer_class: type[serializers.Serializer]

    def act(self, request: Request, finding: Finding, v: dict[str, Any]) -> Finding:
        raise NotImplementedError

    def post(self, request: Request, pk: int) -> Response:
        finding = finding_for(request, pk)
        data = self.serializer_class(data=request.data)
        data.is_valid(raise_exception=True)
        finding = self.act(request, finding, data.validated_data)
        return Response(FindingOutSerializer(finding).data)


class FindingRectifyView(FindingActionView):
    serializer_class = RectifySerializer
    parser_classes = [JSONWithoutNulParser, MultiPartParser, FormParser]

    @extend_schema(
        operation_id="supervision_finding_rectify",
        summary="Mark an open finding rectified, with evidence (photos as multipart 'photos')",
        request=RectifySerializer,
        responses=FindingOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, finding: Finding, v: dict[str, Any]) -> Finding:
        return inspection_services.finding_rectify(
            actor=request.user, finding=finding, rectified_on=v["rectified_on"],
            evidence=v["evidence"], photos=request.FILES.getlist("photos"),
        )  # fmt: skip


class FindingVerifyView(FindingActionView):
    serializer_class = VerifySerializer

    @extend_schema(
        operation_id="supervision_finding_verify",
        summary="Accept a rectified finding after checking it",
        request=VerifySerializer,
        responses=FindingOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, finding: Finding, v: dict[str, Any]) -> Finding:
        return inspection_services.finding_verify(
            actor=request.user, finding=finding, verified_on=v["verified_on"], note=v["note"]
        )


class FindingReopenView(FindingActionView):
    serializer_class = ReopenSerializer

    @extend_schema(
        operation_id="supervision_finding_reopen",
        summary="Send a rectified finding back to open (the rectification does not hold)",
        request=ReopenSerializer,
        responses=FindingOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, finding: Finding, v: dict[str, Any]) -> Finding:
        return inspection_services.finding_reopen(
            actor=request.user, finding=finding, reason=v["reason"], deadline=v["deadline"]
        )


class FindingGovernmentReportView(FindingActionView):
    serializer_class = GovernmentReportSerializer

    @extend_schema(
        operation_id="supervision_finding_report_government",
        summary="Record that a major finding was reported to the government department",
        request=GovernmentReportSerializer,
        responses=FindingOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, finding: Finding, v: dict[str, Any]) -> Finding:
        return inspection_services.finding_report_government(
            actor=request.user, finding=finding, reported_on=v["reported_on"],
            recipient=v["recipient"],
        )  # fmt: skip


class FindingCongressReportView(FindingActionView):
    serializer_class = CongressReportSerializer

    @extend_schema(
        operation_id="supervision_finding_report_congress",
        summary="双报告: record that the enterprise reported a major hazard to its workers' "
        "congress (date and receiver)",
        request=CongressReportSerializer,
        responses=FindingOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)

    def act(self, request: Request, finding: Finding, v: dict[str, Any]) -> Finding:
        return inspection_services.finding_report_congress(
            actor=request.user, finding=finding, reported_on=v["reported_on"],
            recipient=v["recipient"], note=v["note"],
        )  # fmt: skip
