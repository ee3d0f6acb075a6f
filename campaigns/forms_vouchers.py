"""The organizer's form for a worker's daily voucher (清凉券)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from campaigns.models import Campaign, Item
from core.categories import WorkerCategory


class VoucherIssueForm(forms.Form):
    campaign = forms.ModelChoiceField(
        label=_("活动"), queryset=Campaign.objects.none(), empty_label=None,
        error_messages={"required": _("请选择活动。"), "invalid_choice": _("请选择活动。")},
    )  # fmt: skip
    phone = forms.CharField(
        label=_("劳动者手机号"), max_length=20,
        help_text=_("只用于生成券，系统只保存它的加密摘要。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    category = forms.ChoiceField(label=_("劳动者类别"), choices=WorkerCategory.choices)
    item = forms.ModelChoiceField(
        label=_("物资"), queryset=Item.objects.all(), to_field_name="code",
        error_messages={"required": _("请选择物资。"), "invalid_choice": _("请选择物资。")},
    )  # fmt: skip
    quantity = forms.IntegerField(label=_("数量"), min_value=1, max_value=100, initial=1)

    def __init__(self, *args: Any, campaigns: QuerySet[Campaign], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].queryset = campaigns  # type: ignore[attr-defined]
