"""Back office for supervision. Checklist templates are edited here (through
``checklist_template_save``); inspections, findings and accidents are recorded on the
organizer pages and the API and looked at here, and a finding moves only through its
rectification actions, which call the same services."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.admin import ReadOnlyScopedAdminMixin, ReadOnlyTabularInline, ScopedAdminMixin
from core.errors import DomainError
from supervision.models import (
    Accident,
    AccidentCheck,
    AppointedInspector,
    ChecklistTemplate,
    Competition,
    CompetitionEntry,
    Finding,
    FindingPhoto,
    HonourQuota,
    Inspection,
    InspectorAssessment,
    InspectorIncentive,
    InspectorTraining,
    Nomination,
    Notice,
    NoticeSeries,
    Project,
    ProjectReview,
    ProtectionCommittee,
    SafetyCard,
    SafetyGroup,
    SafetyInspector,
    StopWorkProposal,
    TeamSafetyMeeting,
    TrainingRecord,
)
from supervision.services import competitions as competition_services
from supervision.services import honours, notice_register, workplace_safety
from supervision.services import inspections as inspection_services
from supervision.services import inspectors as inspector_services
from supervision.services import projects as project_services


@admin.register(ChecklistTemplate)
class ChecklistTemplateAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "union", "active")
    list_select_related = ("union",)
    list_filter = ("active",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # inspections keep a link to their template: retire it instead

    def save_model(
        self, request: HttpRequest, obj: ChecklistTemplate, form: Any, change: bool
    ) -> None:
        inspection_services.checklist_template_save(actor=request.user, template=obj)


class FindingInline(ReadOnlyTabularInline):
    model = Finding
    fields = ("category", "severity", "description", "deadline", "responsible_person", "status")
    show_change_link = True


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "workplace__union__path"
    list_display = ("workplace", "inspected_on", "inspectors", "recorded_by")
    list_select_related = ("workplace", "recorded_by")
    date_hierarchy = "inspected_on"
    search_fields = ("workplace__name", "inspectors")
    inlines = [FindingInline]


class FindingPhotoInline(ReadOnlyTabularInline):
    model = FindingPhoto
    fields = ("kind", "photo", "created_at")


@admin.register(Finding)
class FindingAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Read only, but for the actions of the rectification path."""

    union_path_field = "workplace__union__path"
    list_display = ("workplace", "category", "severity", "deadline", "status",
                    "overdue_alerted_on")  # fmt: skip
    list_select_related = ("workplace",)
    list_filter = ("status", "severity", "category", "source")
    search_fields = ("workplace__name", "description", "responsible_person")
    inlines = [FindingPhotoInline]
    actions = ["verify_today"]

    def has_verify_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and self._scope(request).is_organizer

    @admin.action(description=_("今天验证整改"), permissions=["verify"])
    def verify_today(self, request: HttpRequest, queryset: Any) -> None:
        for finding in queryset:
            try:
                inspection_services.finding_verify(
                    actor=request.user, finding=finding, verified_on=local_time.today()
                )
            except DomainError as exc:
                self.message_user(request, f"{finding}: {exc.message}", messages.ERROR)


class AccidentCheckInline(ReadOnlyTabularInline):
    model = AccidentCheck
    fields = ("kind", "done_on", "evidence")


@admin.register(Accident)
class AccidentAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Read only; the names of the people hurt are not shown here (only the handling
    organizer sees them, on the accident's page and in the API)."""

    union_path_field = "workplace__union__path"
    list_display = ("workplace", "occurred_on", "category", "deaths", "serious", "minor",
                    "status")  # fmt: skip
    list_select_related = ("workplace",)
    list_filter = ("status", "category", "cause")
    date_hierarchy = "occurred_on"
    search_fields = ("workplace__name", "place")
    exclude = ("handler",)
    inlines = [AccidentCheckInline]


@admin.register(Competition)
class CompetitionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """A competition and its scoring sheet; its status moves through the actions."""

    list_display = ("name", "year", "union", "status")
    list_select_related = ("union",)
    list_filter = ("year", "status")
    readonly_fields = ("status",)
    actions = ["close_enrolment", "close_competition"]

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: Competition, form: Any, change: bool) -> None:
        competition_services.competition_save(actor=request.user, competition=obj)

    def _advance(self, request: HttpRequest, queryset: Any, status: str) -> None:
        for competition in queryset:
            try:
                competition_services.competition_advance(
                    actor=request.user, competition=competition, status=status
                )
            except DomainError as exc:
                self.message_user(request, f"{competition}: {exc.message}", messages.ERROR)

    @admin.action(description=_("报名截止，开始评审"))
    def close_enrolment(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, Competition.Status.EVALUATING)

    @admin.action(description=_("竞赛结束"))
    def close_competition(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, Competition.Status.CLOSED)


@admin.register(CompetitionEntry)
class CompetitionEntryAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "competition__union__path"
    list_display = ("competition", "unit_name", "total", "award", "excluded")
    list_select_related = ("competition", "workplace", "unit_union")
    list_filter = ("competition__year", "award", "excluded")


@admin.register(SafetyGroup)
class SafetyGroupAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "entry__competition__union__path"
    list_display = ("name", "entry", "leader", "members", "score", "award")
    list_select_related = ("entry__competition", "entry__workplace", "entry__unit_union")


class ProjectReviewInline(ReadOnlyTabularInline):
    model = ProjectReview
    fields = ("milestone", "reviewed_on", "compliant", "opinion", "finding")


class NoDeleteScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Rows kept for the record: changed through their service, never deleted here."""

    union_path_field = "workplace__union__path"

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Project)
class ProjectAdmin(NoDeleteScopedAdmin):
    """A 三同时 project; the milestone reviews are recorded through the API (they may open
    a finding) and shown here."""

    list_display = ("name", "workplace", "kind", "started_on")
    list_select_related = ("workplace",)
    inlines = [ProjectReviewInline]

    def save_model(self, request: HttpRequest, obj: Project, form: Any, change: bool) -> None:
        project_services.project_save(actor=request.user, project=obj)


@admin.register(SafetyInspector)
class SafetyInspectorAdmin(NoDeleteScopedAdmin):
    list_display = ("name", "workplace", "appointed_on", "active")
    list_select_related = ("workplace",)
    list_filter = ("active",)
    raw_id_fields = ("user",)  # never a list of every account

    def save_model(
        self, request: HttpRequest, obj: SafetyInspector, form: Any, change: bool
    ) -> None:
        inspector_services.inspector_save(actor=request.user, inspector=obj)


class AddOnlyScopedAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Records added through their service and kept as they are (history shows them)."""

    union_path_field = "inspector__workplace__union__path"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return obj is None and super().has_change_permission(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(InspectorTraining)
class InspectorTrainingAdmin(AddOnlyScopedAdmin):
    list_display = ("inspector", "held_on", "topic", "hours")
    list_select_related = ("inspector",)

    def save_model(
        self, request: HttpRequest, obj: InspectorTraining, form: Any, change: bool
    ) -> None:
        saved = inspector_services.inspector_training_add(
            actor=request.user, inspector=obj.inspector, held_on=obj.held_on, topic=obj.topic,
            hours=obj.hours,
        )  # fmt: skip
        obj.pk, obj._state.adding = saved.pk, False


@admin.register(InspectorAssessment)
class InspectorAssessmentAdmin(AddOnlyScopedAdmin):
    list_display = ("inspector", "year", "result")
    list_select_related = ("inspector",)

    def save_model(
        self, request: HttpRequest, obj: InspectorAssessment, form: Any, change: bool
    ) -> None:
        saved = inspector_services.inspector_assess(
            actor=request.user, inspector=obj.inspector, year=obj.year, result=obj.result,
            note=obj.note,
        )  # fmt: skip
        obj.pk, obj._state.adding = saved.pk, False


@admin.register(SafetyCard)
class SafetyCardAdmin(NoDeleteScopedAdmin):
    list_display = ("workplace", "kind", "in_place", "checked_on")
    list_select_related = ("workplace",)
    list_filter = ("kind", "in_place")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("workplace", "kind") if obj is not None else ()

    def save_model(self, request: HttpRequest, obj: SafetyCard, form: Any, change: bool) -> None:
        saved = workplace_safety.safety_card_record(
            actor=request.user, workplace=obj.workplace, kind=obj.kind, in_place=obj.in_place,
            checked_on=obj.checked_on, note=obj.note,
        )  # fmt: skip
        obj.pk, obj._state.adding = saved.pk, False


@admin.register(TrainingRecord)
class TrainingRecordAdmin(NoDeleteScopedAdmin):
    union_path_field = "union__path"
    list_display = ("held_on", "title", "kind", "union", "workplace", "reached")
    list_select_related = ("union", "workplace")
    list_filter = ("kind",)
    date_hierarchy = "held_on"

    def save_model(
        self, request: HttpRequest, obj: TrainingRecord, form: Any, change: bool
    ) -> None:
        workplace_safety.training_record_save(actor=request.user, record=obj)


@admin.register(NoticeSeries)
class NoticeSeriesAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Each union's 发文字号 prefix; the numbers themselves are given at issue."""

    list_display = ("union", "prefix")
    list_select_related = ("union",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: NoticeSeries, form: Any, change: bool) -> None:
        notice_register.notice_series_save(actor=request.user, series=obj)


@admin.register(Notice)
class NoticeAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """The register as issued (issue, service and reply are recorded on the inspection's
    page)."""

    list_display = ("document_number", "kind", "issued_on", "served_on", "reply_due",
                    "reply_received")  # fmt: skip
    list_select_related = ("union",)
    list_filter = ("kind", "year")
    search_fields = ("document_number",)
    exclude = ("pdf",)


@admin.register(AppointedInspector)
class AppointedInspectorAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "union", "certificate_number", "valid_from", "valid_until")
    list_select_related = ("union",)
    search_fields = ("name", "certificate_number")
    raw_id_fields = ("user",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # inspections name them: let the certificate lapse instead

    def save_model(
        self, request: HttpRequest, obj: AppointedInspector, form: Any, change: bool
    ) -> None:
        inspector_services.appointed_inspector_save(actor=request.user, inspector=obj)


@admin.register(StopWorkProposal)
class StopWorkProposalAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Recorded on the workplace's page (which alerts the unions above); looked at here."""

    union_path_field = "workplace__union__path"
    list_display = ("workplace", "kind", "proposed_at", "addressed_to", "alerted_at")
    list_select_related = ("workplace",)
    list_filter = ("kind",)


@admin.register(InspectorIncentive)
class InspectorIncentiveAdmin(ScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "inspector__workplace__union__path"
    list_display = ("inspector", "kind", "awarded_on", "amount", "awarded_by")
    list_select_related = ("inspector", "awarded_by")
    union_fields = ("awarded_by",)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(
        self, request: HttpRequest, obj: InspectorIncentive, form: Any, change: bool
    ) -> None:
        inspector_services.inspector_incentive_save(actor=request.user, incentive=obj)


@admin.register(ProtectionCommittee)
class ProtectionCommitteeAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("union", "workplace", "established_on", "members", "dissolved_on")
    list_select_related = ("union", "workplace")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # the statistics count it: record the day it was dissolved instead

    def save_model(
        self, request: HttpRequest, obj: ProtectionCommittee, form: Any, change: bool
    ) -> None:
        workplace_safety.committee_save(actor=request.user, committee=obj)


@admin.register(HonourQuota)
class HonourQuotaAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Quotas of 先进个人 and 示范企业 the competition's union gives the unions below."""

    union_path_field = "competition__union__path"
    list_display = ("competition", "union", "kind", "quota")
    list_select_related = ("competition", "union")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: HonourQuota, form: Any, change: bool) -> None:
        row = honours.honour_quota_set(
            actor=request.user, competition=obj.competition, union=obj.union, kind=obj.kind,
            quota=obj.quota,
        )  # fmt: skip
        obj.pk, obj._state.adding = row.pk, False


@admin.register(Nomination)
class NominationAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Nominations upward; approved or declined by the competition's union."""

    union_path_field = "competition__union__path"
    list_display = ("competition", "kind", "union", "workplace", "person_name", "status")
    list_select_related = ("competition", "union", "workplace")
    list_filter = ("kind", "status")
    actions = ("approve", "decline")

    def _decide(self, request: HttpRequest, queryset: Any, approve: bool) -> None:
        for nomination in queryset:
            try:
                honours.nomination_decide(
                    actor=request.user, nomination=nomination, approve=approve,
                    on=local_time.today(),
                )  # fmt: skip
            except DomainError as exc:
                self.message_user(request, f"{nomination}: {exc.message}", messages.ERROR)

    @admin.action(description=_("批准所选推荐"))
    def approve(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, True)

    @admin.action(description=_("不批准所选推荐"))
    def decline(self, request: HttpRequest, queryset: Any) -> None:
        self._decide(request, queryset, False)


@admin.register(TeamSafetyMeeting)
class TeamSafetyMeetingAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "workplace__union__path"
    list_display = ("workplace", "team", "held_on", "attendees", "hazardous_work_cards",
                    "emergency_cards", "checkup_cards")  # fmt: skip
    list_select_related = ("workplace",)
    date_hierarchy = "held_on"
