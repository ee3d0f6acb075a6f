"""Workplaces with their hazards (one service call) and their measurements."""

from __future__ import annotations

from typing import Any

from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from leaflet.admin import LeafletGeoAdmin

from core.admin import ScopedAdminMixin
from core.admin_import import TabularAdminMixin
from welfare import services
from welfare.admin.corrections import CorrectionForm
from welfare.models import Measurement, Workplace, WorkplaceHazard
from welfare.resources.workplaces import WorkplaceResource


class MeasurementForm(CorrectionForm):
    class Meta:
        model = Measurement
        fields = ("workplace", "measured_on", "point", "air_temperature", "wbgt", "intensity",
                  "exposure_percent")  # fmt: skip

    def service_validate(self, data: dict[str, Any]) -> None:
        services.measurement_validate(
            intensity=data["intensity"], exposure_percent=data["exposure_percent"]
        )


class WorkplaceHazardInline(admin.TabularInline):
    """Edited with the workplace; ``WorkplaceAdmin.save_related`` hands the rows to
    ``workplace_save``."""

    model = WorkplaceHazard
    extra = 1

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_staff

    has_add_permission = has_change_permission = has_delete_permission = has_view_permission


def hazards_from_formset(formset: Any) -> dict[str, dict[str, Any]]:
    """The hazards the inline forms leave: hazard type → headcount and exposure level."""
    hazards: dict[str, dict[str, Any]] = {}
    for form in formset.forms:
        data = getattr(form, "cleaned_data", None) or {}
        if not data.get("hazard") or data.get("DELETE"):
            continue  # an empty extra row, or one marked for removal
        hazards[data["hazard"]] = {
            "exposed": data.get("exposed") or 0,
            "noise_dba": data.get("noise_dba"),
            "dust_grade": data.get("dust_grade"),
        }
    return hazards


def describe_formset_changes(formset: Any, workplace: Workplace) -> None:
    """What ``formset.save()`` would have noted, for the admin's change message."""
    rows = {h.hazard: h for h in workplace.hazards.all()}
    formset.new_objects, formset.changed_objects, formset.deleted_objects = [], [], []
    for form in formset.initial_forms:
        if form.cleaned_data.get("DELETE") or form.instance.hazard not in rows:
            formset.deleted_objects.append(form.instance)
        elif form.has_changed():
            formset.changed_objects.append((rows[form.instance.hazard], form.changed_data))
    for form in formset.extra_forms:
        hazard = (form.cleaned_data or {}).get("hazard")
        if hazard in rows and not form.cleaned_data.get("DELETE"):
            formset.new_objects.append(rows[hazard])


@admin.register(Workplace)
class WorkplaceAdmin(ScopedAdminMixin, TabularAdminMixin, LeafletGeoAdmin):
    import_resource_class = WorkplaceResource

    list_display = ("name", "site", "credit_code", "region", "union", "industry", "altitude_m")
    list_select_related = ("region", "union")
    list_filter = ("hazards__hazard", "region__parent")
    search_fields = ("name", "credit_code", "address")
    inlines = [WorkplaceHazardInline]

    def save_model(self, request: HttpRequest, obj: Workplace, form: Any, change: bool) -> None:
        """Deferred: the workplace is written with its hazards in ``save_related``."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """One service call writes the workplace and its hazards (the inline is not saved
        by itself)."""
        inlines = [f for f in formsets if f.model is WorkplaceHazard]
        hazards = hazards_from_formset(inlines[0]) if inlines else None
        workplace = services.workplace_save(
            actor=request.user, workplace=form.instance, hazards=hazards
        )
        for formset in inlines:
            describe_formset_changes(formset, workplace)

    def delete_model(self, request: HttpRequest, obj: Workplace) -> None:
        services.workplace_delete(actor=request.user, workplace=obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet[Workplace]) -> None:
        for workplace in queryset:
            services.workplace_delete(actor=request.user, workplace=workplace)


@admin.register(Measurement)
class MeasurementAdmin(ScopedAdminMixin, admin.ModelAdmin):
    form = MeasurementForm
    union_path_field = "workplace__union__path"
    list_display = (
        "workplace", "measured_on", "air_temperature", "wbgt", "limit", "verdict", "cold_grade"
    )  # fmt: skip
    list_select_related = ("workplace",)
    list_filter = ("verdict", "intensity")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        computed = ("limit", "verdict", "cold_grade")
        return computed if obj is None else ("workplace", *computed)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a wrong reading is corrected, with a reason, not removed

    def _covers(self, request: HttpRequest, obj: Measurement) -> bool:
        return self._scope(request).covers_union(obj.workplace.union)

    def save_model(self, request: HttpRequest, obj: Measurement, form: Any, change: bool) -> None:
        if change:
            services.measurement_correct(
                actor=request.user, measurement=obj, measured_on=obj.measured_on,
                air_temperature=obj.air_temperature, wbgt=obj.wbgt, intensity=obj.intensity,
                exposure_percent=obj.exposure_percent, point=obj.point,
                reason=form.cleaned_data["reason"],
            )  # fmt: skip
            obj.refresh_from_db()
            return
        saved = services.measurement_record(
            actor=request.user, workplace=obj.workplace, measured_on=obj.measured_on,
            air_temperature=obj.air_temperature, wbgt=obj.wbgt, intensity=obj.intensity,
            exposure_percent=obj.exposure_percent, point=obj.point,
        )  # fmt: skip
        obj.pk = saved.pk
