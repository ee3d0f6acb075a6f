"""Back office for the network. Every list is scoped to the user's unions; every save goes
through ``stations.services`` so the admin obeys the same rules as the API and imports."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from import_export.admin import ImportExportMixin
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from stations import services
from stations.exceptions import StationsError
from stations.models import Closure, Membership, OpeningPeriod, Region, Service, Station, Union
from stations.resources import StationResource
from stations.scoping import scope_for


class ScopedAdminMixin:
    """Show and allow only rows under the user's unions (superusers: everything)."""

    union_path_field = "union__path"
    station_field: str | None = None

    def _scope(self, request: HttpRequest):
        return scope_for(request.user)

    def get_queryset(self, request: HttpRequest) -> QuerySet[Any]:
        qs = super().get_queryset(request)  # type: ignore[misc]
        return self._scope(request).filter(
            qs, union_path_field=self.union_path_field, station_field=self.station_field
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        scope = self._scope(request)
        return request.user.is_active and request.user.is_staff and not scope.is_empty

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        scope = self._scope(request)
        return request.user.is_staff and (scope.is_superuser or bool(scope.union_paths))

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if not self.has_add_permission(request):
            return False
        return obj is None or self._covers(request, obj)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_change_permission(request, obj)

    def _covers(self, request: HttpRequest, obj: Any) -> bool:
        return self._scope(request).covers_union(obj.union)

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name in ("union", "parent") and db_field.related_model is Union:
            kwargs["queryset"] = self._scope(request).filter(
                Union.objects.all(), union_path_field="path"
            )
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]


class ReadOnlyForOrganizersMixin:
    """Reference data: everyone in a union may look, only superusers change it."""

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return request.user.is_superuser

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser


@admin.register(Region)
class RegionAdmin(ReadOnlyForOrganizersMixin, LeafletGeoAdmin):
    list_display = ("code", "name", "name_en", "level", "parent")
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


@admin.register(Station)
class StationAdmin(ScopedAdminMixin, ImportExportMixin, LeafletGeoAdminMixin, SimpleHistoryAdmin):
    station_field = "pk"
    resource_classes = [StationResource]
    list_display = ("code", "name", "kind", "status", "region", "union", "is_24h", "updated_at")
    list_filter = (RegionListFilter, "status", "kind", "services", "is_24h", "union", "is_demo")
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
