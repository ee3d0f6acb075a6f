"""Forms of the welfare HTML pages. They check the shape of the input and show field
errors; the rules themselves stay in ``welfare.services``, whose errors are put on the
field they name (``add_domain_error``)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from core import time as local_time
from core.errors import DomainError
from welfare.models import HazardReport


def add_domain_error(form: forms.Form, exc: DomainError) -> None:
    """Show a service's refusal on the field it names, else above the form."""
    form.add_error(exc.field if exc.field in form.fields else None, exc.message)


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
    category = forms.ChoiceField(label=_("类别"), choices=HazardReport.Category.choices)
    description = forms.CharField(label=_("描述"), max_length=2000, widget=forms.Textarea(
        attrs={"rows": 4}))  # fmt: skip
    photo = forms.FileField(
        label=_("照片（可选）"), required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )  # fmt: skip
    contact = forms.CharField(
        label=_("联系方式（可选）"), required=False, max_length=100,
        widget=forms.TextInput(attrs={"autocomplete": "off"}),
    )  # fmt: skip


class HazardStatusForm(forms.Form):
    # No length limit here: an over-long code is simply not found (404), like any other.
    code = forms.CharField(label=_("查询码"), strip=True)


class HotDaysForm(forms.Form):
    year = forms.IntegerField(
        label=_("年份"), required=False, min_value=2000, max_value=2100,
        error_messages={"invalid": _("year 必须是年份，例如 2027。")},
    )  # fmt: skip

    def clean_year(self) -> int:
        return self.cleaned_data.get("year") or local_time.today().year
