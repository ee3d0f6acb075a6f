"""Back office for the network. Every list is scoped to the user's unions; every save goes
through ``stations.services`` so the admin obeys the same rules as the API and imports."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyForOrganizersMixin, ScopedAdminMixin
from core.scoping import scope_for
from stations import services
from stations.exceptions import StationsError
from stations.models import (
    Closure,
    FacilityReport,
    Feedback,
    Inspection,
    Membership,
    OpeningPeriod,
    Region,
    Service,
    Station,
    Union,
    Visit,
)
from stations.resources import StationResource


@admin.register(Region)
class RegionAdmin(ReadOnlyForOrganizersMixin, LeafletGeoAdmin):
    list_display = ("code", "name", "name_en", "level", "parent")
    list_select_related = ("parent",)
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("parent",)


@admin.register(Service)
class ServiceAdmin(ReadOnlyForOrganizersMixin, admin.ModelAdmin):
    list_display = ("code", "icon", "name", "name_en", "sort_order")
    search_fields = ("code", "name", "name_en")


@admin.register(Union)
class UnionAdmin(ScopedAdminMixin, admin.ModelAdmin):
    union_path_field = "path"
    list_display = ("name", "code", "kind", "region", "parent")
    list_select_related = ("region", "parent")
    list_filter = ("kind", "region__parent")
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("region",)
    readonly_fields = ("path", "depth")

    def _covers(self, request: HttpRequest, obj: Union) -> bool:
        return self._scope(request).covers_union(obj)

    def save_model(self, request: HttpRequest, obj: Union, form: Any, change: bool) -> None:
        services.union_save(actor=request.user, union=obj)


class StationChildInline(admin.TabularInline):
    """Hours and closures belong to the station: whoever may change it may change them."""

    extra = 0

    def _allowed(self, request: HttpRequest, obj: Station | None) -> bool:
        scope = scope_for(request.user)
        if not request.user.is_staff:
            return False
        if obj is None:
            return scope.is_superuser or bool(scope.union_paths)
        return scope.covers_station(obj)

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._allowed(request, obj)


class OpeningPeriodInline(StationChildInline):
    model = OpeningPeriod
    fields = ("weekday", "opens", "closes", "overnight", "season_start", "season_end")


class ClosureInline(StationChildInline):
    model = Closure


class RegionListFilter(admin.SimpleListFilter):
    title = _("所在市州")
    parameter_name = "prefecture"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [(r.code, r.name) for r in Region.objects.filter(level=Region.Level.PREFECTURE)]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Station]) -> QuerySet[Station]:
        if self.value():
            return queryset.filter(region__parent__code=self.value())
        return queryset


def inspection_cutoff() -> dt.date:
    return timezone.localdate() - dt.timedelta(days=settings.STATION_INSPECTION_MAX_AGE_DAYS)


class InspectionDueFilter(admin.SimpleListFilter):
    title = _("六有检查")
    parameter_name = "inspection"

    def lookups(self, request: HttpRequest, model_admin: Any) -> list[tuple[str, str]]:
        return [("overdue", _("超期未检查")), ("recent", _("近期已检查"))]

    def queryset(self, request: HttpRequest, queryset: QuerySet[Station]) -> QuerySet[Station]:
        cutoff = inspection_cutoff()
        overdue = Q(last_inspected_on__isnull=True) | Q(last_inspected_on__lt=cutoff)
        if self.value() == "overdue":
            return queryset.filter(overdue)
        if self.value() == "recent":
            return queryset.exclude(overdue)
        return queryset


@admin.register(Station)
class StationAdmin(ScopedAdminMixin, ImportExportMixin, LeafletGeoAdminMixin, SimpleHistoryAdmin):
    station_field = "pk"
    resource_classes = [StationResource]
    list_display = ("code", "name", "kind", "status", "region", "union", "last_inspected")
    list_filter = (
        RegionListFilter, InspectionDueFilter, "status", "kind", "services", "is_24h", "union",
        "is_demo",
    )  # fmt: skip
    search_fields = ("code", "name", "name_en", "address", "host_organization")
    list_select_related = ("region", "union")
    autocomplete_fields = ("region",)
    filter_horizontal = ("services",)
    inlines = [OpeningPeriodInline, ClosureInline]
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("code", "name", "name_en", "kind", "status", "is_demo")}),
        (_("归属"), {"fields": ("union", "region", "host_organization")}),
        (_("位置"), {"fields": ("location", "address", "phone")}),
        (
            _("设施"),
            {"fields": ("seats", "step_free", "accessible_toilet", "is_24h", "services")},
        ),
        (_("时间"), {"fields": ("created_at", "updated_at")}),
    )
    actions = ["pause_stations", "activate_stations"]

    def get_queryset(self, request: HttpRequest) -> QuerySet[Station]:
        return (
            super()
            .get_queryset(request)
            .annotate(last_inspected_on=Max("inspections__inspected_on"))
        )

    @admin.display(description=_("最近检查"), ordering="last_inspected_on")
    def last_inspected(self, obj: Station) -> str:
        day = getattr(obj, "last_inspected_on", None)
        if day is None:
            return format_html('<strong class="overdue">{}</strong>', _("从未检查"))
        if day < inspection_cutoff():
            return format_html('<strong class="overdue">{} ⚠</strong>', day)
        return str(day)

    def get_import_resource_kwargs(self, request: HttpRequest, **kwargs: Any) -> dict[str, Any]:
        return {**super().get_import_resource_kwargs(request, **kwargs), "actor": request.user}

    def save_model(self, request: HttpRequest, obj: Station, form: Any, change: bool) -> None:
        services.station_save(actor=request.user, station=obj)

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        super().save_related(request, form, formsets, change)
        services.station_refresh_cache(station=form.instance)

    @admin.action(description=_("暂停所选站点"))
    def pause_stations(self, request: HttpRequest, queryset: QuerySet[Station]) -> None:
        self._set_status(request, queryset, Station.Status.PAUSED)

    @admin.action(description=_("恢复所选站点运行"))
    def activate_stations(self, request: HttpRequest, queryset: QuerySet[Station]) -> None:
        self._set_status(request, queryset, Station.Status.ACTIVE)

    def _set_status(self, request: HttpRequest, queryset: QuerySet[Station], status: str) -> None:
        changed = 0
        for station in queryset.select_related("union"):
            try:
                services.station_set_status(actor=request.user, station=station, status=status)
                changed += 1
            except (StationsError, ValidationError) as exc:
                self.message_user(request, f"{station.code}: {exc}", messages.ERROR)
        self.message_user(request, _("已更新 %(n)d 个站点。") % {"n": changed})


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, admin.ModelAdmin):
    list_display = ("user", "union", "role", "created_at")
    list_filter = ("role", "union")
    search_fields = ("user__username", "union__name")
    autocomplete_fields = ("stations",)
    list_select_related = ("user", "union")

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "stations":
            kwargs["queryset"] = self._scope(request).filter(Station.objects.all())
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        services.membership_grant(actor=request.user, user=obj.user, union=obj.union, role=obj.role)
        if not obj.pk:
            obj.pk = Membership.objects.get(user=obj.user, union=obj.union, role=obj.role).pk


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
class VisitAdmin(StationChildAdmin):
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
                services.feedback_moderate(actor=request.user, feedback=feedback, status=status)
                done += 1
            except StationsError as exc:
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
        return False

    def save_model(
        self, request: HttpRequest, obj: FacilityReport, form: Any, change: bool
    ) -> None:
        FacilityReport.objects.filter(pk=obj.pk).update(note=obj.note)

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
                services.report_set_status(actor=request.user, report=report, status=status)
                done += 1
            except StationsError as exc:
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
        saved = services.inspection_record(
            actor=request.user, station=obj.station, inspected_on=obj.inspected_on,
            checks=checks, stars=obj.stars, notes=obj.notes,
        )  # fmt: skip
        obj.pk = saved.pk
