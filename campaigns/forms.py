"""Forms of the organizer's campaign pages and of the voucher issue page: they parse and
bound what a person types; the services decide whether it may be done."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from campaigns.models import Allocation, Campaign, Item, Lot, StockLocation, Transfer
from core.categories import WorkerCategory

# Bounds that keep every number inside the database's integer columns.
MAX_QUANTITY = 10**8


def _item_field() -> forms.ModelChoiceField:
    return forms.ModelChoiceField(
        label=_("物资"), queryset=Item.objects.all(), to_field_name="code",
        error_messages={"required": _("请选择物资。"), "invalid_choice": _("请选择物资。")},
    )  # fmt: skip


def _quantity_field(label: str, **kwargs: Any) -> forms.IntegerField:
    return forms.IntegerField(label=label, max_value=MAX_QUANTITY, **kwargs)


class PlanTargetForm(forms.Form):
    """Which item, from which depot: what every action of the plan page works on. The items
    are the campaign's season's (``selectors.items_for_campaign``)."""

    item = _item_field()
    source = forms.ModelChoiceField(
        label=_("调出仓库"), queryset=StockLocation.objects.none(), to_field_name="code",
        error_messages={"required": _("请选择调出仓库。"),
                        "invalid_choice": _("请选择调出仓库。")},
    )  # fmt: skip

    def __init__(
        self, *args: Any, depots: QuerySet[StockLocation], items: QuerySet[Item] | None = None,
        **kwargs: Any,
    ) -> None:  # fmt: skip
        super().__init__(*args, **kwargs)
        self.fields["source"].queryset = depots
        if items is not None:
            self.fields["item"].queryset = items


WEIGHTING_CHOICES = [
    ("visits", _("按近期到访人次（各站）")),
    ("targets", _("按分类目标（目标类别的近期到访）")),
    ("exposed", _("按接触危害人数（作业场所）")),
]


class PlanForm(PlanTargetForm):
    weeks = forms.IntegerField(label=_("按近几周到访"), min_value=1, max_value=52, initial=4)
    minimum = _quantity_field(_("每站至少"), min_value=0, required=False, initial=0)
    maximum = _quantity_field(_("每站至多"), min_value=0, required=False)
    cap_percent = forms.IntegerField(
        label=_("单点上限（占总量 %）"), min_value=1, max_value=100, required=False
    )
    weighting = forms.ChoiceField(
        label=_("分配依据"), choices=WEIGHTING_CHOICES, required=False, initial="visits"
    )

    def clean_weighting(self) -> str:
        return self.cleaned_data.get("weighting") or "visits"

    def clean_minimum(self) -> int:
        return self.cleaned_data.get("minimum") or 0


class AllocationQuantitiesForm(PlanTargetForm):
    """One quantity field per draft line, named ``q-<id>`` (an empty field keeps the line)."""

    def __init__(self, *args: Any, allocations: list[Allocation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.allocations = allocations
        for allocation in allocations:
            self.fields[f"q-{allocation.pk}"] = _quantity_field(
                f"{allocation.location.code}", min_value=0, required=False
            )

    def changed_quantities(self) -> list[tuple[Allocation, int]]:
        out = []
        for allocation in self.allocations:
            quantity = self.cleaned_data.get(f"q-{allocation.pk}")
            if quantity is not None and quantity != allocation.quantity:
                out.append((allocation, quantity))
        return out


class HandOutForm(forms.Form):
    """A hand-out at one of ``locations`` (the places that hold stock)."""

    location = forms.ModelChoiceField(
        label=_("发放地点"), queryset=StockLocation.objects.none(), to_field_name="code",
        error_messages={"required": _("请选择发放地点。"),
                        "invalid_choice": _("请选择发放地点。")},
    )  # fmt: skip
    item = _item_field()
    quantity = _quantity_field(_("数量"), min_value=1)
    category = forms.ChoiceField(label=_("劳动者类别"), choices=WorkerCategory.choices)
    workers = _quantity_field(_("覆盖人数（整组发放）"), min_value=1, required=False, initial=1)
    phone = forms.CharField(
        label=_("或：劳动者手机号（只保存加密摘要，用于限领）"), max_length=20, required=False
    )
    reason = forms.CharField(
        label=_("覆盖人数超过物资可供人数的原因"), max_length=300, required=False
    )

    def __init__(self, *args: Any, locations: QuerySet[StockLocation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations

    def clean_workers(self) -> int:
        return self.cleaned_data.get("workers") or 1


class ReceiveGoodsForm(forms.Form):
    location = forms.ModelChoiceField(
        label=_("仓库"), queryset=StockLocation.objects.none(), to_field_name="code",
        error_messages={"required": _("请选择仓库。"), "invalid_choice": _("请选择仓库。")},
    )  # fmt: skip
    item = _item_field()
    quantity = _quantity_field(_("数量"), min_value=1)
    batch = forms.CharField(label=_("批号（有保质期的物资必填）"), max_length=60, required=False)
    expires_on = forms.DateField(
        label=_("有效期至"), required=False,
        error_messages={"invalid": _("有效期格式应为 2027-07-01。")},
    )  # fmt: skip

    def __init__(self, *args: Any, depots: QuerySet[StockLocation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = depots


class ReorderLevelForm(forms.Form):
    """The reorder level of an item at a location (0 removes it)."""

    location = forms.ModelChoiceField(
        label=_("地点"), queryset=StockLocation.objects.none(), to_field_name="code",
        error_messages={"required": _("请选择地点。"), "invalid_choice": _("请选择地点。")},
    )  # fmt: skip
    item = _item_field()
    level = _quantity_field(
        _("补货线（0 表示不提醒）"), min_value=0,
        error_messages={"required": _("请填写补货线。"), "invalid": _("补货线应为整数。"),
                        "min_value": _("补货线不能小于 0。")},
    )  # fmt: skip

    def __init__(self, *args: Any, locations: QuerySet[StockLocation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations


class WriteOffForm(forms.Form):
    """Write off one expired lot at one location."""

    location = forms.ModelChoiceField(
        label=_("地点"), queryset=StockLocation.objects.none(), to_field_name="code",
        error_messages={"required": _("请选择地点。"), "invalid_choice": _("请选择地点。")},
    )  # fmt: skip
    lot = forms.ModelChoiceField(
        label=_("批次"), queryset=Lot.objects.all(),
        error_messages={"required": _("请选择批次。"), "invalid_choice": _("没有这个批次。")},
    )  # fmt: skip

    def __init__(self, *args: Any, locations: QuerySet[StockLocation], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["location"].queryset = locations


class TransferReceiveForm(forms.Form):
    """What arrived of each line of a transfer, named ``got-<line id>`` (default: all)."""

    def __init__(self, *args: Any, transfer: Transfer, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.lines = list(transfer.lines.all())
        for line in self.lines:
            self.fields[f"got-{line.pk}"] = forms.IntegerField(
                label=f"{line.lot.item.name} {line.lot.batch}".strip(),
                min_value=0, max_value=line.quantity, required=False, initial=line.quantity,
            )  # fmt: skip
        self.fields["reason"] = forms.CharField(
            label=_("少收原因（实收少于调出时必填）"), required=False, max_length=300
        )

    def received(self) -> dict[int, int]:
        """Lot id → quantity counted, for the lines where a count was typed."""
        out: dict[int, int] = {}
        for line in self.lines:
            got = self.cleaned_data.get(f"got-{line.pk}")
            if got is not None:
                out[line.lot_id] = got
        return out

    def rows(self) -> list[tuple[Any, Any]]:
        return [(line, self[f"got-{line.pk}"]) for line in self.lines]


# Vouchers ---------------------------------------------------------------------------------


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
