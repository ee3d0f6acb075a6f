"""What the supervision API views share: the organizer-only base view and the finding
serializers (a finding is reported from an inspection, a 三同时 review or an inspector)."""

from __future__ import annotations

from rest_framework import serializers
from rest_framework.renderers import JSONRenderer
from rest_framework.views import APIView

from core.access import IsOrganizer
from supervision.models import Finding


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


class OrganizerView(APIView):
    """An API view for organizers only (403 for anyone else); each view narrows its reads
    to the organizer's scope, and the services check every object again."""

    permission_classes = [IsOrganizer]
    renderer_classes = [JSONRenderer]
