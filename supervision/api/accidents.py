"""Casualty accidents: registration, the four checks of 四不放过, the cause, closing,
the follow-up of the injured, and the statistics."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema, extend_schema_field
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound
from core.scoping import scope_for
from stations.models import Union
from supervision.api._common import OrganizerView
from supervision.models import (
    Accident,
    AccidentCategory,
    AccidentCause,
    AccidentCheck,
    InjuredPerson,
)
from supervision.selectors.accidents import (
    STAT_DIMENSIONS,
    accident_statistics,
    accidents_in_scope,
    injured_names_visible,
)
from supervision.selectors.workplaces import workplaces_in_scope
from supervision.services import accidents as accident_services


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
    accident = accidents_in_scope(scope_for(request.user)).filter(pk=pk).first()
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
        qs = accidents_in_scope(scope_for(request.user))
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
        scope = scope_for(request.user)
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
        scope = scope_for(request.user)
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
        scope = scope_for(request.user)
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
