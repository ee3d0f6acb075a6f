"""Back office for welfare. Workplaces and checks are saved through the services; a hazard
report's contact is shown only to the organizer handling it."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from leaflet.admin import LeafletGeoAdmin

from core.admin import ScopedAdminMixin
from core.errors import DomainError
from welfare import services
from welfare.models import (
    HazardReport,
    HealthCheck,
    Measurement,
    WeatherAlert,
    Worker,
    Workplace,
    WorkplaceHazard,
)
from welfare.resources import WorkplaceResource


class WorkplaceHazardInline(admin.TabularInline):
    model = WorkplaceHazard
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


@admin.register(Workplace)
class WorkplaceAdmin(ScopedAdminMixin, ImportExportMixin, LeafletGeoAdmin):
    resource_classes = [WorkplaceResource]

    list_display = ("name", "credit_code", "region", "union", "industry")
    list_select_related = ("region", "union")
    list_filter = ("hazards__hazard", "region__parent")
    search_fields = ("name", "credit_code", "address")
    inlines = [WorkplaceHazardInline]

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_import_resource_kwargs(request, **kwargs), "actor": request.user}

    def save_model(self, request: HttpRequest, obj: Workplace, form: Any, change: bool) -> None:
        services.workplace_save(actor=request.user, workplace=obj)


@admin.register(Worker)
class WorkerAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("name", "category", "workplace", "next_check_due", "needs_reassignment")
    list_select_related = ("workplace",)
    list_filter = ("category", "needs_reassignment")
    search_fields = ("name",)
    exclude = ("phone_key",)
    readonly_fields = ("consent_at", "next_check_due", "needs_reassignment")

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False  # registration needs recorded consent: welfare.services.worker_register


@admin.register(HealthCheck)
class HealthCheckAdmin(ScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "worker__union__path"
    list_display = ("worker", "kind", "checked_on", "result", "next_due")
    list_select_related = ("worker",)
    list_filter = ("kind", "result")
    readonly_fields = ("next_due",)
    exclude = ("recorded_by",)

    def _covers(self, request: HttpRequest, obj: HealthCheck) -> bool:
        return self._scope(request).covers_union(obj.worker.union)

    def save_model(self, request: HttpRequest, obj: HealthCheck, form: Any, change: bool) -> None:
        saved = services.health_check_record(
            actor=request.user, worker=obj.worker, kind=obj.kind, checked_on=obj.checked_on,
            result=obj.result, notes=obj.notes,
        )  # fmt: skip
        obj.pk = saved.pk


@admin.register(Measurement)
class MeasurementAdmin(ScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "workplace__union__path"
    list_display = ("workplace", "measured_on", "air_temperature", "wbgt", "limit", "verdict")
    list_select_related = ("workplace",)
    list_filter = ("verdict", "intensity")

    def _covers(self, request: HttpRequest, obj: Measurement) -> bool:
        return self._scope(request).covers_union(obj.workplace.union)

    def save_model(self, request: HttpRequest, obj: Measurement, form: Any, change: bool) -> None:
        saved = services.measurement_record(
            actor=request.user, workplace=obj.workplace, measured_on=obj.measured_on,
            air_temperature=obj.air_temperature, wbgt=obj.wbgt, intensity=obj.intensity,
            exposure_percent=obj.exposure_percent, point=obj.point,
        )  # fmt: skip
        obj.pk = saved.pk


@admin.register(HazardReport)
class HazardReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("tracking_code", "category", "status", "grade", "union", "created_at")
    list_select_related = ("union",)
    list_filter = ("status", "category", "grade")
    search_fields = ("tracking_code", "description")
    actions = ["verify_general", "verify_major", "pass_on", "mark_rectified", "close"]

    def get_fields(self, request: HttpRequest, obj: HazardReport | None = None) -> list[str]:
        fields = ["tracking_code", "category", "description", "address", "region", "union",
                  "status", "grade", "handler", "reward", "photo", "created_at"]  # fmt: skip
        if obj is not None and obj.handler_id == request.user.pk:
            fields.append("contact")  # only the handling organizer sees who reported
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def _advance(self, request: HttpRequest, queryset: Any, status: str, grade: str = "") -> None:
        for report in queryset:
            try:
                services.hazard_report_advance(
                    actor=request.user, report=report, status=status, grade=grade
                )
            except DomainError as exc:
                self.message_user(request, f"{report.tracking_code}: {exc.message}", messages.ERROR)

    @admin.action(description=_("核实：一般隐患"))
    def verify_general(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.VERIFIED, "general")

    @admin.action(description=_("核实：重大隐患"))
    def verify_major(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.VERIFIED, "major")

    @admin.action(description=_("已移交企业或主管部门"))
    def pass_on(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.PASSED_ON)

    @admin.action(description=_("已整改"))
    def mark_rectified(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.RECTIFIED)

    @admin.action(description=_("办结"))
    def close(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.CLOSED)


@admin.register(WeatherAlert)
class WeatherAlertAdmin(admin.ModelAdmin):
    list_display = ("day", "region", "kind", "level", "temperature", "stale")
    list_select_related = ("region",)
    list_filter = ("kind", "level", "stale")

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
