"""Back office for the rows that belong to a station: visits (read only), workers'
feedback and facility reports (handled by actions) and the "六有" inspections. Scoped
through the station's union."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from core.admin_import import TabularExportMixin
from core.errors import DomainError
from stations.models import FacilityReport, Feedback, Inspection, Station, Visit
from stations.resources.visits import VisitResource
from stations.services import inspections, public_reports


class StationChildAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """Rows that belong to a station: scoped through the station's union."""

    union_path_field = "station__union__path"
    list_select_related = ("station",)

    def _covers(self, request: HttpRequest, obj: Any) -> bool:
        return self._scope(request).covers_station(obj.station)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "station":
            kwargs["queryset"] = self._scope(request).filter(Station.objects.all())
        return super().formfield_for_foreignkey(db_field, request, **kwargs)


@admin.register(Visit)
class VisitAdmin(TabularExportMixin, StationChildAdmin):
    import_resource_class = VisitResource
    list_display = ("occurred_at", "station", "category", "recorded_by", "received_at")
    list_select_related = ("station", "recorded_by")
    list_filter = ("category", ("occurred_at", admin.DateFieldListFilter))
    search_fields = ("station__code", "station__name", "uuid")
    date_hierarchy = "occurred_at"
    readonly_fields = [f.name for f in Visit._meta.fields]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # visits arrive through the desk and its API

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False


@admin.register(Feedback)
class FeedbackAdmin(StationChildAdmin):
    list_display = ("created_at", "station", "rating", "comment", "status", "moderated_by")
    list_select_related = ("station", "moderated_by")
    list_filter = ("status", "rating")
    search_fields = ("station__code", "station__name", "comment")
    readonly_fields = ("station", "rating", "comment", "status", "created_at", "moderated_by",
                       "moderated_at")  # fmt: skip
    actions = ["approve", "hide"]

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # feedback comes from workers

    def save_model(self, request: HttpRequest, obj: Feedback, form: Any, change: bool) -> None:
        """Every field is read-only: feedback changes only by the moderation actions."""

    def delete_model(self, request: HttpRequest, obj: Feedback) -> None:
        public_reports.feedback_delete(actor=request.user, feedback=obj)

    @admin.action(description=_("通过所选留言"))
    def approve(self, request: HttpRequest, queryset: QuerySet[Feedback]) -> None:
        self._moderate(request, queryset, Feedback.Status.APPROVED)

    @admin.action(description=_("隐藏所选留言"))
    def hide(self, request: HttpRequest, queryset: QuerySet[Feedback]) -> None:
        self._moderate(request, queryset, Feedback.Status.HIDDEN)

    def _moderate(self, request: HttpRequest, queryset: QuerySet[Feedback], status: str) -> None:
        done = 0
        for feedback in queryset:
            try:
                public_reports.feedback_moderate(
                    actor=request.user, feedback=feedback, status=status
                )
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{feedback.pk}: {exc.message}", messages.ERROR)
        self.message_user(request, _("已处理 %(n)d 条。") % {"n": done})


@admin.register(FacilityReport)
class FacilityReportAdmin(StationChildAdmin):
    list_display = ("created_at", "station", "kind", "status", "handled_by", "has_photo")
    list_select_related = ("station", "handled_by")
    list_filter = ("status", "kind")
    search_fields = ("station__code", "station__name", "description")
    readonly_fields = ("station", "kind", "description", "photo", "status", "created_at",
                       "updated_at", "handled_by")  # fmt: skip
    fields = (*readonly_fields, "note")
    actions = ["mark_in_progress", "mark_fixed", "mark_dismissed"]

    @admin.display(boolean=True, description=_("照片"))
    def has_photo(self, obj: FacilityReport) -> bool:
        return bool(obj.photo)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # reports come from workers

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # The handling note is the one field an organizer writes here.
        organizer = request.user.is_staff and self._scope(request).is_organizer
        return organizer and (obj is None or self._covers(request, obj))

    def save_model(
        self, request: HttpRequest, obj: FacilityReport, form: Any, change: bool
    ) -> None:
        public_reports.report_set_note(
            actor=request.user, report=obj, note=form.cleaned_data.get("note", "")
        )

    def delete_model(self, request: HttpRequest, obj: FacilityReport) -> None:
        public_reports.report_delete(actor=request.user, report=obj)

    @admin.action(description=_("标记为处理中"))
    def mark_in_progress(self, request: HttpRequest, queryset: QuerySet[FacilityReport]) -> None:
        self._move(request, queryset, FacilityReport.Status.IN_PROGRESS)

    @admin.action(description=_("标记为已修复"))
    def mark_fixed(self, request: HttpRequest, queryset: QuerySet[FacilityReport]) -> None:
        self._move(request, queryset, FacilityReport.Status.FIXED)

    @admin.action(description=_("标记为不予处理"))
    def mark_dismissed(self, request: HttpRequest, queryset: QuerySet[FacilityReport]) -> None:
        self._move(request, queryset, FacilityReport.Status.DISMISSED)

    def _move(self, request: HttpRequest, queryset: QuerySet[FacilityReport], status: str) -> None:
        done = 0
        for report in queryset:
            try:
                public_reports.report_set_status(actor=request.user, report=report, status=status)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{report.pk}: {exc.message}", messages.ERROR)
        self.message_user(request, _("已处理 %(n)d 条。") % {"n": done})


@admin.register(Inspection)
class InspectionAdmin(StationChildAdmin):
    list_display = ("inspected_on", "station", "stars", "passed_checks", "inspector")
    list_select_related = ("station", "inspector")
    list_filter = ("stars", ("inspected_on", admin.DateFieldListFilter))
    search_fields = ("station__code", "station__name", "notes")
    autocomplete_fields = ("station",)
    exclude = ("inspector",)
    date_hierarchy = "inspected_on"

    @admin.display(description=_("通过项"))
    def passed_checks(self, obj: Inspection) -> str:
        return f"{obj.passed}/6"

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        # An inspection is a record of what was seen that day: add a new one instead.
        return obj is None and super().has_change_permission(request, obj)

    def save_model(self, request: HttpRequest, obj: Inspection, form: Any, change: bool) -> None:
        checks = {
            code: (getattr(obj, f"{code}_ok"), getattr(obj, f"{code}_note"))
            for code, _label in Inspection.CHECKS
        }
        saved = inspections.inspection_record(
            actor=request.user, station=obj.station, inspected_on=obj.inspected_on,
            checks=checks, stars=obj.stars, notes=obj.notes,
        )  # fmt: skip
        obj.pk = saved.pk

    def delete_model(self, request: HttpRequest, obj: Inspection) -> None:
        inspections.inspection_delete(actor=request.user, inspection=obj)
