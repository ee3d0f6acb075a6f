"""Workers (read only; registered with consent), their health checks and follow-ups."""

from __future__ import annotations

from typing import Any

from django.contrib import admin, messages
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _

from core.admin import ReadOnlyScopedAdminMixin, ScopedAdminMixin
from core.admin_import import TabularImportMixin
from core.errors import DomainError
from core.scoping import is_organizer
from welfare import services
from welfare.admin.corrections import CorrectionForm
from welfare.models import HealthCheck, HealthFollowUp, Worker
from welfare.resources.workers import HealthCheckResource, WorkerResource


class HealthCheckForm(CorrectionForm):
    class Meta:
        model = HealthCheck
        fields = ("worker", "kind", "checked_on", "result", "notes")

    def service_validate(self, data: dict[str, Any]) -> None:
        services.health_check_validate(
            kind=data["kind"], checked_on=data["checked_on"], result=data["result"]
        )


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


@admin.register(HealthFollowUp)
class HealthFollowUpAdmin(ReadOnlyScopedAdminMixin, admin.ModelAdmin):
    """Read only: a follow-up follows from a check's result and closes with a later check."""

    union_path_field = "worker__union__path"
    list_display = ("worker", "reason", "due_on", "done_on")
    list_select_related = ("worker",)
    list_filter = ("reason",)

    def _covers(self, request: HttpRequest, obj: HealthFollowUp) -> bool:
        return self._scope(request).covers_union(obj.worker.union)
