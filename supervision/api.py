"""Supervision API (organizers): inspections with their findings, the rectification of each
finding, and its reports to the government department and the workers' congress."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.permissions import IsAuthenticated
from rest_framework.renderers import JSONRenderer
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from core import time as local_time
from core.errors import NotFound, PermissionDenied
from core.parsers import JSONWithoutNulParser
from core.scoping import Scope, scope_for
from stations.models import Union
from supervision.models import (
    Accident,
    AccidentCategory,
    AccidentCause,
    AccidentCheck,
    Agency,
    Award,
    Competition,
    CompetitionEntry,
    Finding,
    InjuredPerson,
    Inspection,
    Project,
    ProjectReview,
)
from supervision.selectors.accidents import (
    STAT_DIMENSIONS,
    accident_statistics,
    accidents_in_scope,
    injured_names_visible,
)
from supervision.selectors.competitions import (
    RANKING_DIMENSIONS,
    competition_ranking,
    competitions_in_scope,
)
from supervision.selectors.inspections import findings_in_scope, inspections_in_scope, templates_for
from supervision.selectors.inspectors import appointed_in_scope, inspector_roles
from supervision.selectors.projects import projects_in_scope
from supervision.selectors.workplaces import unions_in_scope, workplaces_in_scope
from supervision.services import accidents as accident_services
from supervision.services import competitions as competition_services
from supervision.services import inspections as inspection_services
from supervision.services import inspectors as inspector_services
from supervision.services import projects as project_services
from supervision.services.inspections import FindingInput
from welfare.models import Workplace

# Input ---------------------------------------------------------------------------------


class FindingInSerializer(serializers.Serializer):
    category = serializers.ChoiceField(choices=Finding.Category.choices)
    severity = serializers.ChoiceField(
        choices=Finding.Severity.choices, default=Finding.Severity.GENERAL
    )
    description = serializers.CharField(max_length=2000)
    law_cited = serializers.CharField(max_length=300, required=False, allow_blank=True, default="")
    requirement = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    deadline = serializers.DateField()
    responsible_person = serializers.CharField(max_length=100)


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


# Output --------------------------------------------------------------------------------


class FindingOutSerializer(serializers.ModelSerializer):
    workplace_name = serializers.CharField(source="workplace.name")
    photos = serializers.SerializerMethodField()

    class Meta:
        model = Finding
        fields = (
            "id", "workplace", "workplace_name", "inspection", "source", "category", "severity",
            "description", "law_cited", "requirement", "deadline", "responsible_person",
            "status", "rectified_on", "rectification_evidence", "verified_on",
            "verification_note", "government_reported_on", "government_recipient",
            "congress_reported_on", "congress_recipient", "congress_note", "dual_verified_on",
            "overdue_alerted_on", "photos",
        )  # fmt: skip

    def get_photos(self, finding: Finding) -> list[dict[str, str]]:
        return [{"kind": p.kind, "url": p.photo.url} for p in finding.photos.all()]


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


# Views ---------------------------------------------------------------------------------


def organizer_scope(request: Request) -> Scope:
    scope = scope_for(request.user)
    if not scope.is_organizer:
        raise PermissionDenied(_("只有组织者可以使用劳动保护监督。"))
    return scope


def finding_for(request: Request, pk: int) -> Finding:
    finding = findings_in_scope(organizer_scope(request)).filter(pk=pk).first()
    if finding is None:
        raise NotFound(_("没有这个问题，或不在您的管理范围内。"), field="id")
    return finding


class OrganizerView(APIView):
    permission_classes = [IsAuthenticated]
    renderer_classes = [JSONRenderer]


class InspectionListView(OrganizerView):
    @extend_schema(
        operation_id="supervision_inspections_list",
        summary="Inspections of workplaces under the organizer's unions, newest first",
        responses=InspectionOutSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = inspections_in_scope(organizer_scope(request)).prefetch_related(
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
        scope = organizer_scope(request)
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
        inspection = inspections_in_scope(organizer_scope(request)).filter(pk=pk).first()
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
        scope = organizer_scope(request)
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


# Accidents -----------------------------------------------------------------------------


class InjuredInSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=50)
    injury = serializers.ChoiceField(
        choices=InjuredPerson.Injury.choices, required=False, default="",
        help_text="死亡, or 重伤/轻伤; derived from lost_workdays (GB 6441: 105) when omitted",
    )  # fmt: skip
    lost_workdays = serializers.IntegerField(
        min_value=0, max_value=6000, required=False, allow_null=True, default=None
    )


class AccidentInSerializer(serializers.Serializer):
    workplace = serializers.IntegerField(min_value=1, max_value=2**62)
    occurred_on = serializers.DateField()
    place = serializers.CharField(max_length=300)
    category = serializers.ChoiceField(choices=AccidentCategory.choices)
    cause = serializers.ChoiceField(choices=AccidentCause.choices, default=AccidentCause.UNKNOWN)
    deaths = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    serious = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    minor = serializers.IntegerField(min_value=0, max_value=1000, default=0)
    description = serializers.CharField(
        max_length=4000, required=False, allow_blank=True, default=""
    )
    union_participation = serializers.CharField(
        max_length=2000, required=False, allow_blank=True, default=""
    )
    injured = InjuredInSerializer(many=True, required=False, default=list)
    direct_loss = serializers.DecimalField(
        max_digits=14, decimal_places=2, min_value=0, required=False, default=0,
        help_text="直接经济损失, 元",
    )  # fmt: skip
    kind = serializers.ChoiceField(choices=Accident.Kind.choices, default=Accident.Kind.ACCIDENT)


class AccidentCheckInSerializer(serializers.Serializer):
    kind = serializers.ChoiceField(choices=AccidentCheck.Kind.choices)
    done_on = serializers.DateField()
    evidence = serializers.CharField(max_length=2000)


class AccidentCauseInSerializer(serializers.Serializer):
    cause = serializers.ChoiceField(choices=AccidentCause.choices)


class AccidentCloseInSerializer(serializers.Serializer):
    closed_on = serializers.DateField()


class InjuredFollowUpInSerializer(serializers.Serializer):
    insurance_claimed_on = serializers.DateField(required=False, allow_null=True, default=None)
    insurance_granted_on = serializers.DateField(required=False, allow_null=True, default=None)
    placement = serializers.CharField(
        max_length=300, required=False, allow_null=True, allow_blank=True, default=None
    )


class AccidentCheckOutSerializer(serializers.ModelSerializer):
    class Meta:
        model = AccidentCheck
        fields = ("kind", "done_on", "evidence")


class InjuredOutSerializer(serializers.ModelSerializer):
    name = serializers.SerializerMethodField(
        help_text="Only the handling organizer sees the name; others get null."
    )

    class Meta:
        model = InjuredPerson
        fields = ("id", "name", "injury", "lost_workdays", "insurance_claimed_on",
                  "insurance_granted_on", "placement")  # fmt: skip

    def get_name(self, person: InjuredPerson) -> str | None:
        return person.name if self.context.get("names_visible") else None


class AccidentOutSerializer(serializers.ModelSerializer):
    workplace_name = serializers.CharField(source="workplace.name")
    checks = AccidentCheckOutSerializer(many=True)
    injured = serializers.SerializerMethodField()

    class Meta:
        model = Accident
        fields = (
            "id", "workplace", "workplace_name", "occurred_on", "kind", "place", "category",
            "cause", "deaths", "serious", "minor", "direct_loss", "grade", "description",
            "union_participation", "status", "closed_on", "checks", "injured",
        )  # fmt: skip

    @extend_schema_field(InjuredOutSerializer(many=True))
    def get_injured(self, accident: Accident) -> list[dict[str, Any]]:
        request = self.context.get("request")
        visible = injured_names_visible(getattr(request, "user", None), accident)
        return InjuredOutSerializer(
            accident.injured.all(), many=True, context={"names_visible": visible}
        ).data


class StatisticsRowSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    accidents = serializers.IntegerField()
    deaths = serializers.IntegerField()
    serious = serializers.IntegerField()
    minor = serializers.IntegerField()


def accident_for(request: Request, pk: int) -> Accident:
    accident = accidents_in_scope(organizer_scope(request)).filter(pk=pk).first()
    if accident is None:
        raise NotFound(_("没有这起事故，或不在您的管理范围内。"), field="id")
    return accident


def accident_body(request: Request, accident: Accident) -> dict[str, Any]:
    accident = Accident.objects.prefetch_related("checks", "injured").get(pk=accident.pk)
    return AccidentOutSerializer(accident, context={"request": request}).data


class AccidentListView(OrganizerView):
    @extend_schema(
        operation_id="supervision_accidents_list",
        summary="Casualty accidents under the organizer's unions, newest first",
        parameters=[OpenApiParameter("year", int)],
        responses=AccidentOutSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = accidents_in_scope(organizer_scope(request))
        year = request.query_params.get("year")
        if year:
            if not year.isdigit() or not 1900 <= int(year) <= 2200:
                raise serializers.ValidationError({"year": [_("请填写四位年份。")]})
            qs = qs.filter(occurred_on__year=int(year))
        return Response(
            AccidentOutSerializer(qs[:500], many=True, context={"request": request}).data
        )

    @extend_schema(
        operation_id="supervision_accidents_create",
        summary="Register a casualty accident (the caller becomes its handler)",
        request=AccidentInSerializer,
        responses={201: AccidentOutSerializer},
    )
    def post(self, request: Request) -> Response:
        scope = organizer_scope(request)
        data = AccidentInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        workplace = workplaces_in_scope(scope).filter(pk=v.pop("workplace")).first()
        if workplace is None:
            raise NotFound(_("没有这个单位，或不在您的管理范围内。"), field="workplace")
        injured = [accident_services.InjuredInput(**p) for p in v.pop("injured")]
        accident = accident_services.accident_register(
            actor=request.user, workplace=workplace, injured=injured, **v
        )
        return Response(accident_body(request, accident), status=201)


class AccidentDetailView(OrganizerView):
    @extend_schema(operation_id="supervision_accident", responses=AccidentOutSerializer)
    def get(self, request: Request, pk: int) -> Response:
        return Response(accident_body(request, accident_for(request, pk)))


class AccidentCheckView(OrganizerView):
    @extend_schema(
        operation_id="supervision_accident_check",
        summary="Close one of the four checks of 四不放过 with evidence and a date",
        request=AccidentCheckInSerializer,
        responses={201: AccidentOutSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        accident = accident_for(request, pk)
        data = AccidentCheckInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accident_services.accident_check_record(
            actor=request.user, accident=accident, **data.validated_data
        )
        return Response(accident_body(request, accident), status=201)


class AccidentCauseView(OrganizerView):
    @extend_schema(
        operation_id="supervision_accident_cause",
        summary="Set the main cause the investigation found",
        request=AccidentCauseInSerializer,
        responses=AccidentOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        accident = accident_for(request, pk)
        data = AccidentCauseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accident_services.accident_set_cause(
            actor=request.user, accident=accident, cause=data.validated_data["cause"]
        )
        return Response(accident_body(request, accident))


class AccidentCloseView(OrganizerView):
    @extend_schema(
        operation_id="supervision_accident_close",
        summary="Close the case (refused with 409 until all four checks are done)",
        request=AccidentCloseInSerializer,
        responses=AccidentOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        accident = accident_for(request, pk)
        data = AccidentCloseInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accident_services.accident_close(
            actor=request.user, accident=accident, closed_on=data.validated_data["closed_on"]
        )
        return Response(accident_body(request, accident))


class InjuredFollowUpView(OrganizerView):
    @extend_schema(
        operation_id="supervision_injured_follow_up",
        summary="Work-injury claim, grant and placement of a person hurt",
        request=InjuredFollowUpInSerializer,
        responses=AccidentOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        scope = organizer_scope(request)
        person = (
            InjuredPerson.objects.filter(pk=pk, accident__in=accidents_in_scope(scope))
            .select_related("accident")
            .first()
        )
        if person is None:
            raise NotFound(_("没有这名伤亡人员，或不在您的管理范围内。"), field="id")
        data = InjuredFollowUpInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        accident_services.injured_follow_up(
            actor=request.user, person=person, **data.validated_data
        )
        return Response(accident_body(request, person.accident))


class AccidentStatisticsView(OrganizerView):
    @extend_schema(
        operation_id="supervision_accident_statistics",
        summary="Accidents, deaths and injuries under a union in a year (or month), by "
        "region, industry, accident type or cause",
        parameters=[
            OpenApiParameter("union", str, required=True, description="union code"),
            OpenApiParameter("year", int, required=True),
            OpenApiParameter("month", int),
            OpenApiParameter("by", str, enum=list(STAT_DIMENSIONS), required=True),
        ],
        responses=StatisticsRowSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        scope = organizer_scope(request)
        params = StatisticsQuerySerializer(data=request.query_params)
        params.is_valid(raise_exception=True)
        v = params.validated_data
        union = Union.objects.filter(code=v["union"]).first()
        if union is None or not scope.covers_union(union):
            raise NotFound(_("没有这个工会，或不在您的管理范围内。"), field="union")
        rows = accident_statistics(
            scope, union=union, year=v["year"], month=v.get("month"), by=v["by"]
        )
        return Response(StatisticsRowSerializer(rows, many=True).data)


class StatisticsQuerySerializer(serializers.Serializer):
    union = serializers.CharField(max_length=40)
    year = serializers.IntegerField(min_value=1900, max_value=2200)
    month = serializers.IntegerField(min_value=1, max_value=12, required=False)
    by = serializers.ChoiceField(choices=STAT_DIMENSIONS)


# 安康杯 ---------------------------------------------------------------------------------


class EntryOutSerializer(serializers.ModelSerializer):
    unit_name = serializers.CharField()

    class Meta:
        model = CompetitionEntry
        fields = ("id", "workplace", "unit_union", "unit_name", "enrolled_on", "scores", "total",
                  "evaluated_on", "award", "excluded", "exclusion_reason")  # fmt: skip


class CompetitionOutSerializer(serializers.ModelSerializer):
    union_name = serializers.CharField(source="union.name")

    class Meta:
        model = Competition
        fields = ("id", "union", "union_name", "year", "name", "status", "scoring_items")


class EnrolInSerializer(serializers.Serializer):
    workplace = serializers.IntegerField(
        min_value=1, max_value=2**62, required=False, allow_null=True, default=None
    )
    union = serializers.CharField(max_length=40, required=False, allow_blank=True, default="")


class EvaluateInSerializer(serializers.Serializer):
    scores = serializers.DictField(child=serializers.DecimalField(max_digits=6, decimal_places=1))


class AwardInSerializer(serializers.Serializer):
    award = serializers.ChoiceField(choices=[("", "—"), *Award.choices], allow_blank=True)


class RankingRowSerializer(serializers.Serializer):
    entry = serializers.IntegerField(source="entry.pk")
    name = serializers.CharField()
    total = serializers.DecimalField(max_digits=7, decimal_places=1)
    rank = serializers.IntegerField(allow_null=True, help_text="null: excluded from awards")
    region = serializers.CharField()
    industry = serializers.CharField()


class RankingGroupSerializer(serializers.Serializer):
    key = serializers.CharField(help_text="the region or industry; empty for the overall list")
    rows = RankingRowSerializer(many=True)


def competition_for(request: Request, pk: int) -> Competition:
    competition = competitions_in_scope(organizer_scope(request)).filter(pk=pk).first()
    if competition is None:
        raise NotFound(_("没有这个竞赛，或不在您的管理范围内。"), field="id")
    return competition


def entry_for(request: Request, pk: int) -> CompetitionEntry:
    scope = organizer_scope(request)
    entry = (
        scope.filter(CompetitionEntry.objects.all(), union_path_field="competition__union__path")
        .filter(pk=pk)
        .select_related("workplace", "unit_union")
        .first()
    )
    if entry is None:
        raise NotFound(_("没有这个参赛单位，或不在您的管理范围内。"), field="id")
    return entry


class CompetitionListView(OrganizerView):
    @extend_schema(
        operation_id="supervision_competitions_list",
        summary="安康杯 competitions run by unions under the organizer's",
        responses=CompetitionOutSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = competitions_in_scope(organizer_scope(request))[:200]
        return Response(CompetitionOutSerializer(qs, many=True).data)


class CompetitionRankingView(OrganizerView):
    @extend_schema(
        operation_id="supervision_competition_ranking",
        summary="Scored units ranked overall, or within each region or industry",
        parameters=[OpenApiParameter("by", str, enum=list(RANKING_DIMENSIONS))],
        responses=RankingGroupSerializer(many=True),
    )
    def get(self, request: Request, pk: int) -> Response:
        competition = competition_for(request, pk)
        by = request.query_params.get("by") or None
        if by is not None and by not in RANKING_DIMENSIONS:
            raise serializers.ValidationError({"by": [_("只能按 region 或 industry 排名。")]})
        groups = competition_ranking(competition, by=by)
        return Response(RankingGroupSerializer(groups, many=True).data)


class CompetitionEnrolView(OrganizerView):
    @extend_schema(
        operation_id="supervision_competition_enrol",
        summary="Enrol a workplace (by id) or a union (by code) in the competition",
        request=EnrolInSerializer,
        responses={201: EntryOutSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        scope = organizer_scope(request)
        competition = competition_for(request, pk)
        data = EnrolInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        workplace = unit_union = None
        if v["workplace"] is not None:
            workplace = workplaces_in_scope(scope).filter(pk=v["workplace"]).first()
            if workplace is None:
                raise NotFound(_("没有这个单位，或不在您的管理范围内。"), field="workplace")
        if v["union"]:
            unit_union = Union.objects.filter(code=v["union"]).first()
            if unit_union is None or not scope.covers_union(unit_union):
                raise NotFound(_("没有这个工会，或不在您的管理范围内。"), field="union")
        entry = competition_services.competition_enrol(
            actor=request.user, competition=competition, workplace=workplace,
            unit_union=unit_union,
        )  # fmt: skip
        return Response(EntryOutSerializer(entry).data, status=201)


class EntryEvaluateView(OrganizerView):
    @extend_schema(
        operation_id="supervision_entry_evaluate",
        summary="Score a unit on every item of the scoring sheet",
        request=EvaluateInSerializer,
        responses=EntryOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = entry_for(request, pk)
        data = EvaluateInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = competition_services.entry_evaluate(
            actor=request.user, entry=entry, scores=data.validated_data["scores"]
        )
        return Response(EntryOutSerializer(entry).data)


class EntryAwardView(OrganizerView):
    @extend_schema(
        operation_id="supervision_entry_award",
        summary="Give (or, with an empty award, withdraw) a unit's award; refused (409) for a "
        "unit with a fatal accident in the year",
        request=AwardInSerializer,
        responses=EntryOutSerializer,
    )
    def post(self, request: Request, pk: int) -> Response:
        entry = entry_for(request, pk)
        data = AwardInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        entry = competition_services.entry_award(
            actor=request.user, entry=entry, award=data.validated_data["award"]
        )
        return Response(EntryOutSerializer(entry).data)


# 三同时 and inspectors' reports --------------------------------------------------------


class ProjectReviewInSerializer(serializers.Serializer):
    milestone = serializers.ChoiceField(choices=ProjectReview.Milestone.choices)
    reviewed_on = serializers.DateField()
    compliant = serializers.BooleanField()
    opinion = serializers.CharField(max_length=2000)
    finding = FindingInSerializer(
        required=False, allow_null=True, default=None,
        help_text="the improvement request; required when not compliant",
    )  # fmt: skip


class ProjectReviewOutSerializer(serializers.ModelSerializer):
    finding = FindingOutSerializer(allow_null=True)

    class Meta:
        model = ProjectReview
        fields = ("id", "milestone", "reviewed_on", "compliant", "opinion", "finding")


class ProjectOutSerializer(serializers.ModelSerializer):
    workplace_name = serializers.CharField(source="workplace.name")
    reviews = ProjectReviewOutSerializer(many=True)

    class Meta:
        model = Project
        fields = ("id", "workplace", "workplace_name", "name", "kind", "started_on",
                  "description", "reviews")  # fmt: skip


class InspectorReportInSerializer(FindingInSerializer):
    workplace = serializers.IntegerField(min_value=1, max_value=2**62)


class ProjectListView(OrganizerView):
    @extend_schema(
        operation_id="supervision_projects_list",
        summary="三同时 projects at workplaces under the organizer's unions",
        responses=ProjectOutSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = projects_in_scope(organizer_scope(request))[:200]
        return Response(ProjectOutSerializer(qs, many=True).data)


class ProjectReviewView(OrganizerView):
    @extend_schema(
        operation_id="supervision_project_review",
        summary="Record the union's review at a milestone; non-compliance opens a finding",
        request=ProjectReviewInSerializer,
        responses={201: ProjectOutSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = projects_in_scope(organizer_scope(request)).filter(pk=pk).first()
        if project is None:
            raise NotFound(_("没有这个项目，或不在您的管理范围内。"), field="id")
        data = ProjectReviewInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        raw = v.pop("finding", None)
        finding = FindingInput(**raw) if raw else None
        project_services.project_review(actor=request.user, project=project, finding=finding, **v)
        project = projects_in_scope(organizer_scope(request)).get(pk=pk)
        return Response(ProjectOutSerializer(project).data, status=201)


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
