"""Back office for stations and the service catalog. A station's hours, closures and
services are handed to ``station_save`` with the station, so the row and its read-side
copies are written in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from core import time as local_time
from core.admin import ReadOnlyForOrganizersMixin, ScopedAdminMixin, ServiceWritesAdminMixin
from core.admin_import import TabularAdminMixin
from core.errors import DomainError
from core.scoping import scope_for
from stations.models import Closure, OpeningPeriod, Region, Service, ServiceAlias, Station
from stations.resources.stations import StationResource
from stations.services import service_aliases
from stations.services.stations import (
    ClosureInput,
    PeriodInput,
    service_delete,
    service_save,
    station_delete,
    station_save,
    station_set_status,
)


@admin.register(Service)
class ServiceAdmin(ReadOnlyForOrganizersMixin, admin.ModelAdmin):
    list_display = ("code", "icon", "name", "name_en", "sort_order")
    search_fields = ("code", "name", "name_en")

    def save_model(self, request: HttpRequest, obj: Service, form: Any, change: bool) -> None:
        service_save(actor=request.user, service=obj)

    def delete_model(self, request: HttpRequest, obj: Service) -> None:
        service_delete(actor=request.user, service=obj)


@admin.register(ServiceAlias)
class ServiceAliasAdmin(ServiceWritesAdminMixin, admin.ModelAdmin):
    """The ways clerks write each service: organizers extend the list (an import's summary
    links here, with the unknown word filled in as ``?alias=``)."""

    list_display = ("alias", "service")
    list_select_related = ("service",)
    list_filter = ("service",)
    search_fields = ("alias", "service__name", "service__code")

    def _organizer(self, request: HttpRequest) -> bool:
        return (
            request.user.is_active
            and request.user.is_staff
            and scope_for(request.user).is_organizer
        )

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return self._organizer(request)

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._organizer(request)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self._organizer(request)

    def save_model(self, request: HttpRequest, obj: ServiceAlias, form: Any, change: bool) -> None:
        service_aliases.service_alias_save(actor=request.user, alias=obj)

    def delete_model(self, request: HttpRequest, obj: ServiceAlias) -> None:
        service_aliases.service_alias_delete(actor=request.user, alias=obj)


class StationChildInline(admin.TabularInline):
    """Hours and closures belong to the station: whoever may change it may change them."""

    extra = 0

    def _allowed(self, request: HttpRequest, obj: Station | None) -> bool:
        scope = scope_for(request.user)
        if not request.user.is_staff:
            return False
        if obj is None:
            return scope.is_organizer
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
    return local_time.today() - dt.timedelta(days=settings.STATION_INSPECTION_MAX_AGE_DAYS)


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


def _kept_rows(formset: Any) -> list[dict[str, Any]]:
    """The cleaned rows of an inline formset that stay: filled in and not marked deleted."""
    return [
        form.cleaned_data
        for form in formset.forms
        if form.cleaned_data and not form.cleaned_data.get("DELETE")
    ]


def _describe_unsaved(formset: Any) -> None:
    """Fill in what ``formset.save()`` would have recorded, for the admin's change log."""
    deleted = formset.deleted_forms
    formset.new_objects = [
        f.instance for f in formset.extra_forms if f.has_changed() and f not in deleted
    ]
    formset.changed_objects = [
        (f.instance, f.changed_data)
        for f in formset.initial_forms
        if f.has_changed() and f not in deleted
    ]
    formset.deleted_objects = [f.instance for f in deleted]


@admin.register(Station)
class StationAdmin(
    ScopedAdminMixin, TabularAdminMixin, LeafletGeoAdminMixin,
    SimpleHistoryAdmin,
):  # fmt: skip
    station_field = "pk"
    import_resource_class = StationResource
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
        (_("位置"), {"fields": ("location", "address", "phone", "altitude_m")}),
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

    def save_model(self, request: HttpRequest, obj: Station, form: Any, change: bool) -> None:
        """Deferred: ``save_related`` writes the station with its hours in one call."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        periods: list[PeriodInput] | None = None
        closures: list[ClosureInput] | None = None
        for formset in formsets:
            rows = _kept_rows(formset)
            if formset.model is OpeningPeriod:
                periods = [
                    PeriodInput(
                        weekday=row["weekday"], opens=row["opens"], closes=row["closes"],
                        overnight=row.get("overnight", False),
                        season_start=row.get("season_start", ""),
                        season_end=row.get("season_end", ""),
                    )
                    for row in rows
                ]  # fmt: skip
            elif formset.model is Closure:
                closures = [
                    ClosureInput(
                        starts_on=row["starts_on"], ends_on=row["ends_on"],
                        reason=row.get("reason", ""),
                    )
                    for row in rows
                ]  # fmt: skip
            _describe_unsaved(formset)
        chosen = form.cleaned_data.get("services")
        station_save(
            actor=request.user,
            station=form.instance,
            services=None if chosen is None else [service.code for service in chosen],
            periods=periods,
            closures=closures,
        )

    def delete_model(self, request: HttpRequest, obj: Station) -> None:
        station_delete(actor=request.user, station=obj)

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
                station_set_status(actor=request.user, station=station, status=status)
                changed += 1
            except (DomainError, ValidationError) as exc:
                self.message_user(request, f"{station.code}: {exc}", messages.ERROR)
        self.message_user(request, _("已更新 %(n)d 个站点。") % {"n": changed})
