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
from core.admin import ReadOnlyScopedAdminMixin, ScopedAdminMixin
from core.errors import DomainError
from supervision.models import (
    Accident,
    AccidentCheck,
    ChecklistTemplate,
    Competition,
    CompetitionEntry,
    Finding,
    FindingPhoto,
    Inspection,
    SafetyGroup,
)
from supervision.services import competitions as competition_services
from supervision.services import inspections as inspection_services


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


class FindingInline(admin.TabularInline):
    model = Finding
    fields = ("category", "severity", "description", "deadline", "responsible_person", "status")
    readonly_fields = fields
    extra = 0
    show_change_link = True

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Inspection)
class InspectionAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "workplace__union__path"
    list_display = ("workplace", "inspected_on", "inspectors", "recorded_by")
    list_select_related = ("workplace", "recorded_by")
    date_hierarchy = "inspected_on"
    search_fields = ("workplace__name", "inspectors")
    inlines = [FindingInline]


class FindingPhotoInline(admin.TabularInline):
    model = FindingPhoto
    fields = ("kind", "photo", "created_at")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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


class AccidentCheckInline(admin.TabularInline):
    model = AccidentCheck
    fields = ("kind", "done_on", "evidence")
    readonly_fields = fields
    extra = 0

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


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
