"""安康杯 competitions: the list, the ranking, enrolling units, scoring and awards."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound
from core.scoping import scope_for
from stations.models import Union
from supervision.api._common import OrganizerView
from supervision.models import (
    Award,
    Competition,
    CompetitionEntry,
)
from supervision.selectors.competitions import (
    RANKING_DIMENSIONS,
    competition_ranking,
    competitions_in_scope,
)
from supervision.selectors.workplaces import workplaces_in_scope
from supervision.services import competitions as competition_services


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
    competition = competitions_in_scope(scope_for(request.user)).filter(pk=pk).first()
    if competition is None:
        raise NotFound(_("没有这个竞赛，或不在您的管理范围内。"), field="id")
    return competition


def entry_for(request: Request, pk: int) -> CompetitionEntry:
    scope = scope_for(request.user)
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
        qs = competitions_in_scope(scope_for(request.user))[:200]
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
        scope = scope_for(request.user)
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
