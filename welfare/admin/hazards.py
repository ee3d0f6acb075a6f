"""Hazard reports (moved only through their workflow), their rewards and the yearly
budgets."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext

from core import time as local_time
from core.admin import ReadOnlyScopedAdminMixin, ScopedAdminMixin
from core.errors import DomainError
from welfare import services
from welfare.models import HazardReport, HazardReward, RewardBudget
from welfare.selectors.rewards import reward_of


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
        reward = reward_of(obj)
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
