"""Back office for the network. Every list is scoped to the user's unions; every save and
delete goes through ``stations.services`` so the admin obeys the same rules as the API and
imports. A station's hours, closures and services are handed to ``station_save`` with the
station, so the row and its read-side copies are written in one transaction."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db.models import Max, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from leaflet.admin import LeafletGeoAdmin, LeafletGeoAdminMixin
from simple_history.admin import SimpleHistoryAdmin

from core import time as local_time
from core.admin import ReadOnlyForOrganizersMixin, ScopedAdminMixin, ServiceWritesAdminMixin
from core.admin_import import TabularAdminMixin, TabularExportMixin
from core.errors import DomainError
from core.scoping import scope_for, users_in_scope
from stations.models import (
    Closure,
    FacilityReport,
    Feedback,
    Inspection,
    Membership,
    OpeningPeriod,
    Region,
    Service,
    ServiceAlias,
    Station,
    Union,
    Visit,
)
from stations.resources import StationResource, VisitResource
from stations.services import inspections, public_reports, service_aliases
from stations.services.memberships import (
    membership_change,
    membership_check,
    membership_grant,
    membership_revoke,
)
from stations.services.regions_unions import region_delete, region_save, union_delete, union_save
from stations.services.stations import (
    ClosureInput,
    PeriodInput,
    service_delete,
    service_save,
    station_delete,
    station_save,
    station_set_status,
)


@admin.register(Region)
class RegionAdmin(ReadOnlyForOrganizersMixin, LeafletGeoAdmin):
    list_display = ("code", "name", "name_en", "level", "parent")
    list_select_related = ("parent",)
    list_filter = ("level",)
    search_fields = ("code", "name", "name_en")
    autocomplete_fields = ("parent",)

    def save_model(self, request: HttpRequest, obj: Region, form: Any, change: bool) -> None:
        region_save(actor=request.user, region=obj)

    def delete_model(self, request: HttpRequest, obj: Region) -> None:
        region_delete(actor=request.user, region=obj)


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


@admin.register(Union)
class UnionAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
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
        union_save(actor=request.user, union=obj)

    def delete_model(self, request: HttpRequest, obj: Union) -> None:
        union_delete(actor=request.user, union=obj)


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


class UsernameField(forms.CharField):
    """A user named by their exact login name.

    A select would list every account of the whole network to any organizer; a name
    typed in discloses nothing (the same message for "no such user" as for a typo).
    """

    def clean(self, value: Any) -> Any:
        username = super().clean(value)
        if not username:
            return None
        user = get_user_model().objects.filter(username=username, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("没有这个登录名的在用账号。"), code="unknown_user")
        return user

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, int):
            user = get_user_model().objects.filter(pk=value).first()
            return user.get_username() if user else ""
        return getattr(value, "username", value)


class MembershipForm(forms.ModelForm):
    """Checks the membership with the same rules as the services, as field errors."""

    actor: Any = None  # set per request by MembershipAdmin.get_form
    user = UsernameField(label=_("登录名"), max_length=150)

    def clean_user(self) -> Any:
        """A login name outside the organizer's scope gets the answer of a name that does
        not exist: the form does not tell whether another union's account exists."""
        user = self.cleaned_data.get("user")
        if user is not None and not users_in_scope(self.actor).filter(pk=user.pk).exists():
            raise forms.ValidationError(_("没有这个登录名的在用账号。"), code="unknown_user")
        return user

    class Meta:
        model = Membership
        fields = ("user", "union", "role", "stations")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.errors:
            return data
        existing = self.instance if self.instance.pk else None
        try:
            membership_check(
                actor=self.actor,
                user=data.get("user") or self.instance.user,
                union=data["union"],
                role=data["role"],
                stations=data.get("stations") or (),
                membership=existing,
            )
        except DomainError as exc:
            self.add_error(exc.field if exc.field in self.fields else None, exc.message)
        return data


@admin.register(Membership)
class MembershipAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    form = MembershipForm
    list_display = ("user", "union", "role", "created_at")
    list_filter = ("role", "union")
    search_fields = ("user__username", "union__name")
    autocomplete_fields = ("stations",)
    list_select_related = ("user", "union")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        # A role moves to another person by revoking it and granting a new one.
        return ("user",) if obj is not None else ()

    def get_form(self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any):
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"actor": request.user})

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "stations":
            kwargs["queryset"] = self._scope(request).filter(
                Station.objects.select_related("union")
            )
        return super().formfield_for_manytomany(db_field, request, **kwargs)

    def save_model(self, request: HttpRequest, obj: Membership, form: Any, change: bool) -> None:
        data = form.cleaned_data
        if change:
            saved = membership_change(
                actor=request.user,
                membership=obj,
                role=data["role"],
                union=data["union"],
                stations=data.get("stations") or (),
            )
        else:
            saved = membership_grant(
                actor=request.user,
                user=data["user"],
                union=data["union"],
                role=data["role"],
                stations=data.get("stations") or (),
            )
        obj.pk, obj.created_at = saved.pk, saved.created_at

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """The stations were written by the service with the membership."""

    def delete_model(self, request: HttpRequest, obj: Membership) -> None:
        membership_revoke(actor=request.user, membership=obj)


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
