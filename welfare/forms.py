"""Forms of the welfare HTML pages. They check the shape of the input and show field
errors; the rules themselves stay in ``welfare.services``, whose errors are put on the
field they name (``add_domain_error``)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.categories import WorkerCategory
from core.errors import DomainError
from stations.models import Region, Union
from welfare.models import Hazard, HazardReport, HealthCheck, Workplace


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the field it names, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


class RegionChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj: Region) -> str:
        parent = obj.parent.name if obj.parent_id else ""
        return f"{parent} · {obj.name}" if parent and obj.level == Region.Level.COUNTY else obj.name


def region_choices() -> QuerySet[Region]:
    """Counties and cities a reporter may pick, grouped by their city in code order."""
    return (
        Region.objects.filter(level__in=[Region.Level.COUNTY, Region.Level.PREFECTURE])
        .select_related("parent")
        .order_by("code")
    )


class HazardReportForm(forms.Form):
    """The public hazard form: a point picked on the map or an address, what and where."""

    lat = forms.FloatField(
        required=False, min_value=-90, max_value=90, widget=forms.HiddenInput(attrs={"id": "lat"})
    )
    lng = forms.FloatField(
        required=False, min_value=-180, max_value=180,
        widget=forms.HiddenInput(attrs={"id": "lng"}),
    )  # fmt: skip
    address = forms.CharField(label=_("地址"), required=False, max_length=300)
    region = RegionChoiceField(
        label=_("所在区县（只填地址时必选）"), queryset=Region.objects.none(), required=False,
        to_field_name="code", empty_label=_("请选择"),
    )  # fmt: skip
    category = forms.ChoiceField(label=_("类别"), choices=HazardReport.Category.choices)
    description = forms.CharField(label=_("描述"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 4}))  # fmt: skip
    photo = forms.FileField(
        label=_("照片（可选）"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip
    contact = forms.CharField(
        label=_("联系方式（可选）"), required=False, max_length=100,
        # The reporter's own phone (or e-mail): the phone keypad, and the phone may fill it.
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )  # fmt: skip

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["region"].queryset = region_choices()


class HazardStatusForm(forms.Form):
    # No length limit here: an over-long code is simply not found (404), like any other.
    code = forms.CharField(label=_("查询码"), strip=True, max_length=40)


class HotDaysForm(forms.Form):
    year = forms.IntegerField(
        label=_("年份"), required=False, min_value=2000, max_value=2100,
        error_messages={"invalid": _("year 必须是年份，例如 2027。")},
    )  # fmt: skip

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or local_time.today().year


class WorkerForm(forms.Form):
    """One worker registered at a workplace by an organizer."""

    workplace = forms.ModelChoiceField(label=_("作业场所"), queryset=Workplace.objects.none())
    name = forms.CharField(label=_("姓名"), max_length=50)
    id_last4 = forms.CharField(
        label=_("身份证后四位"), max_length=18, required=False,
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off"}),
    )  # fmt: skip
    phone = forms.CharField(
        label=_("手机号"), max_length=20, required=False,
        help_text=_("只保存加密摘要，不保存号码本身。"),
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )  # fmt: skip
    job = forms.CharField(label=_("岗位"), max_length=100, required=False)
    category = forms.ChoiceField(
        label=_("劳动者类别"), choices=WorkerCategory.choices, initial=WorkerCategory.OTHER
    )
    hazards = forms.MultipleChoiceField(
        label=_("接触危害因素"), choices=Hazard.choices, required=False,
        widget=forms.CheckboxSelectMultiple,
    )  # fmt: skip
    consent = forms.BooleanField(label=_("劳动者本人同意登记"), required=True)

    def __init__(self, *args: Any, workplaces: QuerySet[Workplace], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces


class RosterUploadForm(forms.Form):
    workplace = forms.ModelChoiceField(label=_("作业场所"), queryset=Workplace.objects.none())
    file = forms.FileField(
        label=_("名册（Excel .xlsx）"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def __init__(self, *args: Any, workplaces: QuerySet[Workplace], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["workplace"].queryset = workplaces


class RosterApplyForm(forms.Form):
    """The signed preview goes back with the organizer's confirmation."""

    # A signed roster preview: large for a big roster, bounded by the upload limit.
    payload = forms.CharField(widget=forms.HiddenInput, max_length=2_500_000)
    category = forms.ChoiceField(
        label=_("名册上劳动者的类别"), choices=WorkerCategory.choices, initial=WorkerCategory.OTHER
    )
    consent = forms.BooleanField(label=_("用人单位已取得名册上每位劳动者的同意"), required=True)


class LeaveForm(forms.Form):
    left_on = forms.DateField(
        label=_("离岗日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class HealthCheckRecordForm(forms.Form):
    kind = forms.ChoiceField(label=_("体检类型"), choices=HealthCheck.Kind.choices,
                             initial=HealthCheck.Kind.PERIODIC)  # fmt: skip
    checked_on = forms.DateField(
        label=_("体检日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    result = forms.ChoiceField(label=_("结论"), choices=HealthCheck.Result.choices)
    notes = forms.CharField(label=_("备注"), required=False, max_length=1000,
                            widget=forms.Textarea(attrs={"rows": 2}))  # fmt: skip


class HazardActionForm(forms.Form):
    """What the organizer decides about a report."""

    status = forms.ChoiceField(label=_("处理结果"), choices=HazardReport.Status.choices)
    grade = forms.ChoiceField(
        label=_("隐患等级"), choices=[("", "—"), *HazardReport.Grade.choices], required=False
    )
    note = forms.CharField(
        label=_("说明（举报人会看到）"), required=False, max_length=500,
        widget=forms.Textarea(attrs={"rows": 2}),
    )  # fmt: skip


class RewardPaidForm(forms.Form):
    paid_on = forms.DateField(
        label=_("发放日期"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class RewardBudgetForm(forms.Form):
    union = forms.ModelChoiceField(label=_("工会"), queryset=Union.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    amount = forms.DecimalField(label=_("预算（元）"), min_value=0, max_digits=12,
                                decimal_places=2)  # fmt: skip

    def __init__(self, *args: Any, unions: QuerySet[Union], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["union"].queryset = unions
