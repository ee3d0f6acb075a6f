"""A change of a recorded row (a check, a measurement) is a correction with a reason."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from core.errors import DomainError
from welfare import services
from welfare.forms import add_domain_error


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
