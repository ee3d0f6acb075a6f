"""三同时 projects and the union's review at each milestone."""

from __future__ import annotations

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response

from core.errors import NotFound
from core.scoping import scope_for
from supervision.api._common import (
    FindingInSerializer,
    FindingOutSerializer,
    OrganizerView,
)
from supervision.models import (
    Project,
    ProjectReview,
)
from supervision.selectors.projects import projects_in_scope
from supervision.services import projects as project_services
from supervision.services.inspections import FindingInput


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


class ProjectListView(OrganizerView):
    @extend_schema(
        operation_id="supervision_projects_list",
        summary="三同时 projects at workplaces under the organizer's unions",
        responses=ProjectOutSerializer(many=True),
    )
    def get(self, request: Request) -> Response:
        qs = projects_in_scope(scope_for(request.user))[:200]
        return Response(ProjectOutSerializer(qs, many=True).data)


class ProjectReviewView(OrganizerView):
    @extend_schema(
        operation_id="supervision_project_review",
        summary="Record the union's review at a milestone; non-compliance opens a finding",
        request=ProjectReviewInSerializer,
        responses={201: ProjectOutSerializer},
    )
    def post(self, request: Request, pk: int) -> Response:
        project = projects_in_scope(scope_for(request.user)).filter(pk=pk).first()
        if project is None:
            raise NotFound(_("没有这个项目，或不在您的管理范围内。"), field="id")
        data = ProjectReviewInSerializer(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        raw = v.pop("finding", None)
        finding = FindingInput(**raw) if raw else None
        project_services.project_review(actor=request.user, project=project, finding=finding, **v)
        project = projects_in_scope(scope_for(request.user)).get(pk=pk)
        return Response(ProjectOutSerializer(project).data, status=201)
