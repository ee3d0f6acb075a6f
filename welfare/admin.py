"""Back office for welfare. Every save goes through ``welfare.services``: a workplace with
its hazards in one call, a check or measurement recorded when added and corrected (with a
reason, kept in its history) when changed. A hazard report's contact is shown only to the
organizer handling it."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext
from leaflet.admin import LeafletGeoAdmin
from simple_history.admin import SimpleHistoryAdmin

from core import time as local_time
from core.admin import ReadOnlyScopedAdminMixin, ScopedAdminMixin
from core.admin_import import TabularAdminMixin, TabularImportMixin
from core.errors import DomainError
from core.scoping import is_organizer
from stations.models import Region
from welfare import rules, services
from welfare.forms import add_domain_error
from welfare.models import (
    HazardReport,
    HazardReward,
    HealthCheck,
    HealthFollowUp,
    Measurement,
    OfficialAlert,
    ProvinceRule,
    RewardBudget,
    WeatherAlert,
    Worker,
    Workplace,
    WorkplaceHazard,
)
from welfare.resources.workers import HealthCheckResource, WorkerResource
from welfare.resources.workplaces import WorkplaceResource


class CorrectionForm(forms.ModelForm):
    """A change of a recorded row is a correction: it needs a reason, kept in the history."""

    reason = forms.CharField(
        label=_("更正原因"), required=False, max_length=services.REASON_MAX_LENGTH,
        help_text=_("修改已记录的数据时必填，会保存在修改历史里。"),
    )  # fmt: skip

    def service_validate(self, data: dict[str, Any]) -> None:
        """The service's own checks on the values (raises ``DomainError``)."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if self.instance.pk and not (data.get("reason") or "").strip():
            self.add_error("reason", _("请说明更正的原因。"))
        if not self.errors:
            try:
                self.service_validate(data)
            except DomainError as exc:
                add_domain_error(self, exc)
        return data


class HealthCheckForm(CorrectionForm):
    class Meta:
        model = HealthCheck
        fields = ("worker", "kind", "checked_on", "result", "notes")

    def service_validate(self, data: dict[str, Any]) -> None:
        services.health_check_validate(
            kind=data["kind"], checked_on=data["checked_on"], result=data["result"]
        )


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


@admin.register(Worker)
class WorkerAdmin(TabularImportMixin, ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Read only: a registration is made with the worker's consent
    (``services.worker_register``) and its schedule follows from the checks. Rosters are
    imported (with the employer's consent); never exported."""

    import_resource_class = WorkerResource

    def may_import(self, request: HttpRequest) -> bool:
        return is_organizer(request.user)

    list_display = ("name", "category", "workplace", "next_check_due", "needs_reassignment")
    list_select_related = ("workplace",)
    list_filter = ("category", "needs_reassignment")
    search_fields = ("name",)
    exclude = ("phone_key",)
    actions = ["erase_on_request"]

    @admin.action(description=_("应本人要求删除个人信息"))
    def erase_on_request(self, request: HttpRequest, queryset: QuerySet[Worker]) -> None:
        """PIPL: the person's data goes, the union's counts stay (services.worker_erase)."""
        erased = 0
        for worker in queryset:
            try:
                services.worker_erase(actor=request.user, worker=worker)
            except DomainError as exc:
                self.message_user(request, f"{worker}: {exc.message}", messages.ERROR)
            else:
                erased += 1
        if erased:
            self.message_user(request, _("已删除 %(n)d 位劳动者的个人信息。") % {"n": erased})


@admin.register(HealthCheck)
class HealthCheckAdmin(TabularImportMixin, ScopedAdminMixin, admin.ModelAdmin):
    form = HealthCheckForm
    import_resource_class = HealthCheckResource
    union_path_field = "worker__union__path"
    list_display = ("worker", "kind", "checked_on", "result", "next_due")
    list_select_related = ("worker",)
    list_filter = ("kind", "result")

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return ("next_due",) if obj is None else ("worker", "next_due")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False  # a wrong check is corrected, with a reason, not removed

    def _covers(self, request: HttpRequest, obj: HealthCheck) -> bool:
        return self._scope(request).covers_union(obj.worker.union)

    def save_model(self, request: HttpRequest, obj: HealthCheck, form: Any, change: bool) -> None:
        if change:
            services.health_check_correct(
                actor=request.user, check=obj, kind=obj.kind, checked_on=obj.checked_on,
                result=obj.result, notes=obj.notes, reason=form.cleaned_data["reason"],
            )  # fmt: skip
            obj.refresh_from_db()
            return
        saved = services.health_check_record(
            actor=request.user, worker=obj.worker, kind=obj.kind, checked_on=obj.checked_on,
            result=obj.result, notes=obj.notes,
        )  # fmt: skip
        obj.pk = saved.pk


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


@admin.register(HazardReport)
class HazardReportAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Read only: a report moves only through its workflow (the actions below)."""

    list_display = ("tracking_code", "category", "status", "grade", "union", "created_at")
    list_select_related = ("union",)
    list_filter = ("status", "category", "grade")
    search_fields = ("tracking_code", "description")
    actions = ["verify_general", "verify_major", "mark_unfounded", "refer", "pass_on",
               "mark_rectified", "close"]  # fmt: skip

    def get_fields(self, request: HttpRequest, obj: HazardReport | None = None) -> list[str]:
        fields = ["tracking_code", "category", "description", "address", "region", "union",
                  "status", "grade", "handler", "reward_text", "photo", "created_at"]  # fmt: skip
        if obj is not None and obj.handler_id == request.user.pk:
            fields.append("contact")  # only the handling organizer sees who reported
        return fields

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> list[str]:
        return self.get_fields(request, obj)

    @admin.display(description=_("举报奖励"))
    def reward_text(self, obj: HazardReport) -> str:
        reward = HazardReward.objects.filter(report=obj).first()
        if reward is None:
            return "—"
        state = pgettext("reward", "已发放") if reward.is_paid else pgettext("reward", "未发放")
        return f"{reward.amount} 元 · {state}"

    def has_add_permission(self, request: HttpRequest, *args: Any) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_handle_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and self._scope(request).is_organizer

    def _advance(
        self, request: HttpRequest, queryset: Any, status: str, grade: str = "", note: Any = ""
    ) -> None:
        for report in queryset:
            try:
                services.hazard_report_advance(
                    actor=request.user, report=report, status=status, grade=grade, note=str(note)
                )
            except DomainError as exc:
                self.message_user(request, f"{report.tracking_code}: {exc.message}", messages.ERROR)

    @admin.action(description=_("核实：一般隐患"), permissions=["handle"])
    def verify_general(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.VERIFIED, "general")

    @admin.action(description=_("核实：重大隐患"), permissions=["handle"])
    def verify_major(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.VERIFIED, "major")

    @admin.action(description=_("经核查不属实"), permissions=["handle"])
    def mark_unfounded(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.UNFOUNDED, note=_("经现场核查不属实"))

    @admin.action(description=_("转交主管部门"), permissions=["handle"])
    def refer(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.REFERRED, note=_("已转交主管部门"))

    @admin.action(description=_("已交企业整改"), permissions=["handle"])
    def pass_on(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.PASSED_ON)

    @admin.action(description=_("已整改"), permissions=["handle"])
    def mark_rectified(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.RECTIFIED)

    @admin.action(description=_("办结"), permissions=["handle"])
    def close(self, request: HttpRequest, queryset: Any) -> None:
        self._advance(request, queryset, HazardReport.Status.CLOSED)


@admin.register(HealthFollowUp)
class HealthFollowUpAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Read only: a follow-up follows from a check's result and closes with a later check."""

    union_path_field = "worker__union__path"
    list_display = ("worker", "reason", "due_on", "done_on")
    list_select_related = ("worker",)
    list_filter = ("reason",)

    def _covers(self, request: HttpRequest, obj: HealthFollowUp) -> bool:
        return self._scope(request).covers_union(obj.worker.union)


@admin.register(HazardReward)
class HazardRewardAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Read only, but for the action that records a payment (``reward_mark_paid``)."""

    list_display = ("report", "union", "year", "grade", "amount", "paid_on")
    list_select_related = ("report", "union")
    list_filter = ("year", "grade", ("paid_on", admin.EmptyFieldListFilter))
    actions = ["mark_paid_today"]

    def has_pay_permission(self, request: HttpRequest) -> bool:
        return request.user.is_staff and self._scope(request).is_organizer

    @admin.action(description=_("今天已发放"), permissions=["pay"])
    def mark_paid_today(self, request: HttpRequest, queryset: Any) -> None:
        for reward in queryset:
            try:
                services.reward_mark_paid(
                    actor=request.user, reward=reward, paid_on=local_time.today()
                )
            except DomainError as exc:
                self.message_user(request, f"{reward.report}: {exc.message}", messages.ERROR)


class RewardBudgetForm(forms.ModelForm):
    class Meta:
        model = RewardBudget
        fields = ("union", "year", "amount")


@admin.register(RewardBudget)
class RewardBudgetAdmin(ScopedAdminMixin, admin.ModelAdmin):
    """Budgets are set through ``reward_budget_set`` (never below what was paid)."""

    form = RewardBudgetForm
    list_display = ("union", "year", "amount")
    list_select_related = ("union",)
    list_filter = ("year",)

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is None else ("union", "year")

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def save_model(self, request: HttpRequest, obj: RewardBudget, form: Any, change: bool) -> None:
        saved = services.reward_budget_set(
            actor=request.user, union=obj.union, year=obj.year, amount=obj.amount
        )
        obj.pk = saved.pk


@admin.register(WeatherAlert)
class WeatherAlertAdmin(admin.ModelAdmin):
    """Public information (the map shows it to everyone); written only by the forecast."""

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


@admin.register(OfficialAlert)
class OfficialAlertAdmin(admin.ModelAdmin):
    """Signals as the meteorological offices issued them: public, written only by the
    ingest (feed poll, ``load_official_alerts``); nobody edits what an office issued."""

    list_display = ("sent", "headline", "sender_name", "colour", "msg_type", "expires",
                    "withdrawn_at")  # fmt: skip
    list_filter = ("msg_type", "colour", "kind")
    search_fields = ("identifier", "headline", "sender", "sender_name")

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


class ProvinceRuleForm(forms.ModelForm):
    reason = forms.CharField(
        label=_("修改原因"), required=False, max_length=services.REASON_MAX_LENGTH,
        help_text=_("会保存在修改历史里。"),
    )  # fmt: skip

    class Meta:
        model = ProvinceRule
        fields = ("key", "region", "value", "source")

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not self.errors:
            try:
                key = data.get("key") or self.instance.key
                rules.validate(key=key, value=data.get("value"))
            except DomainError as exc:
                add_domain_error(self, exc)
        return data


@admin.register(ProvinceRule)
class ProvinceRuleAdmin(ScopedAdminMixin, SimpleHistoryAdmin):
    """A province's union edits its own rules (and those of the divisions beneath it);
    the defaults only superusers. Saved through ``province_rule_save``, with history."""

    form = ProvinceRuleForm
    union_path_field = "region__unions__path"
    list_display = ("key", "region", "source", "updated_at")
    list_select_related = ("region",)
    list_filter = ("key",)

    def get_queryset(self, request: HttpRequest) -> QuerySet[ProvinceRule]:
        return super().get_queryset(request).distinct()

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any):
        if db_field.name == "region":
            codes = services.rule_region_codes_for(request.user)
            if codes is not None:
                kwargs["queryset"] = Region.objects.filter(code__in=codes)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return request.user.is_superuser

    def get_readonly_fields(self, request: HttpRequest, obj: Any = None) -> tuple[str, ...]:
        return () if obj is None else ("key", "region")

    def save_model(self, request: HttpRequest, obj: ProvinceRule, form: Any, change: bool) -> None:
        saved = services.province_rule_save(
            actor=request.user, key=obj.key, region=obj.region, value=obj.value,
            source=obj.source, reason=form.cleaned_data.get("reason") or None,
        )  # fmt: skip
        obj.pk = saved.pk
