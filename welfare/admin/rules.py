"""Province rules: a province's union edits its own, with history."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ScopedAdminMixin
from core.errors import DomainError
from stations.models import Region
from welfare import rules, services
from welfare.forms import add_domain_error
from welfare.models import ProvinceRule


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
